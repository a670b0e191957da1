package stream

import (
	"errors"
	"fmt"
)

// Sentinel errors for branching with [errors.Is].
var (
	// ErrNotSigned reports a message that is not multipart/signed, neither at the top
	// level nor as a direct part of a top-level multipart/mixed.
	ErrNotSigned = errors.New("stream: not a multipart/signed message")

	// ErrMalformed reports a structural problem that prevents locating the signed
	// entity or the signature. Errors wrapping it are *[SyntaxError].
	ErrMalformed = errors.New("stream: malformed message")

	// ErrTooLarge reports that a limit of [Options] was exceeded. Errors matching it
	// are *[LimitError].
	ErrTooLarge = errors.New("stream: limit exceeded")

	// ErrDigestUnavailable reports a digest that was not computed during the scan and
	// cannot be computed afterwards because no io.ReaderAt over the input was given.
	ErrDigestUnavailable = errors.New("stream: digest not computed during the scan")

	// ErrUnsupportedHash reports a hash function other than SHA-1, SHA-256, SHA-384
	// and SHA-512, or one not linked into the binary.
	ErrUnsupportedHash = errors.New("stream: unsupported hash")
)

// LimitError reports which limit of [Options] was exceeded. It matches [ErrTooLarge].
type LimitError struct {
	Limit string // the Options field name, e.g. "MaxHeaderBytes"
	Max   int64  // the limit in force
}

var _ error = (*LimitError)(nil)

func (e *LimitError) Error() string {
	return fmt.Sprintf("stream: %s limit of %d exceeded", e.Limit, e.Max)
}

// Is reports whether target is [ErrTooLarge].
func (e *LimitError) Is(target error) bool { return target == ErrTooLarge }

// SyntaxError reports a structural problem at a byte offset of the input. It wraps
// [ErrMalformed].
type SyntaxError struct {
	Offset int64  // offset in the input where the problem was detected
	Reason string // what is wrong
}

var _ error = (*SyntaxError)(nil)

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("stream: malformed message at offset %d: %s", e.Offset, e.Reason)
}

// Unwrap returns [ErrMalformed].
func (e *SyntaxError) Unwrap() error { return ErrMalformed }
