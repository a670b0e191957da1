package pec

import (
	"errors"
	"fmt"
)

// Sentinel errors returned (wrapped) by [Read]. Only input that cannot be read as a
// mail message at all is an error; every other problem is a [Finding].
var (
	// ErrTooLarge means the message, or its top-level header, is over a limit of
	// [Options]. The returned error is a *[LimitError] naming the limit.
	ErrTooLarge = errors.New("pec: message too large")

	// ErrNotMessage means the input is not a mail message: it is empty, or its first
	// line is not a header field.
	ErrNotMessage = errors.New("pec: not a mail message")

	// ErrSourceChanged is returned by [Attachment.Open] when the file a message was
	// read from by [ReadFile] no longer has the size it had.
	ErrSourceChanged = errors.New("pec: message source changed since it was read")
)

// LimitError reports which limit of [Options] an input exceeded. It matches
// [ErrTooLarge] with errors.Is.
type LimitError struct {
	Limit string // the Options field, e.g. "MaxMessageBytes"
	Max   int64  // the limit in force
}

var _ error = (*LimitError)(nil)

// Error implements error.
func (e *LimitError) Error() string {
	return fmt.Sprintf("pec: message too large: over %s (%d)", e.Limit, e.Max)
}

// Is reports whether target is [ErrTooLarge].
func (e *LimitError) Is(target error) bool { return target == ErrTooLarge }
