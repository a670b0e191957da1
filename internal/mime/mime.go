package mime

import (
	"bytes"
	"errors"
	"strings"
)

// Span is a half-open byte range [Start, End) in some input slice.
type Span struct {
	Start, End int
}

// Len returns the length of the span.
func (s Span) Len() int { return s.End - s.Start }

// Of returns the bytes of b covered by the span.
func (s Span) Of(b []byte) []byte { return b[s.Start:s.End] }

// Field is one header field as written.
type Field struct {
	// Name is the field name as written, without trailing spaces.
	Name string
	// Raw is the whole field, continuation lines included, without the final line
	// break. It is a sub-slice of the parsed input.
	Raw []byte
}

// Value returns the unfolded field body: the text after the colon with line breaks
// of continuation lines removed and surrounding white space trimmed.
func (f Field) Value() string {
	i := bytes.IndexByte(f.Raw, ':')
	if i < 0 {
		return ""
	}
	return Unfold(f.Raw[i+1:])
}

// Header is a parsed header block.
type Header struct {
	// Raw is the header block as written, from the first field to the end of the
	// line break of the last field (the blank line is not included).
	Raw []byte
	// Fields are the fields in order, duplicates kept.
	Fields []Field
}

// Get returns the unfolded value of the first field named name (case-insensitive),
// or "" when there is none.
func (h *Header) Get(name string) string {
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value()
		}
	}
	return ""
}

// Has reports whether a field named name (case-insensitive) is present.
func (h *Header) Has(name string) bool {
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Values returns the unfolded values of every field named name, in order.
func (h *Header) Values(name string) []string {
	var out []string
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value())
		}
	}
	return out
}

// ContentType returns the lower-case media type and the parameters of the
// Content-Type field. A missing field gives "text/plain" (RFC 2045 section 5.2).
// A field that mime.ParseMediaType rejects is an ErrMalformed error.
func (h *Header) ContentType() (string, map[string]string, error) {
	v := h.Get("Content-Type")
	if v == "" {
		return "text/plain", map[string]string{}, nil
	}
	mt, params, err := ParseMediaType(v)
	if err != nil {
		return "", nil, malformed(0, "content-type %q: %v", truncate(v, 80), err)
	}
	return mt, params, nil
}

// TransferEncoding returns the lower-case Content-Transfer-Encoding ("7bit" when
// absent).
func (h *Header) TransferEncoding() string {
	v := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	if v == "" {
		return "7bit"
	}
	return v
}

// Filename returns the filename parameter of Content-Disposition, else the name
// parameter of Content-Type, else "".
func (h *Header) Filename() string {
	if v := h.Get("Content-Disposition"); v != "" {
		if _, p, err := ParseMediaType(v); err == nil && p["filename"] != "" {
			return p["filename"]
		}
	}
	if _, p, err := h.ContentType(); err == nil {
		return p["name"]
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// ReadHeader parses the header block at the start of b. It returns the header and
// the offset in b where the body starts (after the blank line, or len(b) when the
// input ends inside the header block).
func ReadHeader(b []byte, lim *Limits) (Header, int, error) {
	l := lim.withDefaults()
	var h Header
	pos := 0
	// An mbox "From " separator line on the first line is skipped.
	if nl := bytes.IndexByte(b, '\n'); nl >= 0 && IsFromLine(b[:nl]) {
		pos = nl + 1
	}
	start := pos
	end := -1 // end of the header block (excluding the blank line)
	body := len(b)
	fieldStart := 0
	for pos < len(b) {
		if pos-start > l.MaxHeaderBytes {
			return Header{}, 0, tooLarge(pos, "header block exceeds %d bytes", l.MaxHeaderBytes)
		}
		nl := bytes.IndexByte(b[pos:], '\n')
		var line []byte
		next := len(b)
		if nl >= 0 {
			line = b[pos : pos+nl]
			next = pos + nl + 1
		} else {
			line = b[pos:]
		}
		content := bytes.TrimSuffix(line, []byte("\r"))
		if len(content) == 0 {
			end = pos
			body = next
			break
		}
		if content[0] == ' ' || content[0] == '\t' {
			if len(h.Fields) == 0 {
				return Header{}, 0, malformed(pos, "continuation line before the first field")
			}
			h.Fields[len(h.Fields)-1].Raw = b[fieldStart : pos+len(content)]
		} else {
			c := bytes.IndexByte(content, ':')
			if c <= 0 {
				return Header{}, 0, malformed(pos, "header line without a colon")
			}
			name := strings.TrimRight(string(content[:c]), " \t")
			if name == "" || !validFieldName(name) {
				return Header{}, 0, malformed(pos, "invalid field name %q", truncate(name, 40))
			}
			h.Fields = append(h.Fields, Field{Name: name, Raw: b[pos : pos+len(content)]})
			fieldStart = pos
		}
		pos = next
	}
	if end < 0 {
		end = len(b)
	}
	if end-start > l.MaxHeaderBytes {
		return Header{}, 0, tooLarge(start, "header block exceeds %d bytes", l.MaxHeaderBytes)
	}
	h.Raw = b[start:end]
	return h, body, nil
}

func validFieldName[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}

// Multipart is the layout of a multipart body.
type Multipart struct {
	Preamble Span   // before the first delimiter (excluding its line break)
	Parts    []Span // each body part: headers and body, excluding the line break before the next delimiter
	Epilogue Span   // after the close delimiter line; empty when not closed
	Closed   bool   // whether the close delimiter was found
}

// SplitMultipart finds the body parts of the multipart body b delimited by
// boundary. Spans are offsets in b.
func SplitMultipart(b []byte, boundary string, lim *Limits) (*Multipart, error) {
	l := lim.withDefaults()
	if boundary == "" || len(boundary) > 998 {
		return nil, malformed(0, "invalid boundary length %d", len(boundary))
	}
	dash := make([]byte, 0, 2+len(boundary))
	dash = append(append(dash, "--"...), boundary...)
	m := &Multipart{}
	partStart := -1
	pos := 0
	for {
		i := bytes.Index(b[pos:], dash)
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + len(dash)
		if at != 0 && b[at-1] != '\n' {
			continue
		}
		lineEnd := len(b)
		next := len(b)
		if nl := bytes.IndexByte(b[at:], '\n'); nl >= 0 {
			lineEnd = at + nl
			next = lineEnd + 1
		}
		ok, isClose := MatchDelimiter(b[at:lineEnd], boundary)
		if !ok {
			continue
		}
		// The line break before the delimiter belongs to the delimiter.
		before := at
		if before > 0 {
			before-- // '\n'
			if before > 0 && b[before-1] == '\r' {
				before--
			}
		}
		if partStart < 0 {
			if isClose {
				return nil, malformed(at, "close delimiter before any body part")
			}
			m.Preamble = Span{0, before}
		} else {
			if len(m.Parts) >= l.MaxParts {
				return nil, tooLarge(at, "more than %d parts", l.MaxParts)
			}
			m.Parts = append(m.Parts, Span{partStart, max(before, partStart)})
		}
		if isClose {
			m.Closed = true
			m.Epilogue = Span{next, len(b)}
			return m, nil
		}
		partStart = next
		pos = next
	}
	if partStart < 0 {
		return nil, malformed(0, "no delimiter line for boundary %q", truncate(boundary, 80))
	}
	if len(m.Parts) >= l.MaxParts {
		return nil, tooLarge(len(b), "more than %d parts", l.MaxParts)
	}
	m.Parts = append(m.Parts, Span{partStart, len(b)})
	m.Epilogue = Span{len(b), len(b)}
	return m, nil
}

// Entity is one MIME entity found by [Walk].
type Entity struct {
	Path      []int  // indexes from the root (empty for the root)
	Span      Span   // the whole entity (header and body) in the walked input
	Header    Header // its header
	Body      Span   // its body in the walked input
	MediaType string // lower-case media type ("text/plain" when absent)
	Params    map[string]string
}

// Walk visits the entity b and, depth first, every entity inside its multipart/*
// bodies (message/rfc822 bodies are not entered). fn returning a non-nil error
// stops the walk and Walk returns that error. Spans are offsets in b.
func Walk(b []byte, lim *Limits, fn func(e *Entity) error) error {
	l := lim.withDefaults()
	return walk(b, Span{0, len(b)}, nil, &l, fn)
}

func walk(b []byte, s Span, path []int, l *Limits, fn func(e *Entity) error) error {
	if len(path) > l.MaxDepth {
		return tooLarge(s.Start, "nesting deeper than %d", l.MaxDepth)
	}
	h, bodyOff, err := ReadHeader(b[s.Start:s.End], l)
	if err != nil {
		return shift(err, s.Start)
	}
	mt, params, err := h.ContentType()
	if err != nil {
		return shift(err, s.Start)
	}
	e := &Entity{Path: path, Span: s, Header: h, Body: Span{s.Start + bodyOff, s.End}, MediaType: mt, Params: params}
	if err := fn(e); err != nil {
		return err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	mp, err := SplitMultipart(e.Body.Of(b), params["boundary"], l)
	if err != nil {
		return shift(err, e.Body.Start)
	}
	for i, p := range mp.Parts {
		child := append(append(make([]int, 0, len(path)+1), path...), i)
		if err := walk(b, Span{e.Body.Start + p.Start, e.Body.Start + p.End}, child, l, fn); err != nil {
			return err
		}
	}
	return nil
}

func shift(err error, by int) error {
	var me *Error
	if errors.As(err, &me) {
		c := *me
		c.Offset += int64(by)
		return &c
	}
	return err
}
