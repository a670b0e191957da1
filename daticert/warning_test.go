package daticert_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
)

// TestParseControlChars covers rule 7's tolerance: a C0 control character in
// the text of an element (a genuine Register.it oggetto had one) is read as
// U+FFFD and reported, one warning per element; the certificate stays valid.
func TestParseControlChars(t *testing.T) {
	t.Parallel()
	base := baseDoc(t)
	repl := func(doc, old, new string) string {
		require.Contains(t, doc, old)
		return strings.Replace(doc, old, new, 1)
	}
	type w struct {
		path string
		line int
	}
	tests := []struct {
		name  string
		doc   string
		edit  func(c *daticert.Cert)
		warns []w
	}{
		{"one in oggetto", repl(base, "Contratto di fornitura", "Contratto\x01di fornitura"),
			func(c *daticert.Cert) { c.Subject = "Contratto\uFFFDdi fornitura" },
			[]w{{"postacert/intestazione/oggetto", 8}}},
		{"several in one element", repl(base, "Contratto di fornitura", "\x1fContratto\x02di\x03fornitura\x7f"),
			func(c *daticert.Cert) { c.Subject = "\uFFFDContratto\uFFFDdi\uFFFDfornitura\x7f" },
			[]w{{"postacert/intestazione/oggetto", 8}}},
		{"NUL and ESC in two elements", repl(repl(base, "Contratto di fornitura", "Contratto\x00"), "Other PEC S.r.l.", "Other\x1bPEC S.r.l."),
			func(c *daticert.Cert) { c.Subject, c.Provider = "Contratto\uFFFD", "Other\uFFFDPEC S.r.l." },
			[]w{{"postacert/intestazione/oggetto", 8}, {"postacert/dati/gestore-emittente", 11}}},
		{"next to references and CRLF", strings.ReplaceAll(repl(base, "Contratto di fornitura", "A &amp;\x01B"), "\n", "\r\n"),
			func(c *daticert.Cert) { c.Subject = "A &\uFFFDB" },
			[]w{{"postacert/intestazione/oggetto", 8}}},
		{"ISO-8859-1 document", repl(repl(base, `encoding="UTF-8"`, `encoding="ISO-8859-1"`), "Contratto di fornitura", "Perch\xe9\x01no"),
			func(c *daticert.Cert) { c.Subject = "Perché\uFFFDno" },
			[]w{{"postacert/intestazione/oggetto", 8}}},
		{"trailing control trimmed like white space would not be", repl(base, "Contratto di fornitura", "Contratto di fornitura\x0b"),
			func(c *daticert.Cert) { c.Subject = "Contratto di fornitura\uFFFD" },
			[]w{{"postacert/intestazione/oggetto", 8}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := daticert.Parse([]byte(tt.doc), nil)
			require.NoError(t, err)
			require.NoError(t, c.Validate())
			var got []w
			for _, x := range c.Warnings {
				assert.Equal(t, daticert.WarnControlChar, x.Code)
				assert.NotEmpty(t, x.String())
				got = append(got, w{x.Path, x.Line})
			}
			assert.Equal(t, tt.warns, got)
			want := validCert()
			tt.edit(want)
			c.Raw, c.Warnings = nil, nil
			assert.Equal(t, want, c)
		})
	}
}

// TestParseControlCharsLimit fills a document up to MaxBytes with control
// characters: Parse reads it, within the documented 8-fold copy.
func TestParseControlCharsLimit(t *testing.T) {
	t.Parallel()
	base := baseDoc(t)
	opts := &daticert.ParseOptions{MaxBytes: 64 << 10}
	fill := strings.Repeat("\x01", opts.MaxBytes-len(base))
	doc := strings.Replace(base, "Contratto di fornitura", "Contratto di fornitura"+fill, 1)
	require.Len(t, doc, opts.MaxBytes)
	c, err := daticert.Parse([]byte(doc), opts)
	require.NoError(t, err)
	require.Len(t, c.Warnings, 1)
	assert.Equal(t, strings.Count(c.Subject, "\uFFFD"), len(fill))

	_, err = daticert.Parse([]byte(doc+"\x01"), opts)
	require.ErrorIs(t, err, daticert.ErrTooLarge)
}

func TestWarningString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "line 8: postacert/intestazione/oggetto: x (control-char)",
		daticert.Warning{Code: daticert.WarnControlChar, Path: "postacert/intestazione/oggetto", Line: 8, Detail: "x"}.String())
	assert.Equal(t, "x (control-char)", daticert.Warning{Code: daticert.WarnControlChar, Detail: "x"}.String())
}
