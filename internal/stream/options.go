package stream

import "crypto"

// Default limits and tuning values. Each is used when the matching [Options] field is
// zero.
const (
	// DefaultMaxMessageBytes caps the total number of bytes read from the input.
	DefaultMaxMessageBytes = 1 << 30 // 1 GiB

	// DefaultMaxHeaderBytes caps the header block of the message and of every part,
	// as transmitted (folded lines and line ends included).
	DefaultMaxHeaderBytes = 1 << 20 // 1 MiB

	// DefaultMaxSignatureBytes caps the body of the signature part (smime.p7s) as
	// transmitted, before base64 decoding.
	DefaultMaxSignatureBytes = 1 << 20 // 1 MiB

	// DefaultMaxDaticertBytes caps the body of daticert.xml as transmitted, before
	// decoding.
	DefaultMaxDaticertBytes = 1 << 20 // 1 MiB

	// DefaultMaxParts caps the number of parts recorded in [Result.Parts], embedded
	// messages included.
	DefaultMaxParts = 10000

	// DefaultMaxDepth caps the nesting of multiparts (each multipart adds one level,
	// wherever it is, including inside embedded messages).
	DefaultMaxDepth = 32

	// DefaultBufferSize is the size of the read buffer. Lines shorter than it are seen
	// whole; a delimiter line longer than it is not recognised (see the package doc).
	DefaultBufferSize = 256 << 10 // 256 KiB

	// MinBufferSize is the smallest read buffer used; smaller values are raised to it.
	MinBufferSize = 4 << 10 // 4 KiB
)

// Options tunes [Scan] and [ScanBytes]. A nil *Options means all defaults; a zero
// field means its default. Negative limits mean "no limit" for MaxMessageBytes only
// and are treated as zero (default) elsewhere.
type Options struct {
	// MaxMessageBytes caps the bytes read from the input (default
	// [DefaultMaxMessageBytes]; negative: no cap).
	MaxMessageBytes int64
	// MaxHeaderBytes caps each header block (default [DefaultMaxHeaderBytes]).
	MaxHeaderBytes int
	// MaxSignatureBytes caps the encoded signature part body (default
	// [DefaultMaxSignatureBytes]).
	MaxSignatureBytes int
	// MaxDaticertBytes caps the encoded daticert.xml body (default
	// [DefaultMaxDaticertBytes]).
	MaxDaticertBytes int
	// MaxParts caps the number of recorded parts (default [DefaultMaxParts]).
	MaxParts int
	// MaxDepth caps multipart nesting (default [DefaultMaxDepth]).
	MaxDepth int
	// BufferSize is the read buffer size for [Scan] (default [DefaultBufferSize],
	// at least [MinBufferSize]). [ScanBytes] does not use a buffer.
	BufferSize int

	// Hashes lists the digests to compute over the signed entity. Nil selects the
	// default set: the functions named by the micalg parameter plus SHA-1 and
	// SHA-256, which together cover every digest seen in PEC practice in a single
	// pass. Digests not computed can be obtained afterwards with [Result.Digest]
	// when the input can be re-read.
	Hashes []crypto.Hash
	// HintOnly, when Hashes is nil, computes only the digests named by micalg (SHA-1
	// and SHA-256 when micalg names none that is supported). It halves the hashing
	// cost of large messages; use it when the input can be re-read through an
	// io.ReaderAt, so that [Result.Digest] can recover from a misleading hint.
	HintOnly bool
}

type limits struct {
	maxMessage   int64
	maxHeader    int
	maxSignature int
	maxDaticert  int
	maxParts     int
	maxDepth     int
	bufSize      int
	hashes       []crypto.Hash
	hintOnly     bool
}

func (o *Options) resolve() limits {
	var c Options
	if o != nil {
		c = *o
	}
	l := limits{
		maxMessage:   c.MaxMessageBytes,
		maxHeader:    c.MaxHeaderBytes,
		maxSignature: c.MaxSignatureBytes,
		maxDaticert:  c.MaxDaticertBytes,
		maxParts:     c.MaxParts,
		maxDepth:     c.MaxDepth,
		bufSize:      c.BufferSize,
		hashes:       c.Hashes,
		hintOnly:     c.HintOnly,
	}
	if l.maxMessage == 0 {
		l.maxMessage = DefaultMaxMessageBytes
	}
	if l.maxHeader <= 0 {
		l.maxHeader = DefaultMaxHeaderBytes
	}
	if l.maxSignature <= 0 {
		l.maxSignature = DefaultMaxSignatureBytes
	}
	if l.maxDaticert <= 0 {
		l.maxDaticert = DefaultMaxDaticertBytes
	}
	if l.maxParts <= 0 {
		l.maxParts = DefaultMaxParts
	}
	if l.maxDepth <= 0 {
		l.maxDepth = DefaultMaxDepth
	}
	if l.bufSize <= 0 {
		l.bufSize = DefaultBufferSize
	}
	if l.bufSize < MinBufferSize {
		l.bufSize = MinBufferSize
	}
	return l
}
