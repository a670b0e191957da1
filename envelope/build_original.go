package envelope

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"unicode/utf8"

	imime "github.com/sigillo/sigillo/internal/mime"
)

// Default limits for the original messages given to [BuildTransport] and
// [BuildAnomaly].
const (
	// DefaultMaxOriginalBytes caps the size of an original message
	// (100 MiB, the largest limit providers advertise).
	DefaultMaxOriginalBytes = 100 << 20
	// DefaultMaxHeaderBytes caps the header block of an original message.
	DefaultMaxHeaderBytes = 1 << 20
	// DefaultMaxRecipients caps the number of recipients of an original
	// message (To plus Cc, or the explicit SMTP recipients).
	DefaultMaxRecipients = 1000
)

// BuildLimits bounds the original message a builder accepts. A zero field
// means the default.
type BuildLimits struct {
	// MaxOriginalBytes caps the original message, default
	// DefaultMaxOriginalBytes.
	MaxOriginalBytes int
	// MaxHeaderBytes caps its header block, default DefaultMaxHeaderBytes.
	MaxHeaderBytes int
	// MaxRecipients caps its recipients, default DefaultMaxRecipients.
	MaxRecipients int
}

func (l *BuildLimits) withDefaults() BuildLimits {
	var o BuildLimits
	if l != nil {
		o = *l
	}
	if o.MaxOriginalBytes <= 0 {
		o.MaxOriginalBytes = DefaultMaxOriginalBytes
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if o.MaxRecipients <= 0 {
		o.MaxRecipients = DefaultMaxRecipients
	}
	return o
}

// ErrFormal is the sentinel of every [*FormalError]: the original message
// fails the formal checks of the access point (DM 2 novembre 2005, annex) and
// deserves an avviso di non accettazione rather than a transport envelope.
var ErrFormal = errors.New("envelope: original message fails the formal checks")

// ErrBuild is the sentinel of errors in the options given to a builder
// (a missing identifier, provider or time): caller bugs, not bad input.
var ErrBuild = errors.New("envelope: invalid build options")

// FormalReason says which formal check an original message failed.
type FormalReason string

// The formal checks (DM 2 novembre 2005, annex).
const (
	// FormalMalformed: the header block cannot be parsed.
	FormalMalformed FormalReason = "malformed"
	// FormalTooLarge: the message or its header exceeds a limit.
	FormalTooLarge FormalReason = "too-large"
	// FormalFrom: From is absent, invalid or holds more than one address.
	FormalFrom FormalReason = "from"
	// FormalTo: To holds no valid address, or To/Cc hold an invalid one.
	FormalTo FormalReason = "to"
	// FormalBcc: a Bcc field is present.
	FormalBcc FormalReason = "bcc"
	// FormalSender: the SMTP reverse-path differs from the From address.
	FormalSender FormalReason = "sender"
	// FormalRecipient: an SMTP recipient appears in neither To nor Cc.
	FormalRecipient FormalReason = "recipient"
	// FormalTooManyRecipients: more recipients than the limit.
	FormalTooManyRecipients FormalReason = "too-many-recipients"
	// FormalMessageID: the Message-ID is not a printable token.
	FormalMessageID FormalReason = "message-id"
)

// FormalError reports why an original message fails the formal checks.
type FormalError struct {
	Reason FormalReason
	// Detail is a short English detail (the offending field or value).
	Detail string
}

var _ error = (*FormalError)(nil)

func (e *FormalError) Error() string {
	if e.Detail == "" {
		return "envelope: original message fails the formal checks: " + string(e.Reason)
	}
	return "envelope: original message fails the formal checks: " + string(e.Reason) + ": " + e.Detail
}

// Unwrap returns ErrFormal.
func (e *FormalError) Unwrap() error { return ErrFormal }

// Italian returns an Italian description of the failed check, suitable for
// daticert errore-esteso and the text of an avviso di non accettazione.
func (e *FormalError) Italian() string {
	switch e.Reason {
	case FormalMalformed:
		return "intestazione del messaggio non conforme"
	case FormalTooLarge:
		return "dimensione del messaggio superiore al limite consentito"
	case FormalFrom:
		return "campo From assente o non valido"
	case FormalTo:
		return "campo To assente o indirizzo destinatario non valido"
	case FormalBcc:
		return "destinatari in copia nascosta (Bcc) non ammessi"
	case FormalSender:
		return "il mittente della busta SMTP non corrisponde al campo From"
	case FormalRecipient:
		return "destinatario non presente nei campi To o Cc"
	case FormalTooManyRecipients:
		return "numero di destinatari superiore al limite consentito"
	case FormalMessageID:
		return "campo Message-ID non valido"
	}
	return "errore formale nel messaggio"
}

func bldFormalf(r FormalReason, format string, args ...any) error {
	return &FormalError{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// field is one header field of an original message.
type bldField struct {
	name  string // as written
	raw   []byte // the whole field, continuation lines included, ending with CRLF
	value string // field body, unfolded, with surrounding white space trimmed
}

// rawValue returns the field body as written (continuation lines kept),
// without the leading white space and the final CRLF.
func (f *bldField) rawValue() string {
	v := f.raw[len(f.name)+1 : len(f.raw)-2]
	return string(bytes.TrimLeft(v, " \t"))
}

// message is an original message split into header fields and body.
type bldMessage struct {
	data    []byte // canonical CRLF bytes of the whole message
	fields  []bldField
	body    []byte // bytes after the blank line (nil when there is none)
	hasBody bool
}

// bldParseMessage splits raw (converted to CRLF line ends) into its header
// fields and body. It never panics; a header it cannot split is a
// FormalMalformed error.
func bldParseMessage(raw []byte, lim BuildLimits) (*bldMessage, error) {
	if len(raw) > lim.MaxOriginalBytes {
		return nil, bldFormalf(FormalTooLarge, "%d bytes, limit %d", len(raw), lim.MaxOriginalBytes)
	}
	data := bldCanonicalCRLF(raw)
	m := &bldMessage{data: data}
	head := data
	if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
		head = data[:i+2]
		m.body = data[i+4:]
		m.hasBody = true
	} else if bytes.HasPrefix(data, []byte("\r\n")) {
		head = nil
		m.body = data[2:]
		m.hasBody = true
	} else if len(head) > 0 && !bytes.HasSuffix(head, []byte("\r\n")) {
		head = append(head[:len(head):len(head)], '\r', '\n')
	}
	if len(head) > lim.MaxHeaderBytes {
		return nil, bldFormalf(FormalTooLarge, "header of %d bytes, limit %d", len(head), lim.MaxHeaderBytes)
	}
	for len(head) > 0 {
		end := 0
		for {
			i := bytes.Index(head[end:], []byte("\r\n"))
			end += i + 2
			if end >= len(head) || (head[end] != ' ' && head[end] != '\t') {
				break
			}
		}
		line := head[:end]
		head = head[end:]
		if line[0] == ' ' || line[0] == '\t' {
			return nil, bldFormalf(FormalMalformed, "continuation line without a field")
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !bldValidFieldName(line[:colon]) {
			if len(m.fields) == 0 && bytes.HasPrefix(line, []byte("From ")) {
				continue // an mbox separator line
			}
			return nil, bldFormalf(FormalMalformed, "line %q is not a header field", bldTruncate(line, 40))
		}
		m.fields = append(m.fields, bldField{
			name:  string(line[:colon]),
			raw:   line,
			value: bldUnfold(line[colon+1 : len(line)-2]),
		})
	}
	return m, nil
}

func bldValidFieldName(b []byte) bool {
	for _, c := range b {
		if c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

func bldUnfold(v []byte) string {
	s := strings.ReplaceAll(string(v), "\r\n", "")
	return strings.Trim(s, " \t")
}

func bldTruncate(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// get returns the first field named name, or nil.
func (m *bldMessage) get(name string) *bldField {
	for i := range m.fields {
		if strings.EqualFold(m.fields[i].name, name) {
			return &m.fields[i]
		}
	}
	return nil
}

// all returns the fields named name, in order.
func (m *bldMessage) all(name string) []*bldField {
	var out []*bldField
	for i := range m.fields {
		if strings.EqualFold(m.fields[i].name, name) {
			out = append(out, &m.fields[i])
		}
	}
	return out
}

// bldWordDecoder decodes RFC 2047 words with the module's one charset lookup.
var bldWordDecoder = &mime.WordDecoder{CharsetReader: imime.CharsetReader}

var bldAddressParser = &mail.AddressParser{WordDecoder: bldWordDecoder}

// bldDecodeText decodes an unstructured header value (RFC 2047) into clean
// UTF-8: undecodable words stay as written, bytes that are not UTF-8 are
// read as ISO-8859-1, and control characters become spaces.
func bldDecodeText(v string) string {
	s, err := bldWordDecoder.DecodeHeader(v)
	if err != nil {
		s = v
	}
	return bldCleanText(s)
}

// bldCleanText returns s as valid UTF-8 without control characters (other
// than tab), reading invalid UTF-8 bytes as ISO-8859-1.
func bldCleanText(s string) string {
	ok := utf8.ValidString(s)
	if ok {
		for _, r := range s {
			if r < 0x20 && r != '\t' || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == 0xFFFE || r == 0xFFFF {
				ok = false
				break
			}
		}
		if ok {
			return s
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			r = rune(s[i])
		}
		i += n
		if r < 0x20 && r != '\t' || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == 0xFFFE || r == 0xFFFF {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// bldAddresses parses an address-list field into bare addresses.
func bldAddresses(f *bldField) ([]string, error) {
	if strings.TrimSpace(f.value) == "" {
		return nil, nil
	}
	list, err := bldAddressParser.ParseList(f.value)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.Address
	}
	return out, nil
}

// bldValidMsgID reports whether id (as written, possibly with <>) is a
// printable token fit for a header and for daticert.
func bldValidMsgID(id string) bool {
	if id == "" || len(id) > 998 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] >= 0x7F {
			return false
		}
	}
	return true
}

// bldStripAngle removes one pair of enclosing angle brackets.
func bldStripAngle(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}
