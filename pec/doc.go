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
// It follows the technical rules of the DM 2 novembre 2005 and its annex (the
// "regole tecniche del servizio di trasmissione di documenti informatici
// mediante posta elettronica certificata") and RFC 6109, and builds on the
// packages envelope (S/MIME verification, RFC 5751 and RFC 5652), daticert
// (certification data) and receipt (classification).
//
// # What Read does
//
// [Read], [ReadReaderAt] and [ReadFile] are one data path over different
// sources (a buffered io.Reader, an io.ReaderAt, a file):
//
//  1. Scan and verify: one pass of the module's MIME scanner gives the part
//     table of the whole message and the digest of the signed entity, and
//     envelope verifies the provider signature ([Options].Verify gives the trust
//     anchors and the verification time; the default is the built-in PEC anchors
//     at the signing time).
//  2. Select: the content is the signed entity (the first part of
//     multipart/signed, also one level down in a mailing list's multipart/mixed),
//     or the whole message when there is none. daticert.xml is selected by its
//     place (see # Certified) and postacert.eml by content type first
//     (message/rfc822, preferring a part named postacert.eml), then by name
//     (postacert.eml, then any *.eml, since some webmails rename it).
//  3. Decode the selected bodies: the provider texts become [Message.Texts]
//     (decoded to UTF-8 from their charset), every other leaf an [Attachment];
//     large attachments stay in the source ([Attachment.Open]).
//  4. Parse daticert.xml once with daticert.Parse, then check it with Validate.
//  5. Check: identificativo against Message-ID, msgid (the sender's Message-ID)
//     against X-Riferimento-Message-ID, "Per conto di:" against mittente, Date
//     and the daticert data against each other and against the signingTime,
//     with VerifyOptions.TimeTolerance ([DateTolerance] by default).
//  6. Classify with receipt.Classify: signed daticert first, then
//     X-Trasporto/X-Ricevuta, then the subject prefix. A kind decided by the
//     subject alone, without a valid signature, is reported as not PEC (anyone
//     can write "CONSEGNA: " in a subject).
//
// postacert.eml and every other message/rfc822 part are read the same way, as
// messages of their own, recursively ([Message.Original], [Attachment].Message):
// the original of an anomaly envelope may itself be a transport envelope with
// its own signature, daticert and original.
//
// # Certified
//
// [Message.Certified] is the outcome of one decision that collects blocking
// reasons ([Message.Blockers], each with a code); it is true when there are
// none. Certified needs:
//
//   - a valid signature (integrity, a trusted PEC provider, the From address in
//     its certificate, the certificate valid at the evaluation time), else
//     [CodeSignatureNotValid];
//   - a kind resting on signed data ([CodeKindNotSigned] otherwise): the kind
//     was decided by the daticert.xml in its place, or the message is an
//     anomaly envelope of the anomaly shape.
//
// The place of daticert.xml: a direct part of the signed entity's
// multipart/mixed, named daticert.xml (by its Content-Disposition filename or
// its Content-Type name: either makes a part a candidate), with an XML media
// type (application/xml or text/xml, as every provider writes it). One inside a
// nested multipart, a nested multipart/signed or an attached message
// (postacert.eml included) is never taken ([CodeDaticertMisplaced]). Not
// certified: two parts named daticert.xml ([CodeDaticertMultiple]), one with
// another media type ([CodeDaticertByName]), one with two Content-Type,
// Content-Transfer-Encoding or Content-Disposition fields, whose filename and
// name disagree, or whose charset parameter reads it as other text than its XML
// declaration (RFC 7303 section 3) ([CodeDaticertAmbiguous]), a signed entity
// header with two Content-Type fields ([CodeEntityAmbiguous]), a daticert.xml
// whose transfer encoding does not decode cleanly (base64 garbage or data after
// the padding; a quoted-printable '=' not followed by two hexadecimal digits or
// a line end) ([CodeDaticertUndecodable]) or that does not parse
// ([CodeDaticertUnparsable]).
//
// The anomaly exception is narrow: an anomaly envelope (X-Trasporto: errore) is
// certified without daticert.xml only when its signed entity is the provider's
// text plus the received message and holds no part named daticert.xml at all
// ([CodeAnomalyShape] otherwise).
//
// Outer header fields (X-Ricevuta, Subject, From) are outside the signature and
// never make a message certified on their own. Forwarding: only a top-level
// multipart/mixed whose direct part is the multipart/signed entity (a mailing
// list's footer) is read as the PEC message itself, with the wrapped finding. A
// PEC message attached as message/rfc822 is an attachment with its own verdict
// ([Attachment].Message); the outer message has its own kind and is certified
// only by its own signature ([CodeAttachedPEC], [CodeNestedPEC]). Inside
// postacert.eml nothing is unwrapped: the sender's message is the original.
//
// # Findings
//
// [Message.Findings] merges, in this order and without duplicates, the findings of
// signature verification (the envelope.Finding* codes: weak-digest, legacy-chain,
// wrapped, ...), of classification (the receipt.Finding* codes:
// header-daticert-mismatch, subject-daticert-mismatch, both-trasporto-and-ricevuta,
// daticert-missing, original-missing, original-unexpected, form-mismatch, ...) and
// of this package (the Code* constants, and time-skew-date and time-skew-daticert
// with the envelope codes). Codes are stable; details are for humans.
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
// Every dimension is capped by a field of [Options] (nil or zero means the
// default), and [Limits] is the one limits type of the module:
//
//   - [DefaultMaxMessageBytes] = 256 MiB of raw message;
//   - [DefaultMaxHeaderBytes] = 1 MiB per header block, the message's and every
//     part's, nested messages included;
//   - [DefaultMaxParts] = 2000 MIME parts in the whole message;
//   - [DefaultMaxDepth] = 32 levels of multipart nesting;
//   - the signature limits of envelope (the same Limits).
//
// Over one of these, Read fails with an error matching [ErrTooLarge] (a
// *[LimitError] naming it), the same in every mode. Two limits only skip part of
// the message, with a [CodeLimitReached] finding, the same in every mode:
// [DefaultMaxMessageDepth] = 4 levels of attached messages parsed as messages,
// and [DefaultMaxTextBytes] = 4 MiB for a body text, daticert.xml or a
// transfer-encoded attached message read into memory.
//
// # Bounded memory
//
// [ReadFile] and [ReadReaderAt] read any message, PEC or not, forwarded or
// nested, in bounded memory: the scan holds one buffer; then only the headers,
// the texts, daticert.xml and the attachments up to Options.LazyAbove
// ([DefaultLazyAbove], 1 MiB) are read. Larger attachments have Loaded false and
// Data nil and [Attachment.Open] reads them from the source; their
// Attachment.Size (the decoded size, as everywhere) is computed by decoding them
// in small pieces. An attached message in 7bit, 8bit or binary is read from the
// source the same way; one in base64 or quoted-printable is decoded into memory
// up to MaxTextBytes. [Read], whose input cannot be read twice, holds the
// message in memory; the Message is the same but for Data and Loaded.
//
// # Errors
//
// Read fails only on input it cannot read as a mail message: an I/O error, a
// message over the [Limits] ([ErrTooLarge], as a *[LimitError]), or input that
// is empty or has no header field ([ErrNotMessage]). A message with a broken
// signature, no daticert.xml, an envelope without postacert.eml, or
// contradictory headers is still a *Message, with findings.
//
// # Divergences and leniency
//
//   - A leading mbox "From " line is skipped.
//   - Header lines that are not fields are skipped ([CodeMIMEMalformed]);
//     multiparts without their closing delimiter are read to their end.
//   - postacert.eml declared 7bit but holding 8-bit data is read as is.
//   - Unknown charsets and transfer encodings leave the part undecoded
//     ([CodeDecodeError]); text is always returned as valid UTF-8.
//   - RFC 6109's English "On behalf of:" is accepted besides "Per conto di:".
package pec
