package pec

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // charsets for text parts (iso-8859-1 and more)
	"github.com/emersion/go-message/textproto"
)

// entity is one MIME entity sliced from the raw input: its parsed header and its raw
// body bytes (transfer encoding still applied). Multipart entities have children.
type entity struct {
	rawHeader   []byte // the header block, blank line excluded
	header      message.Header
	headerOK    bool   // header is parsed (see fullHeader)
	cte         string // Content-Transfer-Encoding as message.Header.Get gives it
	mediaType   string // lower case; "text/plain" when absent or unparsable
	params      map[string]string
	disposition string // lower case, "" when absent
	filename    string // Content-Disposition filename, else Content-Type name; decoded
	body        []byte
	children    []*entity
	path        string // part path like "1.2" (root is "")
	// ctClean is true when Content-Type is absent or parsed without error, so that
	// mediaType and params are what go-message would see.
	ctClean bool
	// decoded memoises decode(e, false) (decodedOK tells it is set): daticert.xml
	// is decoded for parsing and again as an attachment.
	decoded   []byte
	decodedOK bool
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
	// textproto.ReadHeader copies every line out of the bufio.Reader, so the
	// reader (and its 4 KiB buffer) can be reused for the next header block.
	hr := headerReaders.Get().(*headerReader)
	hr.block, hr.tail = hdr, crlf
	hr.br.Reset(hr)
	h, err := textproto.ReadHeader(hr.br)
	hr.block, hr.tail = nil, nil
	hr.br.Reset(hr)
	headerReaders.Put(hr)
	return message.Header{Header: h}, err
}

var crlf = []byte("\r\n")

// headerReader yields a header block followed by a CRLF, the blank line that lets
// textproto.ReadHeader stop cleanly at the end of the block, without copying the
// block.
type headerReader struct {
	block, tail []byte
	br          *bufio.Reader
}

var headerReaders = sync.Pool{New: func() any {
	hr := &headerReader{}
	hr.br = bufio.NewReader(hr)
	return hr
}}

func (r *headerReader) Read(p []byte) (int, error) {
	if len(r.block) == 0 {
		if len(r.tail) == 0 {
			return 0, io.EOF
		}
		n := copy(p, r.tail)
		r.tail = r.tail[n:]
		return n, nil
	}
	n := copy(p, r.block)
	r.block = r.block[n:]
	return n, nil
}

// fullHeader returns the entity's header parsed by go-message (parsed on first
// use: most entities never need it).
func (e *entity) fullHeader() message.Header {
	if !e.headerOK {
		e.header, _ = readHeader(e.rawHeader)
		e.headerOK = true
	}
	return e.header
}

// scanHeader reads the Content-Type, Content-Disposition and
// Content-Transfer-Encoding fields of a header block without copying it, with the
// values message.Header.Get would return after readHeader (first occurrence,
// folded lines joined by one space, white space around line breaks removed). It
// reports false, and the caller must use readHeader, for every block that
// textproto.ReadHeader reports as malformed: a first line that starts with white
// space, a field without a colon, a field name with a byte outside '!'..'~' or a
// colon.
func scanHeader(hdr []byte) (ctype, disp, cte string, ok bool) {
	if len(hdr) > 0 && (hdr[0] == ' ' || hdr[0] == '\t' || hdr[len(hdr)-1] == '\r') {
		// The last case: readHeader's CRLF after a final CR gives a line that
		// keeps its CR; leave that to go-message.
		return "", "", "", false
	}
	var haveCT, haveCD, haveCTE bool
	for len(hdr) > 0 {
		if hdr[0] == '\n' || hdr[0] == '\r' && len(hdr) > 1 && hdr[1] == '\n' {
			break // a blank line ends the header
		}
		// One field: its first line and the continuation lines that follow.
		end := 0
		for {
			i := bytes.IndexByte(hdr[end:], '\n')
			if i < 0 {
				end = len(hdr)
				break
			}
			end += i + 1
			if end >= len(hdr) || hdr[end] != ' ' && hdr[end] != '\t' {
				break
			}
		}
		field := hdr[:end]
		hdr = hdr[end:]
		colon := bytes.IndexByte(field, ':')
		if colon < 0 {
			return "", "", "", false
		}
		key := trimSpaceTab(field[:colon])
		for _, c := range key {
			if c < '!' || c > '~' {
				return "", "", "", false
			}
		}
		var dst *string
		switch {
		case !haveCT && asciiEqualFold(key, "Content-Type"):
			dst, haveCT = &ctype, true
		case !haveCD && asciiEqualFold(key, "Content-Disposition"):
			dst, haveCD = &disp, true
		case !haveCTE && asciiEqualFold(key, "Content-Transfer-Encoding"):
			dst, haveCTE = &cte, true
		default:
			continue
		}
		*dst = unfold(field[colon+1:])
	}
	return ctype, disp, cte, true
}

// unfold joins the lines of a field value as go-message does: each line without
// its line break and surrounding spaces and tabs, empty lines dropped, the rest
// joined by one space.
func unfold(v []byte) string {
	var b strings.Builder
	for len(v) > 0 {
		line := v
		if i := bytes.IndexByte(v, '\n'); i >= 0 {
			line, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		line = trimSpaceTab(bytes.TrimSuffix(line, []byte("\r")))
		if len(line) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.Write(line)
	}
	return b.String()
}

func trimSpaceTab(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// newEntity parses the header of raw and fills in the content fields.
func (p *parser) newEntity(raw []byte, path string) (*entity, error) {
	hdr, body := splitHeader(raw)
	if len(hdr) > p.opts.MaxHeaderBytes {
		return nil, &LimitError{Limit: "MaxHeaderBytes", Max: int64(p.opts.MaxHeaderBytes)}
	}
	e := &entity{rawHeader: hdr, body: body, path: path}
	ctype, disp, cte, ok := scanHeader(hdr)
	if !ok {
		// A header that go-message reports as malformed: take what it keeps.
		h, err := readHeader(hdr)
		e.header, e.headerOK = h, true
		if err != nil {
			p.find(CodeMIMEMalformed, "part %s: header: %v", pathName(path), err)
		}
		ctype, disp, cte = h.Get("Content-Type"), h.Get("Content-Disposition"), h.Get("Content-Transfer-Encoding")
	}
	e.cte = cte
	e.mediaType, e.ctClean = "text/plain", true
	if v := ctype; v != "" {
		mt, params, perr := mime.ParseMediaType(v)
		e.ctClean = perr == nil
		if perr != nil && mt == "" {
			p.find(CodeMIMEMalformed, "part %s: Content-Type %q: %v", pathName(path), clip(v), perr)
		} else {
			e.mediaType, e.params = strings.ToLower(mt), params
		}
	}
	var dparams map[string]string
	if v := disp; v != "" {
		d, params, derr := mime.ParseMediaType(v)
		if derr == nil || d != "" {
			e.disposition = strings.ToLower(d)
		}
		if derr == nil {
			dparams = params
		}
	}
	e.filename = entityFilename(dparams, e.params)
	return e, nil
}

// entityFilename is the file name of a part: the Content-Disposition filename
// parameter, else the Content-Type name parameter, RFC 2047-decoded. dparams and
// ctParams are the parameters of the two fields, nil when absent or unparsable.
// It gives what go-message's AttachmentHeader.Filename, falling back to the
// Content-Type name, gives, from the parameters already parsed.
func entityFilename(dparams, ctParams map[string]string) string {
	if fn, ok := dparams["filename"]; ok {
		if name := decodeWords(fn); name != "" {
			return name
		}
	}
	if name := ctParams["name"]; name != "" {
		return decodeWords(name)
	}
	return ""
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
// text/* entities with charset true it is also converted to UTF-8. The result may
// share memory with the raw message (identity transfer encodings are not copied).
func (p *parser) decode(e *entity, charset bool) []byte {
	if !charset && e.decodedOK {
		return e.decoded
	}
	out, ok := fastDecode(e, charset)
	if !ok {
		out = p.decodeMessage(e, charset)
	}
	if !charset {
		e.decoded, e.decodedOK = out, true
	}
	return out
}

// fastDecode decodes the common cases (7bit, 8bit, binary, base64 and
// quoted-printable bodies; UTF-8, US-ASCII and ISO-8859-1 text, and plain ASCII
// text in the other ISO-8859 and Windows code pages) without go-message, with the
// result that decodeMessage would give. It reports false for anything else,
// including every input on which decoding fails, so that decodeMessage handles
// it and reports the findings.
func fastDecode(e *entity, charset bool) ([]byte, bool) {
	// What go-message would see as the media type: decodeMessage keeps the
	// original Content-Type with charset, and otherwise replaces it by the bare
	// media type (no charset parameter) or drops it for text.
	if charset && !e.ctClean || strings.HasPrefix(e.mediaType, "multipart/") {
		return nil, false
	}
	var out []byte
	switch strings.ToLower(e.cte) {
	case "", "7bit", "8bit", "binary":
		out = e.body
	case "base64":
		// go-message's decoder skips CR and LF and takes space and tab for LF.
		bp := scratch.Get().(*[]byte)
		clean := (*bp)[:0]
		for _, c := range e.body {
			switch c {
			case '\r', '\n', ' ', '\t':
			default:
				clean = append(clean, c)
			}
		}
		out = make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if cap(clean) <= maxScratch {
			*bp = clean
			scratch.Put(bp)
		}
		if err != nil {
			return nil, false
		}
		out = out[:n]
	case "quoted-printable":
		var ok bool
		if out, ok = decodeQP(e.body); !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	if !charset || !strings.HasPrefix(e.mediaType, "text/") {
		return out, true
	}
	cs, ok := e.params["charset"]
	if !ok {
		return out, true
	}
	switch cs = strings.ToLower(cs); {
	case cs == "utf-8" || cs == "us-ascii":
		return out, true
	case cs == "iso-8859-1":
		return latin1ToUTF8(out), true
	case asciiCompatible[cs] && isASCII(out):
		return out, true
	}
	return nil, false
}

// qpMaxLine is the longest line (line break included) that mime/quotedprintable
// reads: its bufio.Reader's default size. Longer lines make it fail.
const qpMaxLine = 4096

// decodeQP decodes a quoted-printable body with the result that
// mime/quotedprintable.Reader gives (soft line breaks with CRLF or LF, hard line
// breaks kept as written, trailing white space dropped, "=" not followed by two hex
// digits taken literally inside a line), without its per-byte reads. It reports
// false wherever that reader would return an error, including on the lines its
// buffer cannot hold.
func decodeQP(body []byte) ([]byte, bool) {
	out := make([]byte, 0, len(body))
	for len(body) > 0 {
		whole := body
		eof := true
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			whole, eof = body[:i+1], false
		}
		if len(whole) > qpMaxLine || eof && len(whole) == qpMaxLine {
			return nil, false // bufio.ErrBufferFull in mime/quotedprintable
		}
		body = body[len(whole):]
		line := bytes.TrimRight(whole, "\n\r \t")
		var eol []byte
		if bytes.HasSuffix(line, []byte("=")) {
			rest := bytes.TrimLeft(whole[len(line):], " \t")
			line = line[:len(line)-1]
			if !bytes.HasPrefix(rest, []byte("\n")) && !bytes.HasPrefix(rest, []byte("\r\n")) &&
				!(len(rest) == 0 && len(line) > 0 && eof) {
				return nil, false
			}
		} else if !eof {
			if bytes.HasSuffix(whole, []byte("\r\n")) {
				eol = crlf
			} else {
				eol = []byte("\n")
			}
		}
		for i := 0; i < len(line); i++ {
			b := line[i]
			switch {
			case b == '=':
				if i+2 < len(line) {
					if h, ok := unhex(line[i+1]); ok {
						if l, ok := unhex(line[i+2]); ok {
							out = append(out, h<<4|l)
							i += 2
							continue
						}
					}
				}
				// Not two hex digits: a literal "=" unless a line break (or the
				// end of the input) follows it.
				next := eol
				if i+1 < len(line) {
					next = line[i+1:]
				}
				if len(next) == 0 || next[0] == '\r' || next[0] == '\n' {
					return nil, false
				}
			case b == '\t' || b == '\r' || b == '\n' || b >= 0x80:
			case b < ' ' || b > '~':
				return nil, false
			}
			out = append(out, b)
		}
		out = append(out, eol...)
	}
	return out, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// scratch holds the buffers that base64 bodies are stripped of white space into;
// buffers over maxScratch bytes are not kept.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

const maxScratch = 64 << 10

// asciiCompatible are charsets that map every US-ASCII byte to itself, so that
// ASCII text needs no conversion (TestASCIICompatibleCharsets checks them against
// go-message's converters).
var asciiCompatible = map[string]bool{
	"iso-8859-15": true, "iso-8859-2": true, "windows-1252": true, "windows-1250": true,
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// latin1ToUTF8 converts ISO-8859-1 to UTF-8 (every byte is the code point of
// the same value); ASCII input is returned as is.
func latin1ToUTF8(b []byte) []byte {
	n := 0
	for _, c := range b {
		if c >= utf8.RuneSelf {
			n++
		}
	}
	if n == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+n)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// decodeMessage is decode through go-message, for every case fastDecode leaves.
func (p *parser) decodeMessage(e *entity, charset bool) []byte {
	full := e.fullHeader()
	h := full.Copy()
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
			p.find(CodeDecodeError, "part %s: unknown transfer encoding %q, body kept as is", pathName(e.path), clip(e.cte))
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
		return strconv.Itoa(i)
	}
	return parent + "." + strconv.Itoa(i)
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
