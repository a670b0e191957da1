// Package mime slices MIME entities (RFC 2045, RFC 2046, RFC 5322 header syntax)
// directly in the raw bytes of a message. Every result is a byte offset or a
// sub-slice of the input: nothing is decoded unless asked ([Decode]) and nothing is
// ever re-serialised, because the bytes under an S/MIME signature must stay exactly
// as transmitted (pec-spec.md section 5, RFC 1847 section 2.1).
//
// Input may use CRLF or bare LF line endings, or a mix of both. [CanonicalCRLF]
// converts bare LF to CRLF, as S/MIME verification requires.
//
// What it does:
//   - [ReadHeader] reads a header block (fields with continuation lines) and returns
//     the offset of the body; [Header.Get] unfolds a field value and
//     [Header.ContentType] parses it with the standard library's mime.ParseMediaType.
//   - [SplitMultipart] finds the delimiter lines of a multipart body (RFC 2046 section
//     5.1.1): "--" boundary, optional "--" for the close delimiter, then optional
//     transport padding (spaces and tabs) before the line break. The line break that
//     precedes a delimiter belongs to the delimiter, not to the part before it.
//   - [MatchDelimiter] classifies one line; it is what a streaming scanner needs.
//   - [Walk] visits an entity tree, recursing into multipart/* bodies.
//
// Divergences (tolerated, documented):
//   - A first header line of the form "From ..." without a colon (an mbox separator)
//     is skipped.
//   - A header block that ends at end of input without a blank line yields an empty body.
//   - Field names may be followed by spaces before the colon (RFC 5322 obsolete syntax).
//   - A multipart body without its close delimiter is accepted; [Multipart.Closed]
//     reports it, and the last part runs to the end of the input.
//
// # Limits
//
// To bound the work done on hostile input, every call takes a [*Limits] (nil means
// defaults): [DefaultMaxHeaderBytes] bytes per header block, [DefaultMaxParts] parts
// per multipart body and [DefaultMaxDepth] levels of nesting for [Walk]. Exceeding a
// limit returns an [*Error] that unwraps to [ErrTooLarge]; malformed structure unwraps
// to [ErrMalformed].
package mime
