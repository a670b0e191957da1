// Package pec reads Italian certified e-mail (PEC, posta elettronica certificata)
// messages: one call, [Read], tells what a message is, what it certifies, and whether
// that certification holds.
//
//	m, err := pec.ReadFile("CONSEGNA.eml", nil)
//	if err != nil { ... }          // only unreadable input is an error
//	m.Kind                         // receipt.KindAvvenutaConsegna, ...
//	m.Certified                    // valid provider signature and a signed kind
//	m.Daticert                     // the certification data, daticert.xml
//	m.Original                     // postacert.eml, parsed, with its attachments
//	m.Keys.ID                      // correlation key shared by the envelope and its receipts
//	m.Findings                     // every disagreement and oddity, with a stable code
//
// It follows the technical rules of DM 2/11/2005 and RFC 6109 as summarised in
// pec-spec.md (sections 2 to 7 and 10.4), and builds on the packages envelope
// (S/MIME location and verification), daticert (certification data) and receipt
// (classification).
//
// # What Read does
//
//  1. It verifies the provider signature with envelope.Verify ([Options].Verify gives
//     the trust anchors and the verification time; the default is the built-in PEC
//     anchors at the signing time).
//  2. It parses the MIME structure of the signed entity that was verified (the first
//     part of multipart/signed, also one level down in a relay's multipart/mixed),
//     or of the whole message when there is no signed entity. The provider texts
//     become [Message.Texts] (decoded to UTF-8 from their charset, ISO-8859-1 for
//     providers), every other leaf an [Attachment].
//  3. It locates daticert.xml (an application/xml or text/xml part named
//     daticert.xml first, then any part with that name) and parses it with
//     daticert.Parse, then checks it with Validate.
//  4. It locates postacert.eml by content type first (message/rfc822, preferring a
//     part named postacert.eml), then by name (postacert.eml, then any *.eml, since
//     some webmails rename it after the subject), and parses it as a message of its
//     own, recursively: the original of an anomaly envelope may itself be a transport
//     envelope, with its own signature, daticert and original. Every other
//     message/rfc822 part is parsed the same way ([Attachment].Message).
//  5. It classifies the message with receipt.Classify: signed daticert first, then
//     X-Trasporto/X-Ricevuta, then the subject prefix. A kind decided by the subject
//     alone, without a valid signature, is reported as not PEC (anyone can write
//     "CONSEGNA: " in a subject).
//  6. It cross-checks the parts (identificativo against Message-ID, msgid against
//     X-Riferimento-Message-ID, "Per conto di:" against mittente, Date against the
//     daticert data) and merges the findings of every step.
//
// # Certified
//
// [Message.Certified] is true only when the signature is valid (integrity, a trusted
// PEC provider, the From address in its certificate, the certificate valid at the
// evaluation time) and the kind rests on signed data: it was decided by a
// daticert.xml read from inside the signed entity, or the message is an anomaly
// envelope (which carries no daticert: its signed body is the provider's statement).
// Outer header fields (X-Ricevuta, Subject, From) are outside the signature and
// never make a message certified on their own (pec-spec.md §2.1, §10.4). Messages
// nested in postacert.eml are never authoritative for the outer message
// ([CodeNestedPEC]); their own Certified field says whether they verify on their
// own.
//
// # Findings
//
// [Message.Findings] merges, in this order and without duplicates, the findings of
// signature verification (the envelope.Finding* codes: weak-digest, legacy-chain,
// wrapped, time-skew-date, time-skew-daticert, ...), of classification (the
// receipt.Finding* codes: header-daticert-mismatch, subject-daticert-mismatch,
// both-trasporto-and-ricevuta, daticert-missing, original-missing,
// original-unexpected, form-mismatch, ...) and of this package (the Code* constants:
// mime-malformed, decode-error, limit-reached, daticert-unparsable, daticert-invalid,
// daticert-unsigned, daticert-multiple, daticert-by-name, postacert-by-name,
// postacert-multiple, postacert-unreadable, nested-pec, identificativo-mismatch,
// msgid-mismatch, sender-mismatch, date-mismatch). Codes are stable; details are
// for humans.
//
// # Receipt tracking
//
// A [Tracker] correlates certified receipts and notices with their transmission by
// the signed identificativo and keeps each recipient's state (pending, taken over,
// delivered, failed, timeout warning after 12 hours, timeout after 24 hours,
// ordinary mail).
//
// # Limits
//
// Read holds the whole message in memory, and so do ReadFile and ReadReaderAt up
// to [DefaultStreamAbove] (see # Streaming). Every dimension is capped by a field
// of [Options] (nil or zero means the default):
//
//   - [DefaultMaxMessageBytes] = 160 MiB of raw message (over it: [ErrTooLarge]);
//   - [DefaultMaxHeaderBytes] = 1 MiB per header block, the message header (over it:
//     [ErrTooLarge]) and every part header, nested messages included (over it: the
//     part is skipped with a [CodeLimitReached] finding);
//   - [DefaultMaxParts] = 2000 MIME entities per call, nested messages included;
//   - [DefaultMaxPartDepth] = 32 levels of multipart nesting within one message;
//   - [DefaultMaxDepth] = 4 levels of attached messages parsed as messages.
//
// The structural limits never make Read fail: what lies beyond them is skipped and
// reported. Signature verification has its own limits (envelope.Limits); Read raises
// envelope's message size limit to MaxMessageBytes when the caller left it unset.
//
// # Streaming
//
// [ReadFile] and [ReadReaderAt] read a message larger than Options.StreamAbove
// ([DefaultStreamAbove], 8 MiB) in streaming mode, in bounded memory: the
// signature is verified in one pass by envelope.VerifyReaderAt, which also
// lists the offsets of every part; then only the headers and the parts up to
// Options.LazyAbove ([DefaultLazyAbove], 1 MiB; at most [LazyBudgetFactor] times
// that per message) are read, and daticert.xml, parsed once by envelope, is
// reused. Larger attachments have Loaded false and Data nil; [Attachment.Open]
// reads them from the source. postacert.eml is parsed the same way, from the part
// list when it is large (it is verified by its own pass when it is itself
// signed). The Message is the one Read gives, except for those attachments and
// for texts over LazyAbove, skipped with a [CodeLimitReached] finding. Cases
// that still load the whole message (up to MaxMessageBytes): a top-level message
// whose signed entity the scan does not locate (ordinary mail, a signed message
// forwarded as message/rfc822, a broken structure). A large attached message in
// base64 or quoted-printable, or found by name with another type, is not parsed
// (a [CodeLimitReached] finding). [Read], whose input cannot be read twice,
// always loads the message.
//
// # Errors
//
// Read fails only on input it cannot read as a mail message: an I/O error, a
// message or header over the limits ([ErrTooLarge], as a *[LimitError]), or input
// that is empty or does not start with a header field ([ErrNotMessage]). A message
// with a broken signature, no daticert.xml, an envelope without postacert.eml, or
// contradictory headers is still a *Message, with findings.
//
// # Divergences and leniency
//
//   - A leading mbox "From " line is skipped.
//   - Header blocks are read leniently: the fields before a malformed line are kept
//     ([CodeMIMEMalformed]); so are multiparts without their closing delimiter.
//   - postacert.eml declared 7bit but holding 8-bit data is read as is.
//   - Unknown charsets and transfer encodings leave the part undecoded
//     ([CodeDecodeError]); text is always returned as valid UTF-8.
//   - RFC 6109's English "On behalf of:" is accepted besides "Per conto di:".
package pec
