package pec

import "github.com/sigillo/sigillo/envelope"

// Default limits. Each one is a field of [Options]; a zero field means the default.
const (
	// DefaultMaxMessageBytes caps the size of the raw message read by [Read]: 160 MiB.
	// Providers accept messages of up to 100 MB of content (Aruba); base64 and the
	// envelope around it add about a third, and a completa delivery receipt carries the
	// whole original again, so the cap leaves room for a 100 MB message once encoded.
	DefaultMaxMessageBytes = 160 << 20

	// DefaultMaxHeaderBytes caps every header block (the message header and the header
	// of every MIME part, nested messages included): 1 MiB, the value of go-message.
	DefaultMaxHeaderBytes = 1 << 20

	// DefaultMaxParts caps the number of MIME entities parsed in one call to [Read],
	// counting every part of every nested message: 2000.
	DefaultMaxParts = 2000

	// DefaultMaxPartDepth caps multipart nesting inside one message: 32 levels. A PEC
	// body uses three (signed, mixed, alternative).
	DefaultMaxPartDepth = 32

	// DefaultMaxDepth caps message nesting: how many message/rfc822 levels below the
	// message given to [Read] are parsed as messages: 4. An anomaly envelope holding a
	// transport envelope holding the original uses two.
	DefaultMaxDepth = 4

	// DefaultStreamAbove is the size above which [ReadFile] and [ReadReaderAt] read a
	// message in streaming mode instead of loading it: 8 MiB. Below it, loading is
	// faster; above it, memory stays bounded whatever the size.
	DefaultStreamAbove = 8 << 20

	// DefaultLazyAbove is the size of a transfer-encoded part body above which a
	// message read in streaming mode leaves the part in its source (Attachment.Loaded
	// false): 1 MiB.
	DefaultLazyAbove = 1 << 20

	// LazyBudgetFactor bounds what a message read in streaming mode loads: when its
	// parts up to LazyAbove add up to more than LazyBudgetFactor*LazyAbove bytes
	// (8 MiB by default), the largest of them are left in the source too.
	LazyBudgetFactor = 8
)

// Options configures [Read]. A nil *Options means all defaults; every zero field means
// the default for that field. Read copies the struct and never modifies it.
type Options struct {
	// MaxMessageBytes is the largest raw message accepted; a larger one makes Read
	// fail with an error matching [ErrTooLarge]. 0 means [DefaultMaxMessageBytes].
	MaxMessageBytes int64

	// MaxHeaderBytes is the largest header block accepted. A top-level header over the
	// limit makes Read fail with [ErrTooLarge]; a part header over the limit is skipped
	// with a [CodeLimitReached] finding. 0 means [DefaultMaxHeaderBytes].
	MaxHeaderBytes int

	// MaxParts is the largest number of MIME entities parsed; the rest are skipped with
	// a [CodeLimitReached] finding. 0 means [DefaultMaxParts].
	MaxParts int

	// MaxPartDepth is the deepest multipart nesting parsed within one message; deeper
	// parts are skipped with a [CodeLimitReached] finding. 0 means
	// [DefaultMaxPartDepth].
	MaxPartDepth int

	// MaxDepth is the deepest message nesting parsed: attached messages (postacert.eml
	// and any other message/rfc822 part) below it are kept as bytes only, with a
	// [CodeLimitReached] finding. 0 means [DefaultMaxDepth].
	MaxDepth int

	// StreamAbove is the largest message that [ReadFile] and [ReadReaderAt] load into
	// memory; a larger one is read in streaming mode (see the package doc,
	// # Streaming). 0 means [DefaultStreamAbove]; a negative value means never
	// stream. Nested messages (postacert.eml) larger than StreamAbove are read the
	// same way. [Read] always loads the message.
	StreamAbove int64

	// LazyAbove is, in streaming mode, the largest transfer-encoded part body read
	// into memory; larger attachments are left in the source (Data nil, Loaded false,
	// [Attachment.Open] reads them) and larger texts are skipped with a
	// [CodeLimitReached] finding. So are the largest smaller parts when all of them
	// would exceed [LazyBudgetFactor]*LazyAbove. daticert.xml is always read (up to
	// 1 MiB). 0 means [DefaultLazyAbove].
	LazyAbove int64

	// Verify configures signature verification of the message and of every nested
	// message (trust anchors, verification time). nil means the envelope package
	// defaults: the built-in PEC anchors, verification at the signing time.
	Verify *envelope.VerifyOptions
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.MaxMessageBytes <= 0 {
		out.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if out.MaxHeaderBytes <= 0 {
		out.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if out.MaxParts <= 0 {
		out.MaxParts = DefaultMaxParts
	}
	if out.MaxPartDepth <= 0 {
		out.MaxPartDepth = DefaultMaxPartDepth
	}
	if out.MaxDepth <= 0 {
		out.MaxDepth = DefaultMaxDepth
	}
	if out.StreamAbove == 0 {
		out.StreamAbove = DefaultStreamAbove
	}
	if out.LazyAbove <= 0 {
		out.LazyAbove = DefaultLazyAbove
	}
	return out
}
