// Package mime is the only MIME code of the module: it reads a message once, in
// its exact bytes, and tells where everything is (RFC 5322 header syntax, RFC
// 2045 and RFC 2046 MIME, RFC 1847 and RFC 5751 section 3.5 multipart/signed).
// Nothing is ever re-serialised, because the bytes under an S/MIME signature must
// stay exactly as transmitted (RFC 5751 section 3.1). The model is go-msgauth's
// DKIM verifier: exact bytes, one streaming pass, canonicalisation as a writer.
//
// # One scan
//
// [ScanBytes], [ScanReaderAt] and [ScanReader] are one scanner over three
// inputs. One pass yields a [Scan]:
//   - the part table ([Part]): for every entity, its offsets in the input, its
//     path, parent, media type and parameters, how many Content-Type fields it
//     has, transfer encoding, disposition and file name; the message carried by a
//     message/rfc822 part in 7bit, 8bit or binary is parsed into ([Part.Embedded]);
//   - the multipart/signed entity, at the top level or as a direct part of a
//     top-level multipart/mixed (a mailing list's footer: [Scan.Wrapped]), never
//     inside a message/rfc822 part;
//   - the digests of the signed entity, hashed as it streams by with every bare
//     LF turned into CRLF; by default the micalg digests (plus SHA-1 and SHA-256
//     for ScanReader, which cannot read twice); [Scan.Digest] reads the entity
//     range again for any other;
//   - the signature part's body, decoded.
//
// The building blocks are each defined once: [Fields] (raw bytes, every
// occurrence kept), [Unfold] (the unfolding rule), [ParseMediaType] (the
// standard library's parser, retried without empty parameters),
// [MatchDelimiter] (RFC 2046 section 5.1.1, transport padding allowed),
// [CanonWriter] (CRLF canonicalisation as an io.Writer), [NewDecoder] (the
// streaming transfer decoder; [Decode] is its []byte form), [CharsetReader]
// (golang.org/x/text's IANA and WHATWG tables, without go-message's charset
// package, whose init changes go-message's behaviour in every program linking
// it) and [DecodeWords] (RFC 2047). [ReadHeader], [SplitMultipart] and [Walk]
// slice entities in memory for the builders and tests.
//
// # Limits
//
// [Limits] is the one limits type of the module (envelope.Limits and pec.Limits
// are this type), with one set of defaults: [DefaultMaxMessageBytes] (256 MiB),
// [DefaultMaxHeaderBytes] per header block (1 MiB, the fields with their line
// breaks), [DefaultMaxParts] parts in the whole message (2000),
// [DefaultMaxDepth] levels of multipart nesting (32) and
// [DefaultMaxSignatureBytes] for the signature part's body as transmitted
// (256 KiB); [DefaultMaxCertificates], [DefaultMaxChainLength],
// [DefaultMaxBERDepth] (BER/DER nesting of the signature, 32) and
// [DefaultMaxSigners] (SignerInfos, 4) are used by package envelope. Exceeding
// one stops the scan with a *[LimitError] naming it ([ErrTooLarge]). Memory is
// one read buffer (64 KiB; ScanBytes reads in place), the header block being
// read, the signature and the part table.
//
// # Divergences
//
//   - A delimiter line longer than 4096 bytes (padding included) is body text,
//     in every mode; RFC 2046 limits boundaries to 70 characters and RFC 5322
//     lines to 998.
//   - Header lines without a colon are skipped; the first Content-Type field is
//     the one read, and [Part.ContentTypes] counts them so that callers can
//     refuse an ambiguous header. An empty or unparsable first Content-Type
//     means text/plain ([Part.ContentTypeErr]).
//   - A leading mbox "From " line is skipped ([IsFromLine]: "From : x" is a
//     field, not a separator), and so is a leading UTF-8 BOM ([Scan.BOM]).
//   - [Fields] is the one rule for an outer header block, used by envelope and
//     pec alike; [ReadHeader] (strict) is for part headers that must be well formed.
//   - A multipart without its close delimiter runs to the end of its parent
//     ([Part.Closed] false); a signed entity that does not end at a delimiter
//     makes the signature unusable ([Scan.SignedErr]).
//   - base64 tolerates a missing final padding and white space anywhere; any
//     other byte outside the alphabet and data after the padding are errors.
//   - message/rfc822 parts in base64 or quoted-printable are not parsed into.
//   - A bare CR is not a line end.
package mime
