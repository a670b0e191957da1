// Package envelope is the S/MIME container of PEC messages (RFC 6109 sections 3
// and 5, DM 2 novembre 2005 and its annex, the "regole tecniche"; RFC 5751 and
// RFC 5652 for S/MIME and CMS): it locates and slices the signed entity,
// verifies the provider signature and decides whether an accredited PEC
// provider signed exactly these bytes, and when; it signs entities as a provider
// does; and it builds the transport and anomaly envelopes (the Build* functions
// and [Draft]). It does the signature only: what the signed data means
// (daticert.xml, the kind of message, the cross-checks of times and parts) is
// package pec's.
//
// # Locating the signed entity
//
// [Locate] finds a top-level multipart/signed (RFC 1847) whose protocol is
// application/pkcs7-signature or application/x-pkcs7-signature (micalg is not
// relied on) and slices its first body part exactly as transmitted, headers
// included, from the raw bytes: nothing is re-serialised. A message stored with
// bare LF line ends is canonicalised to CRLF (only then is the entity copied).
// When a mailing list wrapped the message in a top-level multipart/mixed (to add
// a footer), the signed entity is looked for one level down, as a direct
// multipart/signed part; this is reported ([Signed.Wrapping], finding
// [FindingWrapped]). A signed message inside a message/rfc822 part (a forwarded
// PEC) is not this message's signature: it is an attachment, verified on its
// own by whoever reads it (package pec does). Every entry point runs the one
// scanner of the module, which also gives the part table ([Report.Parts]).
//
// # What Verify checks
//
// [Verify] returns a [Report] (never nil) whose Status is valid only when all of
// the following hold, in this order (the first failure is Report.Err, a
// [*VerifyError] matching one sentinel with errors.Is):
//
//  1. Structure: the message is multipart/signed with a pkcs7 signature part
//     ([ErrNotSigned], status absent; [ErrMalformed] or [ErrTooLarge], status
//     malformed).
//  2. CMS: smime.p7s is a detached SignedData in DER or BER (indefinite lengths
//     included) with exactly one SignerInfo ([ErrSignerCount]); the digest
//     algorithm is SHA-1, SHA-256, SHA-384 or SHA-512 ([ErrUnsupportedAlgorithm]);
//     the contentType (id-data) and messageDigest signed attributes are present and
//     messageDigest equals the digest of the canonical signed entity
//     ([ErrDigestMismatch]); the signer certificate is found by issuer and serial
//     among the embedded certificates ([ErrSignerNotFound]); the signature over the
//     signed attributes verifies, RSA PKCS#1 v1.5 (rsaEncryption or
//     shaNWithRSAEncryption) or ECDSA ([ErrBadSignature]). These are integrity
//     failures: status invalid. SHA-1 is accepted (every real provider signature in
//     the corpus uses it) and reported as [FindingWeakDigest].
//  3. Time: validity is evaluated at the signingTime attribute, or at
//     VerifyOptions.At ([ErrNoSigningTime] when there is neither). The
//     cross-checks of signingTime against the Date header and the daticert.xml
//     data are package pec's, with VerifyOptions.TimeTolerance
//     ([DefaultTimeTolerance]). Once a path is accepted, the signingTime must not
//     be later than the verification clock (VerifyOptions.Now, time.Now when nil),
//     nor than VerifyOptions.At when set, plus the tolerance
//     ([ErrSigningTimeInFuture]), and the signingTime (exactly) and the Date
//     header (within the tolerance) must fall within the signer certificate's
//     validity, which matters when the path is evaluated at VerifyOptions.At
//     ([ErrKeyOutsideValidity]). signingTime must be a UTCTime for the years
//     1950-2049 (RFC 5652 section 11.3); a GeneralizedTime there is
//     [ErrMalformed].
//  4. Trust: a certification path is built by this package, not by
//     crypto/x509.Verify (which refuses the SHA-1 certificate signatures of the
//     2014-2017 chains): issuers are matched by name and, when both sides carry
//     them, by key identifier (not by validity nesting: providers embed later
//     re-issues of their CA); every link's signature is checked (MD5 refused);
//     every certificate below the anchor must be valid at the evaluation time
//     ([ErrCertExpired], [ErrCertNotYetValid]); issuers must be CAs, within
//     pathLenConstraint, with keyCertSign when keyUsage is present, and no
//     certificate may carry an unhandled critical extension ([ErrCAConstraint]);
//     the rfc822Name name constraints of every issuer apply to the signer's
//     addresses ([ErrNameConstraint]). The path ends at a certificate whose key is
//     an [Anchor] ([ErrUnknownAuthority] otherwise) and whose window admits the
//     evaluation time ([ErrAnchorNotValidAt]). A path with SHA-1 certificate
//     signatures or RSA keys under 2048 bits is accepted and marked legacy
//     (Report.Legacy, [FindingLegacyChain]) only for a signature made in the
//     DigitPA CA1 era, up to [DigitPACA1NotAfter] (the signingTime, else the
//     evaluation time); on a later signature it is [ErrLegacyCryptoOutOfEra].
//  5. Signer profile: keyUsage has digitalSignature and the certificate is not a
//     CA ([ErrKeyUsage]); an extendedKeyUsage, if present, includes
//     emailProtection ([ErrExtKeyUsage]). A missing PEC policy 1.3.76.16.3.1.1 is
//     only a finding.
//  6. Identity: a subjectAltName rfc822Name equals (case-insensitively) the
//     addr-spec of the From header, which for envelopes is the address inside
//     "Per conto di: ..." <posta-certificata@...>, or VerifyOptions.Sender
//     ([ErrSenderMismatch]). The outer header is read once with the module's one
//     header rule (internal/mime Fields, the rule pec reads it with: lines that
//     are not fields are skipped, "From : x" is a From field); the first From
//     field is the one pec's rule 3 counts, and the Date check reads the same
//     fields. A UTF-8 BOM before the message is skipped with [FindingBOM].
//
// Failures of steps 3 to 6 give status untrusted.
//
// # Reason codes
//
// Report.Code holds the stable code of Report.Err's reason ([ReasonCode]), one
// Code* constant per sentinel, for programs to branch on instead of the English
// text: not-signed, malformed, too-large, digest-mismatch, bad-signature,
// signer-not-found, signer-count, unsupported-algorithm, unknown-authority,
// expired-at-signing-time (ErrCertExpired), not-yet-valid, anchor-not-valid-at,
// ca-constraint, name-constraint, key-usage, ext-key-usage, sender-mismatch,
// no-signing-time, key-outside-validity, signing-time-in-future and
// legacy-crypto-out-of-era.
//
// # What Verify does not check
//
//   - Revocation: no CRL or OCSP is consulted (offline by design). A certificate
//     revoked before the signing time still verifies.
//   - directoryName, DNS, IP and URI name constraints, certificate policies and
//     policy constraints (beyond the finding above) and the IGPEC index.
//   - The unsigned outer header (From, Subject, X-Ricevuta...) beyond the From
//     address: it is outside the signature. Classification belongs to package
//     receipt, which should rely on the signed daticert.xml.
//   - A signed timestamp: none is used by PEC; signingTime is the signer's claim.
//
// # Trust
//
// [DefaultTrust] works offline with no files: its anchors are the keys of the PEC
// signing CAs, AgID CA1 ([AgIDCA1SPKISHA256], any time) and DigitPA CA1
// ([DigitPACA1SPKISHA256], up to [DigitPACA1NotAfter], 2018-01-14), identified by
// the SHA-256 of their SubjectPublicKeyInfo; the certificate carrying the key is
// the one every provider embeds in its signatures. Its own validity is reported
// ([FindingAnchorCertOutsideValidity]) but does not decide, because AgID re-issued
// the certificate several times under one key. Callers can add or replace anchors:
// [Trust.AddCert] and [Trust.AddPEM] (an anchor per certificate, e.g. Actalis
// Authentication Root CA, valid within the certificate's dates), [Trust.AddAnchor],
// [Trust.AddIntermediate], and [Trust.AddPool] (crypto/x509 path building, modern
// chains only).
//
// # Streaming verification
//
// [Verify] (a slice), [VerifyReaderAt] (an io.ReaderAt such as an *os.File),
// [VerifyFile] and [VerifyReader] (a one-pass io.Reader) are one scan and one
// decision over different inputs, and give the same report (but for
// Signed.Entity, set by Verify only). The scan hashes the signed entity as it is
// read, turning bare LF into CRLF on the fly, captures smime.p7s and records the
// offsets of every part ([Report.Parts], [Part]) in a fixed amount of memory.
// The digest the signature needs is known only after the signed entity: Verify
// and the ReaderAt verifiers hash with the micalg digest and read the entity
// again if the SignerInfo needs another one; VerifyReader hashes with the micalg
// digest plus SHA-1 and SHA-256 and gives [ErrUnsupportedAlgorithm] for any
// other. [Part.Open] reads any part back through the io.ReaderAt,
// transfer-decoded, in small pieces. Only I/O makes these functions return an
// error.
//
// # Signing
//
// [Sign] wraps a MIME entity into a multipart/signed body with a detached CMS
// signature made by internal/cms: provider chain embedded, signingTime given by the
// caller, micalg matching the digest, boundary derived from the content, so that
// builders produce byte-stable output.
//
// # Building envelopes
//
// [BuildTransport] (or [Certify], which also returns the access point's
// certification data) builds the transport envelope of an original message and
// [BuildAnomaly] the anomaly envelope around a received message (DM 2 novembre
// 2005, annex, sections 3.2 and 5.1; RFC 6109 section 3). Each returns a
// [Draft]: the outer header in the order real providers write it, the signed
// body ([Content]: the Italian text as text/plain and text/html in ISO-8859-1
// quoted-printable, daticert.xml for the
// transport envelope, the original as message/rfc822 postacert.eml), and the one
// event instant used for Date, daticert, the text and, by [Draft.Sign], the
// signingTime. The original's Message-ID is replaced by the identificativo inside
// postacert.eml and kept in X-Riferimento-Message-ID; the anomaly envelope keeps
// the received Message-ID and carries no daticert. An original that fails the
// access point's formal checks gives a [*FormalError] ([ErrFormal]); bad options
// give [ErrBuild]. The receipts and notices are built by package receipt on the
// same [Draft]. [BuildLimits] bounds the original: [DefaultMaxOriginalBytes],
// [DefaultMaxHeaderBytes] for its header, [DefaultMaxRecipients].
//
// # Limits
//
// Every limit of verification is a field of [Limits] (a zero field means the
// default), the one limits type of the module, applied the same way by every
// entry point: [DefaultMaxMessageBytes] for the whole message,
// [DefaultMaxEntityHeaderBytes] per header block, [DefaultMaxParts] parts in the
// whole message, [DefaultMaxDepth] levels of multipart nesting,
// [DefaultMaxSignatureBytes] for the smime.p7s body as transmitted,
// [DefaultMaxCertificates] embedded certificates, [DefaultMaxChainLength]
// certificates per path (the path search also examines at most 256 candidate
// links), Limits.MaxBERDepth levels of BER/DER nesting in the signature (32) and
// Limits.MaxSigners SignerInfos (4). Exceeding one gives [ErrTooLarge] (status
// malformed).
//
// A [Trust] made by [NewTrust] or [DefaultTrust] owns two bounded,
// concurrency-safe caches that make repeated verification with that Trust of
// messages from the same providers cheap: successful certificate-link signature
// checks (1024 entries, matched byte for byte on both certificates; validity,
// anchor, CA, key usage and name checks still run on every call) and parsed
// certificates (256 entries). There is no process-wide cache: the certificates
// in the reports of one Trust may be shared between those reports (treat them as
// read-only), never with another Trust's. VerifyOptions.Trust nil means a new
// DefaultTrust per call, which caches nothing: keep a Trust to verify many
// messages.
//
// # Divergences
//
//   - A multipart/signed without protocol, with more than two parts, or without
//     its close delimiter is accepted with a finding; parts after the second are
//     ignored.
//   - micalg is ignored except for [FindingMicalgMismatch].
//   - A From value with unquoted specials in the display name
//     ("a@b <a@b>", seen in anonymised samples) is read from its angle brackets.
//   - A SignerInfo without signed attributes is rejected ([ErrBadSignature]): PEC
//     requires them and the digest binding depends on them.
//   - A multipart/signed header with two Content-Type fields is malformed.
package envelope
