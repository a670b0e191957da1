package mime

import (
	"bytes"
	"io"
	stdmime "mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// Unfold is the one unfolding rule of the module (RFC 5322 section 2.2.3): every
// line break (CRLF or bare LF) is removed, the white space that follows it is
// kept, and the result is trimmed of surrounding spaces and tabs. A boundary
// folded with a tab therefore keeps its tab, whichever layer reads it.
func Unfold(v []byte) string {
	v = trimWSP(v)
	if bytes.IndexByte(v, '\n') < 0 && bytes.IndexByte(v, '\r') < 0 {
		return string(v)
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' && i+1 < len(v) && v[i+1] == '\n' {
			continue
		}
		if c == '\n' {
			continue
		}
		out = append(out, c)
	}
	return string(trimWSP(out))
}

func trimWSP(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

// ParseMediaType is the one media type parser of the module: the standard
// library's mime.ParseMediaType, retried once on a value cleaned of empty
// parameters (a stray ";;" or a trailing ";", which real mailers write). The
// media type is lower case. On error mt may still be set (the type was read but
// a parameter was not) and params is nil.
func ParseMediaType(v string) (mt string, params map[string]string, err error) {
	if mt, params, ok := fastMediaType(v); ok {
		return mt, params, nil
	}
	mt, params, err = stdmime.ParseMediaType(v)
	if err == nil {
		return strings.ToLower(mt), params, nil
	}
	if cleaned := cleanParams(v); cleaned != v {
		if mt2, p2, err2 := stdmime.ParseMediaType(cleaned); err2 == nil {
			return strings.ToLower(mt2), p2, nil
		}
	}
	if err == stdmime.ErrInvalidMediaParameter {
		return strings.ToLower(mt), nil, err
	}
	return "", nil, err
}

// cleanParams drops empty parameters: ";" followed only by white space or by
// another ";" or the end of the value.
func cleanParams(v string) string {
	var b strings.Builder
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if i > 0 && strings.TrimSpace(p) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(p)
	}
	return b.String()
}

// fieldInfo is what the scanner keeps of a part header: the fields MIME needs,
// the first occurrence of each, and how many Content-Type fields there were.
type fieldInfo struct {
	contentType  string // unfolded value of the first Content-Type field
	contentTypes int    // number of Content-Type fields
	cte          string // first Content-Transfer-Encoding, lower case
	disposition  string // first Content-Disposition, unfolded
}

// eachField is the one rule that cuts a header block into fields (the outer
// header of pec and envelope through [Fields], every part header through the
// scanner): it calls fn for every field, in order, with its name (white space
// around it trimmed) and its raw bytes (continuation lines included, the final
// line break excluded), colon being the offset of the colon in raw. A line that
// is not a field (no colon, an invalid name, a continuation line first) is
// skipped and counted. Reading stops at the first blank line.
func eachField(block []byte, fn func(name, raw []byte, colon int)) (skipped int) {
	if i := blankLine(block); i >= 0 {
		block = block[:i]
	}
	for len(block) > 0 {
		end := 0
		for {
			nl := bytes.IndexByte(block[end:], '\n')
			if nl < 0 {
				end = len(block)
				break
			}
			end += nl + 1
			if end >= len(block) || (block[end] != ' ' && block[end] != '\t') {
				break
			}
		}
		field := block[:end]
		block = block[end:]
		colon := bytes.IndexByte(field, ':')
		name := trimWSP(field[:max(colon, 0)])
		if colon <= 0 || len(name) == 0 || !validFieldName(name) {
			skipped++
			continue
		}
		raw := field
		for len(raw) > 0 && (raw[len(raw)-1] == '\n' || raw[len(raw)-1] == '\r') {
			raw = raw[:len(raw)-1]
		}
		fn(name, raw, colon)
	}
	return skipped
}

func readFieldInfo(block []byte) fieldInfo {
	var fi fieldInfo
	var haveCTE, haveCD bool
	eachField(block, func(name, raw []byte, colon int) {
		value := raw[colon+1:]
		switch {
		case asciiEqualFold(name, "content-type"):
			fi.contentTypes++
			if fi.contentTypes == 1 {
				fi.contentType = Unfold(value)
			}
		case !haveCTE && asciiEqualFold(name, "content-transfer-encoding"):
			haveCTE = true
			fi.cte = strings.ToLower(Unfold(value))
		case !haveCD && asciiEqualFold(name, "content-disposition"):
			haveCD = true
			fi.disposition = Unfold(value)
		}
	})
	return fi
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c, d := b[i], s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// CharsetReader is the one charset lookup of the module: it returns a reader
// converting charset to UTF-8, with the IANA and WHATWG tables of
// golang.org/x/text, the same tables go-message's charset package uses. It does
// not import that package, whose init changes go-message's global
// message.CharsetReader in every program that links it.
func CharsetReader(charset string, input io.Reader) (io.Reader, error) {
	cs := strings.ToLower(strings.TrimSpace(charset))
	switch cs {
	case "utf-8", "utf8", "us-ascii", "ascii", "":
		return input, nil
	}
	var enc encoding.Encoding
	var err error
	enc, err = ianaindex.MIME.Encoding(cs)
	if enc == nil {
		enc, err = ianaindex.MIME.Encoding("cs" + cs)
	}
	if enc == nil {
		enc, err = htmlindex.Get(cs)
	}
	if enc == nil {
		if err == nil {
			err = errUnsupportedCharset
		}
		return nil, &Error{Msg: "charset " + clip(charset) + ": " + err.Error(), Err: ErrMalformed}
	}
	return enc.NewDecoder().Reader(input), nil
}

const errUnsupportedCharset = errorString("unsupported charset")

type errorString string

func (e errorString) Error() string { return string(e) }

// WordDecoder decodes RFC 2047 encoded-words with [CharsetReader].
func WordDecoder() *stdmime.WordDecoder {
	return &stdmime.WordDecoder{CharsetReader: CharsetReader}
}

// DecodeWords decodes RFC 2047 encoded-words, returning s unchanged on error.
func DecodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	if out, err := WordDecoder().DecodeHeader(s); err == nil {
		return out
	}
	return s
}

func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:80] + "..."
}

// Fields returns the fields of a header block, in order, duplicates kept, raw
// bytes kept (continuation lines included, final line break excluded), and the
// number of lines skipped because they are not fields (no colon, an invalid
// name, a continuation line first). Reading stops at the first blank line.
func Fields(block []byte) (out []Field, skipped int) {
	skipped = eachField(block, func(name, raw []byte, _ int) {
		out = append(out, Field{Name: string(name), Raw: raw})
	})
	return out, skipped
}

// blankLine returns the offset of the first empty line of b, -1 when none.
func blankLine(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] == '\n' {
			return i
		}
		if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			return i
		}
		nl := bytes.IndexByte(b[i:], '\n')
		if nl < 0 {
			return -1
		}
		i += nl + 1
	}
	return -1
}

// DecodeCharset converts b from charset to UTF-8 with [CharsetReader]; ASCII
// input in an ASCII-compatible charset of the common ones (and ISO-8859-1,
// whose bytes are their code points) is converted without a decoder.
func DecodeCharset(charset string, b []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "utf-8", "utf8", "us-ascii", "ascii", "":
		return b, nil
	case "iso-8859-1", "latin1", "iso_8859-1", "l1":
		return latin1(b), nil
	case "iso-8859-15", "iso-8859-2", "windows-1252", "windows-1250", "cp1252":
		if isASCII(b) {
			return b, nil
		}
	}
	r, err := CharsetReader(charset, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// latin1 converts ISO-8859-1 to UTF-8; ASCII input is returned as is.
func latin1(b []byte) []byte {
	if isASCII(b) {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// fastMediaType is the standard library's ParseMediaType for the common forms
// (ASCII, tokens and quoted strings without escapes, no RFC 2231 parameters),
// without its allocations; ok is false for anything else, which the standard
// library then parses (FuzzMediaType checks that both agree).
func fastMediaType(v string) (mt string, params map[string]string, ok bool) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= 0x7f || c < 0x20 && c != '\t' || c == '\\' || c == '*' {
			return "", nil, false
		}
	}
	base, rest, _ := strings.Cut(v, ";")
	if rest != "" || len(base) < len(v) {
		rest = v[len(base):]
	}
	mt = strings.ToLower(strings.Trim(base, " \t"))
	typ, after := token(mt)
	if typ == "" {
		return "", nil, false
	}
	if after != "" {
		if after[0] != '/' {
			return "", nil, false
		}
		if sub, end := token(after[1:]); sub == "" || end != "" {
			return "", nil, false
		}
	}
	params = make(map[string]string, 2)
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			return mt, params, true
		}
		if rest[0] != ';' {
			return "", nil, false
		}
		r := strings.TrimLeft(rest[1:], " \t")
		key, r := token(r)
		if key == "" {
			if strings.Trim(rest, " \t") == ";" {
				return mt, params, true // a trailing semicolon
			}
			return "", nil, false
		}
		key = strings.ToLower(key)
		r = strings.TrimLeft(r, " \t")
		if r == "" || r[0] != '=' {
			return "", nil, false
		}
		r = strings.TrimLeft(r[1:], " \t")
		var value string
		if r != "" && r[0] == '"' {
			end := strings.IndexByte(r[1:], '"')
			if end < 0 {
				return "", nil, false
			}
			value, r = r[1:1+end], r[2+end:]
		} else if value, r = token(r); value == "" {
			return "", nil, false
		}
		if old, dup := params[key]; dup && old != value {
			return "", nil, false
		}
		params[key] = value
		rest = r
	}
}

// token splits s after its longest prefix of RFC 2045 token characters.
func token(s string) (tok, rest string) {
	i := 0
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func isTokenChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"/[]?=`, rune(c))
}
