// Package cms is the CMS seam of Sigillo: it parses, verifies and produces the
// detached CMS SignedData (RFC 5652, as S/MIME uses it, RFC 5751) of PEC
// messages, with encoding/asn1 and crypto/x509 only.
//
// [Parse] accepts DER and BER (indefinite lengths, as streaming signers emit). Every
// input first goes through this package's own bounds-checked pre-scan, which
// enforces [Limits], rejects truncation and trailing data, and rewrites BER as
// definite-length encoding (DER input, the usual case, is recognised without a
// copy). Parse then walks the element skeleton itself to count certificates and
// signers and to keep the exact signed-attribute bytes, and decodes the SignedData
// without its certificates (version, digest algorithms, encapsulated content,
// CRLs and signer infos) with encoding/asn1, in the ASN.1 shapes of
// go.mozilla.org/pkcs7 v0.10.0, which did it before: what pkcs7.Parse accepts
// within [Limits] is accepted and read the same, except four kinds of input
// it lets through and Parse refuses: a SignedData without signers, data after
// the outermost element, malformed BER (a component overrunning the length of
// the element holding it, end-of-contents octets where no indefinite length
// ends), and a repeated, multi-valued or ill-typed contentType,
// messageDigest or signingTime signed attribute (pkcs7.Parse leaves them
// undecoded). The tests keep pkcs7 as the reference reader and compare the
// two. pkcs7 converted its whole input from BER again first, after the
// pre-scan had already produced DER; that pass was a third of the parse.
//
// The embedded certificates are parsed with crypto/x509, through the caller's
// [CertCache] when Limits.Cache gives one (keyed by their exact DER bytes), so
// the messages of one provider do not parse the same certificates again. The
// *x509.Certificate values in [SignedData.Certificates] and [Signer.Cert] may
// then be shared between Parse results of that cache: callers must treat
// them as read-only.
//
// [Signer.Verify] checks one signer against a content digest: the contentType and
// messageDigest signed attributes and the RSA PKCS#1 v1.5 or ECDSA signature over
// the signed attributes, with SHA-1, SHA-256, SHA-384 or SHA-512. SHA-1 is accepted
// because PEC providers still sign with it.
//
// [Sign] produces a deterministic DER detached SignedData like a PEC provider's.
//
// # What is not checked
//
// Nothing here decides trust. The certificate chain, key usage, extended key usage,
// policies, validity at the signing time, revocation, the number of signers and
// the binding between signer and sender are the caller's policy (package envelope).
// Unsigned attributes and CRLs are not interpreted. A signer without signed
// attributes is rejected by Verify (ErrMissingAttribute): PEC signatures always
// have them. Signer identifiers of the subjectKeyIdentifier form are rejected as
// malformed.
//
// # Limits
//
// Parse enforces these before the ASN.1 decoder sees the input (MaxBytes and
// MaxDepth before any decoding at all); a nil *Limits or a zero field means the
// default:
//
//   - MaxBytes: input size, default [DefaultMaxBytes] (256 KiB);
//   - MaxDepth: BER/DER nesting depth, default [DefaultMaxDepth] (32);
//   - MaxCertificates: embedded certificates, default [DefaultMaxCertificates] (16);
//   - MaxSigners: SignerInfos, default [DefaultMaxSigners] (4).
//
// Exceeding one gives a [*LimitError] naming it, which matches [ErrTooLarge].
// Length fields are read with at most four octets; the pre-scan is linear in the
// input size times the depth.
//
// # Divergences
//
//   - The signature is verified over the signed attributes as received (the [0]
//     IMPLICIT tag replaced by SET OF), not over a re-sorted encoding: a signer
//     that emitted unsorted attributes and signed them as emitted verifies (as with
//     OpenSSL); one that signed a differently ordered encoding does not.
//   - Parse rejects a SignedData with no SignerInfo (ErrMalformed), though RFC 5652
//     allows one for certificate distribution: it is never a signature.
//   - id-ecPublicKey is accepted as an ECDSA signatureAlgorithm; a combined
//     algorithm (sha256WithRSAEncryption, ecdsa-with-SHA256, ...) must name the
//     same hash as digestAlgorithm.
package cms
