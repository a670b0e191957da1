package pec_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/pec"
)

const breveEnvelope = "../testdata/messages/breve/02-posta-certificata-bob@pec.example.org.eml"

// The evidence of a transport envelope: daticert.xml, the original message as stored
// and the document the sender attached to it.
func ExampleExtract() {
	m, err := pec.ReadFile(breveEnvelope, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "evidence")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	files, err := pec.Extract(m, filepath.Join(dir, pec.SafeFileName("02-posta-certificata.eml")), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		fmt.Println(filepath.ToSlash(rel))
	}
	// Output:
	// 02-posta-certificata.eml/daticert.xml
	// 02-posta-certificata.eml/postacert.eml
	// 02-posta-certificata.eml/allegato.bin
}

func TestSafeFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("è", 100) + ".pdf" // 200 bytes of stem
	tests := []struct {
		in, want string
	}{
		{"fattura.pdf", "fattura.pdf"},
		{"Fattura n. 12 – però.pdf", "Fattura n. 12 – però.pdf"},
		{"../../etc/passwd", "_._etc_passwd"},
		{"..", ""},
		{"...", ""},
		{".bashrc", "bashrc"},
		{"a..b.pdf", "a.b.pdf"},
		{`C:\Windows\x.exe`, "C__Windows_x.exe"},
		{"evil\r\nCERTIFIED.pdf", "evil__CERTIFIED.pdf"},
		{"esc\x1b[2Jx", "esc_[2Jx"},
		{"bad\xff\xfe.txt", "bad__.txt"},
		{"rtl\u202etxt.exe", "rtl_txt.exe"},
		{"a<b>c:d\"e|f?g*h", "a_b_c_d_e_f_g_h"},
		{" trailing. ", "trailing"},
		{"", ""},
		{long, strings.Repeat("è", 58) + ".pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := pec.SafeFileName(tt.in)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len(got), pec.DefaultExtractMaxNameBytes)
			assert.NotContains(t, got, "/")
			assert.NotContains(t, got, "..")
		})
	}
}

func readBreve(t *testing.T) *pec.Message {
	t.Helper()
	m, err := pec.ReadFile(breveEnvelope, nil)
	require.NoError(t, err)
	return m
}

func TestExtract(t *testing.T) {
	t.Parallel()
	m := readBreve(t)
	dir := filepath.Join(t.TempDir(), "msg")

	files, err := pec.Extract(m, dir, nil)
	require.NoError(t, err)
	require.Len(t, files, 3)
	for _, f := range files {
		assert.Equal(t, dir, filepath.Dir(f))
	}
	post, err := os.ReadFile(filepath.Join(dir, "postacert.eml"))
	require.NoError(t, err)
	assert.Contains(t, string(post), "Subject: Fattura marzo")
	assert.Equal(t, m.Original.Subject, "Fattura marzo")
	bin, err := os.ReadFile(filepath.Join(dir, "allegato.bin"))
	require.NoError(t, err)
	assert.Equal(t, m.Original.Attachments[0].Data, bin)

	// A second extraction into the same folder numbers every name.
	again, err := pec.Extract(m, dir, nil)
	require.NoError(t, err)
	var names []string
	for _, f := range again {
		names = append(names, filepath.Base(f))
	}
	assert.Equal(t, []string{"daticert (2).xml", "postacert (2).eml", "allegato (2).bin"}, names)
}

func TestExtractNeverFollowsSymlinks(t *testing.T) {
	t.Parallel()
	m := readBreve(t)
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	require.NoError(t, os.WriteFile(outside, []byte("keep"), 0o644))

	t.Run("planted file", func(t *testing.T) {
		dir := filepath.Join(base, "planted")
		require.NoError(t, os.Mkdir(dir, 0o755))
		require.NoError(t, os.Symlink(outside, filepath.Join(dir, "daticert.xml")))
		files, err := pec.Extract(m, dir, nil)
		require.NoError(t, err)
		assert.Equal(t, "daticert (2).xml", filepath.Base(files[0]))
		got, err := os.ReadFile(outside)
		require.NoError(t, err)
		assert.Equal(t, "keep", string(got))
	})
	t.Run("folder is a symlink", func(t *testing.T) {
		real := filepath.Join(base, "real")
		require.NoError(t, os.Mkdir(real, 0o755))
		link := filepath.Join(base, "link")
		require.NoError(t, os.Symlink(real, link))
		files, err := pec.Extract(m, link, nil)
		assert.ErrorIs(t, err, pec.ErrUnsafePath)
		assert.Empty(t, files)
		entries, err := os.ReadDir(real)
		require.NoError(t, err)
		assert.Empty(t, entries)
	})
	t.Run("folder is a file", func(t *testing.T) {
		_, err := pec.Extract(m, outside, nil)
		assert.ErrorIs(t, err, pec.ErrUnsafePath)
	})
}

func TestExtractLimits(t *testing.T) {
	t.Parallel()
	m := readBreve(t)
	t.Run("MaxFiles at the limit", func(t *testing.T) {
		files, err := pec.Extract(m, filepath.Join(t.TempDir(), "m"), &pec.ExtractOptions{MaxFiles: 3})
		require.NoError(t, err)
		assert.Len(t, files, 3)
	})
	t.Run("MaxFiles one past", func(t *testing.T) {
		files, err := pec.Extract(m, filepath.Join(t.TempDir(), "m"), &pec.ExtractOptions{MaxFiles: 2})
		require.ErrorIs(t, err, pec.ErrTooLarge)
		var le *pec.LimitError
		require.True(t, errors.As(err, &le))
		assert.Equal(t, "MaxFiles", le.Limit)
		assert.Len(t, files, 2)
	})
	name := func(n int) *pec.Message {
		c := *m
		c.Attachments = []pec.Attachment{{Name: strings.Repeat("a", n-4) + ".pdf", Data: []byte("x"), Loaded: true, Size: 1}}
		c.Original = nil
		return &c
	}
	t.Run("MaxNameBytes at the limit", func(t *testing.T) {
		files, err := pec.Extract(name(20), filepath.Join(t.TempDir(), "m"), &pec.ExtractOptions{MaxNameBytes: 20})
		require.NoError(t, err)
		assert.Equal(t, strings.Repeat("a", 16)+".pdf", filepath.Base(files[0]))
	})
	t.Run("MaxNameBytes one past", func(t *testing.T) {
		files, err := pec.Extract(name(21), filepath.Join(t.TempDir(), "m"), &pec.ExtractOptions{MaxNameBytes: 20})
		require.NoError(t, err)
		assert.Equal(t, strings.Repeat("a", 16)+".pdf", filepath.Base(files[0]))
	})
	t.Run("unnamed part", func(t *testing.T) {
		c := *m
		c.Attachments = []pec.Attachment{{Name: "..", Data: []byte("x"), Loaded: true, Size: 1}}
		c.Original = nil
		files, err := pec.Extract(&c, filepath.Join(t.TempDir(), "m"), nil)
		require.NoError(t, err)
		assert.Equal(t, "part-1", filepath.Base(files[0]))
	})
}

// FuzzSafeFileName: a safe name never has a separator, "..", a control character or
// a leading dot, and is never longer than the limit.
func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"", "fattura.pdf", "../../x", ".hidden", "a\r\nb", "\xff\xfe", strings.Repeat("é", 200) + ".pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := pec.SafeFileName(s)
		if len(got) > pec.DefaultExtractMaxNameBytes || strings.ContainsAny(got, "/\\") || strings.Contains(got, "..") ||
			strings.HasPrefix(got, ".") || !utf8.ValidString(got) {
			t.Fatalf("SafeFileName(%q) = %q", s, got)
		}
		for _, r := range got {
			if r < ' ' || r == 0x7f || (r != ' ' && !unicode.IsPrint(r)) {
				t.Fatalf("SafeFileName(%q) = %q keeps %U", s, got, r)
			}
		}
	})
}
