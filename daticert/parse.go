package daticert

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beevik/etree"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// Default limits applied by Parse. See the "Limits" section of the package
// documentation for the reasoning.
const (
	// DefaultMaxBytes is the largest input Parse accepts: 1 MiB. Real
	// documents are under 2 KiB; even 500 recipients stay below 50 KiB.
	DefaultMaxBytes = 1 << 20
	// DefaultMaxDepth is the deepest element nesting Parse accepts. The DTD
	// nests four levels (postacert/dati/data/giorno); 16 leaves room for
	// provider extensions while bounding the work on hostile input.
	DefaultMaxDepth = 16
	// DefaultMaxElements is the largest number of elements Parse accepts.
	// Providers cap recipients at a few hundred (Aruba: 500); 10000 leaves
	// ample room and bounds memory on inputs made of tiny elements.
	DefaultMaxElements = 10000
)

// ParseOptions sets the limits of Parse. A nil *ParseOptions means all
// defaults; a zero (or negative) field means the default for that field.
type ParseOptions struct {
	// MaxBytes is the largest input accepted, in bytes (DefaultMaxBytes
	// when 0). A longer input yields ErrTooLarge.
	MaxBytes int
	// MaxDepth is the deepest element nesting accepted, the root element
	// being at depth 1 (DefaultMaxDepth when 0). A deeper element yields
	// ErrTooDeep.
	MaxDepth int
	// MaxElements is the largest number of elements accepted
	// (DefaultMaxElements when 0). One more yields ErrTooLarge.
	MaxElements int
}

func (o *ParseOptions) withDefaults() ParseOptions {
	var r ParseOptions
	if o != nil {
		r = *o
	}
	if r.MaxBytes <= 0 {
		r.MaxBytes = DefaultMaxBytes
	}
	if r.MaxDepth <= 0 {
		r.MaxDepth = DefaultMaxDepth
	}
	if r.MaxElements <= 0 {
		r.MaxElements = DefaultMaxElements
	}
	return r
}

// Element paths used in errors and problems.
const (
	pathRoot         = "postacert"
	pathIntestazione = pathRoot + "/intestazione"
	pathDati         = pathRoot + "/dati"
	pathMittente     = pathIntestazione + "/mittente"
	pathDestinatari  = pathIntestazione + "/destinatari"
	pathRisposte     = pathIntestazione + "/risposte"
	pathOggetto      = pathIntestazione + "/oggetto"
	pathGestore      = pathDati + "/gestore-emittente"
	pathData         = pathDati + "/data"
	pathZona         = pathData + "/@zona"
	pathGiorno       = pathData + "/giorno"
	pathOra          = pathData + "/ora"
	pathID           = pathDati + "/identificativo"
	pathMsgID        = pathDati + "/msgid"
	pathRicevuta     = pathDati + "/ricevuta"
	pathConsegna     = pathDati + "/consegna"
	pathRicezione    = pathDati + "/ricezione"
	pathErroreEsteso = pathDati + "/errore-esteso"
	pathTipo         = pathRoot + "/@tipo"
	pathErrore       = pathRoot + "/@errore"
)

// Parse decodes one daticert.xml document.
//
// It accepts UTF-8 (the default), ISO-8859-1 and Windows-1252 documents,
// elements in any order, unknown elements and attributes (ignored), and a
// DOCTYPE without entity declarations. It rejects what matters: a root
// other than postacert, missing required elements or attributes,
// duplicated single elements, dates that do not exist, malformed zones,
// any entity declaration, and inputs beyond the limits of opts (nil means
// the defaults). Every error is a [*ParseError] wrapping one of the
// sentinel errors, and the returned *Cert is then nil.
//
// Parse checks the structure only; call [Cert.Validate] for the rules that
// tie the elements to the certificate type.
func Parse(data []byte, opts *ParseOptions) (*Cert, error) {
	o := opts.withDefaults()
	if len(data) > o.MaxBytes {
		return nil, &ParseError{Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), o.MaxBytes)}
	}
	body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := &gapReader{data: body}
	if !quickScan(body, o, r) {
		// Not certainly fine: scan decides and reports exactly.
		if _, err := scan(body, o); err != nil {
			return nil, err
		}
		r.n = 0
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{CharsetReader: charsetReader}
	if _, err := doc.ReadFrom(r); err != nil {
		// scan tells why, with the line and the path.
		if _, serr := scan(body, o); serr != nil {
			return nil, serr
		}
		return nil, &ParseError{Err: fmt.Errorf("%w: %v", ErrSyntax, err)}
	}
	root := doc.Root()
	if root == nil {
		return nil, &ParseError{Err: fmt.Errorf("%w: no root element", ErrSyntax)}
	}
	p := &parser{body: body, opts: o, root: root}
	c, err := p.cert(root)
	if err != nil {
		return nil, err
	}
	c.Raw = bytes.Clone(data)
	return c, nil
}

// quickScan is the cheap first pass of Parse: one walk over the bytes, no
// allocation. It reports true only when scan would accept data as well,
// provided that etree then reads data without error: at most
// o.MaxElements elements, none deeper than o.MaxDepth, exactly one root,
// nothing but XML white space outside it, no duplicate attribute names, no
// directive mentioning ENTITY, and no reference other than the five
// predefined entities and character references. Everything else
// (well-formedness, encodings, matching end tags) is left to etree, which
// reads with the same strict encoding/xml decoder as scan.
//
// false means "not sure", never "invalid": Parse then runs scan, which
// decides exactly and reports the error with its line and path.
//
// quickScan also records in g the runs of white space that etree need not
// see: those directly inside elements at depth 1 and 2 (postacert,
// intestazione, dati and their unknown siblings), whose text Parse never
// reads. Indentation is most of the text of a pretty-printed document, and
// every run costs etree a token and a node.
func quickScan(data []byte, o ParseOptions, g *gapReader) bool {
	n := len(data)
	depth, elements, roots := 0, 0, 0
	text, blank := 0, true // start of the current text run; only white space so far
	for i := 0; i < n; {
		c := data[i]
		if c != '<' {
			switch {
			case c == '&':
				if depth == 0 {
					return false
				}
				j, ok := skipRef(data, i)
				if !ok {
					return false
				}
				i = j
				blank = false
			case isXMLSpace(c):
				i++
			case depth == 0:
				return false
			default:
				i++
				blank = false
			}
			continue
		}
		if blank && i > text && (depth == 1 || depth == 2) && g.n < len(g.gaps) {
			g.gaps[g.n] = [2]int{text, i}
			g.n++
		}
		if i+1 >= n {
			return false
		}
		switch data[i+1] {
		case '/': // end tag
			j := bytes.IndexByte(data[i+2:], '>')
			if j < 0 || depth == 0 {
				return false
			}
			depth--
			i += 2 + j + 1
		case '?': // processing instruction, XML declaration
			j := bytes.Index(data[i+2:], []byte("?>"))
			if j < 0 {
				return false
			}
			i += 2 + j + 2
		case '!':
			rest := data[i:]
			switch {
			case bytes.HasPrefix(rest, []byte("<!--")):
				// encoding/xml ends a comment at its first "--",
				// which must be followed by '>'.
				j := bytes.Index(rest[4:], []byte("--"))
				if j < 0 || 4+j+2 >= len(rest) || rest[4+j+2] != '>' {
					return false
				}
				i += 4 + j + 3
			case bytes.HasPrefix(rest, []byte("<![CDATA[")):
				j := bytes.Index(rest[9:], []byte("]]>"))
				if j < 0 || depth == 0 {
					return false
				}
				i += 9 + j + 3
			default:
				// A directive such as <!DOCTYPE ...>. Only the plain
				// kind, with no markup inside, is certainly fine.
				j, ok := skipDirective(rest)
				if !ok || bytes.Contains(rest[:j], []byte("ENTITY")) {
					return false
				}
				i += j
			}
		default: // start tag
			elements++
			depth++
			if elements > o.MaxElements || depth > o.MaxDepth {
				return false
			}
			if depth == 1 {
				roots++
				if roots > 1 {
					return false
				}
			}
			j, empty, ok := skipStartTag(data, i)
			if !ok {
				return false
			}
			if empty {
				depth--
			}
			i = j
		}
		text, blank = i, true
	}
	return depth == 0 && roots == 1
}

// gapReader reads data leaving out the white space runs quickScan
// recorded, in increasing order. etree reads through it instead of over a
// copy of data.
type gapReader struct {
	data []byte
	pos  int        // next byte of data to read
	next int        // index in gaps of the next gap to skip
	n    int        // number of gaps recorded
	gaps [64][2]int // [start, end) of each gap; documents with more keep the rest
}

// Read implements io.Reader.
func (r *gapReader) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) && r.pos < len(r.data) {
		end := len(r.data)
		if r.next < r.n {
			g := r.gaps[r.next]
			if r.pos >= g[0] {
				r.pos = g[1]
				r.next++
				continue
			}
			end = g[0]
		}
		c := copy(p[k:], r.data[r.pos:end])
		k += c
		r.pos += c
	}
	if k == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return k, nil
}

// maxQuickAttrs is the most attributes quickScan checks for duplicates in
// one start tag; a tag with more goes to scan.
const maxQuickAttrs = 8

// skipStartTag skips the start tag at data[i] ('<' followed by the name)
// and returns the index after it and whether it is an empty-element tag.
// ok is false when the tag is not plainly well formed or may hold a
// duplicate attribute.
func skipStartTag(data []byte, i int) (next int, empty, ok bool) {
	n := len(data)
	j := i + 1
	for j < n && !isXMLSpace(data[j]) && data[j] != '/' && data[j] != '>' {
		j++
	}
	if j == i+1 {
		return 0, false, false
	}
	var names [maxQuickAttrs][]byte
	attrs := 0
	for {
		for j < n && isXMLSpace(data[j]) {
			j++
		}
		if j >= n {
			return 0, false, false
		}
		switch data[j] {
		case '>':
			return j + 1, false, true
		case '/':
			if j+1 < n && data[j+1] == '>' {
				return j + 2, true, true
			}
			return 0, false, false
		}
		k := j
		for k < n && !isXMLSpace(data[k]) && data[k] != '=' && data[k] != '>' && data[k] != '/' {
			k++
		}
		if k == j || attrs == maxQuickAttrs {
			return 0, false, false
		}
		// Names that encoding/xml could resolve to the same name share
		// the part after the last colon.
		name := data[j:k]
		if c := bytes.LastIndexByte(name, ':'); c >= 0 {
			name = name[c+1:]
		}
		for _, prev := range names[:attrs] {
			if bytes.Equal(prev, name) {
				return 0, false, false
			}
		}
		names[attrs] = name
		attrs++
		for k < n && isXMLSpace(data[k]) {
			k++
		}
		if k >= n || data[k] != '=' {
			return 0, false, false
		}
		k++
		for k < n && isXMLSpace(data[k]) {
			k++
		}
		if k >= n || (data[k] != '"' && data[k] != '\'') {
			return 0, false, false
		}
		q := data[k]
		k++
		for k < n && data[k] != q {
			switch data[k] {
			case '<':
				return 0, false, false
			case '&':
				var ok bool
				if k, ok = skipRef(data, k); !ok {
					return 0, false, false
				}
			default:
				k++
			}
		}
		if k >= n {
			return 0, false, false
		}
		j = k + 1
	}
}

// skipDirective returns the length of the directive at the start of d
// ("<!" then anything but a comment or CDATA section), up to and including
// its closing '>'. Like encoding/xml it ignores '>' inside quotes. ok is
// false when the directive is unterminated or holds markup ('<' outside
// quotes), which encoding/xml would nest.
func skipDirective(d []byte) (n int, ok bool) {
	var quote byte
	for j := 2; j < len(d); j++ {
		b := d[j]
		switch {
		case quote != 0:
			if b == quote {
				quote = 0
			}
		case b == '"' || b == '\'':
			quote = b
		case b == '<':
			return 0, false
		case b == '>':
			return j + 1, true
		}
	}
	return 0, false
}

// skipRef checks the reference at data[i] ('&') and returns the index
// after its ';'. ok is true only for the five predefined entities and for
// decimal or hexadecimal character references.
func skipRef(data []byte, i int) (next int, ok bool) {
	r := data[i+1:]
	for _, name := range [...]string{"lt;", "gt;", "amp;", "apos;", "quot;"} {
		if len(r) >= len(name) && string(r[:len(name)]) == name {
			return i + 1 + len(name), true
		}
	}
	if len(r) < 3 || r[0] != '#' {
		return 0, false
	}
	j := 1
	hex := r[1] == 'x'
	if hex {
		j = 2
	}
	start := j
	for j < len(r) && (r[j] >= '0' && r[j] <= '9' || hex && (r[j]|0x20 >= 'a' && r[j]|0x20 <= 'f')) {
		j++
	}
	if j == start || j >= len(r) || r[j] != ';' {
		return 0, false
	}
	return i + 1 + j + 1, true
}

func isXMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// scan is the exact check behind quickScan, over encoding/xml. It enforces
// the limits, rejects entities and malformed XML with the line and path of
// the fault, and returns the line of every element in document order (the
// order of an etree pre-order walk). Parse runs it only when quickScan is
// not sure, when etree fails, and to find the line of an element it
// reports an error about; on the common path it does not run at all.
func scan(data []byte, o ParseOptions) ([]int, error) {
	switched := false
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switched = true
		return charsetReader(label, in)
	}
	var (
		stack []string
		lines []int
		roots int
	)
	path := func() string { return strings.Join(stack, "/") }
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
			return nil, pe
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if len(stack) > o.MaxDepth {
				return nil, &ParseError{Path: path(), Line: line,
					Err: fmt.Errorf("%w: depth %d, limit %d", ErrTooDeep, len(stack), o.MaxDepth)}
			}
			if len(lines) >= o.MaxElements {
				return nil, &ParseError{Path: path(), Line: line,
					Err: fmt.Errorf("%w: more than %d elements", ErrTooLarge, o.MaxElements)}
			}
			if len(stack) == 1 {
				roots++
				if roots > 1 {
					return nil, &ParseError{Path: path(), Line: line,
						Err: fmt.Errorf("%w: more than one root element", ErrSyntax)}
				}
			}
			for i, a := range t.Attr {
				for _, b := range t.Attr[:i] {
					if a.Name == b.Name {
						return nil, &ParseError{Path: path() + "/@" + a.Name.Local, Line: line,
							Err: fmt.Errorf("%w: duplicate attribute", ErrSyntax)}
					}
				}
			}
			lines = append(lines, line)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if rest := strings.TrimLeft(string(t), " \t\r\n"); rest != "" {
					line += strings.Count(string(t[:len(t)-len(rest)]), "\n")
					return nil, &ParseError{Line: line, Err: fmt.Errorf("%w: text outside the root element", ErrSyntax)}
				}
			}
		case xml.Directive:
			if bytes.HasPrefix(t, []byte("ENTITY")) || bytes.Contains(t, []byte("<!ENTITY")) {
				return nil, &ParseError{Path: path(), Line: line, Err: fmt.Errorf("%w: entity declaration", ErrEntity)}
			}
		}
	}
	if roots == 0 {
		return nil, &ParseError{Err: fmt.Errorf("%w: no root element", ErrSyntax)}
	}
	return lines, nil
}

// hasEntityRef reports whether data contains a reference to an entity that
// XML does not predefine, such as "&lol9;". Character references and the
// five predefined entities are fine.
func hasEntityRef(data []byte) bool {
	for i := 0; i < len(data); i++ {
		if data[i] != '&' {
			continue
		}
		j := i + 1
		for j < len(data) && isNameByte(data[j], j == i+1) {
			j++
		}
		if j == i+1 || j >= len(data) || data[j] != ';' {
			continue
		}
		switch string(data[i+1 : j]) {
		case "lt", "gt", "amp", "apos", "quot":
		default:
			return true
		}
	}
	return false
}

func isNameByte(b byte, first bool) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b == '_', b == ':', b >= 0x80:
		return true
	case b >= '0' && b <= '9', b == '-', b == '.':
		return !first
	}
	return false
}

// charsetReader converts the encodings Parse supports to UTF-8 and rejects
// every other one with ErrEncoding. encoding/xml calls it only for a
// declared encoding other than UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	var enc encoding.Encoding
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf8":
		enc = unicode.UTF8
	case "cp1252":
		enc = charmap.Windows1252
	default:
		e, err := ianaindex.IANA.Encoding(label)
		if err == nil {
			enc = e
		}
	}
	switch enc {
	case unicode.UTF8:
		return in, nil
	case charmap.ISO8859_1, charmap.Windows1252:
		return enc.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("%w: encoding %q", ErrEncoding, label)
}

// trimSpace removes leading and trailing XML white space (space, tab, CR,
// LF); unlike strings.TrimSpace it keeps other Unicode spaces.
func trimSpace(s string) string { return strings.Trim(s, " \t\r\n") }

type parser struct {
	body  []byte       // the input without its byte order mark
	opts  ParseOptions // with defaults
	root  *etree.Element
	lines []int // line of every element in document order; nil until needed
}

func (p *parser) fail(e *etree.Element, path string, err error) error {
	return &ParseError{Path: path, Line: p.line(e), Err: err}
}

// line returns the line of e, computing the lines of every element on the
// first call: only errors need them.
func (p *parser) line(e *etree.Element) int {
	if p.lines == nil {
		lines, err := scan(p.body, p.opts)
		if err != nil {
			// Cannot happen: Parse got here only if scan would accept.
			return 0
		}
		p.lines = lines
	}
	i := 0
	var find func(x *etree.Element) bool
	find = func(x *etree.Element) bool {
		if x == e {
			return true
		}
		i++
		for _, t := range x.Child {
			if c, ok := t.(*etree.Element); ok && find(c) {
				return true
			}
		}
		return false
	}
	if find(p.root) && i < len(p.lines) {
		return p.lines[i]
	}
	return 0
}

// all returns the child elements of e named name.
func all(e *etree.Element, name string) []*etree.Element {
	var r []*etree.Element
	for _, t := range e.Child {
		if c, ok := t.(*etree.Element); ok && c.Tag == name {
			r = append(r, c)
		}
	}
	return r
}

// one returns the only child of parent named name, nil if there is none
// and it is optional.
func (p *parser) one(parent *etree.Element, parentPath, name string, required bool) (*etree.Element, error) {
	var first *etree.Element
	for _, t := range parent.Child {
		c, ok := t.(*etree.Element)
		if !ok || c.Tag != name {
			continue
		}
		if first != nil {
			return nil, p.fail(c, parentPath+"/"+name, fmt.Errorf("%w: duplicate element %s", ErrInvalid, name))
		}
		first = c
	}
	if first == nil && required {
		return nil, p.fail(parent, parentPath+"/"+name, fmt.Errorf("%w: element %s", ErrMissing, name))
	}
	return first, nil
}

// text returns the trimmed character data directly inside e.
func text(e *etree.Element) string {
	if e == nil {
		return ""
	}
	var (
		s     string // the only piece so far
		b     strings.Builder
		multi bool
	)
	for _, t := range e.Child {
		cd, ok := t.(*etree.CharData)
		if !ok {
			continue
		}
		switch {
		case multi:
			b.WriteString(cd.Data)
		case s == "":
			s = cd.Data
		default:
			multi = true
			b.WriteString(s)
			b.WriteString(cd.Data)
		}
	}
	if multi {
		s = b.String()
	}
	return trimSpace(s)
}

// attr returns the trimmed value of the attribute name of e, and whether
// it is present.
func attr(e *etree.Element, name string) (string, bool) {
	for _, a := range e.Attr {
		if a.Key == name && a.Space == "" {
			return trimSpace(a.Value), true
		}
	}
	return "", false
}

func (p *parser) cert(root *etree.Element) (*Cert, error) {
	if root.Tag != "postacert" {
		return nil, p.fail(root, root.Tag, fmt.Errorf("%w: found %q", ErrRoot, root.Tag))
	}
	c := &Cert{}
	tipo, _ := attr(root, "tipo")
	if tipo == "" {
		return nil, p.fail(root, pathTipo, fmt.Errorf("%w: attribute tipo", ErrMissing))
	}
	c.Type = Type(tipo)
	c.Error = ErrorNessuno
	if v, _ := attr(root, "errore"); v != "" {
		c.Error = ErrorCode(v)
	}

	in, err := p.one(root, pathRoot, "intestazione", true)
	if err != nil {
		return nil, err
	}
	dati, err := p.one(root, pathRoot, "dati", true)
	if err != nil {
		return nil, err
	}
	if err := p.intestazione(c, in); err != nil {
		return nil, err
	}
	if err := p.dati(c, dati); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *parser) intestazione(c *Cert, in *etree.Element) error {
	e, err := p.one(in, pathIntestazione, "mittente", true)
	if err != nil {
		return err
	}
	c.Sender = text(e)
	dest := all(in, "destinatari")
	if len(dest) == 0 {
		return p.fail(in, pathDestinatari, fmt.Errorf("%w: element destinatari", ErrMissing))
	}
	c.Recipients = make([]Recipient, 0, len(dest))
	for _, d := range dest {
		r := Recipient{Address: text(d), Type: RecipientCertificato}
		if v, _ := attr(d, "tipo"); v != "" {
			r.Type = RecipientType(v)
		}
		c.Recipients = append(c.Recipients, r)
	}
	if e, err = p.one(in, pathIntestazione, "risposte", true); err != nil {
		return err
	}
	c.ReplyTo = text(e)
	if e, err = p.one(in, pathIntestazione, "oggetto", false); err != nil {
		return err
	}
	if e != nil {
		c.HasSubject = true
		c.Subject = text(e)
	}
	return nil
}

func (p *parser) dati(c *Cert, dati *etree.Element) error {
	e, err := p.one(dati, pathDati, "gestore-emittente", true)
	if err != nil {
		return err
	}
	c.Provider = text(e)
	if e, err = p.one(dati, pathDati, "data", true); err != nil {
		return err
	}
	if c.Date, err = p.date(e); err != nil {
		return err
	}
	if e, err = p.one(dati, pathDati, "identificativo", true); err != nil {
		return err
	}
	c.ID = text(e)
	if e, err = p.one(dati, pathDati, "msgid", false); err != nil {
		return err
	}
	c.RawMsgID = text(e)
	c.MsgID = stripBrackets(c.RawMsgID)
	if e, err = p.one(dati, pathDati, "ricevuta", false); err != nil {
		return err
	}
	if e != nil {
		v, _ := attr(e, "tipo")
		if v == "" {
			return p.fail(e, pathRicevuta+"/@tipo", fmt.Errorf("%w: attribute tipo", ErrMissing))
		}
		c.Receipt = ReceiptType(v)
	}
	if e, err = p.one(dati, pathDati, "consegna", false); err != nil {
		return err
	}
	c.Delivery = text(e)
	for _, r := range all(dati, "ricezione") {
		c.Receptions = append(c.Receptions, text(r))
	}
	if e, err = p.one(dati, pathDati, "errore-esteso", false); err != nil {
		return err
	}
	c.ExtendedError = text(e)
	return nil
}

// stripBrackets removes one pair of enclosing angle brackets.
func stripBrackets(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}

func (p *parser) date(e *etree.Element) (time.Time, error) {
	zona, ok := attr(e, "zona")
	if !ok {
		return time.Time{}, p.fail(e, pathZona, fmt.Errorf("%w: attribute zona", ErrMissing))
	}
	offset, ok := parseZone(zona)
	if !ok {
		return time.Time{}, p.fail(e, pathZona, fmt.Errorf("%w: zone %q is not [+-]hhmm within ±14:59", ErrInvalid, zona))
	}
	ge, err := p.one(e, pathData, "giorno", true)
	if err != nil {
		return time.Time{}, err
	}
	oe, err := p.one(e, pathData, "ora", true)
	if err != nil {
		return time.Time{}, err
	}
	giorno, ora := text(ge), text(oe)
	day, month, year, ok := parseFields(giorno, '/', 2, 2, 4)
	if !ok {
		return time.Time{}, p.fail(ge, pathGiorno, fmt.Errorf("%w: day %q is not dd/mm/yyyy", ErrInvalid, giorno))
	}
	hh, mm, ss, ok := parseFields(ora, ':', 2, 2, 2)
	if !ok || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, p.fail(oe, pathOra, fmt.Errorf("%w: time %q is not hh:mm:ss", ErrInvalid, ora))
	}
	t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, zoneFor(offset))
	if t.Day() != day || int(t.Month()) != month || t.Year() != year {
		return time.Time{}, p.fail(ge, pathGiorno, fmt.Errorf("%w: day %q does not exist", ErrInvalid, giorno))
	}
	return t, nil
}

// parseFields parses three fixed-width decimal fields separated by sep.
func parseFields(s string, sep byte, w1, w2, w3 int) (a, b, c int, ok bool) {
	if len(s) != w1+w2+w3+2 || s[w1] != sep || s[w1+1+w2] != sep {
		return 0, 0, 0, false
	}
	num := func(f string) (int, bool) {
		for i := 0; i < len(f); i++ {
			if f[i] < '0' || f[i] > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(f)
		return n, err == nil
	}
	var ok1, ok2, ok3 bool
	a, ok1 = num(s[:w1])
	b, ok2 = num(s[w1+1 : w1+1+w2])
	c, ok3 = num(s[w1+1+w2+1:])
	return a, b, c, ok1 && ok2 && ok3
}

// maxOffset is the largest zone offset accepted, in seconds: 14:59.
const maxOffset = 14*3600 + 59*60

// parseZone parses "[+-]hhmm" with hh <= 14 and mm <= 59.
func parseZone(s string) (offset int, ok bool) {
	if len(s) != 5 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	for i := 1; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	hh := int(s[1]-'0')*10 + int(s[2]-'0')
	mm := int(s[3]-'0')*10 + int(s[4]-'0')
	if hh > 14 || mm > 59 {
		return 0, false
	}
	offset = hh*3600 + mm*60
	if s[0] == '-' {
		offset = -offset
	}
	return offset, true
}

// zoneName returns the canonical "+hhmm" name of a zone offset in seconds
// (whole minutes); offset 0 is "+0000".
func zoneName(offset int) string {
	sign := byte('+')
	if offset < 0 {
		sign = '-'
		offset = -offset
	}
	hh, mm := offset/3600, offset%3600/60
	return string([]byte{sign, byte('0' + hh/10), byte('0' + hh%10), byte('0' + mm/10), byte('0' + mm%10)})
}

// zoneFor returns the fixed zone Parse uses for an offset: named by
// zoneName.
func zoneFor(offset int) *time.Location {
	return time.FixedZone(zoneName(offset), offset)
}
