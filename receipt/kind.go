package receipt

import "github.com/sigillo/sigillo/daticert"

// Kind is the kind of a PEC message: one of the two envelopes or one of the
// receipts and notices of the DM 2 novembre 2005 annex (RFC 6109 section 3), or [KindNotPEC].
//
// The string values are a public contract (the command-line tools print them
// in their JSON output); they never change. A Kind read from input may hold
// any string; [Kind.Known] tells the declared values apart.
type Kind string

// The kinds of PEC message (RFC 6109 section 3). The comment of each gives its
// Italian name and its row in the catalogue of the technical rules.
const (
	// KindPostaCertificata is the transport envelope, busta di trasporto
	// (row 1): X-Trasporto: posta-certificata, daticert tipo
	// posta-certificata, subject "POSTA CERTIFICATA: ".
	KindPostaCertificata Kind = "posta-certificata"
	// KindAnomalia is the anomaly envelope, busta di anomalia (row 2):
	// X-Trasporto: errore, no daticert, subject "ANOMALIA MESSAGGIO: ".
	KindAnomalia Kind = "anomalia"
	// KindAccettazione is the acceptance receipt, ricevuta di accettazione
	// (row 3): X-Ricevuta: accettazione, subject "ACCETTAZIONE: ".
	KindAccettazione Kind = "accettazione"
	// KindNonAccettazione is the non-acceptance notice, avviso di non
	// accettazione, for formal exceptions (row 4, subject "AVVISO DI NON
	// ACCETTAZIONE: ") or for a virus (row 5, X-VerificaSicurezza: errore,
	// daticert errore="virus", subject "AVVISO DI NON ACCETTAZIONE PER
	// VIRUS: ").
	KindNonAccettazione Kind = "non-accettazione"
	// KindPresaInCarico is the provider-to-provider take-over receipt,
	// ricevuta di presa in carico (row 6): X-Ricevuta: presa-in-carico,
	// subject "PRESA IN CARICO: ".
	KindPresaInCarico Kind = "presa-in-carico"
	// KindAvvenutaConsegna is the delivery receipt, ricevuta di avvenuta
	// consegna (row 7), in one of three forms ([Form]): X-Ricevuta:
	// avvenuta-consegna, subject "CONSEGNA: ".
	KindAvvenutaConsegna Kind = "avvenuta-consegna"
	// KindErroreConsegna is the non-delivery notice, avviso di mancata
	// consegna (row 8, subject "AVVISO DI MANCATA CONSEGNA: "), or its virus
	// variant (row 11, X-VerificaSicurezza: errore, daticert
	// errore="virus", subject "AVVISO DI MANCATA CONSEGNA PER VIRUS: ").
	KindErroreConsegna Kind = "errore-consegna"
	// KindPreavvisoErroreConsegna is the timeout notice, avviso di mancata
	// consegna per superamento dei tempi massimi previsti (row 9), sent after
	// 12 and after 24 hours: X-Ricevuta: preavviso-errore-consegna, subject
	// "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: ".
	KindPreavvisoErroreConsegna Kind = "preavviso-errore-consegna"
	// KindRilevazioneVirus is the provider-to-provider virus detection
	// notice, avviso di rilevazione virus informatico (row 10): X-Ricevuta:
	// rilevazione-virus, subject "PROBLEMA DI SICUREZZA: ".
	KindRilevazioneVirus Kind = "rilevazione-virus"
	// KindNotPEC is a message that carries no evidence of being a PEC
	// message: no daticert.xml, no X-Trasporto or X-Ricevuta header and no
	// subject prefix. It is what [Classify] returns for ordinary mail.
	KindNotPEC Kind = "not-pec"
)

// Kinds returns every declared Kind, envelopes first, then the receipts and
// notices in the order of RFC 6109 section 3, then [KindNotPEC]. The
// slice is new on each call.
func Kinds() []Kind {
	return []Kind{
		KindPostaCertificata, KindAnomalia,
		KindAccettazione, KindNonAccettazione, KindPresaInCarico, KindAvvenutaConsegna,
		KindErroreConsegna, KindPreavvisoErroreConsegna, KindRilevazioneVirus,
		KindNotPEC,
	}
}

// String returns the kind as a string, such as "avvenuta-consegna".
func (k Kind) String() string { return string(k) }

// Known reports whether k is one of the declared kinds, [KindNotPEC]
// included.
func (k Kind) Known() bool {
	return k == KindNotPEC || k.IsEnvelope() || k.IsReceipt()
}

// IsEnvelope reports whether k is one of the two envelopes, which carry
// X-Trasporto (RFC 6109 section 3).
func (k Kind) IsEnvelope() bool {
	return k == KindPostaCertificata || k == KindAnomalia
}

// IsReceipt reports whether k is one of the seven receipts and notices,
// which carry X-Ricevuta (RFC 6109 section 3).
func (k Kind) IsReceipt() bool {
	switch k {
	case KindAccettazione, KindNonAccettazione, KindPresaInCarico, KindAvvenutaConsegna,
		KindErroreConsegna, KindPreavvisoErroreConsegna, KindRilevazioneVirus:
		return true
	}
	return false
}

// HasVirusVariant reports whether k has a virus variant told apart by
// X-VerificaSicurezza: errore and daticert errore="virus": true for
// [KindNonAccettazione] (rows 4 and 5) and [KindErroreConsegna] (rows 8 and
// 11) only. [KindRilevazioneVirus] is always about a virus and has no
// variant.
func (k Kind) HasVirusVariant() bool {
	return k == KindNonAccettazione || k == KindErroreConsegna
}

// DaticertType returns the daticert tipo of k, or "" for [KindAnomalia]
// (which has no daticert), [KindNotPEC] and unknown kinds. The eight PEC
// kinds that carry a daticert have the same string as their tipo.
func (k Kind) DaticertType() daticert.Type {
	if k == KindAnomalia {
		return ""
	}
	if t := daticert.Type(k); t.Known() {
		return t
	}
	return ""
}

// KindFromType returns the Kind of a daticert tipo, or "" when t is not one
// of the eight values of the DTD.
func KindFromType(t daticert.Type) Kind {
	if t.Known() {
		return Kind(t)
	}
	return ""
}

// Form is the form of a delivery receipt (RFC 6109 section 3.3):
// completa (the whole original attached as postacert.eml), breve (the
// original with its attachments replaced by .hash text parts) or sintetica
// (no original). It is the type of daticert ricevuta/@tipo and of the
// X-TipoRicevuta header; the empty value means unknown or not applicable.
type Form = daticert.ReceiptType

// The three forms of delivery receipt (the same constants as daticert's).
const (
	// FormCompleta: the receipt carries the whole original message.
	FormCompleta Form = daticert.ReceiptCompleta
	// FormBreve: the receipt carries the original with its attachments
	// replaced by their hashes.
	FormBreve Form = daticert.ReceiptBreve
	// FormSintetica: the receipt carries no original.
	FormSintetica Form = daticert.ReceiptSintetica
)

// StandardSubjectPrefix returns the subject prefix the technical rules give
// to kind (RFC 6109 section 3), upper case and ending with a colon and
// one space, such as "CONSEGNA: ". virus selects the virus variant of
// [KindNonAccettazione] ("AVVISO DI NON ACCETTAZIONE PER VIRUS: ") and
// [KindErroreConsegna] ("AVVISO DI MANCATA CONSEGNA PER VIRUS: ") and is
// ignored for the other kinds. It returns "" for [KindNotPEC] and unknown
// kinds.
//
// It is the single source of truth for the builders: they always emit these
// forms, never the variants [ParseSubject] tolerates. The timeout notice uses
// one space in "SUP. TEMPO", as implementations do, not the two of the RFC's
// typesetting.
func StandardSubjectPrefix(kind Kind, virus bool) string {
	switch kind {
	case KindPostaCertificata:
		return "POSTA CERTIFICATA: "
	case KindAnomalia:
		return "ANOMALIA MESSAGGIO: "
	case KindAccettazione:
		return "ACCETTAZIONE: "
	case KindNonAccettazione:
		if virus {
			return "AVVISO DI NON ACCETTAZIONE PER VIRUS: "
		}
		return "AVVISO DI NON ACCETTAZIONE: "
	case KindPresaInCarico:
		return "PRESA IN CARICO: "
	case KindAvvenutaConsegna:
		return "CONSEGNA: "
	case KindErroreConsegna:
		if virus {
			return "AVVISO DI MANCATA CONSEGNA PER VIRUS: "
		}
		return "AVVISO DI MANCATA CONSEGNA: "
	case KindPreavvisoErroreConsegna:
		return "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: "
	case KindRilevazioneVirus:
		return "PROBLEMA DI SICUREZZA: "
	}
	return ""
}
