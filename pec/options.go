package pec

import (
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/mime"
)

// Limits bounds the work done on one message: the one limits type of the module
// (the same type as envelope.Limits). A zero field means the default.
type Limits = envelope.Limits

// Default limits. Each one is a field of [Options] (or of its [Limits]); a zero
// field means the default.
const (
	// DefaultMaxMessageBytes caps the size of the raw message: 256 MiB.
	DefaultMaxMessageBytes = mime.DefaultMaxMessageBytes
	// DefaultMaxHeaderBytes caps every header block (the message header and the
	// header of every MIME part, nested messages included): 1 MiB.
	DefaultMaxHeaderBytes = mime.DefaultMaxHeaderBytes
	// DefaultMaxParts caps the MIME parts of the message, counting every part of
	// every nested message: 2000.
	DefaultMaxParts = mime.DefaultMaxParts
	// DefaultMaxDepth caps multipart nesting: 32 levels. A PEC body uses three
	// (signed, mixed, alternative).
	DefaultMaxDepth = mime.DefaultMaxDepth
	// DefaultMaxMessageDepth caps message nesting: how many message/rfc822 levels
	// below the message given to [Read] are parsed as messages: 4. An anomaly
	// envelope holding a transport envelope holding the original uses two.
	DefaultMaxMessageDepth = 4
	// DefaultLazyAbove is the decoded size above which [ReadFile] and
	// [ReadReaderAt] leave an attachment in its source (Attachment.Loaded false):
	// 1 MiB.
	DefaultLazyAbove = 1 << 20
	// DefaultMaxTextBytes caps a part body read into memory in every mode to be
	// understood: a body text, daticert.xml, an attached message in base64 or
	// quoted-printable: 4 MiB as transmitted.
	DefaultMaxTextBytes = 4 << 20
)

// Options configures [Read]. A nil *Options means all defaults; every zero field
// means the default for that field. Read copies the struct and never modifies it.
type Options struct {
	// Limits bounds the message (size, header blocks, parts, multipart nesting,
	// signature). Over one, Read fails with an error matching [ErrTooLarge]. They
	// also bound signature verification: Verify.Limits is ignored.
	Limits

	// MaxMessageDepth is the deepest message nesting parsed: attached messages
	// (postacert.eml and any other message/rfc822 part) below it are kept as
	// attachments only, with a [CodeLimitReached] finding. 0 means
	// [DefaultMaxMessageDepth].
	MaxMessageDepth int

	// LazyAbove is, for [ReadFile] and [ReadReaderAt], the largest attachment
	// (as transmitted) read into memory; larger ones are left in the source
	// (Data nil, Loaded false, [Attachment.Open] reads them). It never changes
	// anything else of the Message. 0 means [DefaultLazyAbove].
	LazyAbove int64

	// MaxTextBytes is the largest body text, daticert.xml or transfer-encoded
	// attached message (as transmitted) read into memory to be understood, in
	// every mode; a larger one is skipped with a [CodeLimitReached] finding. 0
	// means [DefaultMaxTextBytes].
	MaxTextBytes int64

	// Verify configures signature verification of the message and of every nested
	// message (trust anchors, verification time, time tolerance). nil means the
	// envelope package defaults: the built-in PEC anchors, verification at the
	// signing time.
	Verify *envelope.VerifyOptions
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	out.Limits = out.Limits.WithDefaults()
	if out.MaxMessageDepth <= 0 {
		out.MaxMessageDepth = DefaultMaxMessageDepth
	}
	if out.LazyAbove <= 0 {
		out.LazyAbove = DefaultLazyAbove
	}
	if out.MaxTextBytes <= 0 {
		out.MaxTextBytes = DefaultMaxTextBytes
	}
	return out
}

// verifyOptions returns the options for envelope: the caller's, with pec's limits.
func (p *parser) verifyOptions() *envelope.VerifyOptions {
	var vo envelope.VerifyOptions
	if p.opts.Verify != nil {
		vo = *p.opts.Verify
	}
	vo.Limits = p.opts.Limits
	return &vo
}

// tolerance is the time tolerance of the verify options.
func (p *parser) tolerance() (d int64) {
	if p.opts.Verify != nil && p.opts.Verify.TimeTolerance > 0 {
		return int64(p.opts.Verify.TimeTolerance)
	}
	return int64(envelope.DefaultTimeTolerance)
}
