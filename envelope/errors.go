package envelope

import (
	"crypto/x509"
	"errors"
	"fmt"
)

// Sentinel errors. [Locate] wraps the first three; [Report.Err] is a *VerifyError
// whose Reason is one of them, so errors.Is(report.Err, ErrDigestMismatch) works.
var (
	// ErrNotSigned: the message is not an S/MIME multipart/signed message
	// (Report status absent).
	ErrNotSigned = errors.New("envelope: not an S/MIME signed message")
	// ErrMalformed: the MIME structure or the CMS signature cannot be parsed
	// (status malformed).
	ErrMalformed = errors.New("envelope: malformed signed message")
	// ErrTooLarge: the input exceeds one of the [Limits] (status malformed).
	ErrTooLarge = errors.New("envelope: limit exceeded")

	// ErrDigestMismatch: the signed bytes do not match the messageDigest attribute;
	// the content was altered after signing (status invalid).
	ErrDigestMismatch = errors.New("envelope: message digest mismatch")
	// ErrBadSignature: the signature over the signed attributes does not verify
	// with the signer's key, or a required signed attribute is missing or wrong
	// (status invalid).
	ErrBadSignature = errors.New("envelope: bad signature")
	// ErrSignerNotFound: the signer certificate named by the SignerInfo is not
	// among the embedded certificates (status invalid).
	ErrSignerNotFound = errors.New("envelope: signer certificate not found")
	// ErrSignerCount: the signature does not have exactly one signer (status
	// invalid).
	ErrSignerCount = errors.New("envelope: not exactly one signer")
	// ErrUnsupportedAlgorithm: a digest, signature or certificate algorithm that
	// is not supported, or refused (MD5) (status invalid).
	ErrUnsupportedAlgorithm = errors.New("envelope: unsupported algorithm")

	// ErrUnknownAuthority: no certification path from the signer to a trust
	// anchor (status untrusted).
	ErrUnknownAuthority = errors.New("envelope: certificate signed by unknown authority")
	// ErrCertExpired: a certificate of the path had expired at the evaluation time
	// (status untrusted).
	ErrCertExpired = errors.New("envelope: certificate expired")
	// ErrCertNotYetValid: a certificate of the path was not yet valid at the
	// evaluation time (status untrusted).
	ErrCertNotYetValid = errors.New("envelope: certificate not yet valid")
	// ErrAnchorNotValidAt: the path ends at an anchor that does not vouch for the
	// evaluation time, like DigitPA CA1 after 2018-01-14 (status untrusted).
	ErrAnchorNotValidAt = errors.New("envelope: trust anchor not valid at the evaluation time")
	// ErrCAConstraint: an issuer in the path is not a CA, exceeds its path length,
	// lacks keyCertSign, or the path has an unhandled critical extension (status
	// untrusted).
	ErrCAConstraint = errors.New("envelope: certification path constraint violated")
	// ErrNameConstraint: the signer's e-mail address is outside the name
	// constraints of an issuer (status untrusted).
	ErrNameConstraint = errors.New("envelope: name constraints violated")
	// ErrKeyUsage: the signer certificate lacks the digitalSignature key usage, or
	// is a CA certificate (status untrusted).
	ErrKeyUsage = errors.New("envelope: signer key usage does not allow signing")
	// ErrExtKeyUsage: the signer certificate has an extended key usage without
	// emailProtection (status untrusted).
	ErrExtKeyUsage = errors.New("envelope: signer extended key usage lacks emailProtection")
	// ErrSenderMismatch: no subjectAltName rfc822Name of the signer equals the
	// sender address of the message (status untrusted).
	ErrSenderMismatch = errors.New("envelope: signer address does not match the sender")
	// ErrNoSigningTime: no signingTime attribute and no evaluation time given
	// (status untrusted).
	ErrNoSigningTime = errors.New("envelope: no signing time")
	// ErrKeyOutsideValidity: the signingTime or the Date header lies outside the
	// signer certificate's validity although the path was evaluated at another
	// time (VerifyOptions.At): the signature claims to be made with a key outside
	// its lifetime (status untrusted).
	ErrKeyOutsideValidity = errors.New("envelope: signing time outside the signer certificate's validity")
	// ErrSigningTimeInFuture: the signingTime is later than the verification
	// clock (VerifyOptions.Now) plus VerifyOptions.TimeTolerance (status
	// untrusted).
	ErrSigningTimeInFuture = errors.New("envelope: signing time in the future")
	// ErrLegacyCryptoOutOfEra: the path has a SHA-1 certificate signature or an RSA
	// key under 2048 bits, and the signature was made after the DigitPA CA1 era
	// ([DigitPACA1NotAfter]) in which such chains were issued (status untrusted).
	ErrLegacyCryptoOutOfEra = errors.New("envelope: legacy certificate crypto outside the DigitPA CA1 era")
)

// Reason codes: the stable, machine-readable name of each reason sentinel, as
// returned by [ReasonCode] and stored in Report.Code. Programs branch on these
// instead of the English text of Report.Err; a code is never renamed.
const (
	CodeNotSigned            = "not-signed"               // ErrNotSigned
	CodeMalformed            = "malformed"                // ErrMalformed
	CodeTooLarge             = "too-large"                // ErrTooLarge
	CodeDigestMismatch       = "digest-mismatch"          // ErrDigestMismatch
	CodeBadSignature         = "bad-signature"            // ErrBadSignature
	CodeSignerNotFound       = "signer-not-found"         // ErrSignerNotFound
	CodeSignerCount          = "signer-count"             // ErrSignerCount
	CodeUnsupportedAlgorithm = "unsupported-algorithm"    // ErrUnsupportedAlgorithm
	CodeUnknownAuthority     = "unknown-authority"        // ErrUnknownAuthority
	CodeExpiredAtSigningTime = "expired-at-signing-time"  // ErrCertExpired
	CodeNotYetValid          = "not-yet-valid"            // ErrCertNotYetValid
	CodeAnchorNotValidAt     = "anchor-not-valid-at"      // ErrAnchorNotValidAt
	CodeCAConstraint         = "ca-constraint"            // ErrCAConstraint
	CodeNameConstraint       = "name-constraint"          // ErrNameConstraint
	CodeKeyUsage             = "key-usage"                // ErrKeyUsage
	CodeExtKeyUsage          = "ext-key-usage"            // ErrExtKeyUsage
	CodeSenderMismatch       = "sender-mismatch"          // ErrSenderMismatch
	CodeNoSigningTime        = "no-signing-time"          // ErrNoSigningTime
	CodeKeyOutsideValidity   = "key-outside-validity"     // ErrKeyOutsideValidity
	CodeSigningTimeInFuture  = "signing-time-in-future"   // ErrSigningTimeInFuture
	CodeLegacyCryptoOutOfEra = "legacy-crypto-out-of-era" // ErrLegacyCryptoOutOfEra
	codeUnknownReason        = "error"                    // an error that is none of the above
)

// reasonCodes maps each reason sentinel to its code.
var reasonCodes = [...]struct {
	err  error
	code string
}{
	{ErrNotSigned, CodeNotSigned},
	{ErrMalformed, CodeMalformed},
	{ErrTooLarge, CodeTooLarge},
	{ErrDigestMismatch, CodeDigestMismatch},
	{ErrBadSignature, CodeBadSignature},
	{ErrSignerNotFound, CodeSignerNotFound},
	{ErrSignerCount, CodeSignerCount},
	{ErrUnsupportedAlgorithm, CodeUnsupportedAlgorithm},
	{ErrUnknownAuthority, CodeUnknownAuthority},
	{ErrCertExpired, CodeExpiredAtSigningTime},
	{ErrCertNotYetValid, CodeNotYetValid},
	{ErrAnchorNotValidAt, CodeAnchorNotValidAt},
	{ErrCAConstraint, CodeCAConstraint},
	{ErrNameConstraint, CodeNameConstraint},
	{ErrKeyUsage, CodeKeyUsage},
	{ErrExtKeyUsage, CodeExtKeyUsage},
	{ErrSenderMismatch, CodeSenderMismatch},
	{ErrNoSigningTime, CodeNoSigningTime},
	{ErrKeyOutsideValidity, CodeKeyOutsideValidity},
	{ErrSigningTimeInFuture, CodeSigningTimeInFuture},
	{ErrLegacyCryptoOutOfEra, CodeLegacyCryptoOutOfEra},
}

// ReasonCode returns the stable code of the reason of err (one of the Code*
// constants): "" for nil; for a [*VerifyError] the code of its Reason; else the
// code of the first sentinel err matches with errors.Is, and "error" when it
// matches none.
func ReasonCode(err error) string {
	if err == nil {
		return ""
	}
	var ve *VerifyError
	if errors.As(err, &ve) && ve.Reason != nil {
		err = ve.Reason
	}
	for _, rc := range reasonCodes {
		if err == rc.err {
			return rc.code
		}
	}
	for _, rc := range reasonCodes {
		if errors.Is(err, rc.err) {
			return rc.code
		}
	}
	return codeUnknownReason
}

// VerifyError is the reason a message is not valid: the value of [Report.Err].
type VerifyError struct {
	// Reason is one of the sentinel errors of this package.
	Reason error
	// Detail says what exactly failed (no key material).
	Detail string
	// Cert is the certificate concerned, when there is one.
	Cert *x509.Certificate
	// Err is the underlying error from a lower layer, if any.
	Err error
}

var _ error = (*VerifyError)(nil)

func (e *VerifyError) Error() string {
	msg := e.Reason.Error()
	if e.Err != nil && errors.Is(e.Err, e.Reason) {
		msg = e.Err.Error() // already says it
	} else if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Cert != nil {
		msg += fmt.Sprintf(" (certificate %q)", e.Cert.Subject.CommonName)
	}
	if e.Err != nil && !errors.Is(e.Err, e.Reason) {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the reason and the underlying error.
func (e *VerifyError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Reason, e.Err}
	}
	return []error{e.Reason}
}

func verr(reason error, cert *x509.Certificate, format string, args ...any) *VerifyError {
	return &VerifyError{Reason: reason, Cert: cert, Detail: fmt.Sprintf(format, args...)}
}

// Status is the overall outcome of [Verify].
type Status int

// Statuses, from worst structural failure to success.
const (
	// StatusMalformed: the message claims to be signed but its MIME structure or
	// its CMS signature cannot be parsed, or a limit was exceeded.
	StatusMalformed Status = iota
	// StatusAbsent: the message is not S/MIME signed at all.
	StatusAbsent
	// StatusInvalid: the signature does not cover these bytes or is
	// cryptographically wrong (integrity fails).
	StatusInvalid
	// StatusUntrusted: the bytes are intact, but the signer is not an accepted PEC
	// provider at the evaluation time (trust, identity or time fails).
	StatusUntrusted
	// StatusValid: integrity, trust, identity and time all hold.
	StatusValid
)

// String returns "malformed", "absent", "invalid", "untrusted" or "valid".
func (s Status) String() string {
	switch s {
	case StatusMalformed:
		return "malformed"
	case StatusAbsent:
		return "absent"
	case StatusInvalid:
		return "invalid"
	case StatusUntrusted:
		return "untrusted"
	case StatusValid:
		return "valid"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// statusFor maps a reason to the status it implies.
func statusFor(reason error) Status {
	switch reason {
	case ErrNotSigned:
		return StatusAbsent
	case ErrMalformed, ErrTooLarge:
		return StatusMalformed
	case ErrDigestMismatch, ErrBadSignature, ErrSignerNotFound, ErrSignerCount, ErrUnsupportedAlgorithm:
		return StatusInvalid
	}
	return StatusUntrusted
}

// Finding is a noteworthy fact about a message that does not by itself decide its
// status (a weak algorithm, a legacy chain, a relay wrapping, a time skew).
type Finding struct {
	Code   string // one of the Finding* constants
	Detail string // human-readable detail
}

// Finding codes.
const (
	// FindingWeakDigest: the message digest is SHA-1 (accepted; every real
	// provider signature seen up to 2024 uses it).
	FindingWeakDigest = "weak-digest"
	// FindingLegacyChain: the path has a SHA-1 certificate signature or an RSA key
	// under 2048 bits (the 2014-2017 DigitPA chains); see Report.Legacy.
	FindingLegacyChain = "legacy-chain"
	// FindingWrapped: the signed message was found one level down in a
	// multipart/mixed (relay or gateway wrapping).
	FindingWrapped = "wrapped"
	// FindingTimeSkewDate: signingTime and the Date header differ by more than the
	// tolerance.
	FindingTimeSkewDate = "time-skew-date"
	// FindingTimeSkewDaticert: signingTime and the daticert.xml data differ by
	// more than the tolerance.
	FindingTimeSkewDaticert = "time-skew-daticert"
	// FindingMicalgMismatch: the micalg parameter disagrees with the digest
	// algorithm actually used (micalg is otherwise ignored).
	FindingMicalgMismatch = "micalg-mismatch"
	// FindingPolicyOIDMissing: the signer certificate lacks the PEC provider
	// policy 1.3.76.16.3.1.1 (observed on every real certificate, not required).
	FindingPolicyOIDMissing = "policy-oid-missing"
	// FindingLFLineEndings: the message used bare LF line ends; the signed entity
	// was canonicalised to CRLF before hashing.
	FindingLFLineEndings = "lf-line-endings"
	// FindingProtocolMissing: multipart/signed has no protocol parameter.
	FindingProtocolMissing = "protocol-missing"
	// FindingProtocolMismatch: the protocol parameter and the signature part's
	// content type differ (pkcs7 vs x-pkcs7).
	FindingProtocolMismatch = "protocol-mismatch"
	// FindingExtraParts: multipart/signed has more than two parts.
	FindingExtraParts = "extra-parts"
	// FindingUnterminated: multipart/signed lacks its close delimiter.
	FindingUnterminated = "unterminated"
	// FindingAnchorCertOutsideValidity: the embedded certificate that carries the
	// anchor key was outside its own validity at the evaluation time; anchors are
	// trusted by key (AgID re-issued its CA certificate several times under one
	// key), so this alone does not fail verification.
	FindingAnchorCertOutsideValidity = "anchor-cert-outside-validity"
	// FindingDaticertUnreadable: daticert.xml is present in the signed entity but
	// could not be decoded or parsed, so the time cross-check was skipped.
	FindingDaticertUnreadable = "daticert-unreadable"
	// FindingUnsignedAttributes: the signer has unsigned attributes (ignored).
	FindingUnsignedAttributes = "unsigned-attributes"
	// FindingBOM: a UTF-8 byte order mark before the message was skipped (it is
	// outside the signed entity). Every entry point of envelope and pec reads such
	// a message the same way.
	FindingBOM = "bom-stripped"
)
