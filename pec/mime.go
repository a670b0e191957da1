package pec

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // charsets for text parts (iso-8859-1 and more)
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// entity is one MIME entity sliced from the raw input: its parsed header and its raw
// body bytes (transfer encoding still applied). Multipart entities have children.
type entity struct {
	header      message.Header
	mediaType   string // lower case; "text/plain" when absent or unparsable
	params      map[string]string
	disposition string // lower case, "" when absent
	filename    string // Content-Disposition filename, else Content-Type name; decoded
	body        []byte
	children    []*entity
	path        string // part path like "1.2" (root is "")
}

// parser holds the state shared by every entity of one Read call, nested messages
// included.
type parser struct {
	opts     Options
	parts    int
	findings []Finding // structural findings of the message being parsed
}

func (p *parser) find(code, format string, args ...any) {
	p.findings = append(p.findings, Finding{Code: code, Detail: fmt.Sprintf(format, args...)})
}

// splitHeader returns the header block (without the blank line) and the body of raw.
// A message without a blank line is all header.
func splitHeader(raw []byte) (hdr, body []byte) {
	i := 0
	for i < len(raw) {
		j := bytes.IndexByte(raw[i:], '\n')
		if j < 0 {
			return raw, nil
		}
		line := raw[i : i+j]
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return raw[:i], raw[i+j+1:]
		}
		i += j + 1
	}
	return raw, nil
}

// readHeader parses a header block leniently: fields before a malformed line are kept
// and the error is returned beside them.
func readHeader(hdr []byte) (message.Header, error) {
	// The blank line lets ReadHeader stop cleanly at the end of the block.
	buf := make([]byte, 0, len(hdr)+2)
	buf = append(append(buf, hdr...), '\r', '\n')
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(buf)))
	return message.Header{Header: h}, err
}

// newEntity parses the header of raw and fills in the content fields.
func (p *parser) newEntity(raw []byte, path string) (*entity, error) {
	hdr, body := splitHeader(raw)
	if len(hdr) > p.opts.MaxHeaderBytes {
		return nil, &LimitError{Limit: "MaxHeaderBytes", Max: int64(p.opts.MaxHeaderBytes)}
	}
	h, err := readHeader(hdr)
	e := &entity{header: h, body: body, path: path}
	if err != nil {
		p.find(CodeMIMEMalformed, "part %s: header: %v", pathName(path), err)
	}
	e.mediaType = "text/plain"
	if v := h.Get("Content-Type"); v != "" {
		mt, params, perr := mime.ParseMediaType(v)
		if perr != nil && mt == "" {
			p.find(CodeMIMEMalformed, "part %s: Content-Type %q: %v", pathName(path), clip(v), perr)
		} else {
			e.mediaType, e.params = strings.ToLower(mt), params
		}
	}
	if v := h.Get("Content-Disposition"); v != "" {
		if d, _, derr := mime.ParseMediaType(v); derr == nil || d != "" {
			e.disposition = strings.ToLower(d)
		}
	}
	ah := mail.AttachmentHeader{Header: h}
	if name, nerr := ah.Filename(); nerr == nil && name != "" {
		e.filename = name
	} else if name := e.params["name"]; name != "" {
		e.filename = decodeWords(name)
	}
	return e, nil
}

// parseTree parses raw as an entity and, for multiparts, its children down to the
// limits. depth is the multipart nesting of raw within its message.
func (p *parser) parseTree(raw []byte, path string, depth int) *entity {
	p.parts++
	e, err := p.newEntity(raw, path)
	if err != nil {
		p.find(CodeLimitReached, "part %s skipped: %v", pathName(path), err)
		return nil
	}
	if !strings.HasPrefix(e.mediaType, "multipart/") {
		return e
	}
	boundary := e.params["boundary"]
	if boundary == "" {
		p.find(CodeMIMEMalformed, "part %s: %s without boundary", pathName(path), e.mediaType)
		return e
	}
	if depth >= p.opts.MaxPartDepth {
		p.find(CodeLimitReached, "part %s: multipart nesting over MaxPartDepth (%d)", pathName(path), p.opts.MaxPartDepth)
		return e
	}
	parts, closed := splitMultipart(e.body, boundary)
	if !closed {
		p.find(CodeMIMEMalformed, "part %s: multipart without closing boundary", pathName(path))
	}
	for i, part := range parts {
		if p.parts >= p.opts.MaxParts {
			p.find(CodeLimitReached, "part %s: over MaxParts (%d), %d parts skipped", pathName(path), p.opts.MaxParts, len(parts)-i)
			break
		}
		child := p.parseTree(part, joinPath(path, i+1), depth+1)
		if child != nil {
			e.children = append(e.children, child)
		}
	}
	return e
}

// splitMultipart cuts a multipart body into its parts (RFC 2046 §5.1.1): the bytes
// between delimiter lines, without the line break that belongs to the delimiter.
// closed reports whether the close delimiter was found; without it the last part runs
// to the end of the body.
func splitMultipart(body []byte, boundary string) (parts [][]byte, closed bool) {
	delim := []byte("--" + boundary)
	start := -1 // start of the current part, -1 in the preamble
	i := 0
	for i <= len(body) {
		k := bytes.Index(body[i:], delim)
		if k < 0 {
			break
		}
		at := i + k
		if at > 0 && body[at-1] != '\n' {
			i = at + len(delim)
			continue
		}
		// Rest of the delimiter line.
		rest := body[at+len(delim):]
		eol := bytes.IndexByte(rest, '\n')
		line := rest
		next := len(body)
		if eol >= 0 {
			line = rest[:eol]
			next = at + len(delim) + eol + 1
		}
		isClose := bytes.HasPrefix(line, []byte("--"))
		if isClose {
			line = line[2:]
		}
		if len(bytes.TrimRight(line, " \t\r")) != 0 {
			// "--boundary" followed by other text is not a delimiter.
			i = at + len(delim)
			continue
		}
		if start >= 0 {
			parts = append(parts, trimDelimEOL(body[start:at]))
		}
		if isClose {
			return parts, true
		}
		start = next
		i = next
		if eol < 0 {
			break
		}
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// trimDelimEOL removes the CRLF (or LF) that precedes a delimiter line.
func trimDelimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// decode returns the body of a leaf entity with its transfer encoding removed; for
// text/* entities with charset true it is also converted to UTF-8.
func (p *parser) decode(e *entity, charset bool) []byte {
	h := e.header.Copy()
	if !charset {
		h.Del("Content-Type") // leave the bytes in their charset
		if e.mediaType != "" && !strings.HasPrefix(e.mediaType, "text/") {
			h.Set("Content-Type", e.mediaType)
		}
	}
	ent, err := message.New(h, bytes.NewReader(e.body))
	if err != nil {
		switch {
		case message.IsUnknownCharset(err):
			p.find(CodeDecodeError, "part %s: unknown charset %q, text kept as is", pathName(e.path), e.params["charset"])
		case message.IsUnknownEncoding(err):
			p.find(CodeDecodeError, "part %s: unknown transfer encoding %q, body kept as is", pathName(e.path), clip(e.header.Get("Content-Transfer-Encoding")))
		default:
			p.find(CodeDecodeError, "part %s: %v", pathName(e.path), err)
		}
		if ent == nil {
			return e.body
		}
	}
	out, err := io.ReadAll(ent.Body)
	if err != nil {
		p.find(CodeDecodeError, "part %s: %v", pathName(e.path), err)
	}
	return out
}

// decodeText returns the body of a text entity as valid UTF-8.
func (p *parser) decodeText(e *entity) string {
	b := p.decode(e, true)
	if !utf8.Valid(b) {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(b)
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
	if message.CharsetReader == nil {
		return nil, fmt.Errorf("unhandled charset %q", cs)
	}
	return message.CharsetReader(strings.ToLower(cs), r)
}}

// decodeWords decodes RFC 2047 encoded-words, returning s unchanged on error.
func decodeWords(s string) string {
	if out, err := wordDecoder.DecodeHeader(s); err == nil {
		return out
	}
	return s
}

func joinPath(parent string, i int) string {
	if parent == "" {
		return fmt.Sprint(i)
	}
	return fmt.Sprintf("%s.%d", parent, i)
}

func pathName(path string) string {
	if path == "" {
		return "root"
	}
	return path
}

// clip shortens a value quoted in a finding.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
