package daticert

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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
// other than postacert, a root in a namespace or a default namespace
// declaration (ErrNamespace), two root elements, missing required elements
// or attributes, duplicated single elements, dates that do not exist,
// malformed zones, any entity declaration or reference, an encoding
// declared other than UTF-8 after a UTF-8 byte order mark or a UTF-16 byte
// order mark, and inputs beyond the limits of opts (nil means the
// defaults). Every error is a [*ParseError] wrapping one of the sentinel
// errors, and the returned *Cert is then nil.
//
// A C0 control character inside the text of an element, which XML cannot
// carry but a provider wrote, is read as U+FFFD and reported in
// [Cert.Warnings] ([WarnControlChar]); anywhere else it is a syntax error.
//
// Parse checks the structure only; call [Cert.Validate] for the rules that
// tie the elements to the certificate type.
func Parse(data []byte, opts *ParseOptions) (*Cert, error) { return parse(data, opts, false) }

// parse is Parse; slowOnly skips fastTree (the differential tests compare).
func parse(data []byte, opts *ParseOptions, slowOnly bool) (*Cert, error) {
	o := opts.withDefaults()
	if len(data) > o.MaxBytes {
		return nil, &ParseError{Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), o.MaxBytes)}
	}
	if bytes.HasPrefix(data, []byte("\xfe\xff")) || bytes.HasPrefix(data, []byte("\xff\xfe")) {
		return nil, &ParseError{Line: 1, Err: fmt.Errorf("%w: UTF-16 byte order mark", ErrEncoding)}
	}
	body, bom := bytes.CutPrefix(data, []byte("\xef\xbb\xbf"))
	var warns []Warning
	if i := firstControl(body); i >= 0 {
		body, warns = sanitize(body, i)
		// Control characters left outside text: encoding/xml reports them.
		slowOnly = slowOnly || firstControl(body) >= 0
	}
	t := &tree{body: body}
	if slowOnly || !fastTree(string(body), o, t) {
		t.nodes, t.attrs = t.nodes[:0], t.attrs[:0]
		if err := slowTree(body, o, bom, t); err != nil {
			return nil, err
		}
	}
	p := &parser{t: t}
	c, err := p.cert(0)
	if err != nil {
		return nil, err
	}
	c.Raw = bytes.Clone(data)
	c.Warnings = warns
	return c, nil
}

// skipDirective returns the length of the directive at the start of d
// ("<!" then anything but a comment or CDATA section), up to and including
// its closing '>'. Like encoding/xml it ignores '>' inside quotes. ok is
// false when the directive is unterminated or holds markup ('<' outside
// quotes), which encoding/xml would nest.
func skipDirective[T string | []byte](d T) (n int, ok bool) { return quotedMarkupEnd(d, 2) }

// quotedMarkupEnd returns the length of the markup at the start of d up to and
// including its closing '>', scanning from offset from and ignoring '>' inside
// quotes; ok is false when it is unterminated or holds a '<' outside quotes.
func quotedMarkupEnd[T string | []byte](d T, from int) (n int, ok bool) {
	var quote byte
	for j := from; j < len(d); j++ {
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

func isXMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

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
	t *tree
}

func (p *parser) fail(e int32, path string, err error) error {
	return &ParseError{Path: path, Line: p.t.line(e), Err: err}
}

// element reports whether e is the DTD element name (not one in a namespace).
func (p *parser) element(e int32, name string) bool {
	n := &p.t.nodes[e]
	return !n.foreign && n.name == name
}

// all returns the child elements of e named name.
func (p *parser) all(e int32, name string) []int32 {
	var r []int32
	for c := p.t.nodes[e].first; c >= 0; c = p.t.nodes[c].next {
		if p.element(c, name) {
			r = append(r, c)
		}
	}
	return r
}

// one returns the only child of parent named name, -1 if there is none and
// it is optional.
func (p *parser) one(parent int32, parentPath, name string, required bool) (int32, error) {
	first := int32(-1)
	for c := p.t.nodes[parent].first; c >= 0; c = p.t.nodes[c].next {
		if !p.element(c, name) {
			continue
		}
		if first >= 0 {
			return -1, p.fail(c, parentPath+"/"+name, fmt.Errorf("%w: duplicate element %s", ErrInvalid, name))
		}
		first = c
	}
	if first < 0 && required {
		return -1, p.fail(parent, parentPath+"/"+name, fmt.Errorf("%w: element %s", ErrMissing, name))
	}
	return first, nil
}

// text returns the trimmed character data directly inside e ("" for -1).
func (p *parser) text(e int32) string {
	if e < 0 {
		return ""
	}
	return trimSpace(p.t.nodes[e].text)
}

// attr returns the trimmed value of the attribute name (in no namespace) of
// e, and whether it is present.
func (p *parser) attr(e int32, name string) (string, bool) {
	r := p.t.nodes[e].attrs
	for _, a := range p.t.attrs[r[0]:r[1]] {
		if a.name == name && a.space == "" {
			return trimSpace(a.value), true
		}
	}
	return "", false
}

func (p *parser) cert(root int32) (*Cert, error) {
	if n := &p.t.nodes[root]; n.foreign || n.name != "postacert" {
		return nil, p.fail(root, n.name, fmt.Errorf("%w: found %q", ErrRoot, n.name))
	}
	c := &Cert{}
	tipo, _ := p.attr(root, "tipo")
	if tipo == "" {
		return nil, p.fail(root, pathTipo, fmt.Errorf("%w: attribute tipo", ErrMissing))
	}
	c.Type = Type(tipo)
	c.Error = ErrorNessuno
	if v, _ := p.attr(root, "errore"); v != "" {
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

func (p *parser) intestazione(c *Cert, in int32) error {
	e, err := p.one(in, pathIntestazione, "mittente", true)
	if err != nil {
		return err
	}
	c.Sender = p.text(e)
	dest := p.all(in, "destinatari")
	if len(dest) == 0 {
		return p.fail(in, pathDestinatari, fmt.Errorf("%w: element destinatari", ErrMissing))
	}
	c.Recipients = make([]Recipient, 0, len(dest))
	for _, d := range dest {
		r := Recipient{Address: p.text(d), Type: RecipientCertificato}
		if v, _ := p.attr(d, "tipo"); v != "" {
			r.Type = RecipientType(v)
		}
		c.Recipients = append(c.Recipients, r)
	}
	if e, err = p.one(in, pathIntestazione, "risposte", true); err != nil {
		return err
	}
	c.ReplyTo = p.text(e)
	if e, err = p.one(in, pathIntestazione, "oggetto", false); err != nil {
		return err
	}
	if e >= 0 {
		c.HasSubject = true
		c.Subject = p.text(e)
	}
	return nil
}

func (p *parser) dati(c *Cert, dati int32) error {
	e, err := p.one(dati, pathDati, "gestore-emittente", true)
	if err != nil {
		return err
	}
	c.Provider = p.text(e)
	if e, err = p.one(dati, pathDati, "data", true); err != nil {
		return err
	}
	if c.Date, err = p.date(e); err != nil {
		return err
	}
	if e, err = p.one(dati, pathDati, "identificativo", true); err != nil {
		return err
	}
	c.ID = p.text(e)
	if e, err = p.one(dati, pathDati, "msgid", false); err != nil {
		return err
	}
	c.RawMsgID = p.text(e)
	c.MsgID = stripBrackets(c.RawMsgID)
	if e, err = p.one(dati, pathDati, "ricevuta", false); err != nil {
		return err
	}
	if e >= 0 {
		v, _ := p.attr(e, "tipo")
		if v == "" {
			return p.fail(e, pathRicevuta+"/@tipo", fmt.Errorf("%w: attribute tipo", ErrMissing))
		}
		c.Receipt = ReceiptType(v)
	}
	if e, err = p.one(dati, pathDati, "consegna", false); err != nil {
		return err
	}
	c.Delivery = p.text(e)
	for _, r := range p.all(dati, "ricezione") {
		c.Receptions = append(c.Receptions, p.text(r))
	}
	if e, err = p.one(dati, pathDati, "errore-esteso", false); err != nil {
		return err
	}
	c.ExtendedError = p.text(e)
	return nil
}

// stripBrackets removes one pair of enclosing angle brackets.
func stripBrackets(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}

func (p *parser) date(e int32) (time.Time, error) {
	zona, ok := p.attr(e, "zona")
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
	giorno, ora := p.text(ge), p.text(oe)
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
