package daticert

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tree is the element tree Parse reads a document into: only what the
// certificate needs (element names, attributes, the character data directly
// inside each element, and where each element starts). Elements live in one
// slice and are linked by index, so a document costs a few allocations, not a
// few per element.
type tree struct {
	nodes []node
	attrs []attr
	body  []byte // the input the offsets refer to
}

// node is one element. Its children are first, then next of each child, in
// document order; -1 ends a list.
type node struct {
	name        string // local name
	foreign     bool   // in a namespace: never one of the DTD's elements
	first, last int32  // children
	next        int32  // next sibling
	attrs       [2]int32
	text        string // the character data directly inside, concatenated
	off         int32  // byte offset of the start tag in body, -1 when line is set
	line        int32  // 1-based line, 0 until computed
}

type attr struct {
	space, name, value string
}

func (t *tree) add(parent int32, name string, off int) int32 {
	i := int32(len(t.nodes))
	t.nodes = append(t.nodes, node{name: name, first: -1, last: -1, next: -1, off: int32(off)})
	if parent >= 0 {
		p := &t.nodes[parent]
		if p.last >= 0 {
			t.nodes[p.last].next = i
		} else {
			p.first = i
		}
		p.last = i
	}
	return i
}

// addText appends the run s of character data to the text of element e.
// Runs made only of XML white space next to other white space are folded
// without copying: text is always trimmed at both ends before use, and the
// text of container elements (whose indentation is most of a document) is
// never read.
func (t *tree) addText(e int32, s string) {
	n := &t.nodes[e]
	switch {
	case s == "":
	case n.text == "" || isBlank(n.text) && !isBlank(s):
		n.text = s
	case isBlank(n.text):
	default:
		n.text += s
	}
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isXMLSpace(s[i]) {
			return false
		}
	}
	return true
}

// line returns the 1-based line of element e.
func (t *tree) line(e int32) int {
	n := &t.nodes[e]
	if n.line == 0 && n.off >= 0 && int(n.off) <= len(t.body) {
		n.line = int32(1 + bytes.Count(t.body[:n.off], []byte("\n")))
	}
	return int(n.line)
}

// maxFastDepth is the deepest nesting fastTree handles; deeper documents go to
// slowTree.
const maxFastDepth = 32

// fastTree reads s (the UTF-8 input as a string) into t without encoding/xml.
// It reports true only for input that slowTree reads into the same tree: a
// well-formed UTF-8 document within the limits of o, with no namespace
// prefix or declaration, no entity declaration, no reference other than the
// five predefined entities and character references, no XML declaration
// other than version 1.0 in UTF-8, ASCII names, and no attribute appearing
// twice. false means "not sure", never "invalid": Parse then runs slowTree,
// which decides and reports the error with its line and path.
func fastTree(s string, o ParseOptions, t *tree) bool {
	if !utf8.ValidString(s) || strings.Contains(s, "\uFFFE") || strings.Contains(s, "\uFFFF") {
		return false
	}
	n := len(s)
	if t.nodes == nil {
		t.nodes = make([]node, 0, min(strings.Count(s, "<"), o.MaxElements))
	}
	i := 0
	if strings.HasPrefix(s, "<?xml") && n > 5 && isXMLSpace(s[5]) {
		j := strings.Index(s, "?>")
		if j < 0 || !plainDecl(s[5:j]) {
			return false
		}
		i = j + 2
	}
	var stack [maxFastDepth]int32
	depth, roots := 0, 0
	maxDepth := min(o.MaxDepth, maxFastDepth)
	for i < n {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			j = n - i
		}
		if j > 0 {
			run := s[i : i+j]
			if depth == 0 {
				if !isBlank(run) {
					return false
				}
			} else if e := stack[depth-1]; isBlank(run) && isBlank(t.nodes[e].text) {
				// Indentation: stays blank whatever follows, no need to decode.
				t.addText(e, run)
			} else {
				txt, ok := decodeText(run)
				if !ok {
					return false
				}
				t.addText(e, txt)
			}
			i += j
			continue
		}
		if i+1 >= n {
			return false
		}
		switch s[i+1] {
		case '/': // end tag
			if depth == 0 {
				return false
			}
			name := t.nodes[stack[depth-1]].name
			k := i + 2
			if !strings.HasPrefix(s[k:], name) {
				return false
			}
			k += len(name)
			for k < n && isXMLSpace(s[k]) {
				k++
			}
			if k >= n || s[k] != '>' {
				return false
			}
			depth--
			i = k + 1
		case '?': // processing instruction
			j := strings.Index(s[i+2:], "?>")
			if j < 0 {
				return false
			}
			target := s[i+2 : i+2+j]
			if k := strings.IndexAny(target, " \t\r\n"); k >= 0 {
				target = target[:k]
			}
			if !asciiName(target, false) || strings.EqualFold(target, "xml") {
				return false
			}
			i += 2 + j + 2
		case '!':
			rest := s[i:]
			switch {
			case strings.HasPrefix(rest, "<!--"):
				// encoding/xml ends a comment at its first "--", which
				// must be followed by '>'.
				j := strings.Index(rest[4:], "--")
				if j < 0 || 4+j+2 >= len(rest) || rest[4+j+2] != '>' {
					return false
				}
				i += 4 + j + 3
			case strings.HasPrefix(rest, "<![CDATA["):
				j := strings.Index(rest[9:], "]]>")
				if j < 0 || depth == 0 {
					return false
				}
				txt := rest[9 : 9+j]
				if strings.IndexByte(txt, '\r') >= 0 {
					txt = normaliseNewlines(txt)
				}
				t.addText(stack[depth-1], txt)
				i += 9 + j + 3
			default:
				if depth > 0 {
					return false
				}
				j, ok := skipDirective(rest)
				if !ok || strings.Contains(rest[:j], "ENTITY") {
					return false
				}
				i += j
			}
		default: // start tag
			if depth >= maxDepth || len(t.nodes) >= o.MaxElements {
				return false
			}
			if depth == 0 {
				roots++
				if roots > 1 {
					return false
				}
			}
			k := i + 1
			for k < n && !isXMLSpace(s[k]) && s[k] != '/' && s[k] != '>' {
				k++
			}
			name := s[i+1 : k]
			if !asciiName(name, false) {
				return false
			}
			parent := int32(-1)
			if depth > 0 {
				parent = stack[depth-1]
			}
			e := t.add(parent, name, i)
			next, empty, ok := fastAttrs(s, k, t, e)
			if !ok {
				return false
			}
			if !empty {
				stack[depth] = e
				depth++
			}
			i = next
		}
	}
	return depth == 0 && roots == 1
}

// plainDecl reports whether the XML declaration body d (after "<?xml ")
// declares version 1.0 and, if anything, the UTF-8 encoding.
func plainDecl(d string) bool {
	version, ok := declParam(d, "version")
	if !ok || version != "1.0" {
		return false
	}
	if enc, ok := declParam(d, "encoding"); ok && !strings.EqualFold(enc, "utf-8") {
		return false
	}
	return true
}

// declParam returns the value of the pseudo-attribute name in an XML
// declaration, the way encoding/xml reads it.
func declParam(d, name string) (string, bool) {
	i := strings.Index(d, name)
	if i < 0 {
		return "", false
	}
	r := strings.TrimLeft(d[i+len(name):], " \t\r\n")
	if r == "" || r[0] != '=' {
		return "", false
	}
	r = strings.TrimLeft(r[1:], " \t\r\n")
	if r == "" || (r[0] != '"' && r[0] != '\'') {
		return "", false
	}
	j := strings.IndexByte(r[1:], r[0])
	if j < 0 {
		return "", false
	}
	return r[1 : 1+j], true
}

// asciiName reports whether s is a non-empty XML name made of ASCII letters,
// digits, '_', '-' and '.', starting with a letter or '_'; with colon, one
// inner ':' is allowed too.
func asciiName(s string, colon bool) bool {
	if s == "" {
		return false
	}
	colons := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b == '_':
		case (b >= '0' && b <= '9') || b == '-' || b == '.':
			if i == 0 {
				return false
			}
		case b == ':' && colon && i > 0 && i < len(s)-1:
			colons++
		default:
			return false
		}
	}
	return colons <= 1
}

// maxFastAttrs is the most attributes fastAttrs reads in one start tag; a
// tag with more goes to slowTree.
const maxFastAttrs = 8

// fastAttrs reads the attributes of the start tag of e from s[k:] and returns
// the index after the tag and whether it is an empty-element tag.
func fastAttrs(s string, k int, t *tree, e int32) (next int, empty, ok bool) {
	n := len(s)
	start := int32(len(t.attrs))
	defer func() { t.nodes[e].attrs = [2]int32{start, int32(len(t.attrs))} }()
	for {
		for k < n && isXMLSpace(s[k]) {
			k++
		}
		if k >= n {
			return 0, false, false
		}
		switch s[k] {
		case '>':
			return k + 1, false, true
		case '/':
			if k+1 < n && s[k+1] == '>' {
				return k + 2, true, true
			}
			return 0, false, false
		}
		if !isXMLSpace(s[k-1]) {
			return 0, false, false
		}
		j := k
		for j < n && !isXMLSpace(s[j]) && s[j] != '=' && s[j] != '>' && s[j] != '/' {
			j++
		}
		name := s[k:j]
		if !asciiName(name, false) || strings.HasPrefix(name, "xmlns") || int(int32(len(t.attrs))-start) >= maxFastAttrs {
			return 0, false, false
		}
		for _, a := range t.attrs[start:] {
			if a.name == name {
				return 0, false, false
			}
		}
		for j < n && isXMLSpace(s[j]) {
			j++
		}
		if j >= n || s[j] != '=' {
			return 0, false, false
		}
		j++
		for j < n && isXMLSpace(s[j]) {
			j++
		}
		if j >= n || (s[j] != '"' && s[j] != '\'') {
			return 0, false, false
		}
		q := strings.IndexByte(s[j+1:], s[j])
		if q < 0 {
			return 0, false, false
		}
		raw := s[j+1 : j+1+q]
		if strings.IndexByte(raw, '<') >= 0 {
			return 0, false, false
		}
		v, ok := decodeText(raw)
		if !ok {
			return 0, false, false
		}
		t.attrs = append(t.attrs, attr{name: name, value: v})
		k = j + 1 + q + 1
	}
}

// decodeText decodes a run of character data as encoding/xml does: line
// ends normalised to LF, references replaced. ok is false for anything
// fastTree is not sure of: a reference other than the predefined ones and
// character references, a character reference to a character XML cannot
// carry, or a control character.
func decodeText(s string) (string, bool) {
	if strings.Contains(s, "]]>") {
		return "", false
	}
	plain := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '&' || c == '\r':
			plain = false
		case c < 0x20 && c != '\t' && c != '\n':
			return "", false
		}
	}
	if plain {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\r':
			b.WriteByte('\n')
			i++
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 {
				return "", false
			}
			ref := s[i+1 : i+j]
			i += j + 1
			switch ref {
			case "lt":
				b.WriteByte('<')
			case "gt":
				b.WriteByte('>')
			case "amp":
				b.WriteByte('&')
			case "apos":
				b.WriteByte('\'')
			case "quot":
				b.WriteByte('"')
			default:
				r, ok := charRef(ref)
				if !ok {
					return "", false
				}
				b.WriteRune(r)
			}
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), true
}

// charRef decodes the body of a character reference ("#65", "#x41").
func charRef(ref string) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if digits == "" || len(digits) > 8 {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i] | 0x20
		if !(digits[i] >= '0' && digits[i] <= '9') && !(base == 16 && c >= 'a' && c <= 'f') {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !isXMLChar(rune(v)) {
		return 0, false
	}
	return rune(v), true
}

// isXMLChar reports whether r is in the XML 1.0 Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func normaliseNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// slowTree reads data into t with the strict encoding/xml decoder. It is the
// exact reading: it enforces the limits and the namespace rule, rejects
// entities and malformed XML with the line and path of the fault. bom tells
// that data followed a UTF-8 byte order mark, which then must not declare
// another encoding.
func slowTree(data []byte, o ParseOptions, bom bool, t *tree) error {
	switched := false
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switched = true
		if bom && !strings.EqualFold(strings.TrimSpace(label), "utf8") {
			return nil, fmt.Errorf("%w: encoding %q declared after a UTF-8 byte order mark", ErrEncoding, label)
		}
		return charsetReader(label, in)
	}
	var (
		stack []int32
		names []string
		roots int
	)
	path := func() string { return strings.Join(names, "/") }
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			pe := &ParseError{Path: path()}
			var se *xml.SyntaxError
			switch {
			case errors.Is(err, ErrEncoding):
				pe.Err = err
			case errors.As(err, &se):
				pe.Line = se.Line
				switch {
				case hasEntityRef(data):
					pe.Err = fmt.Errorf("%w: %s", ErrEntity, se.Msg)
				case !switched && !utf8.Valid(data):
					pe.Err = fmt.Errorf("%w: input is not valid UTF-8", ErrEncoding)
				default:
					pe.Err = fmt.Errorf("%w: %s", ErrSyntax, se.Msg)
				}
			default:
				pe.Err = fmt.Errorf("%w: %v", ErrSyntax, err)
			}
			return pe
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			names = append(names, tk.Name.Local)
			if len(names) > o.MaxDepth {
				return &ParseError{Path: path(), Line: line,
					Err: fmt.Errorf("%w: depth %d, limit %d", ErrTooDeep, len(names), o.MaxDepth)}
			}
			if len(t.nodes) >= o.MaxElements {
				return &ParseError{Path: path(), Line: line,
					Err: fmt.Errorf("%w: more than %d elements", ErrTooLarge, o.MaxElements)}
			}
			if len(names) == 1 {
				roots++
				if roots > 1 {
					return &ParseError{Path: path(), Line: line,
						Err: fmt.Errorf("%w: more than one root element", ErrSyntax)}
				}
				if tk.Name.Space != "" {
					return &ParseError{Path: path(), Line: line,
						Err: fmt.Errorf("%w: root element in namespace %q", ErrNamespace, tk.Name.Space)}
				}
			}
			for i, a := range tk.Attr {
				for _, b := range tk.Attr[:i] {
					if a.Name == b.Name {
						return &ParseError{Path: path() + "/@" + a.Name.Local, Line: line,
							Err: fmt.Errorf("%w: duplicate attribute", ErrSyntax)}
					}
				}
				if a.Name.Space == "" && a.Name.Local == "xmlns" && a.Value != "" {
					return &ParseError{Path: path() + "/@xmlns", Line: line,
						Err: fmt.Errorf("%w: default namespace %q", ErrNamespace, a.Value)}
				}
			}
			parent := int32(-1)
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			e := t.add(parent, tk.Name.Local, -1)
			t.nodes[e].line = int32(line)
			t.nodes[e].foreign = tk.Name.Space != ""
			start := int32(len(t.attrs))
			for _, a := range tk.Attr {
				t.attrs = append(t.attrs, attr{space: a.Name.Space, name: a.Name.Local, value: a.Value})
			}
			t.nodes[e].attrs = [2]int32{start, int32(len(t.attrs))}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			names = names[:len(names)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if rest := strings.TrimLeft(string(tk), " \t\r\n"); rest != "" {
					line += strings.Count(string(tk[:len(tk)-len(rest)]), "\n")
					return &ParseError{Line: line, Err: fmt.Errorf("%w: text outside the root element", ErrSyntax)}
				}
				continue
			}
			t.addText(stack[len(stack)-1], string(tk))
		case xml.Directive:
			if bytes.HasPrefix(tk, []byte("ENTITY")) || bytes.Contains(tk, []byte("<!ENTITY")) {
				return &ParseError{Path: path(), Line: line, Err: fmt.Errorf("%w: entity declaration", ErrEntity)}
			}
		}
	}
	if roots == 0 {
		return &ParseError{Err: fmt.Errorf("%w: no root element", ErrSyntax)}
	}
	return nil
}

// firstControl returns the index of the first C0 control character other
// than tab, line feed and carriage return in data, -1 when there is none.
func firstControl(data []byte) int {
	for i, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
	}
	return -1
}

// replacementRef is what sanitize writes for a control character: a
// character reference to U+FFFD, right in any supported encoding.
const replacementRef = "&#xFFFD;"

// sanitize returns a copy of data in which every C0 control character (other
// than tab, LF, CR) in the text content of an element is replaced by a
// reference to U+FFFD, and one warning per element whose text had some.
// first is the index of the first control character. Control characters
// elsewhere (in markup, in CDATA sections, outside the root) are left for the
// parser to reject. The copy is at most 8 times as long as data.
func sanitize(data []byte, first int) ([]byte, []Warning) {
	out := make([]byte, 0, len(data)+len(replacementRef)*4)
	var (
		names []string
		warns []Warning
		last  = -1 // index in warns of the element being read
		line  = 1
		i     = 0
	)
	flush := func(to int) {
		out = append(out, data[i:to]...)
		i = to
	}
	for i < len(data) {
		j := bytes.IndexByte(data[i:], '<')
		end := len(data)
		if j >= 0 {
			end = i + j
		}
		// Text from i to end.
		if len(names) > 0 && end > i && first < end {
			for k := i; k < end; k++ {
				c := data[k]
				if c == '\n' {
					line++
				}
				if c >= 0x20 || c == '\t' || c == '\n' || c == '\r' {
					continue
				}
				flush(k)
				out = append(out, replacementRef...)
				i = k + 1
				p := strings.Join(names, "/")
				if last < 0 || warns[last].Path != p {
					warns = append(warns, Warning{Code: WarnControlChar, Path: p, Line: line,
						Detail: fmt.Sprintf("control character U+%04X in text read as U+FFFD", c)})
					last = len(warns) - 1
				}
			}
			flush(end)
		} else {
			line += bytes.Count(data[i:end], []byte("\n"))
			flush(end)
		}
		if j < 0 {
			break
		}
		// Markup from i.
		rest := data[i:]
		var n int
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			n = markupEnd(rest, 4, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			n = markupEnd(rest, 9, "]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			n = markupEnd(rest, 2, "?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			if k, ok := skipDirective(rest); ok {
				n = k
			} else {
				n = -1
			}
		default:
			n = tagEnd(rest)
			if n > 0 {
				tag := rest[:n]
				switch {
				case len(tag) > 1 && tag[1] == '/':
					if len(names) > 0 {
						names = names[:len(names)-1]
					}
				case bytes.HasSuffix(tag, []byte("/>")):
				default:
					k := 1
					for k < len(tag) && !isXMLSpace(tag[k]) && tag[k] != '>' && tag[k] != '/' {
						k++
					}
					name := tag[1:k]
					if c := bytes.IndexByte(name, ':'); c >= 0 {
						name = name[c+1:]
					}
					names = append(names, string(name))
				}
				last = -1
			}
		}
		if n <= 0 {
			// Not markup this pass understands: leave the rest as it is.
			flush(len(data))
			break
		}
		line += bytes.Count(rest[:n], []byte("\n"))
		flush(i + n)
	}
	return out, warns
}

// markupEnd returns the length of the markup at the start of d whose body
// starts at skip and ends with end, or -1.
func markupEnd(d []byte, skip int, end string) int {
	j := bytes.Index(d[skip:], []byte(end))
	if j < 0 {
		return -1
	}
	return skip + j + len(end)
}

// tagEnd returns the length of the start or end tag at the start of d, up
// to and including '>' (ignoring '>' inside quoted attribute values), or -1:
// the quote rule of skipDirective, from the byte after '<'.
func tagEnd(d []byte) int {
	n, ok := quotedMarkupEnd(d, 1)
	if !ok {
		return -1
	}
	return n
}
