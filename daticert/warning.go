package daticert

import (
	"strconv"
	"strings"
)

// WarningCode names a non-fatal problem that Parse tolerated: the document is
// read, and the problem is reported in [Cert.Warnings] for the caller to show.
type WarningCode string

// The warning codes.
const (
	// WarnControlChar: a C0 control character (U+0000 to U+001F other than tab,
	// line feed and carriage return), which XML 1.0 cannot carry, appeared in
	// text content; Parse read it as U+FFFD. Seen in a genuine provider oggetto.
	WarnControlChar WarningCode = "control-char"
)

// Warning is one non-fatal problem found by Parse.
type Warning struct {
	// Code says what was tolerated.
	Code WarningCode
	// Path is the element path of the text, in the form of ParseError.Path.
	Path string
	// Line is the 1-based line of the problem, 0 when unknown.
	Line int
	// Detail is a short human-readable explanation.
	Detail string
}

// String returns "line N: path: detail (code)", leaving out the line and the
// path when they are unknown.
func (w Warning) String() string {
	var b strings.Builder
	if w.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(w.Line))
		b.WriteString(": ")
	}
	if w.Path != "" {
		b.WriteString(w.Path)
		b.WriteString(": ")
	}
	b.WriteString(w.Detail)
	b.WriteString(" (")
	b.WriteString(string(w.Code))
	b.WriteString(")")
	return b.String()
}
