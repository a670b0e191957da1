package pec

// Finding is one observation about a message: a disagreement between its parts, a
// deviation from the technical rules, or a limit that stopped parsing. Findings never
// stop [Read]; they explain why a message is, or is not, [Message.Certified].
//
// [Message.Findings] merges the findings of signature verification (envelope package),
// of classification (receipt package) and those of this package, whose codes are the
// Code constants below.
type Finding struct {
	Code   string // kebab-case code, stable
	Detail string // human-readable detail, not stable
}

// Finding codes reported by this package. The strings are a public contract (the
// pecverify tool prints them); they never change.
const (
	// CodeMIMEMalformed: a header line, a Content-Type or a multipart structure is
	// malformed (an unterminated multipart, a multipart without boundary). Parsing goes
	// on with what could be read.
	CodeMIMEMalformed = "mime-malformed"
	// CodeDecodeError: a part's transfer encoding or charset is unknown or its bytes do
	// not decode; the part is kept as it was.
	CodeDecodeError = "decode-error"
	// CodeLimitReached: a limit of [Options] (MaxMessageDepth, MaxTextBytes,
	// LazyAbove for a transfer-encoded attached message) stopped reading part of
	// the message.
	CodeLimitReached = "limit-reached"

	// CodeDaticertUnparsable: daticert.xml is present but does not parse;
	// [Message.DaticertErr] holds the error.
	CodeDaticertUnparsable = "daticert-unparsable"
	// CodeDaticertInvalid: daticert.xml parses but breaks a rule of the DTD or of the
	// presence matrix (one finding per problem of daticert.Cert.Validate).
	CodeDaticertInvalid = "daticert-invalid"
	// CodeDaticertUnsigned: daticert.xml was found outside a signed entity, so it is
	// not evidence of anything.
	CodeDaticertUnsigned = "daticert-unsigned"
	// CodeDaticertMultiple: more than one direct part of the signed entity is named
	// daticert.xml: none is used and the message is not certified.
	CodeDaticertMultiple = "daticert-multiple"
	// CodeDaticertByName: the part named daticert.xml does not have an XML media
	// type (application/xml or text/xml, as every provider writes it): it is not
	// used and the message is not certified.
	CodeDaticertByName = "daticert-by-name"
	// CodeDaticertAmbiguous: the daticert.xml part has more than one Content-Type
	// field: not used, not certified.
	CodeDaticertAmbiguous = "daticert-ambiguous"
	// CodeDaticertUndecodable: the daticert.xml transfer encoding does not decode
	// cleanly (bytes outside the alphabet, data after the base64 padding): not
	// certified.
	CodeDaticertUndecodable = "daticert-undecodable"
	// CodeDaticertMisplaced: a part named daticert.xml outside its place (inside a
	// nested multipart or a nested multipart/signed): ignored.
	CodeDaticertMisplaced = "daticert-misplaced"
	// CodeEntityAmbiguous: the signed entity's header has more than one
	// Content-Type field: not certified.
	CodeEntityAmbiguous = "entity-ambiguous"
	// CodeAnomalyShape: X-Trasporto: errore names an anomaly envelope, but the
	// signed entity is not the provider's text plus the received message without
	// any daticert.xml: not certified.
	CodeAnomalyShape = "anomaly-shape"
	// CodeSignatureNotValid: a blocker (in [Message.Blockers] only): the signature
	// status is not valid.
	CodeSignatureNotValid = "signature-not-valid"
	// CodeKindNotSigned: a blocker (in [Message.Blockers] only): the kind does not
	// rest on a signed daticert.xml in its place.
	CodeKindNotSigned = "kind-not-signed"
	// CodeAttachedPEC: an attached message (message/rfc822 outside a signed
	// envelope's postacert.eml) is a PEC message; its verdict is its own
	// ([Attachment].Message) and does not certify the outer message.
	CodeAttachedPEC = "attached-pec"

	// CodePostacertByName: postacert.eml was found by its name (postacert.eml, then any
	// *.eml) because no part has content type message/rfc822.
	CodePostacertByName = "postacert-by-name"
	// CodePostacertMultiple: more than one candidate for postacert.eml; the first
	// message/rfc822 part (preferring one named postacert.eml) is used.
	CodePostacertMultiple = "postacert-multiple"
	// CodePostacertUnreadable: postacert.eml is present but is not a readable message.
	CodePostacertUnreadable = "postacert-unreadable"
	// CodeNestedPEC: the original message (or another attached message) is itself a
	// PEC message. Its kind and signature are reported in [Message.Original] (or the
	// [Attachment]) but are never authoritative for the outer message.
	CodeNestedPEC = "nested-pec"

	// CodeIDMismatch: the Message-ID of a transport envelope differs from the daticert
	// identificativo.
	CodeIDMismatch = "identificativo-mismatch"
	// CodeMsgIDMismatch: X-Riferimento-Message-ID differs from the daticert msgid
	// (the sender's Message-ID).
	CodeMsgIDMismatch = "msgid-mismatch"
	// CodeSenderMismatch: the "Per conto di:" sender of an envelope differs from the
	// daticert mittente.
	CodeSenderMismatch = "sender-mismatch"
	// CodeDateMismatch: the Date header differs from the daticert data by more than
	// [DateTolerance].
	CodeDateMismatch = "date-mismatch"
)

// mergeFindings appends the findings of src to dst, dropping exact duplicates.
func mergeFindings(dst []Finding, src ...Finding) []Finding {
	for _, f := range src {
		dup := false
		for _, g := range dst {
			if g == f {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, f)
		}
	}
	return dst
}
