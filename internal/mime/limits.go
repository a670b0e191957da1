package mime

import (
	"errors"
	"fmt"
)

// Default limits: the one set of defaults of the module (see the package doc,
// # Limits). Package envelope and package pec re-export them.
const (
	// DefaultMaxMessageBytes caps the bytes of one message read: 256 MiB. Providers
	// accept 100 MB of content; base64 adds a third and a completa delivery receipt
	// carries the original again.
	DefaultMaxMessageBytes = 256 << 20
	// DefaultMaxHeaderBytes caps one header block (the message's or a part's,
	// nested messages included): 1 MiB, the value of go-message.
	DefaultMaxHeaderBytes = 1 << 20
	// DefaultMaxParts caps the MIME parts of one message, counting every part of
	// every message carried by a message/rfc822 part: 2000.
	DefaultMaxParts = 2000
	// DefaultMaxDepth caps multipart nesting in the whole message: 32 levels. A PEC
	// body uses three (signed, mixed, alternative).
	DefaultMaxDepth = 32
	// DefaultMaxSignatureBytes caps the body of the signature part (smime.p7s) as
	// transmitted: 256 KiB. Real PEC signatures are about 5 KiB (7 KiB in base64).
	DefaultMaxSignatureBytes = 256 << 10
	// DefaultMaxCertificates caps the certificates embedded in the signature.
	DefaultMaxCertificates = 16
	// DefaultMaxChainLength caps the length of a certification path (leaf and
	// anchor included).
	DefaultMaxChainLength = 8
	// DefaultMaxBERDepth caps the nesting depth of the BER/DER elements of the
	// signature (the outermost ContentInfo has depth 1): 32. A CMS SignedData
	// with certificates needs about 12.
	DefaultMaxBERDepth = 32
	// DefaultMaxSigners caps the SignerInfos of the signature: 4. A PEC
	// signature has exactly one; how many are acceptable is package envelope's
	// policy, this only bounds the work of decoding them.
	DefaultMaxSigners = 4
)

// Limits bounds the work done on an untrusted message. A zero field means the
// default constant of the same name. Package envelope and package pec use this
// type (envelope.Limits, pec.Limits).
type Limits struct {
	MaxMessageBytes   int64 // bytes of the whole message; DefaultMaxMessageBytes
	MaxHeaderBytes    int   // one header block; DefaultMaxHeaderBytes
	MaxParts          int   // parts of the whole message; DefaultMaxParts
	MaxDepth          int   // multipart nesting; DefaultMaxDepth
	MaxSignatureBytes int   // smime.p7s body as transmitted; DefaultMaxSignatureBytes
	MaxCertificates   int   // certificates in the signature; DefaultMaxCertificates
	MaxChainLength    int   // certification path length; DefaultMaxChainLength
	MaxBERDepth       int   // BER/DER nesting in the signature; DefaultMaxBERDepth
	MaxSigners        int   // SignerInfos in the signature; DefaultMaxSigners
}

// WithDefaults returns l with every zero (or negative) field set to its default.
func (l Limits) WithDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = DefaultMaxMessageBytes
	}
	def(&l.MaxHeaderBytes, DefaultMaxHeaderBytes)
	def(&l.MaxParts, DefaultMaxParts)
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxSignatureBytes, DefaultMaxSignatureBytes)
	def(&l.MaxCertificates, DefaultMaxCertificates)
	def(&l.MaxChainLength, DefaultMaxChainLength)
	def(&l.MaxBERDepth, DefaultMaxBERDepth)
	def(&l.MaxSigners, DefaultMaxSigners)
	return l
}

// Sentinel errors; every error returned by this package unwraps to one of them
// (or is an I/O error of the input).
var (
	// ErrMalformed reports input that does not have the expected MIME structure.
	ErrMalformed = errors.New("mime: malformed entity")
	// ErrTooLarge reports input that exceeds one of the [Limits].
	ErrTooLarge = errors.New("mime: limit exceeded")
	// ErrDigestUnavailable reports a digest of the signed entity that was not
	// computed during a one-pass scan and cannot be computed afterwards.
	ErrDigestUnavailable = errors.New("mime: digest not computed during the scan")
	// ErrUnsupportedHash reports a hash function the scanner does not compute.
	ErrUnsupportedHash = errors.New("mime: unsupported hash")
)

// LimitError reports an exceeded limit; it matches [ErrTooLarge].
type LimitError struct {
	Limit string // the Limits field name, e.g. "MaxHeaderBytes"
	Max   int64  // the limit in force
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("mime: %s limit of %d exceeded", e.Limit, e.Max)
}

// Is reports whether target is ErrTooLarge.
func (e *LimitError) Is(target error) bool { return target == ErrTooLarge }

// Error describes a structural problem or an exceeded limit, with its position.
type Error struct {
	Offset int64  // byte offset in the input where the problem was seen
	Msg    string // what went wrong
	Err    error  // ErrMalformed or ErrTooLarge
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s (offset %d)", e.Err.Error(), e.Msg, e.Offset)
}

// Unwrap returns ErrMalformed or ErrTooLarge.
func (e *Error) Unwrap() error { return e.Err }

func malformed(off int, format string, args ...any) error {
	return &Error{Offset: int64(off), Msg: fmt.Sprintf(format, args...), Err: ErrMalformed}
}

func tooLarge(off int, format string, args ...any) error {
	return &Error{Offset: int64(off), Msg: fmt.Sprintf(format, args...), Err: ErrTooLarge}
}

func (l *Limits) withDefaults() Limits {
	if l == nil {
		return Limits{}.WithDefaults()
	}
	return l.WithDefaults()
}
