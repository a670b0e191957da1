// Package daticert reads, writes and checks daticert.xml, the certification
// data that every PEC (posta elettronica certificata) transport envelope,
// receipt and notice carries as an XML attachment next to its human-readable
// text.
//
// The document says what the message is (postacert/@tipo: accettazione,
// avvenuta-consegna, ...), which error class applies (postacert/@errore),
// who sent the original message and to whom (intestazione), and which
// provider certified which event when (dati: gestore-emittente, data,
// identificativo, msgid, ricevuta, consegna, ricezione, errore-esteso).
//
// The package follows the DTD of the technical annex of DM 2/11/2005
// (regole tecniche PEC), published also in RFC 6109 §4.4, and the error
// reporting of AgID NOTA 12 for errore-esteso. [Cert] models every element
// and attribute of the DTD; [Parse] decodes a document, [Cert.Marshal]
// encodes one, and [Cert.Validate] checks one against the rules for its
// type.
//
// Parse never expands entities and never fetches anything. It reads the
// bytes in one pass of its own into a small element tree (no per-call
// buffered reader, a few allocations per document) when the document is
// plainly well formed UTF-8 within the limits; anything it is not sure of
// (another encoding, namespaces, an unusual name or reference, any error)
// is read again with the strict encoding/xml decoder, which decides exactly
// and supplies the line and path of the fault. [Cert.Marshal] writes the
// document itself, in the DTD's element order, into one buffer: its output
// depends only on the Cert, byte for byte.
//
// # Limits
//
// Parse enforces, through [ParseOptions] (nil or zero fields mean the
// defaults):
//
//   - [DefaultMaxBytes] = 1 MiB of input ([ErrTooLarge]). Real documents are
//     under 2 KiB.
//   - [DefaultMaxDepth] = 16 levels of element nesting, the root being level
//     1 ([ErrTooDeep]). The DTD needs 4 (postacert/dati/data/giorno); the rest
//     is room for provider extensions.
//   - [DefaultMaxElements] = 10000 elements ([ErrTooLarge]). Providers cap
//     recipients at a few hundred.
//
// Any <!ENTITY> declaration, and any reference to an entity other than the
// five XML predefines, yields [ErrEntity], so "billion laughs" and external
// entity documents fail fast without expansion.
//
// A document with control characters in its text is read from a copy in
// which each is replaced by a character reference, at most 8 times the
// input (8 MiB at the default MaxBytes).
//
// # Encodings
//
// UTF-8 is the default and what real files use. A document that declares
// ISO-8859-1 (or an IANA alias such as latin1) or Windows-1252 (or cp1252)
// is converted to UTF-8. Any other declared encoding, or bytes that are not
// valid UTF-8 in a UTF-8 document, yields [ErrEncoding]. A UTF-8 byte order
// mark is skipped; a document that starts with one and declares an encoding
// other than UTF-8, or that starts with a UTF-16 byte order mark, yields
// [ErrEncoding]: the bytes and the declaration must agree. Marshal always
// writes UTF-8.
//
// # Strict and tolerant
//
// Parse is strict where a reader could be misled: a root element in a
// namespace (prefixed, or under a default namespace) or any default
// namespace declaration ([ErrNamespace]), two root elements ([ErrSyntax]),
// entities ([ErrEntity]) and encodings as above make the document
// unreadable. It is tolerant where providers are sloppy and the meaning is
// clear: a C0 control character (other than tab, line feed and carriage
// return) in the text of an element, which XML 1.0 cannot carry but which
// a genuine Register.it oggetto had, is read as U+FFFD and reported in
// [Cert.Warnings] with [WarnControlChar], one warning per element. A
// control character anywhere else (a tag, an attribute value, a CDATA
// section, outside the root) is a syntax error, as is a character
// reference to one (&#1;).
//
// # Validation
//
// Parse checks structure (root, required elements and attributes, dates);
// [Cert.Validate] checks meaning and reports every problem found, each with
// a [Rule] and a sentinel error:
//
//   - [RuleUnknownValue]: tipo, errore, destinatari/@tipo or ricevuta/@tipo
//     outside the DTD. Parse keeps such values (the Known methods tell)
//     instead of rejecting them.
//   - [RuleMissing]: empty tipo, errore or destinatari/@tipo (Parse fills
//     the DTD defaults); no recipients; empty mittente, destinatari,
//     gestore-emittente, identificativo or ricezione text (a certificate
//     without a sender, a recipient, an issuer or an identifier certifies
//     nothing, although the DTD's #PCDATA admits it); a zero Date; and the
//     required elements of the matrix below. An empty risposte is valid:
//     the DTD allows it and Aruba's 2026 acceptance receipts have it.
//   - [RuleNotAllowed]: an element the matrix below forbids for the type.
//   - [RuleErrorMismatch]: errore does not fit tipo. The four success types
//     (posta-certificata, accettazione, presa-in-carico, avvenuta-consegna)
//     admit only nessuno; non-accettazione admits nessuno, virus and altro;
//     errore-consegna admits every value; preavviso-errore-consegna admits
//     nessuno and altro; rilevazione-virus admits nessuno, virus and altro.
//     nessuno is tolerated on error notices because providers use errore
//     inconsistently.
//   - [RuleInvalid]: text that is not valid UTF-8 or holds characters XML
//     cannot carry, text with leading or trailing white space (Parse trims
//     it), a Date with a fraction of a second, an offset that is not whole
//     minutes within ±14:59 or a year without four digits, RawMsgID not
//     matching MsgID, Subject set without HasSubject.
//
// The presence matrix (R required, O optional, - an error when present),
// from the DTD of the DM 2 novembre 2005 annex (RFC 6109 section 4), its
// semantics and what real providers emit. Its uncertain entries ("[?]",
// "[impl]") are optional here, and ricevuta in accettazione is optional because its absence is
// only observed at one provider:
//
//	tipo                       ricevuta consegna ricezione errore-esteso
//	posta-certificata          R        -        -         -
//	accettazione               O        -        -         -
//	non-accettazione           -        -        -         R
//	presa-in-carico            -        -        R (1..n)  -
//	avvenuta-consegna          O        R        -         -
//	errore-consegna            -        R        -         R
//	preavviso-errore-consegna  -        O        -         O
//	rilevazione-virus          -        O        -         O
//
// msgid is optional for every type.
//
// # Divergences
//
// Parse is lenient where the DTD is strict but nothing depends on it:
//
//   - Elements of intestazione and dati may come in any order; Marshal
//     writes the DTD order.
//   - Unknown elements and attributes are ignored, as are comments,
//     processing instructions and a DOCTYPE without entity declarations
//     (a plain <!DOCTYPE postacert SYSTEM "..."> is fine). A prefixed
//     element below the root is an unknown element, never one of the DTD's;
//     real files have no namespaces.
//   - Text and attribute values are trimmed of XML white space; text
//     split by comments or child elements is joined.
//   - msgid is accepted with or without angle brackets; MsgID strips one
//     enclosing pair and RawMsgID keeps the text as written.
//   - An empty errore or destinatari/@tipo attribute counts as absent and
//     takes the DTD default. An empty optional element (consegna,
//     errore-esteso, msgid) counts as absent.
//   - A single element (mittente, data, ...) that appears twice is an
//     error ([ErrInvalid]), since consumers could disagree on which one
//     counts.
//   - Zone "-0000" reads as "+0000".
package daticert
