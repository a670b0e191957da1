// Package stream verifies-while-reading: it makes one pass over an S/MIME
// multipart/signed message (RFC 1847, RFC 5751 section 3.5) from an io.Reader,
// hashing the signed entity as it streams by, and records where every part is, so
// that a message of any size is checked with a fixed amount of memory.
//
// One pass of [Scan] (or [ScanReaderAt], [ScanBytes]):
//   - reads the top-level header (bounded) and finds multipart/signed, either as the
//     message itself or as a direct part of a top-level multipart/mixed (a relay or
//     mailing-list wrapper: [Result.Wrapped]);
//   - feeds the signed entity, the first body part of multipart/signed, into the
//     hashes: from the byte after its opening delimiter line up to, not including,
//     the line end before the next delimiter line, with every bare LF turned into
//     CRLF on the fly (pec-spec.md section 5: openssl canonicalises the same way);
//   - parses the MIME structure inside the signed entity on the fly, including the
//     message carried by postacert.eml (message/rfc822), and records the input
//     offsets of every part ([Part]), so that an io.ReaderAt over the same input gives
//     access to any part afterwards without loading the message;
//   - captures and decodes the small parts it needs: the signature (second part of
//     multipart/signed, smime.p7s) and daticert.xml (a direct child of the signed
//     multipart, by name first and XML type second; pec-spec.md section 2.2).
//
// Delimiters follow RFC 2046 section 5.1.1: "--" boundary, optionally "--" for the
// close delimiter, then transport padding (spaces, tabs; stray CRs are tolerated as
// internal/mime does). A line that continues past the boundary with other text is
// not a delimiter. When boundaries of nested multiparts could both match, the
// outermost wins, so the signed entity ends where other S/MIME implementations end
// it. Delimiters of a multipart already closed are ordinary text.
//
// The scan processes the input in chunks of [Options.BufferSize]: lines are found
// with bytes.IndexByte, and while the input uses CRLF the canonical bytes are the
// input bytes, hashed in place a chunk at a time; once bare LFs appear, lines are
// copied with CRLF into a scratch buffer hashed every 64 KiB. Nothing is allocated
// per line.
//
// # Digests
//
// The digest the signature needs is known only from the SignerInfo, which comes
// after the signed entity. micalg is a hint, not a promise (pec-spec.md section 2.1),
// so: [Scan], which cannot read its input twice, hashes by default with the micalg
// functions plus SHA-1 and SHA-256, the two seen in PEC practice, in the same pass.
// [ScanReaderAt] and [ScanBytes] can read again, so by default they hash only with
// the micalg functions; [Result.Digest] re-reads the entity range (canonicalising
// again) when the signature needs another digest. Measured on a 100 MB transport
// envelope (one core, CPU time, ratio to a plain Go SHA-1 over the same bytes): no
// hashing 0.18, micalg only 1.26, micalg + SHA-1 + SHA-256 2.28, all four 6.7 (the
// SHA-512 family is slower than SHA-1 on SHA-NI hardware). See
// scan_bench_test.go.
//
// # Limits
//
// Every limit is a field of [Options] with a default constant: the bytes read
// ([DefaultMaxMessageBytes], 1 GiB), each header block ([DefaultMaxHeaderBytes],
// 1 MiB), the encoded signature body ([DefaultMaxSignatureBytes], 1 MiB), the encoded
// daticert.xml body ([DefaultMaxDaticertBytes], 1 MiB), the number of parts
// ([DefaultMaxParts], 10000) and the multipart nesting ([DefaultMaxDepth], 32).
// Exceeding one returns a *[LimitError] naming it, which matches [ErrTooLarge]. Body
// lines are not limited in length: a line longer than the buffer is processed in
// segments. Memory use is one buffer, a 64 KiB scratch buffer, the captured parts
// and the part list.
//
// # Errors
//
// [ErrNotSigned] when no multipart/signed is found; a *[SyntaxError] (matching
// [ErrMalformed]) when the signed entity has no terminating delimiter, the
// signature part is missing, empty or not decodable; a *[LimitError]. A
// daticert.xml body that cannot be decoded is reported in [Result.DaticertErr]
// without failing the scan.
//
// # Divergences
//
//   - A delimiter line longer than the buffer (at least [MinBufferSize]) is not
//     recognised; RFC 2046 limits boundaries to 70 characters.
//   - A missing close delimiter of multipart/signed is tolerated: the signature part
//     then runs to the end of the input.
//   - Parts after the signature part are recorded and otherwise ignored.
//   - A bare CR is not a line end: it is hashed as is, like any other byte.
//   - message/rfc822 parts with a base64 or quoted-printable encoding are not
//     parsed into.
package stream
