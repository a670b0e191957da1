package cms

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by Parse and Signer.Verify wraps one of
// them (limit errors are *LimitError, which matches ErrTooLarge); Sign returns
// ErrUnsupportedAlgorithm for an unsupported digest or key type and plain errors
// for caller mistakes (missing certificate, key or time; wrong digest length).
var (
	// ErrMalformed reports input that is not a well-formed CMS SignedData: bad
	// BER/DER, truncation, trailing data, a wrong content type, no signer, duplicate
	// or multi-valued signed attributes, or a panic recovered from the ASN.1 layer.
	ErrMalformed = errors.New("cms: malformed signed data")
	// ErrTooLarge reports input over one of the [Limits]; see [LimitError].
	ErrTooLarge = errors.New("cms: limit exceeded")
	// ErrUnsupportedAlgorithm reports a digest or signature algorithm (or key type)
	// this package does not implement.
	ErrUnsupportedAlgorithm = errors.New("cms: unsupported algorithm")
	// ErrDigestMismatch reports a messageDigest attribute that differs from the
	// digest of the content.
	ErrDigestMismatch = errors.New("cms: message digest mismatch")
	// ErrBadSignature reports a signature that does not verify with the signer's
	// public key.
	ErrBadSignature = errors.New("cms: bad signature")
	// ErrSignerNotFound reports a signer whose certificate is not among the
	// embedded certificates.
	ErrSignerNotFound = errors.New("cms: signer certificate not found")
	// ErrNoSigner reports a SignedData whose signerInfos set is empty. It is
	// returned together with ErrMalformed (errors.Is matches both), so that a
	// caller can tell "nobody signed" from other structural damage.
	ErrNoSigner = errors.New("cms: no signer")
	// ErrMissingAttribute reports a signer without signed attributes, or without a
	// required one (contentType, messageDigest).
	ErrMissingAttribute = errors.New("cms: missing signed attribute")
)

// Names of the limits reported in [LimitError.Limit]: the field names of [Limits].
const (
	LimitBytes        = "MaxBytes"
	LimitDepth        = "MaxDepth"
	LimitCertificates = "MaxCertificates"
	LimitSigners      = "MaxSigners"
)

// LimitError reports which limit an input exceeded. It matches [ErrTooLarge] with
// errors.Is.
type LimitError struct {
	Limit string // one of LimitBytes, LimitDepth, LimitCertificates, LimitSigners
	Max   int    // the limit in force
}

var _ error = (*LimitError)(nil)

func (e *LimitError) Error() string {
	return fmt.Sprintf("cms: limit exceeded: %s is %d", e.Limit, e.Max)
}

// Is reports whether target is ErrTooLarge.
func (e *LimitError) Is(target error) bool { return target == ErrTooLarge }
