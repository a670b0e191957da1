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
//     [CodeSignatureNotValid], with the signature's reason code
//     (envelope.ReasonCode, see rule 8);
//   - a kind resting on signed data ([CodeKindNotSigned] otherwise): the kind
//     was decided by the daticert.xml in its place, or the message is an
//     anomaly envelope of the anomaly shape;
//   - none of the blockers of the rules below.
//
// Outer header fields (X-Ricevuta, Subject, From) are outside the signature and
// never make a message certified on their own. The rules, each with the code it
// produces (a blocker makes the message not certified; a finding only reports):
//
// Rule 1, one daticert in its place. The place of daticert.xml is a direct part
// of the signed entity's multipart/mixed, named daticert.xml, with an XML media
// type (application/xml or text/xml, as the DM 2 novembre 2005 annex and every
// provider write it). One inside a nested multipart, a nested multipart/signed
// or an attached message (postacert.eml included) is never taken
// ([CodeDaticertMisplaced]). A part is named daticert.xml by its
// Content-Disposition filename or its Content-Type name: either makes it a
// candidate. Not certified: two parts named daticert.xml
// ([CodeDaticertMultiple]), one with another media type ([CodeDaticertByName]),
// one with two Content-Type, Content-Transfer-Encoding or Content-Disposition
// fields, whose filename and name disagree, or whose charset parameter reads it
// as other text than its XML declaration (RFC 7303 section 3)
// ([CodeDaticertAmbiguous]), a signed entity header with two Content-Type fields
// ([CodeEntityAmbiguous]), a daticert.xml whose transfer encoding does not
// decode cleanly (bytes outside the base64 alphabet or data after the padding; a
// quoted-printable '=' not followed by two hexadecimal digits or a line end)
// ([CodeDaticertUndecodable]), or that does not parse ([CodeDaticertUnparsable]). A daticert.xml outside any signed
// entity is not evidence ([CodeDaticertUnsigned]); one that parses but breaks
// the DTD or the presence rules is a finding ([CodeDaticertInvalid]).
//
// Rule 2, the anomaly exception is narrow. An anomaly envelope (X-Trasporto:
// errore, RFC 6109 section 3.3) is certified without daticert.xml only when its
// signed entity is the provider's text plus the received message and holds no
// part named daticert.xml at all. An X-Trasporto: errore on a signed entity of
// another shape is not certified ([CodeAnomalyShape]); nor is one whose
// daticert.xml is present but unparsable ([CodeDaticertUnparsable], with the
// blocker [CodeKindNotSigned]).
//
// Rule 3, one sender. The outer header of a PEC message must have exactly one
// From field holding exactly one mailbox: no address list, no group (RFC 5322
// section 3.6.2 allows a mailbox list in From, but a provider writes one
// mailbox, and the signer check of package envelope reads only the first). Two
// From fields, two top-level Content-Type fields (RFC 5322 section 3.6 allows
// each once; two readers may pick different ones), or a From that is a list, a
// group or no mailbox at all: not certified ([CodeHeaderAmbiguous],
// [CodeFromNotOneMailbox]). A From that net/mail cannot parse but that holds
// one angle-addr and no list separator, such as "a@b.it <a@b.it>", counts as
// one mailbox, as package envelope reads it. The From address must match the
// signer certificate (envelope's sender-mismatch reason). A duplicate Subject,
// Date, X-Ricevuta or X-Trasporto field is a finding ([CodeHeaderDuplicate]);
// the first one is used. These checks apply to PEC messages and signed messages
// only: ordinary mail, such as the sender's message in postacert.eml, may have
// a From list (RFC 5322 section 3.6.2, with Sender).
//
// Rule 4, one time. The signed signingTime (a UTCTime for the years 1950-2049,
// as RFC 5652 section 11.3 requires; otherwise envelope's malformed reason), the
// signed daticert data and the Date header must fall within the signer
// certificate's validity: a provider certificate is the provider's key during
// its lifetime, and a time outside it claims a signature made with a key
// outside its lifetime. The signingTime and the Date header are checked by
// package envelope (reason key-outside-validity); the daticert data, exactly, by
// this package ([CodeKeyOutsideValidity], the same code). A signingTime later
// than the verification time plus the tolerance is untrusted (envelope's
// signing-time-in-future reason). Skews within the validity stay findings:
// time-skew-date and time-skew-daticert (envelope.FindingTimeSkewDate and
// envelope.FindingTimeSkewDaticert, signingTime against the Date header and the
// daticert data, beyond VerifyOptions.TimeTolerance) and [CodeDateMismatch]
// (the Date header against the daticert data, beyond [DateTolerance]).
//
// Rule 5, legacy crypto only in its era. SHA-1 certificate signatures and RSA
// keys under 2048 bits are accepted only for signatures made while the DigitPA
// CA1 era lasted (up to envelope.DigitPACA1NotAfter, 2018-01-14: the 2014-2017
// archives), with envelope's legacy-chain finding; the same chain on a later
// signature is untrusted (envelope's legacy-crypto-out-of-era reason). SHA-1
// message digests stay accepted with envelope's weak-digest finding (providers
// still send them).
//
// Rule 6, the unsigned header is checked against the signed data. The Subject,
// after RFC 2047 decoding, without the PEC prefix of its kind
// (receipt.ParseSubject), is compared with the signed daticert oggetto after
// white space folding (runs of white space, C0 control characters and U+FFFD
// count as one space; leading and trailing ones are dropped). A difference is a
// finding ([CodeSubjectMismatch]), so that a human line never shows an unsigned
// subject as if it were certified without saying so; the message stays
// certified, its signed data being intact. Likewise the "Per conto di:" sender
// against mittente ([CodeSenderMismatch]), X-Riferimento-Message-ID against
// msgid ([CodeMsgIDMismatch]) and the Message-ID of a transport envelope against
// identificativo ([CodeIDMismatch]). A From display name that holds another
// e-mail address than the From address, outside the "Per conto di:" form, is a
// finding too ([CodeFromDisplayAddress]): a reader would take that unsigned
// address for the sender.
//
// Rule 7, daticert XML: strict where it matters, tolerant where providers are
// sloppy. A namespaced root or a default namespace, an encoding declared other
// than the actual bytes after a byte order mark, two root elements and
// entities make daticert.Parse fail: not certified ([CodeDaticertUnparsable],
// with the daticert error in [Message.DaticertErr]). A C0 control character
// inside text content (seen in a genuine Register.it oggetto) is read as U+FFFD
// and reported ([CodeDaticertControlChar]); the message stays certified when
// everything else holds. Validation follows the DTD of the annex (RFC 6109
// section 4.4) and what real providers emit, not a stricter reading: an empty
// risposte, as Aruba's acceptance receipts carry it, is valid (#PCDATA).
//
// Rule 8, reasons are codes. Every signature failure carries a stable reason
// code beside the human text (envelope.ReasonCode, the envelope Code*
// constants: digest-mismatch, unknown-authority, expired-at-signing-time,
// key-outside-validity, sender-mismatch, ...); every blocker and finding has a
// stable code (the constants listed under # Findings).
//
// Forwarding: only a top-level multipart/mixed whose direct part is the
// multipart/signed entity (a mailing list's footer) is read as the PEC message
// itself, with envelope's wrapped finding. A PEC message attached as
// message/rfc822 is an attachment with its own verdict ([Attachment].Message);
// the outer message has its own kind and is certified only by its own
// signature ([CodeAttachedPEC], [CodeNestedPEC]). Inside postacert.eml nothing
// is unwrapped: the sender's message is the original.
//
// # Findings
//
// [Message.Findings] merges, in this order and without duplicates, the findings of
// signature verification (the envelope.Finding* codes: weak-digest, legacy-chain,
// wrapped, time-skew-date, time-skew-daticert, ...), of classification (the
// receipt.Finding* codes: header-daticert-mismatch, subject-daticert-mismatch,
// both-trasporto-and-ricevuta, daticert-missing, original-missing,
// original-unexpected, form-mismatch, ...) and of this package. Codes are
// stable; details are for humans. The codes of this package:
//
//   - reading: [CodeMIMEMalformed] (mime-malformed), [CodeDecodeError]
//     (decode-error), [CodeLimitReached] (limit-reached);
//   - daticert.xml: [CodeDaticertUnparsable] (daticert-unparsable),
//     [CodeDaticertInvalid] (daticert-invalid), [CodeDaticertUnsigned]
//     (daticert-unsigned), [CodeDaticertMultiple] (daticert-multiple),
//     [CodeDaticertByName] (daticert-by-name), [CodeDaticertAmbiguous]
//     (daticert-ambiguous), [CodeDaticertUndecodable] (daticert-undecodable),
//     [CodeDaticertMisplaced] (daticert-misplaced), [CodeDaticertControlChar]
//     (daticert-control-char);
//   - the signed entity and the decision: [CodeEntityAmbiguous]
//     (entity-ambiguous), [CodeAnomalyShape] (anomaly-shape),
//     [CodeSignatureNotValid] (signature-not-valid) and [CodeKindNotSigned]
//     (kind-not-signed), the last two in [Message.Blockers] only;
//   - attached messages: [CodeAttachedPEC] (attached-pec), [CodePostacertByName]
//     (postacert-by-name), [CodePostacertMultiple] (postacert-multiple),
//     [CodePostacertUnreadable] (postacert-unreadable), [CodeNestedPEC]
//     (nested-pec);
//   - the outer header: [CodeHeaderAmbiguous] (header-ambiguous),
//     [CodeFromNotOneMailbox] (from-not-one-mailbox), [CodeHeaderDuplicate]
//     (header-duplicate);
//   - cross-checks: [CodeIDMismatch] (identificativo-mismatch),
//     [CodeMsgIDMismatch] (msgid-mismatch), [CodeSenderMismatch]
//     (sender-mismatch), [CodeDateMismatch] (date-mismatch),
//     [CodeSubjectMismatch] (subject-oggetto-mismatch), [CodeKeyOutsideValidity]
//     (key-outside-validity).
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
