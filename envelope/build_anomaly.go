package envelope

import (
	"fmt"
	"strings"
	"time"
)

// DefaultAnomalyReason is the description of the anomaly used when
// AnomalyOptions.Reason is empty: the message is ordinary e-mail.
const DefaultAnomalyReason = "il messaggio non è un messaggio di posta certificata"

// AnomalyOptions describes the arrival of a message that the recipient's
// provider wraps in an anomaly envelope.
type AnomalyOptions struct {
	// Issuer is the recipient's provider. Required.
	Issuer Issuer
	// Time is the arrival instant, in the zone to print. Required.
	Time time.Time
	// Sender is the SMTP reverse-path. Empty means the From address of the
	// message, or else its Return-Path.
	Sender string
	// Reason is a short Italian description of the anomaly for the text,
	// such as "firma non valida". Empty means DefaultAnomalyReason.
	Reason string
	// MessageID is the Message-ID (without angle brackets) to use when the
	// received message has none; the received one is kept otherwise.
	MessageID string
	// Limits bounds the received message; nil means the defaults.
	Limits *BuildLimits
}

// BuildAnomaly builds the anomaly envelope (busta di anomalia, DM 2 novembre
// 2005, annex) of a received message.
//
// Outer header, in this order: the message's Return-Path and Received
// fields unchanged; Subject "ANOMALIA MESSAGGIO: " followed by the subject
// as written; Date; the message's Message-ID unchanged (or
// opts.MessageID); Reply-To (the message's one unchanged, or the sender);
// X-Trasporto: errore; the message's To and Cc unchanged; From "Per conto
// di: <sender>" <posta-certificata@domain>. Signing adds MIME-Version and
// Content-Type.
//
// Body: the text and the whole received message (CRLF line ends) as
// postacert.eml; no daticert.xml (Draft.Cert is nil).
//
// Errors: a [*FormalError] when the message cannot be split into header
// and body, exceeds a limit or names no sender at all; ErrBuild for bad
// options. It never panics on any input.
func BuildAnomaly(received []byte, opts *AnomalyOptions) (*Draft, error) {
	if opts == nil {
		return nil, fmt.Errorf("%w: nil options", ErrBuild)
	}
	if err := bldCheckIssuer(opts.Issuer, opts.Time); err != nil {
		return nil, err
	}
	if opts.MessageID != "" && (!bldValidMsgID(opts.MessageID) || strings.ContainsAny(opts.MessageID, "<>")) {
		return nil, fmt.Errorf("%w: invalid Message-ID %q", ErrBuild, opts.MessageID)
	}
	m, err := bldParseMessage(received, opts.Limits.withDefaults())
	if err != nil {
		return nil, err
	}
	sender := opts.Sender
	if sender == "" {
		if f := m.get("From"); f != nil {
			if a, err := bldAddresses(f); err == nil && len(a) > 0 {
				sender = a[0]
			}
		}
	}
	if sender == "" {
		if f := m.get("Return-Path"); f != nil {
			sender = strings.Trim(f.value, "<> \t")
		}
	}
	if sender == "" || !bldValidMsgID(sender) {
		return nil, bldFormalf(FormalFrom, "no usable sender")
	}
	var recipients []string
	for _, f := range m.fields {
		if strings.EqualFold(f.name, "To") || strings.EqualFold(f.name, "Cc") {
			if a, err := bldAddresses(&f); err == nil {
				recipients = append(recipients, a...)
			} else {
				recipients = append(recipients, bldCleanText(f.value))
			}
		}
	}
	subject := ""
	rawSubject := ""
	if f := m.get("Subject"); f != nil {
		subject = bldDecodeText(f.value)
		rawSubject = f.rawValue()
	}

	t := bldEventTime(opts.Time)
	var h []HeaderField
	for _, f := range m.fields {
		if strings.EqualFold(f.name, "Return-Path") || strings.EqualFold(f.name, "Received") {
			h = append(h, HeaderField{f.name, f.rawValue()})
		}
	}
	h = append(h,
		HeaderField{"Subject", SubjectPrefixAnomaly + rawSubject},
		HeaderField{"Date", t.Format(DateLayout)},
	)
	if f := m.get("Message-ID"); f != nil && f.value != "" {
		h = append(h, HeaderField{f.name, f.rawValue()})
	} else if opts.MessageID != "" {
		h = append(h, HeaderField{"Message-ID", "<" + opts.MessageID + ">"})
	}
	if f := m.get("Reply-To"); f != nil {
		h = append(h, HeaderField{f.name, f.rawValue()})
	} else {
		h = append(h, HeaderField{"Reply-To", sender})
	}
	h = append(h, HeaderField{"X-Trasporto", "errore"})
	for _, f := range m.fields {
		if strings.EqualFold(f.name, "To") || strings.EqualFold(f.name, "Cc") {
			h = append(h, HeaderField{f.name, f.rawValue()})
		}
	}
	h = append(h, HeaderField{"From", bldOnBehalfOf(sender, opts.Issuer.Domain)})

	reason := opts.Reason
	if reason == "" {
		reason = DefaultAnomalyReason
	}
	day, clock, zone := FormatEventTime(t)
	var text strings.Builder
	fmt.Fprintf(&text, "Il giorno %s alle ore %s (%s) è stato ricevuto il messaggio\n", day, clock, zone)
	fmt.Fprintf(&text, "con oggetto \"%s\" inviato da \"%s\"\n", subject, sender)
	text.WriteString("e indirizzato a:\n")
	for _, r := range recipients {
		text.WriteString(r + "\n")
	}
	text.WriteString("\nIl messaggio non ha superato i controlli della posta certificata:\n")
	text.WriteString(bldCleanText(reason) + ".\n")
	text.WriteString("Il messaggio ricevuto è allegato nel file " + PostacertName + ";\n")
	text.WriteString("la sua provenienza e il suo contenuto non sono certificati.")
	content := &Content{
		Title:    "Anomalia nel messaggio",
		Text:     text.String(),
		Attached: m.data,
	}
	return &Draft{Header: h, Content: content.Marshal(), Time: t, Attached: m.data}, nil
}
