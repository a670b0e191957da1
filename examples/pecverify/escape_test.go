package main

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"CONSEGNA: Fattura n. 12 – però è già pagata", "CONSEGNA: Fattura n. 12 – però è già pagata"},
		{"x\r../f.eml  accettazione  certified", `x\r../f.eml  accettazione  certified`},
		{"a\nb\tc", `a\nb\tc`},
		{"\x1b[2K\x1b[1Gfake", `\x1b[2K\x1b[1Gfake`},
		{"del\x7f", `del\x7f`},
		{"c1\u0085\u009b", `c1\u0085\u009b`},
		{"rtl\u202egpj.exe", `rtl\u202egpj.exe`},
		{"zw\u200bj", `zw\u200bj`},
		{"nbsp\u00a0x", `nbsp\u00a0x`},
		{"bad\xff\xc3", `bad\xff\xc3`},
		{`back\slash`, `back\\slash`},
		{"emoji 📄", "emoji 📄"},
		{"tag\U000e0041", `tag\U000e0041`},
		{"", ""},
	}
	for _, tt := range tests {
		got := clean(tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
		assert.True(t, utf8.ValidString(got))
		for _, r := range got {
			assert.False(t, r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0), "%q left in %q", r, got)
		}
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	long := errors.New("pec: not a mail message: \"" + strings.Repeat("\x00\xff", 400) + "\"")
	got := errorText(long)
	assert.True(t, strings.HasSuffix(got, "…"))
	assert.LessOrEqual(t, width(strings.NewReplacer(`\x00`, "0", `\xff`, "f").Replace(got)), maxErrorRunes+1)
	assert.NotContains(t, got, "\x00")
	assert.Equal(t, "short", errorText(errors.New("short")))
	assert.Equal(t, 5, width("però!")-0)
}

// FuzzClean: whatever the input, the output is valid UTF-8 without any control or
// non-printable character, and plain printable text is kept as it is.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "però", "a\rb", "\x1b[2J", "\xff", "\u202e", `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := clean(s)
		if !utf8.ValidString(got) {
			t.Fatalf("clean(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if r != ' ' && !unicode.IsPrint(r) {
				t.Fatalf("clean(%q) = %q keeps %U", s, got, r)
			}
		}
		if !strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) }) && got != s {
			t.Fatalf("clean(%q) = %q changed printable text", s, got)
		}
	})
}
