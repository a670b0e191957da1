package receipt

// Finding is one problem or oddity noticed while classifying a message. It
// never stops the classification: the [Result] still carries the best
// reading of the evidence.
type Finding struct {
	// Code is one of the Finding* constants, a stable kebab-case string.
	Code string
	// Detail is a short human-readable explanation. Its wording may change.
	Detail string
}

// String returns "code: detail".
func (f Finding) String() string { return f.Code + ": " + f.Detail }

// The finding codes. Each names one kind of disagreement or oddity; the
// "Evidence" of a message is its signed daticert.xml, its X- header fields
// and its subject prefix, in that order of authority (only the body is
// signed, RFC 6109 section 2).
const (
	// FindingHeaderDaticertMismatch: X-Trasporto/X-Ricevuta name a kind
	// other than the signed daticert tipo. The daticert wins.
	FindingHeaderDaticertMismatch = "header-daticert-mismatch"
	// FindingSubjectDaticertMismatch: the subject prefix names a kind other
	// than the signed daticert tipo. The daticert wins.
	FindingSubjectDaticertMismatch = "subject-daticert-mismatch"
	// FindingSubjectHeaderMismatch: the subject prefix names a kind other
	// than X-Trasporto/X-Ricevuta. Reported whatever decided the kind.
	FindingSubjectHeaderMismatch = "subject-header-mismatch"
	// FindingVirusFlagMismatch: two pieces of evidence agree on a kind with
	// a virus variant but not on the variant (daticert errore="virus",
	// X-VerificaSicurezza: errore, a "... PER VIRUS: " prefix), or
	// X-VerificaSicurezza: errore appears on a kind that has no virus
	// variant.
	FindingVirusFlagMismatch = "virus-flag-mismatch"
	// FindingNonstandardSubjectPrefix: the subject starts with a wording
	// that is not the one of the technical rules but that provider manuals
	// or other software use, such as "Avvenuta consegna: " for
	// "CONSEGNA: ".
	FindingNonstandardSubjectPrefix = "nonstandard-subject-prefix"
	// FindingSubjectPrefixVariant: the subject prefix has the standard
	// wording but not its exact form: not upper case, more than one space
	// between words (the RFC's "SUP.  TEMPO"), white space before the colon,
	// or not exactly one space after it.
	FindingSubjectPrefixVariant = "subject-prefix-variant"
	// FindingSubjectPrefixMissing: the message is classified as PEC but its
	// subject has no known prefix (for example a reply marker before it,
	// "Re: CONSEGNA: x").
	FindingSubjectPrefixMissing = "subject-prefix-missing"
	// FindingHeaderMissing: the daticert decided the kind but the message
	// has neither X-Trasporto nor X-Ricevuta.
	FindingHeaderMissing = "header-missing"
	// FindingBothTrasportoAndRicevuta: the message carries both X-Trasporto
	// and X-Ricevuta, which the spec never combines; X-Trasporto wins when
	// its value is known.
	FindingBothTrasportoAndRicevuta = "both-trasporto-and-ricevuta"
	// FindingUnknownHeaderValue: X-Trasporto, X-Ricevuta, X-TipoRicevuta or
	// X-VerificaSicurezza holds a value that is not one of the spec
	// (compared whole, case-insensitively, after trimming). The value is
	// ignored.
	FindingUnknownHeaderValue = "unknown-header-value"
	// FindingDuplicateHeader: one of those fields appears more than once
	// with different values; the first is used.
	FindingDuplicateHeader = "duplicate-header"
	// FindingUnknownDaticertTipo: the daticert tipo is not one of the DTD;
	// the classification falls back to the header fields, then to the
	// subject.
	FindingUnknownDaticertTipo = "unknown-daticert-tipo"
	// FindingDaticertMissing: the signed body was examined and carries no
	// daticert.xml, yet the header fields or the subject name a kind that
	// must have one (every kind but the anomaly envelope).
	FindingDaticertMissing = "daticert-missing"
	// FindingAnomalyWithDaticert: X-Trasporto: errore names an anomaly
	// envelope, which has no daticert.xml, yet the signed body carries one.
	// Reported instead of [FindingHeaderDaticertMismatch].
	FindingAnomalyWithDaticert = "anomaly-with-daticert"
	// FindingSubjectOnly: nothing but the subject prefix names a kind: no
	// daticert, no PEC header field. The subject lies outside the signature
	// and any user can write "CONSEGNA: " in one, so such a classification
	// is weak (classify by headers and daticert, never by subject).
	FindingSubjectOnly = "subject-only"
	// FindingOriginalMissing: an envelope (transport or anomaly) whose
	// signed body has no message/rfc822 part (RFC 6109 section 3).
	FindingOriginalMissing = "original-missing"
	// FindingOriginalUnexpected: a receipt or notice other than the
	// delivery receipt whose signed body carries the original message,
	// which the rules exclude (RFC 6109 section 3.3).
	FindingOriginalUnexpected = "original-unexpected"
	// FindingFormMismatch: the form of a delivery receipt shown by its parts
	// differs from the requested form (daticert ricevuta/@tipo, else
	// X-TipoRicevuta). Expected for copy (Cc) recipients, who get a
	// sintetica whatever was requested (RFC 6109 section 3.3): a
	// notice, not an error.
	FindingFormMismatch = "form-mismatch"
	// FindingRequestedFormMismatch: daticert ricevuta/@tipo and
	// X-TipoRicevuta name different forms.
	FindingRequestedFormMismatch = "requested-form-mismatch"
)
