package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ordinary is a plain message with the given raw Subject field value.
func ordinary(subject string) []byte {
	return []byte("From: mallory@mail.example.com\r\n" +
		"To: bob@pec.example.org\r\n" +
		"Subject: " + subject + "\r\n" +
		"Message-ID: <lie@mail.example.com>\r\n" +
		"\r\n" +
		"body\r\n")
}

// TestOutputCannotLie: subjects and file names holding CR, ESC sequences, bidi
// overrides or invalid UTF-8 cannot draw a line of their own in the human output,
// and accented names keep the columns aligned.
func TestOutputCannotLie(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fake := "../../testdata/messages/exchange/01-accettazione.eml  accettazione  certified  Example PEC S.p.A."
	files := []struct{ name, subject string }{
		// A CR returns to the start of the line and overwrites it with a certified line.
		{"1-cr.eml", "=?utf-8?q?Fattura=0D" + strings.ReplaceAll(fake, " ", "_") + "?="},
		// ESC sequences erase the line and move the cursor.
		{"2-esc.eml", "=?utf-8?q?x=1B[2K=1B[1G=1B[32mcertified=1B[0m?="},
		// A newline inside the subject would start a new record.
		{"3-lf.eml", "=?utf-8?q?a=0Afake.eml__posta-certificata__certified?="},
		// A right-to-left override reorders what follows.
		{"4-bidi.eml", "=?utf-8?q?fattura=E2=80=AEfdp.exe?="},
		// Accents count one column each.
		{"5-però-già.eml", "Verifica però già fatta"},
		// A file name with a CR and one with invalid UTF-8.
		{"6-evil\rcertified.eml", "ok"},
		{"7-bad\xff.eml", "ok"},
	}
	for _, f := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f.name), ordinary(f.subject), 0o644))
	}
	out, _, code := runCmd(t, "-v", dir)
	assert.Equal(t, 1, code)
	assert.NotContains(t, out, "\r")
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\u202e")
	assert.True(t, utf8.ValidString(out))

	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(l, "    ") {
			lines = append(lines, l)
		}
	}
	require.Len(t, lines, len(files), "one line per message:\n%s", out)
	// Columns align in runes: the verdict starts at the same rune on every line.
	col := -1
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, clean(dir)), l)
		i := strings.Index(l, "  absent  ")
		require.GreaterOrEqual(t, i, 0, l)
		c := utf8.RuneCountInString(l[:i])
		if col == -1 {
			col = c
		}
		assert.Equal(t, col, c, "misaligned: %q", l)
	}
	golden(t, "lies.txt", strings.ReplaceAll(out, clean(dir), "DIR"))
}
