package daticert

import (
	"strings"
	"time"
)

// Type is the kind of certificate, the postacert/@tipo attribute.
//
// The eight values are those of the DTD in the technical annex of
// DM 2/11/2005 (RFC 6109 §4.4). A parsed Type may hold any other string
// found in the input; [Type.Known] tells the two apart and [Cert.Validate]
// reports unknown values.
type Type string

// The values of postacert/@tipo.
const (
	// TypeAccettazione is the acceptance receipt (ricevuta di accettazione).
	TypeAccettazione Type = "accettazione"
	// TypeNonAccettazione is the non-acceptance notice (avviso di non
	// accettazione), for formal exceptions or a virus.
	TypeNonAccettazione Type = "non-accettazione"
	// TypePresaInCarico is the provider-to-provider take-over receipt
	// (ricevuta di presa in carico).
	TypePresaInCarico Type = "presa-in-carico"
	// TypeAvvenutaConsegna is the delivery receipt (ricevuta di avvenuta
	// consegna).
	TypeAvvenutaConsegna Type = "avvenuta-consegna"
	// TypePostaCertificata is the transport envelope (busta di trasporto).
	TypePostaCertificata Type = "posta-certificata"
	// TypeErroreConsegna is the non-delivery notice (avviso di mancata
	// consegna).
	TypeErroreConsegna Type = "errore-consegna"
	// TypePreavvisoErroreConsegna is the timeout notice (avviso di mancata
	// consegna per superamento dei tempi massimi previsti).
	TypePreavvisoErroreConsegna Type = "preavviso-errore-consegna"
	// TypeRilevazioneVirus is the virus detection notice (avviso di
	// rilevazione virus informatico).
	TypeRilevazioneVirus Type = "rilevazione-virus"
)

// Known reports whether t is one of the eight values of the DTD.
func (t Type) Known() bool {
	switch t {
	case TypeAccettazione, TypeNonAccettazione, TypePresaInCarico, TypeAvvenutaConsegna,
		TypePostaCertificata, TypeErroreConsegna, TypePreavvisoErroreConsegna, TypeRilevazioneVirus:
		return true
	}
	return false
}

// ErrorCode is the coarse error class, the postacert/@errore attribute.
// The DTD default, used when the attribute is absent, is [ErrorNessuno].
type ErrorCode string

// The values of postacert/@errore.
const (
	// ErrorNessuno means no error (the DTD default).
	ErrorNessuno ErrorCode = "nessuno"
	// ErrorNoDest means a wrong recipient (with errore-consegna).
	ErrorNoDest ErrorCode = "no-dest"
	// ErrorNoDominio means a wrong domain (with errore-consegna).
	ErrorNoDominio ErrorCode = "no-dominio"
	// ErrorVirus means a virus was found (with non-accettazione,
	// errore-consegna or rilevazione-virus).
	ErrorVirus ErrorCode = "virus"
	// ErrorAltro is the generic error class.
	ErrorAltro ErrorCode = "altro"
)

// Known reports whether e is one of the five values of the DTD.
func (e ErrorCode) Known() bool {
	switch e {
	case ErrorNessuno, ErrorNoDest, ErrorNoDominio, ErrorVirus, ErrorAltro:
		return true
	}
	return false
}

// RecipientType tells whether a recipient is a PEC mailbox or an ordinary
// one, the destinatari/@tipo attribute. The DTD default, used when the
// attribute is absent, is [RecipientCertificato].
type RecipientType string

// The values of destinatari/@tipo.
const (
	// RecipientCertificato is a recipient in a PEC domain (the default).
	RecipientCertificato RecipientType = "certificato"
	// RecipientEsterno is a recipient of ordinary e-mail.
	RecipientEsterno RecipientType = "esterno"
)

// Known reports whether r is one of the two values of the DTD.
func (r RecipientType) Known() bool {
	return r == RecipientCertificato || r == RecipientEsterno
}

// ReceiptType is the form of delivery receipt the sender requested, the
// ricevuta/@tipo attribute. The empty value means the ricevuta element is
// absent.
type ReceiptType string

// The values of ricevuta/@tipo.
const (
	// ReceiptCompleta asks for a delivery receipt carrying the whole
	// original message.
	ReceiptCompleta ReceiptType = "completa"
	// ReceiptBreve asks for a delivery receipt carrying the original
	// message with its attachments replaced by their hashes.
	ReceiptBreve ReceiptType = "breve"
	// ReceiptSintetica asks for a delivery receipt carrying only the
	// certification data.
	ReceiptSintetica ReceiptType = "sintetica"
)

// Known reports whether r is one of the three values of the DTD. The empty
// value (element absent) is not Known.
func (r ReceiptType) Known() bool {
	return r == ReceiptCompleta || r == ReceiptBreve || r == ReceiptSintetica
}

// Recipient is one intestazione/destinatari element: one recipient of the
// original message (To or Cc).
type Recipient struct {
	// Address is the element text, normally a bare address.
	Address string
	// Type is the destinatari/@tipo attribute, RecipientCertificato when
	// absent.
	Type RecipientType
}

// Cert is the content of one daticert.xml document: the certification
// data of a PEC transport envelope, receipt or notice.
//
// The zero value is not a valid Cert; see [Cert.Validate] for the rules.
// Text fields hold the element text with leading and trailing XML white
// space removed; the empty string stands for an absent optional element.
type Cert struct {
	// Type is postacert/@tipo.
	Type Type
	// Error is postacert/@errore, ErrorNessuno when the attribute is absent.
	Error ErrorCode

	// Sender is intestazione/mittente, the sender of the original message.
	Sender string
	// Recipients are the intestazione/destinatari elements, in document
	// order, duplicates kept.
	Recipients []Recipient
	// ReplyTo is intestazione/risposte, the original Reply-To (or the
	// sender when the original had none).
	ReplyTo string
	// Subject is intestazione/oggetto, the decoded original subject.
	Subject string
	// HasSubject reports whether the oggetto element is present (it may be
	// present and empty).
	HasSubject bool

	// Provider is dati/gestore-emittente, the free-text name of the
	// provider that issued the document.
	Provider string
	// Date is dati/data: giorno and ora read in the fixed zone given by
	// @zona. Parse names the zone after its offset in the canonical form
	// "+hhmm" (time.FixedZone("+0100", 3600)), so a parsed Date compares
	// equal, field by field, to one built the same way.
	Date time.Time
	// ID is dati/identificativo, the PEC message identifier of the
	// transport envelope (without angle brackets).
	ID string
	// MsgID is dati/msgid without its enclosing angle brackets: the
	// Message-ID of the original message. Empty when absent.
	MsgID string
	// RawMsgID is dati/msgid as written (trimmed), normally with angle
	// brackets. Empty when absent. Marshal writes RawMsgID when it agrees
	// with MsgID, and "<"+MsgID+">" otherwise.
	RawMsgID string
	// Receipt is dati/ricevuta/@tipo, the requested delivery receipt form.
	// Empty when the ricevuta element is absent.
	Receipt ReceiptType
	// Delivery is dati/consegna, the recipient a delivery (or a failed
	// delivery) is about. Empty when absent.
	Delivery string
	// Receptions are the dati/ricezione elements of a presa in carico, in
	// document order.
	Receptions []string
	// ExtendedError is dati/errore-esteso, the raw error description.
	// Empty when absent. See [Cert.ExtendedErrorCode].
	ExtendedError string

	// Raw holds the bytes Parse read (a copy). It is nil for a Cert built
	// in code, and Marshal ignores it.
	Raw []byte
	// Warnings are the non-fatal problems Parse tolerated, in document
	// order (nil when none): see [WarningCode]. Marshal ignores them.
	Warnings []Warning
}

// ExtendedErrorCode returns the enhanced status code (RFC 3463) at the start
// of ExtendedError, such as "5.1.1" in "5.1.1 - Aruba Pec S.p.A. - indirizzo
// non valido", or "" when there is none. The code has the form
// digit.digits.digits, with one to three digits in the last two parts, and
// must not be followed by another digit or dot.
func (c *Cert) ExtendedErrorCode() string {
	s := strings.TrimLeft(c.ExtendedError, " \t\r\n")
	i := 0
	digits := func(maxN int) bool {
		n := 0
		for i < len(s) && n < maxN && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n > 0
	}
	dot := func() bool {
		if i < len(s) && s[i] == '.' {
			i++
			return true
		}
		return false
	}
	if !digits(1) || !dot() || !digits(3) || !dot() || !digits(3) {
		return ""
	}
	if i < len(s) && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')) {
		return ""
	}
	return s[:i]
}
