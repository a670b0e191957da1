package envelope

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"mime/quotedprintable"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigillo/sigillo/daticert"
)

// Names of the parts of a system message (DM 2 novembre 2005, annex).
const (
	// DaticertName is the file name of the certification data part.
	DaticertName = "daticert.xml"
	// PostacertName is the file name of the attached original message.
	PostacertName = "postacert.eml"
)

// DateLayout is the layout of the Date header of built messages (RFC 5322,
// day of the month without padding, numeric zone).
const DateLayout = "Mon, 2 Jan 2006 15:04:05 -0700"

// Issuer is the provider (gestore) that issues a system message.
type Issuer struct {
	// Name is the free-text provider name written in daticert
	// gestore-emittente, such as "Example PEC S.p.A.".
	Name string
	// Domain is the provider mail domain: system messages come from
	// posta-certificata@Domain (DM 2 novembre 2005, annex).
	Domain string
}

// Address returns the provider's system address posta-certificata@Domain.
func (i Issuer) Address() string { return "posta-certificata@" + i.Domain }

// HeaderField is one field of the outer header of a built message.
type HeaderField struct {
	// Name is the field name as written, such as "X-Ricevuta".
	Name string
	// Value is the field body as written after "Name: ", already encoded
	// (RFC 2047) and folded; continuation lines start with CRLF and white
	// space. It never ends with CRLF.
	Value string
}

// Draft is a system-generated PEC message before signing: the outer header
// and the MIME entity that the signature covers. Builders return a Draft;
// [Draft.Sign] wraps it into the final multipart/signed message.
type Draft struct {
	// Header is the outer header in emission order, without MIME-Version
	// and Content-Type, which signing adds.
	Header []HeaderField
	// Content is the signed entity (a multipart/mixed with its MIME
	// headers), with CRLF line ends. These exact bytes are signed.
	Content []byte
	// Time is the instant of the event, already in the zone used for Date,
	// the daticert data and the body text. Signing uses it as signingTime.
	Time time.Time
	// Cert is the certification data carried as daticert.xml; nil for the
	// anomaly envelope, which has none.
	Cert *daticert.Cert
	// Attached is the message attached as postacert.eml (nil when the
	// message type carries none).
	Attached []byte
}

// Get returns the value of the first outer header field named name (case
// insensitive), or "".
func (d *Draft) Get(name string) string {
	for _, f := range d.Header {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// LegalTime returns t in Italian legal time: a fixed zone of +0100 (CET) or
// +0200 (CEST, from 01:00 UTC on the last Sunday of March to 01:00 UTC on
// the last Sunday of October, the EU rule in force since 1996), named after
// its offset like the zones of daticert.Parse. It needs no time zone
// database. The result keeps t's instant; fractions of a second are dropped,
// since every PEC artefact has one-second precision.
func LegalTime(t time.Time) time.Time {
	u := t.UTC().Truncate(time.Second)
	y := u.Year()
	start := bldLastSunday(y, time.March).Add(time.Hour)
	end := bldLastSunday(y, time.October).Add(time.Hour)
	if !u.Before(start) && u.Before(end) {
		return u.In(bldZoneCEST)
	}
	return u.In(bldZoneCET)
}

var (
	bldZoneCET  = time.FixedZone("+0100", 3600)
	bldZoneCEST = time.FixedZone("+0200", 7200)
)

// bldLastSunday returns 00:00 UTC of the last Sunday of month m in year y.
func bldLastSunday(y int, m time.Month) time.Time {
	d := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	return d.AddDate(0, 0, -int(d.Weekday()))
}

// bldEventTime normalises an event time: whole seconds, the caller's zone kept.
func bldEventTime(t time.Time) time.Time { return t.Truncate(time.Second) }

// FormatEventTime formats t the way the body texts print an event time:
// day "dd/mm/yyyy", time "hh:mm:ss" and zone "+hhmm" (DM 2 novembre 2005, annex).
func FormatEventTime(t time.Time) (day, clock, zone string) {
	return t.Format("02/01/2006"), t.Format("15:04:05"), t.Format("-0700")
}

// Content is the signed body of a system message (DM 2 novembre 2005, annex
// and 5): a multipart/mixed holding a multipart/alternative with the text in
// text/plain and text/html (ISO-8859-1, quoted-printable), then the
// daticert.xml part (base64), then the postacert.eml part (message/rfc822).
// It is the building block under [BuildTransport], [BuildAnomaly] and the
// receipt builders of package receipt.
type Content struct {
	// Title is the heading of the text, also the HTML title.
	Title string
	// Text is the body text after the heading, lines separated by "\n".
	// Characters outside ISO-8859-1 are written as "?". The HTML part is
	// derived from Title and Text, escaped, with one <br> per line, so it
	// carries the same information and no markup from the input.
	Text string
	// Daticert is the daticert.xml document, or nil for none.
	Daticert []byte
	// Attached is the message to attach as postacert.eml, or nil for none.
	// It must have CRLF line ends.
	Attached []byte
}

// Marshal returns the MIME entity. Boundaries are derived from a SHA-256 of
// the content, so the output is a pure function of c, and no boundary can
// occur in the content except by a SHA-256 collision.
func (c *Content) Marshal() []byte {
	seed := c.seed()
	mixed := "----------=_" + seed + "-1"
	alt := "----------=_" + seed + "-2"

	text := bldLatin1QP(c.Title + "\n\n" + c.Text)
	htm := bldLatin1QP(c.html())

	size := 1024 + len(text) + len(htm) + len(c.Daticert)*140/100 + len(c.Attached)
	b := bytes.NewBuffer(make([]byte, 0, size))
	cte := "7bit"
	if c.Attached != nil {
		cte = bldTransferEncoding(c.Attached)
	}
	b.WriteString("Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n")
	b.WriteString("Content-Transfer-Encoding: " + cte + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\n\r\n")

	b.WriteString("--" + mixed + "\r\n")
	b.WriteString("Content-Type: multipart/alternative;\r\n boundary=\"" + alt + "\"\r\n")
	b.WriteString("Content-Transfer-Encoding: 7bit\r\n\r\n")
	b.WriteString("--" + alt + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=\"iso-8859-1\"\r\n")
	b.WriteString("Content-Disposition: inline\r\n")
	b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.Write(text)
	b.WriteString("\r\n--" + alt + "\r\n")
	b.WriteString("Content-Type: text/html; charset=\"iso-8859-1\"\r\n")
	b.WriteString("Content-Disposition: inline\r\n")
	b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.Write(htm)
	b.WriteString("\r\n--" + alt + "--\r\n")

	if c.Daticert != nil {
		b.WriteString("\r\n--" + mixed + "\r\n")
		b.WriteString("Content-Type: application/xml; name=\"" + DaticertName + "\"\r\n")
		b.WriteString("Content-Disposition: inline; filename=\"" + DaticertName + "\"\r\n")
		b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
		bldWriteBase64(b, c.Daticert)
	}
	if c.Attached != nil {
		b.WriteString("\r\n--" + mixed + "\r\n")
		b.WriteString("Content-Type: message/rfc822; name=\"" + PostacertName + "\"\r\n")
		b.WriteString("Content-Disposition: inline; filename=\"" + PostacertName + "\"\r\n")
		b.WriteString("Content-Transfer-Encoding: " + cte + "\r\n\r\n")
		b.Write(c.Attached)
	}
	b.WriteString("\r\n--" + mixed + "--\r\n")
	return b.Bytes()
}

// seed returns the boundary seed: 24 hex digits of a SHA-256 over every
// input, length-prefixed.
func (c *Content) seed() string {
	h := sha256.New()
	for _, p := range [][]byte{[]byte(c.Title), []byte(c.Text), c.Daticert, c.Attached} {
		var n [8]byte
		l := uint64(len(p))
		for i := range n {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write(p)
	}
	var sum [sha256.Size]byte
	return strings.ToUpper(hex.EncodeToString(h.Sum(sum[:0])[:12]))
}

// html renders Title and Text as a small static HTML document: no scripts,
// no styles, no links, no references to other parts or resources.
func (c *Content) html() string {
	var b strings.Builder
	t := bldHTMLEscape(c.Title)
	b.WriteString("<html>\n<head><title>" + t + "</title></head>\n<body>\n<h3>" + t + "</h3>\n<hr>\n")
	for _, line := range strings.Split(c.Text, "\n") {
		b.WriteString(bldHTMLEscape(line))
		b.WriteString("<br>\n")
	}
	b.WriteString("</body>\n</html>")
	return b.String()
}

// bldLatin1QP encodes s (UTF-8, "\n" line breaks) in ISO-8859-1 with
// quoted-printable and CRLF line ends. Runes outside ISO-8859-1 become '?'.
// The result ends with a line break.
func bldLatin1QP(s string) []byte {
	raw := make([]byte, 0, len(s)+len(s)/8+2)
	for _, r := range s {
		switch {
		case r == '\n':
			raw = append(raw, '\r', '\n')
		case r == '\r':
		case r == utf8.RuneError, r > 0xFF, r < 0x20 && r != '\t', r >= 0x7F && r < 0xA0:
			raw = append(raw, '?')
		default:
			raw = append(raw, byte(r))
		}
	}
	raw = append(raw, '\r', '\n')
	var b bytes.Buffer
	b.Grow(len(raw) + len(raw)/4)
	w := quotedprintable.NewWriter(&b)
	w.Write(raw) //nolint:errcheck // writes to a bytes.Buffer do not fail
	w.Close()    //nolint:errcheck
	return b.Bytes()
}

// bldWriteBase64 writes data in base64, 76 columns, CRLF line ends, the last
// line ending with CRLF.
func bldWriteBase64(b *bytes.Buffer, data []byte) {
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
	base64.StdEncoding.Encode(enc, data)
	for len(enc) > 76 {
		b.Write(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.Write(enc)
	b.WriteString("\r\n")
}

// bldTransferEncoding returns the narrowest Content-Transfer-Encoding that
// describes data as it is: "7bit", "8bit" (some byte above 127, no NUL, lines
// within 998 octets) or "binary".
func bldTransferEncoding(data []byte) string {
	eight := false
	line := 0
	for _, c := range data {
		switch {
		case c == '\n':
			line = 0
			continue
		case c == 0:
			return "binary"
		case c >= 0x80:
			eight = true
		}
		line++
		if line > 998 {
			return "binary"
		}
	}
	if eight {
		return "8bit"
	}
	return "7bit"
}

// bldCanonicalCRLF returns data with every line end (CRLF, LF or a lone CR) as
// CRLF. It returns data itself when it is already canonical.
func bldCanonicalCRLF(data []byte) []byte {
	ok := true
	for i, c := range data {
		if c == '\n' && (i == 0 || data[i-1] != '\r') {
			ok = false
			break
		}
		if c == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			ok = false
			break
		}
	}
	if ok {
		return data
	}
	out := make([]byte, 0, len(data)+len(data)/32+2)
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\r':
			out = append(out, '\r', '\n')
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
		case '\n':
			out = append(out, '\r', '\n')
		default:
			out = append(out, c)
		}
	}
	return out
}

// bldQuoteDisplayName returns s as an RFC 5322 quoted-string.
func bldQuoteDisplayName(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}

var bldHTMLReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;", "'", "&#39;")

// bldHTMLEscape escapes text for HTML element content and attribute values.
func bldHTMLEscape(s string) string { return bldHTMLReplacer.Replace(s) }
