package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
)

// ErrEvent is the sentinel of errors in an [Event] given to [Build]: a
// missing or inconsistent field (a caller bug, not bad input).
var ErrEvent = errors.New("receipt: invalid event")

// Event describes one event of the PEC flow that produces a receipt or a
// notice (RFC 6109 section 3). One event has one instant:
// Time becomes the Date header, the daticert data, the time in the text
// and, when signed, the CMS signingTime.
type Event struct {
	// Kind is the kind of receipt or notice to build. Required; the two
	// envelopes are built by package envelope.
	Kind Kind
	// Issuer is the provider that issues it: the sender's provider for
	// accettazione, non-accettazione, preavviso-errore-consegna and
	// errore-consegna per virus; the recipient's provider for the others.
	// Required.
	Issuer envelope.Issuer
	// Time is the instant of the event, in the zone to print (see
	// envelope.LegalTime). Required.
	Time time.Time
	// About is the certification data of the message the event is about,
	// normally the Cert of its transport envelope
	// (envelope.Certification.Cert): its intestazione, identificativo and
	// msgid are repeated, and its ricevuta/@tipo is the requested form.
	// Required.
	About *daticert.Cert
	// Original is the message as attached to the transport envelope
	// (envelope.Certification.Postacert). Required for a completa or breve
	// delivery receipt, ignored otherwise.
	Original []byte
	// MessageID is the Message-ID of the receipt, without angle brackets.
	// Empty means one derived from About.ID, Kind, Recipient, Time and the
	// issuer domain (equal events give equal ids).
	MessageID string
	// To is the addressee. Empty means About.Sender, except for
	// presa-in-carico and rilevazione-virus, which go to the sender
	// provider's service mailbox and require it.
	To string
	// Recipient is the recipient the event is about (daticert consegna).
	// Required for avvenuta-consegna, errore-consegna,
	// preavviso-errore-consegna and rilevazione-virus.
	Recipient string
	// Receptions are the recipients covered by a presa-in-carico (daticert
	// ricezione). Empty means Recipient.
	Receptions []string
	// Form is the form of delivery receipt actually issued. Empty means the
	// requested one (About.Receipt, completa when absent). Copy (Cc)
	// recipients get FormSintetica whatever was requested.
	Form Form
	// Virus selects the virus variant of non-accettazione and
	// errore-consegna (X-VerificaSicurezza: errore, errore="virus").
	Virus bool
	// Final selects the 24-hour preavviso-errore-consegna; false is the
	// 12-hour one.
	Final bool
	// Error overrides the daticert errore attribute. Empty means the
	// default of the kind: virus for the virus variants and
	// rilevazione-virus, altro for non-accettazione and
	// preavviso-errore-consegna, no-dest for errore-consegna, nessuno
	// otherwise.
	Error daticert.ErrorCode
	// ExtendedError is daticert errore-esteso and the reason printed in the
	// text. Empty means a default of the kind: for non-delivery
	// "5.1.1 - <issuer> - indirizzo non valido", for the timeouts
	// "4.4.7 - ..." (12 h) and "5.4.1 - ..." (24 h), for viruses
	// "virus informatico". It must be given for a formal non-accettazione
	// (use envelope.FormalError.Italian).
	ExtendedError string
	// Breve bounds the rewriting of the original into a breve receipt; nil
	// means the defaults.
	Breve *BreveOptions
}

// Build builds the receipt or notice of an event, ready for signing.
//
// Outer header, in this order: Subject (StandardSubjectPrefix of the kind
// followed by the original subject, RFC 2047 UTF-8 Q-encoded when not
// ASCII); X-Riferimento-Message-ID (when the original had a Message-ID);
// Date; Message-ID; To; X-Mittente (rilevazione-virus only);
// X-VerificaSicurezza: errore (virus variants only); X-Ricevuta; From
// posta-certificata@<issuer domain> without a display name. Signing adds
// MIME-Version and Content-Type.
//
// Body (RFC 6109 section 3): the Italian text as text/plain and
// text/html, daticert.xml, and postacert.eml only for a completa (the
// original) or breve (see [Breve]) delivery receipt.
func Build(ev *Event) (*envelope.Draft, error) {
	if ev == nil || ev.About == nil {
		return nil, fmt.Errorf("%w: no event or no About data", ErrEvent)
	}
	if !ev.Kind.IsReceipt() {
		return nil, fmt.Errorf("%w: kind %q is not a receipt or notice", ErrEvent, ev.Kind)
	}
	if ev.Issuer.Name == "" || ev.Issuer.Domain == "" {
		return nil, fmt.Errorf("%w: issuer needs a name and a domain", ErrEvent)
	}
	if ev.Time.IsZero() {
		return nil, fmt.Errorf("%w: zero time", ErrEvent)
	}
	a := ev.About
	for _, v := range []string{ev.To, ev.Recipient, ev.MessageID, a.Sender, a.MsgID} {
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("%w: line break in an address or identifier", ErrEvent)
		}
	}
	t := ev.Time.Truncate(time.Second)
	virus := ev.Virus && ev.Kind.HasVirusVariant()
	cert := &daticert.Cert{
		Type:       ev.Kind.DaticertType(),
		Error:      daticert.ErrorNessuno,
		Sender:     a.Sender,
		Recipients: append([]daticert.Recipient(nil), a.Recipients...),
		ReplyTo:    a.ReplyTo,
		Subject:    a.Subject,
		HasSubject: a.HasSubject,
		Provider:   ev.Issuer.Name,
		Date:       t,
		ID:         a.ID,
		MsgID:      a.MsgID,
		RawMsgID:   a.RawMsgID,
	}
	to := ev.To
	if to == "" {
		to = a.Sender
	}
	form := ev.Form
	needRecipient := false
	switch ev.Kind {
	case KindNonAccettazione:
		cert.Error = daticert.ErrorAltro
		if virus {
			cert.Error = daticert.ErrorVirus
			cert.ExtendedError = "virus informatico"
		} else if ev.ExtendedError == "" {
			return nil, fmt.Errorf("%w: a formal non-accettazione needs ExtendedError", ErrEvent)
		}
	case KindPresaInCarico:
		if ev.To == "" {
			return nil, fmt.Errorf("%w: presa-in-carico needs To (the sender provider's mailbox)", ErrEvent)
		}
		cert.Receptions = append([]string(nil), ev.Receptions...)
		if len(cert.Receptions) == 0 && ev.Recipient != "" {
			cert.Receptions = []string{ev.Recipient}
		}
		if len(cert.Receptions) == 0 {
			return nil, fmt.Errorf("%w: presa-in-carico needs Receptions", ErrEvent)
		}
	case KindAvvenutaConsegna:
		needRecipient = true
		cert.Receipt = a.Receipt
		if cert.Receipt == "" {
			cert.Receipt = FormCompleta
		}
		if form == "" {
			form = cert.Receipt
		}
		if !form.Known() {
			return nil, fmt.Errorf("%w: unknown form %q", ErrEvent, form)
		}
		if form != FormSintetica && ev.Original == nil {
			return nil, fmt.Errorf("%w: a %s delivery receipt needs the Original", ErrEvent, form)
		}
	case KindErroreConsegna:
		needRecipient = true
		cert.Error = daticert.ErrorNoDest
		cert.ExtendedError = "5.1.1 - " + ev.Issuer.Name + " - indirizzo non valido"
		if virus {
			cert.Error = daticert.ErrorVirus
			cert.ExtendedError = "virus informatico"
		}
	case KindPreavvisoErroreConsegna:
		needRecipient = true
		cert.Error = daticert.ErrorAltro
		cert.ExtendedError = "4.4.7 - " + ev.Issuer.Name + " - ricevuta non pervenuta entro 12 ore"
		if ev.Final {
			cert.ExtendedError = "5.4.1 - " + ev.Issuer.Name + " - messaggio non consegnato entro 24 ore"
		}
	case KindRilevazioneVirus:
		needRecipient = true
		if ev.To == "" {
			return nil, fmt.Errorf("%w: rilevazione-virus needs To (the sender provider's mailbox)", ErrEvent)
		}
		cert.Error = daticert.ErrorVirus
		cert.ExtendedError = "virus informatico"
	}
	if needRecipient {
		if ev.Recipient == "" {
			return nil, fmt.Errorf("%w: %s needs Recipient", ErrEvent, ev.Kind)
		}
		cert.Delivery = ev.Recipient
	}
	if ev.Error != "" {
		cert.Error = ev.Error
	}
	if ev.ExtendedError != "" {
		cert.ExtendedError = ev.ExtendedError
	}
	xml, err := cert.Marshal()
	if err != nil {
		return nil, fmt.Errorf("receipt: daticert: %w", err)
	}

	var attached []byte
	if ev.Kind == KindAvvenutaConsegna {
		switch form {
		case FormCompleta:
			attached = ev.Original
		case FormBreve:
			attached, err = Breve(ev.Original, ev.Breve)
			if err != nil {
				return nil, err
			}
		}
	}

	id := ev.MessageID
	if id == "" {
		id = bldReceiptID(ev, t)
	}
	h := []envelope.HeaderField{
		{Name: "Subject", Value: bldSubject(StandardSubjectPrefix(ev.Kind, virus), a.Subject)},
	}
	if a.MsgID != "" {
		h = append(h, envelope.HeaderField{Name: "X-Riferimento-Message-ID", Value: "<" + a.MsgID + ">"})
	}
	h = append(h,
		envelope.HeaderField{Name: "Date", Value: t.Format(envelope.DateLayout)},
		envelope.HeaderField{Name: "Message-ID", Value: "<" + id + ">"},
		envelope.HeaderField{Name: "To", Value: to},
	)
	if ev.Kind == KindRilevazioneVirus {
		h = append(h, envelope.HeaderField{Name: "X-Mittente", Value: a.Sender})
	}
	if virus {
		h = append(h, envelope.HeaderField{Name: "X-VerificaSicurezza", Value: "errore"})
	}
	h = append(h,
		envelope.HeaderField{Name: "X-Ricevuta", Value: string(ev.Kind)},
		envelope.HeaderField{Name: "From", Value: ev.Issuer.Address()},
	)
	title, text := bldText(ev, cert, form, virus)
	content := &envelope.Content{Title: title, Text: text, Daticert: xml, Attached: attached}
	return &envelope.Draft{Header: h, Content: content.Marshal(), Time: t, Cert: cert, Attached: attached}, nil
}

// bldReceiptID derives a receipt Message-ID from the PEC msgid in the style
// of the providers (an extra field before the domain), unique per event.
func bldReceiptID(ev *Event, t time.Time) string {
	local := ev.About.ID
	if i := strings.LastIndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%t\x00%t\x00%s", ev.About.ID, ev.Kind, ev.Recipient, t.Unix(), ev.Virus, ev.Final, ev.Form)
	return local + "." + hex.EncodeToString(h.Sum(nil)[:4]) + "@" + ev.Issuer.Domain
}

// bldSubject returns prefix+subject as a Subject field body: the subject
// Q-encoded in UTF-8 when it is not printable ASCII, and folded.
func bldSubject(prefix, subject string) string {
	v := prefix + mime.QEncoding.Encode("utf-8", subject)
	if len(v)+len("Subject: ") <= 78 {
		return v
	}
	var b strings.Builder
	col := len("Subject: ")
	for i, w := range strings.Split(v, " ") {
		if i > 0 {
			if col+1+len(w) > 78 {
				b.WriteString("\r\n ")
				col = 1
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}
