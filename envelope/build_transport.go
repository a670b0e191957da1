package envelope

import (
	"fmt"
	"strings"
	"time"

	"github.com/sigillo/sigillo/daticert"
)

// Subject prefixes of the two envelopes (DM 2 novembre 2005, annex). The
// receipt package holds the catalogue of every prefix; its tests check that
// these two agree with it.
const (
	// SubjectPrefixTransport prefixes the subject of a transport envelope.
	SubjectPrefixTransport = "POSTA CERTIFICATA: "
	// SubjectPrefixAnomaly prefixes the subject of an anomaly envelope.
	SubjectPrefixAnomaly = "ANOMALIA MESSAGGIO: "
)

// TransportOptions describes the acceptance of an original message by the
// sender's access point.
type TransportOptions struct {
	// Issuer is the sender's provider. Required.
	Issuer Issuer
	// Time is the acceptance instant, in the zone to print (see
	// [LegalTime]). It becomes Date, the daticert data and the text time.
	// Required.
	Time time.Time
	// ID is the PEC msgid (daticert identificativo), without angle
	// brackets, such as one from [NewID]. Required.
	ID string
	// Sender is the SMTP reverse-path. Empty means the From address of the
	// original; otherwise it must equal that address (a formal check).
	Sender string
	// Recipients are the SMTP forward-paths with their kind. Nil means the
	// To and Cc addresses of the original, in that order, each of the kind
	// given by Certified. Every one must appear in To or Cc.
	Recipients []daticert.Recipient
	// Certified reports whether an address is in a PEC domain (IGPEC
	// managedDomains). Nil means every recipient is certified. It is used
	// only when Recipients is nil.
	Certified func(address string) bool
	// Limits bounds the original message; nil means the defaults.
	Limits *BuildLimits
}

// Certification is the outcome of the formal checks on an original message:
// the data every later receipt about it repeats.
type Certification struct {
	// Cert is the certification data of the transport envelope (tipo
	// posta-certificata): intestazione, identificativo, msgid and the
	// requested receipt form.
	Cert *daticert.Cert
	// Postacert is the original as attached to the transport envelope:
	// CRLF line ends, Message-ID replaced by the identificativo and
	// X-Riferimento-Message-ID added.
	Postacert []byte
	// Primary are the addresses of To; the others are copy recipients,
	// which get a sintetica delivery receipt (DM 2 novembre 2005, annex).
	Primary []string
	// RawSubject is the Subject field body as written (continuation lines
	// kept), "" when absent.
	RawSubject string

	msg    *bldMessage
	domain string
}

// IsPrimary reports whether addr (case-insensitive) is a primary (To)
// recipient.
func (c *Certification) IsPrimary(addr string) bool {
	for _, p := range c.Primary {
		if strings.EqualFold(p, addr) {
			return true
		}
	}
	return false
}

// Certify runs the formal checks of the access point on an original
// message and computes its certification data and postacert.eml, without
// building the envelope. It returns a [*FormalError] (errors.Is ErrFormal)
// when a check fails, and an error wrapping ErrBuild when opts lack a
// required field. It never panics on any input.
func Certify(original []byte, opts *TransportOptions) (*Certification, error) {
	if opts == nil {
		return nil, fmt.Errorf("%w: nil options", ErrBuild)
	}
	if err := bldCheckIssuer(opts.Issuer, opts.Time); err != nil {
		return nil, err
	}
	if !bldValidMsgID(opts.ID) || strings.ContainsAny(opts.ID, "<>") {
		return nil, fmt.Errorf("%w: invalid identificativo %q", ErrBuild, opts.ID)
	}
	lim := opts.Limits.withDefaults()
	m, err := bldParseMessage(original, lim)
	if err != nil {
		return nil, err
	}

	// From: exactly one valid address.
	froms := m.all("From")
	if len(froms) != 1 {
		return nil, bldFormalf(FormalFrom, "%d From fields", len(froms))
	}
	fromList, err := bldAddresses(froms[0])
	if err != nil || len(fromList) != 1 {
		return nil, bldFormalf(FormalFrom, "From %q", froms[0].value)
	}
	from := fromList[0]
	sender := from
	if opts.Sender != "" {
		if !strings.EqualFold(opts.Sender, from) {
			return nil, bldFormalf(FormalSender, "reverse-path %q, From %q", opts.Sender, from)
		}
		sender = opts.Sender
	}
	if f := m.get("Bcc"); f != nil {
		return nil, bldFormalf(FormalBcc, "")
	}
	var to, cc []string
	for _, f := range m.all("To") {
		a, err := bldAddresses(f)
		if err != nil {
			return nil, bldFormalf(FormalTo, "To %q", f.value)
		}
		to = append(to, a...)
	}
	if len(to) == 0 {
		return nil, bldFormalf(FormalTo, "no address in To")
	}
	for _, f := range m.all("Cc") {
		a, err := bldAddresses(f)
		if err != nil {
			return nil, bldFormalf(FormalTo, "Cc %q", f.value)
		}
		cc = append(cc, a...)
	}
	var recipients []daticert.Recipient
	if opts.Recipients != nil {
		for _, r := range opts.Recipients {
			if !bldContainsFold(to, r.Address) && !bldContainsFold(cc, r.Address) {
				return nil, bldFormalf(FormalRecipient, "%q", r.Address)
			}
		}
		recipients = append(recipients, opts.Recipients...)
	} else {
		for _, a := range append(append([]string(nil), to...), cc...) {
			t := daticert.RecipientCertificato
			if opts.Certified != nil && !opts.Certified(a) {
				t = daticert.RecipientEsterno
			}
			recipients = append(recipients, daticert.Recipient{Address: a, Type: t})
		}
	}
	if len(recipients) == 0 {
		return nil, bldFormalf(FormalTo, "no recipient")
	}
	if len(recipients) > lim.MaxRecipients {
		return nil, bldFormalf(FormalTooManyRecipients, "%d recipients, limit %d", len(recipients), lim.MaxRecipients)
	}

	replyTo := sender
	if f := m.get("Reply-To"); f != nil {
		if a, err := bldAddresses(f); err == nil && len(a) > 0 {
			replyTo = a[0]
		}
	}
	rawMsgID := ""
	if f := m.get("Message-ID"); f != nil && f.value != "" {
		if !bldValidMsgID(f.value) {
			return nil, bldFormalf(FormalMessageID, "%q", f.value)
		}
		rawMsgID = f.value
	}
	form := daticert.ReceiptCompleta
	if f := m.get("X-TipoRicevuta"); f != nil {
		switch v := daticert.ReceiptType(strings.ToLower(f.value)); v {
		case daticert.ReceiptBreve, daticert.ReceiptSintetica:
			form = v
		}
	}
	cert := &daticert.Cert{
		Type:       daticert.TypePostaCertificata,
		Error:      daticert.ErrorNessuno,
		Sender:     sender,
		Recipients: recipients,
		ReplyTo:    replyTo,
		Provider:   opts.Issuer.Name,
		Date:       bldEventTime(opts.Time),
		ID:         opts.ID,
		Receipt:    form,
	}
	c := &Certification{Cert: cert, Primary: to, msg: m, domain: opts.Issuer.Domain}
	if f := m.get("Subject"); f != nil {
		cert.Subject = strings.TrimSpace(bldDecodeText(f.value))
		cert.HasSubject = true
		c.RawSubject = f.rawValue()
	}
	if rawMsgID != "" {
		cert.MsgID = bldStripAngle(rawMsgID)
		cert.RawMsgID = rawMsgID
	}
	c.Postacert = m.postacert(opts.ID, rawMsgID)
	return c, nil
}

// postacert returns the message with its Message-ID fields removed, any
// X-Riferimento-Message-ID removed, and Message-ID: <id> plus
// X-Riferimento-Message-ID: msgid (when msgid is not empty) appended to the
// header.
func (m *bldMessage) postacert(id, msgid string) []byte {
	out := make([]byte, 0, len(m.data)+2*len(id)+64)
	for _, f := range m.fields {
		if strings.EqualFold(f.name, "Message-ID") || strings.EqualFold(f.name, "X-Riferimento-Message-ID") {
			continue
		}
		out = append(out, f.raw...)
	}
	out = append(out, "Message-ID: <"+id+">\r\n"...)
	if msgid != "" {
		out = append(out, "X-Riferimento-Message-ID: "+msgid+"\r\n"...)
	}
	out = append(out, '\r', '\n')
	return append(out, m.body...)
}

func bldContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func bldCheckIssuer(is Issuer, t time.Time) error {
	if is.Name == "" || is.Domain == "" || !bldValidMsgID(is.Domain) || strings.ContainsAny(is.Domain, "@<>") {
		return fmt.Errorf("%w: issuer needs a name and a domain", ErrBuild)
	}
	if t.IsZero() {
		return fmt.Errorf("%w: zero event time", ErrBuild)
	}
	return nil
}

// BuildTransport builds the transport envelope (busta di trasporto,
// DM 2 novembre 2005, annex) of an original message.
//
// Outer header, in this order: the original's Return-Path and Received
// fields unchanged; Subject "POSTA CERTIFICATA: " followed by the original
// subject as written; X-Riferimento-Message-ID (when the original has a
// Message-ID); Date; Message-ID <ID>; Reply-To (the original one unchanged,
// or the sender); X-Trasporto: posta-certificata; the original To and Cc
// unchanged; From "Per conto di: <sender>" <posta-certificata@domain>;
// X-TipoRicevuta (the requested form). Signing adds MIME-Version and
// Content-Type.
//
// Body: the text, daticert.xml (tipo posta-certificata, with ricevuta) and
// postacert.eml (see [Certification.Postacert]).
//
// Errors: a [*FormalError] (errors.Is ErrFormal) when the original fails a
// formal check, ErrBuild for bad options. It never panics on any input.
func BuildTransport(original []byte, opts *TransportOptions) (*Draft, error) {
	c, err := Certify(original, opts)
	if err != nil {
		return nil, err
	}
	return c.BuildTransport()
}

// BuildTransport builds the transport envelope from the certification data;
// see the function [BuildTransport].
func (c *Certification) BuildTransport() (*Draft, error) {
	cert := c.Cert
	xml, err := cert.Marshal()
	if err != nil {
		return nil, fmt.Errorf("envelope: daticert: %w", err)
	}
	t := cert.Date
	m := c.msg
	var h []HeaderField
	for _, f := range m.fields {
		if strings.EqualFold(f.name, "Return-Path") || strings.EqualFold(f.name, "Received") {
			h = append(h, HeaderField{f.name, f.rawValue()})
		}
	}
	h = append(h, HeaderField{"Subject", SubjectPrefixTransport + c.RawSubject})
	if cert.RawMsgID != "" {
		h = append(h, HeaderField{"X-Riferimento-Message-ID", cert.RawMsgID})
	}
	h = append(h,
		HeaderField{"Date", t.Format(DateLayout)},
		HeaderField{"Message-ID", "<" + cert.ID + ">"},
	)
	if f := m.get("Reply-To"); f != nil {
		h = append(h, HeaderField{"Reply-To", f.rawValue()})
	} else {
		h = append(h, HeaderField{"Reply-To", cert.Sender})
	}
	h = append(h, HeaderField{"X-Trasporto", "posta-certificata"})
	for _, f := range m.fields {
		if strings.EqualFold(f.name, "To") || strings.EqualFold(f.name, "Cc") {
			h = append(h, HeaderField{f.name, f.rawValue()})
		}
	}
	h = append(h,
		HeaderField{"From", bldOnBehalfOf(cert.Sender, c.issuerDomain())},
		HeaderField{"X-TipoRicevuta", string(cert.Receipt)},
	)

	day, clock, zone := FormatEventTime(t)
	var text strings.Builder
	fmt.Fprintf(&text, "Il giorno %s alle ore %s (%s) il messaggio con oggetto\n", day, clock, zone)
	fmt.Fprintf(&text, "\"%s\" è stato inviato da \"%s\"\n", cert.Subject, cert.Sender)
	text.WriteString("e indirizzato a:\n")
	bldWriteRecipients(&text, cert.Recipients)
	text.WriteString("\nIl messaggio originale è allegato nel file " + PostacertName + ";\n")
	text.WriteString("i dati di certificazione sono nel file " + DaticertName + ".\n")
	text.WriteString("Identificativo del messaggio: " + cert.ID)
	content := &Content{
		Title:    "Messaggio di posta certificata",
		Text:     text.String(),
		Daticert: xml,
		Attached: c.Postacert,
	}
	return &Draft{Header: h, Content: content.Marshal(), Time: t, Cert: cert, Attached: c.Postacert}, nil
}

func (c *Certification) issuerDomain() string { return c.domain }

// bldOnBehalfOf returns the From of an envelope: "Per conto di: S" <posta-certificata@D>.
func bldOnBehalfOf(sender, domain string) string {
	return bldQuoteDisplayName("Per conto di: "+sender) + " <posta-certificata@" + domain + ">"
}

// bldWriteRecipients writes one recipient per line with its kind.
func bldWriteRecipients(b *strings.Builder, rs []daticert.Recipient) {
	for _, r := range rs {
		b.WriteString(r.Address)
		if r.Type == daticert.RecipientEsterno {
			b.WriteString(" (\"posta ordinaria\")\n")
		} else {
			b.WriteString(" (\"posta certificata\")\n")
		}
	}
}

// NewID returns an identificativo in the style of OpenPEC-based providers
// (DM 2 novembre 2005, annex): "opec<node>.<yyyymmddhhmmss>.<seq>.1.<n>@domain",
// from the acceptance time t (printed in its zone), a caller-chosen
// sequence number and the provider domain. Equal inputs give equal ids.
func NewID(domain string, t time.Time, seq uint64) string {
	return fmt.Sprintf("opec%d.%s.%05d.%d.1.%d@%s", 100+seq%900, t.Format("20060102150405"), seq%100000, seq/100000, seq%97, domain)
}
