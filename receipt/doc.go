// Package receipt names the kinds of Italian certified e-mail (PEC) message
// and classifies a message into one of them.
//
// The kinds are those of the message catalogue of the PEC technical rules
// (DM 2 novembre 2005 and its annex; RFC 6109 section 3): the transport envelope ([KindPostaCertificata]), the anomaly
// envelope ([KindAnomalia]), and the receipts and notices
// ([KindAccettazione], [KindNonAccettazione], [KindPresaInCarico],
// [KindAvvenutaConsegna], [KindErroreConsegna],
// [KindPreavvisoErroreConsegna], [KindRilevazioneVirus]), plus
// [KindNotPEC] for ordinary mail. Virus variants (non-accettazione and
// errore-consegna "per virus") are a flag beside the kind, and the three
// forms of delivery receipt are a [Form].
//
// # Classification
//
// [Classify] weighs three pieces of evidence, in order of authority:
//
//  1. the tipo and errore of the signed daticert.xml (RFC 6109 section 4). Only
//     the body of a PEC message is signed, so this is the only
//     authenticated statement of its kind (§2.1);
//  2. the header fields X-Trasporto, X-Ricevuta, X-TipoRicevuta and
//     X-VerificaSicurezza (§4), read by [FromHeaders]: routing hints outside
//     the signature;
//  3. the subject prefix ("CONSEGNA: ", "POSTA CERTIFICATA: ", ...), read by
//     [ParseSubject] after RFC 2047 decoding ([DecodeSubject]).
//
// The first that names a known kind decides ([Result.Source]); every
// disagreement between two of them is a [Finding] with a stable code
// (FindingHeaderDaticertMismatch, FindingSubjectHeaderMismatch, ...). The
// form of a delivery receipt is judged by the parts its body carries (is
// there a postacert.eml, are its attachments hashed), not by ricevuta/@tipo,
// which states the requested form ([FindingFormMismatch] when they differ).
//
// Header names and values are compared case-insensitively (ASCII letters
// only, never Unicode folding), values trimmed and whole: no substring
// matching, so "non-accettazione" is never "accettazione" and
// "preavviso-errore-consegna" never "errore-consegna" (a prefix match,
// as some readers do, confuses them). X-Trasporto wins over X-Ricevuta, and
// X-Riferimento-Message-ID is never evidence of a kind (RFC 6109 section 3).
//
// [StandardSubjectPrefix] gives the standard prefix of each kind; the
// builders of this package always emit it.
//
// # Building receipts and notices
//
// [Build] builds every receipt and notice of RFC 6109 section 3 from an
// [Event] (kind, issuing provider, instant, the certification data of the
// transport envelope, the recipient concerned) as an envelope.Draft ready to
// be signed with envelope.Draft.Sign: the exact header set and standard subject
// prefix of the kind, From posta-certificata@<issuer domain>, the Italian text as
// text/plain and text/html in ISO-8859-1, daticert.xml, and postacert.eml only
// where the kind and form allow it. One instant is used for Date, daticert, the
// text and the signingTime.
//
// [Breve] rewrites an original for a breve delivery receipt: every part with a
// name or filename becomes a text/plain part "<name>.hash" holding the SHA-1 of
// the part's decoded content as 40 lower-case hex digits (the rules are
// ambiguous between decoded and encoded content, RFC 6109 section 3.3);
// an attached message is replaced whole; the MIME structure is otherwise kept.
// [CheckBreve] takes a breve receipt and the sender's original and reports, per
// attachment, whether it matches, accepting a hash of either the decoded or the
// encoded body in any hex case.
//
// # Limits
//
// Classification reads only header values and a parsed daticert, which the
// MIME and daticert parsers have already bounded; every function of this
// package runs in time linear in its input and allocates at most a few
// copies of it, so no limit of its own applies.
//
// # Divergences
//
// Tolerated departures from the rules, each reported as a finding rather
// than rejected:
//
//   - Subject prefixes are matched case-insensitively, with runs of white
//     space between words and before or after the colon (the RFC prints
//     "SUP.  TEMPO" with two spaces); such variants give
//     [FindingSubjectPrefixVariant].
//   - Wordings of provider manuals and third-party code ("Avvenuta
//     consegna: ", "Mancata consegna: ", "Non accettazione: ", "Errore
//     consegna: ", "Preavviso di mancata consegna: ", "Ricevuta di
//     accettazione: ", ...) are recognised with
//     [FindingNonstandardSubjectPrefix].
//   - Leading list tags ("[list] [SPAM] POSTA CERTIFICATA: x") are skipped
//     and kept in [SubjectInfo.Tags]; nested prefixes ("ANOMALIA MESSAGGIO:
//     POSTA CERTIFICATA: x", the doubled "POSTA CERTIFICATA: POSTA
//     CERTIFICATA: x" of replies) are kept in [SubjectInfo.Nested].
//   - Reply markers are not skipped: "Re: CONSEGNA: x" is a user's reply,
//     not a receipt.
//   - Aruba's X-Tiporicevuta spelling is the same field as X-TipoRicevuta.
//   - A delivery receipt without postacert.eml whose daticert says
//     completa is a sintetica with [FindingFormMismatch]: a real Aruba
//     receipt for a copy recipient looks like this (RFC 6109 section 3.3).
//   - The subject alone may decide the kind when nothing else does, with
//     [FindingSubjectOnly]; the spec says never to classify by subject, so
//     callers should give such a result no weight unless the message bears
//     a valid provider signature.
package receipt
