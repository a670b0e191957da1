package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxErrorRunes caps the length of an error text in the output: errors may quote
// input bytes, and a record must stay one readable line.
const maxErrorRunes = 300

// clean returns s safe for a terminal: every control character (CR, LF, TAB, ESC,
// DEL, the C1 controls), every other character that is not printable (bidirectional
// overrides, zero-width and format characters, non-ASCII spaces) and every invalid
// UTF-8 byte is escaped the way strconv.Quote escapes it (\r, \x1b, \u202e, \xff),
// and so is the backslash (\\), so the escaping is unambiguous. Printable text,
// accented letters included, is left as it is. The result never draws anything but
// its own characters on one line.
func clean(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if mustEscape(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case !mustEscape(r, size):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
	}
	return b.String()
}

func mustEscape(r rune, size int) bool {
	if r < utf8.RuneSelf {
		return r < ' ' || r == 0x7f || r == '\\'
	}
	return (r == utf8.RuneError && size == 1) || !unicode.IsPrint(r)
}

// errorText is the text of err for a record: cut to maxErrorRunes runes (with an
// ellipsis) and escaped by clean.
func errorText(err error) string {
	return clean(truncateRunes(err.Error(), maxErrorRunes))
}

// truncateRunes cuts s to n runes, marking the cut with "…".
func truncateRunes(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i] + "…"
		}
		count++
	}
	return s
}

// width is the display width of a cleaned string: its number of runes.
func width(s string) int { return utf8.RuneCountInString(s) }
