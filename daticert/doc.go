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
// Parse never expands entities and never fetches anything: it reads XML
// with github.com/beevik/etree over encoding/xml, after a byte-level first
// pass that enforces the limits below and rejects every entity
// declaration. When that pass is not sure, and whenever Parse reports an
// error, a second pass with encoding/xml decides exactly and supplies the
// line and path of the fault.
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
// # Encodings
//
// UTF-8 is the default and what real files use. A document that declares
// ISO-8859-1 (or an IANA alias such as latin1) or Windows-1252 (or cp1252)
// is converted to UTF-8. Any other declared encoding, or bytes that are not
// valid UTF-8 in a UTF-8 document, yields [ErrEncoding]. A UTF-8 byte order
// mark is skipped. Marshal always writes UTF-8.
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
//     risposte, gestore-emittente, identificativo or ricezione text; a zero
//     Date; and the required elements of the matrix below.
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
// from pec-spec §6.3. Its uncertain entries ("[?]", "[impl]") are optional
// here, and ricevuta in accettazione is optional because its absence is
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
//     (a plain <!DOCTYPE postacert SYSTEM "..."> is fine). Namespace
//     prefixes on elements are ignored; real files have none.
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
