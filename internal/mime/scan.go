package mime

import (
	"bytes"
	"crypto"
	_ "crypto/sha1"   // register SHA-1 for crypto.Hash.New
	_ "crypto/sha256" // register SHA-256
	_ "crypto/sha512" // register SHA-384 and SHA-512
	"hash"
	"io"
	"slices"
	"strings"
)

// Part locates one MIME entity of a scanned message. Offsets are byte offsets in
// the input as read (before any line-end canonicalisation), so that an
// io.ReaderAt over the same bytes gives access to the part: the header is
// [HeaderOff, BodyOff) and the body, still transfer-encoded, is [BodyOff, End).
type Part struct {
	// Path is the position of the part: the zero-based child indices of the
	// multiparts from the message down. The message itself has an empty Path; in a
	// multipart/signed message the signed entity is [0] and the signature [1]. The
	// parts of a message carried by a message/rfc822 part continue its Path.
	Path []int
	// Parent indexes the parts: the multipart this part is a body part of, or, for
	// an Embedded message, its message/rfc822 part. -1 for the message itself.
	Parent int
	// Embedded marks the message carried by the message/rfc822 part Parent: its
	// HeaderOff is that part's BodyOff. Only message/rfc822 parts in 7bit, 8bit or
	// binary are parsed into.
	Embedded bool
	// Signed marks the signed entity and every part inside it.
	Signed bool
	// SignedMessage, on an Embedded message, reports that a scan of that message
	// alone finds its multipart/signed (the message itself, or a direct part of
	// its multipart/mixed): the rule of [Scan.Signed], applied one level down.
	SignedMessage bool

	HeaderOff int64 // first byte of the header block
	BodyOff   int64 // first byte of the body (after the blank line)
	// End is the end of the body, exclusive: the line end before the next
	// delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
	End int64

	// ContentType is the media type of the first Content-Type field, lower case;
	// "text/plain" when absent or unparsable (RFC 2045 section 5.2).
	ContentType string
	// Params are the parameters of that field (nil when absent or unparsable).
	Params map[string]string
	// ContentTypeErr is true when the first Content-Type field is present but
	// does not parse.
	ContentTypeErr bool
	// ContentTypes is the number of Content-Type fields of the header.
	ContentTypes int
	// Boundary is the boundary parameter of a multipart, as written.
	Boundary string
	// Encoding is the Content-Transfer-Encoding, lower case; "" when absent.
	Encoding string
	// Disposition is the Content-Disposition type, lower case; "" when absent.
	Disposition string
	// Filename is the Content-Disposition filename, else the Content-Type name,
	// RFC 2047-decoded.
	Filename string
	// Closed reports, for a multipart, that its close delimiter was seen.
	Closed bool

	// Counted reports that DecodedSize and DecodeErr hold what [DecodedSize]
	// gives for the body: a base64 leaf read by [ScanReader] or
	// [ScanReaderAt] is checked and counted in the scan pass, by the same
	// rule, so that its size needs no second pass ([ScanBytes] does not count:
	// a body in memory is decoded instead).
	Counted     bool
	DecodedSize int64
	DecodeErr   error
}

// Size returns the size of the transfer-encoded body, End - BodyOff.
func (p *Part) Size() int64 { return p.End - p.BodyOff }

// DecodedSizeAt returns the size of the body with the transfer encoding
// removed, as [DecodedSize] gives it; ra holds the scanned bytes from offset
// base. A counted part and an identity encoding need no read; another body is
// read once, in small pieces.
func (p *Part) DecodedSizeAt(ra io.ReaderAt, base int64) (int64, error) {
	switch {
	case p.Counted:
		return p.DecodedSize, p.DecodeErr
	case identity(p.Encoding):
		return p.Size(), nil
	}
	return DecodedSize(p.Encoding, io.NewSectionReader(ra, base+p.BodyOff, p.Size()))
}

// Open returns a reader of the part's body read from ra, which must hold the
// scanned bytes, with the transfer encoding removed by [NewDecoder]; an unknown
// encoding gives the body as transmitted. It holds a small buffer only.
func (p *Part) Open(ra io.ReaderAt) io.Reader {
	sr := io.NewSectionReader(ra, p.BodyOff, p.End-p.BodyOff)
	d, err := NewDecoder(p.Encoding, sr)
	if err != nil {
		return sr
	}
	return d
}

// Scan is what one pass over a message learnt: the part table, the digests of
// the signed entity and the signature.
type Scan struct {
	// Parts lists every part met, in input order; Parts[0] is the message.
	Parts []Part
	// Header is the message header block as read, blank line excluded (a leading
	// mbox "From " line is skipped).
	Header []byte
	// Signed indexes Parts: the multipart/signed entity, -1 when there is none.
	// It is the message itself or, when Wrapped, a direct part of a top-level
	// multipart/mixed (a mailing list adding a footer).
	Signed  int
	Wrapped bool
	// Boundary, Protocol and Micalg are the multipart/signed parameters (Protocol
	// and Micalg lower case).
	Boundary, Protocol, Micalg string
	// Entity indexes Parts: the signed entity, the first part of multipart/signed
	// (-1 when none). EntityOff and EntityEnd delimit it in the input; EntitySize
	// is its size once canonicalised, the number of bytes hashed; LF reports bare
	// LF line ends canonicalised to CRLF.
	Entity               int
	EntityOff, EntityEnd int64
	EntitySize           int64
	LF                   bool
	Digests              map[crypto.Hash][]byte
	Signature            []byte // the signature part's body, decoded
	SignatureType        string
	SignaturePart        int   // index in Parts, -1 when none
	SignedErr            error // why the multipart/signed is unusable (ErrMalformed), nil when fine
	Size                 int64 // bytes read
	// BOM reports a UTF-8 byte order mark before the message, skipped: offsets
	// stay those of the input, Parts[0].HeaderOff is 3.
	BOM bool
	src io.ReaderAt
}

// Options configures a scan. The zero value means defaults.
type Options struct {
	Limits Limits
	// Hashes are the digests of the signed entity to compute during the pass;
	// nil means the micalg ones (plus SHA-1 and SHA-256 for [ScanReader], which
	// cannot re-read).
	Hashes []crypto.Hash
	// NoUnwrap: a multipart/signed is only looked for at the top level.
	NoUnwrap bool
	// BufferSize is the read buffer of ScanReader and ScanReaderAt (default
	// 64 KiB, at least 8 KiB).
	BufferSize int
}

// maxDelimiterLine is the longest line recognised as a delimiter, in every mode:
// RFC 2046 limits boundaries to 70 characters and lines to 998; longer lines
// (padding included) are body text whatever the buffer.
const maxDelimiterLine = 4096

const (
	defaultBufferSize = 64 << 10
	minBufferSize     = 8 << 10
)

// Digest returns the digest of the signed entity with h: the one computed during
// the scan, or one computed by reading the entity range again from the input of
// [ScanBytes] or [ScanReaderAt], canonicalised again.
func (r *Scan) Digest(h crypto.Hash) ([]byte, error) {
	if d, ok := r.Digests[h]; ok {
		return d, nil
	}
	if !supported(h) {
		return nil, ErrUnsupportedHash
	}
	if r.src == nil || r.Entity < 0 {
		return nil, ErrDigestUnavailable
	}
	hh := h.New()
	c := NewCanonWriter(hh)
	n, err := io.Copy(c, io.NewSectionReader(r.src, r.EntityOff, r.EntityEnd-r.EntityOff))
	if err != nil {
		return nil, err
	}
	if n != r.EntityEnd-r.EntityOff || c.n != r.EntitySize {
		return nil, &Error{Offset: r.EntityOff + n, Msg: "input changed since the scan", Err: ErrMalformed}
	}
	return hh.Sum(nil), nil
}

// Source returns the input of ScanBytes or ScanReaderAt (nil after ScanReader).
func (r *Scan) Source() io.ReaderAt { return r.src }

// Children returns the indexes of the direct parts of Parts[i], in order.
func (r *Scan) Children(i int) []int {
	var out []int
	for k := i + 1; k < len(r.Parts) && r.Parts[k].HeaderOff <= r.Parts[i].End; k++ {
		if r.Parts[k].Parent == i {
			out = append(out, k)
		}
	}
	return out
}

// CanonWriter is the one CRLF canonicaliser of the module: an io.Writer that
// writes its input to w with every bare LF turned into CRLF (RFC 5751 section
// 3.1.1), across calls.
type CanonWriter struct {
	w       io.Writer
	lastCR  bool
	n       int64
	scratch []byte
}

// NewCanonWriter returns a CanonWriter writing to w.
func NewCanonWriter(w io.Writer) *CanonWriter { return &CanonWriter{w: w} }

// Written returns the number of canonical bytes written to w.
func (c *CanonWriter) Written() int64 { return c.n }

func (c *CanonWriter) Write(p []byte) (int, error) {
	c.scratch = c.scratch[:0]
	rest := p
	prevCR := c.lastCR
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			c.scratch = append(c.scratch, rest...)
			break
		}
		cr := prevCR
		if i > 0 {
			cr = rest[i-1] == '\r'
		}
		c.scratch = append(c.scratch, rest[:i]...)
		if !cr {
			c.scratch = append(c.scratch, '\r')
		}
		c.scratch = append(c.scratch, '\n')
		rest = rest[i+1:]
		prevCR = false
	}
	if len(p) > 0 {
		c.lastCR = p[len(p)-1] == '\r'
	}
	if _, err := c.w.Write(c.scratch); err != nil {
		return 0, err
	}
	c.n += int64(len(c.scratch))
	return len(p), nil
}

// CanonicalCRLF returns b with every bare LF replaced by CRLF; b itself when it
// has none.
func CanonicalCRLF(b []byte) []byte {
	if !HasBareLF(b) {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/32)
	_, _ = NewCanonWriter(&out).Write(b)
	return out.Bytes()
}

// HasBareLF reports whether b contains a LF not preceded by CR.
func HasBareLF(b []byte) bool {
	for i := bytes.IndexByte(b, '\n'); i >= 0; {
		if i == 0 || b[i-1] != '\r' {
			return true
		}
		j := bytes.IndexByte(b[i+1:], '\n')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

func supported(h crypto.Hash) bool {
	switch h {
	case crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512:
		return h.Available()
	}
	return false
}

// MicalgHashes maps a micalg parameter (RFC 5751 section 3.4.3.2; a
// comma-separated list) to the supported hash functions it names.
func MicalgHashes(m string) []crypto.Hash {
	var out []crypto.Hash
	for v := range strings.SplitSeq(strings.ToLower(m), ",") {
		var h crypto.Hash
		switch strings.TrimSpace(v) {
		case "sha1", "sha-1":
			h = crypto.SHA1
		case "sha256", "sha-256":
			h = crypto.SHA256
		case "sha384", "sha-384":
			h = crypto.SHA384
		case "sha512", "sha-512":
			h = crypto.SHA512
		default:
			continue
		}
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

const (
	mHeader  = iota // collecting a header block
	mBody           // skipping a body, preamble or epilogue
	mCapture        // capturing the signature body
)

type frame struct {
	boundary string // without the leading "--"
	parent   int    // index in Parts of the multipart that owns the frame
	n        int    // parts started so far
	closed   bool
	signed   bool // the multipart/signed
	mixed    bool // top-level multipart/mixed, searched for a wrapped multipart/signed
}

type openPart struct {
	part  int // index in Parts
	frame int // index in frames of the multipart it belongs to (-1: no multipart)
}

type scanner struct {
	lim      Limits
	noUnwrap bool
	bufSize  int
	r        io.Reader
	buf      []byte
	// buf[rpos:wpos] is unread; base is the input offset of buf[0].
	rpos, wpos int
	base       int64
	eof        bool

	res     *Scan
	frames  []frame
	open    []openPart
	mode    int
	hdr     []byte
	prevEOL int
	midLine bool
	bomDone bool // the start of the input was checked for a BOM

	signedFrame int
	entityPart  int
	hashes      []crypto.Hash
	want        []crypto.Hash
	extra       bool // add SHA-1 and SHA-256 to the micalg hashes

	capPart int
	capBuf  []byte

	// cnt is the base64 leaf whose body is being counted (-1: none), by the
	// rule of cntSt; count is false for ScanBytes.
	count  bool
	cnt    int
	cntSt  b64State
	cntErr error

	// inPlace: the whole input is buf (ScanBytes); the header block and the
	// captured body are sub-slices of it instead of copies: [hdrOff,
	// hdrOff+hdrLen) and [capOff, capOff+capLen).
	inPlace        bool
	hdrOff, hdrLen int
	capOff, capLen int

	e emitter
}

// ScanReader scans a message from r, which is read once to the end, holding one
// buffer plus the signature. It hashes with the micalg digests plus SHA-1 and
// SHA-256 unless Options.Hashes says otherwise.
func ScanReader(r io.Reader, opts *Options) (*Scan, error) {
	s := newScanner(opts)
	s.extra = true
	s.count = true
	s.r = r
	s.buf = make([]byte, s.bufSize)
	return s.run()
}

// ScanReaderAt scans the first size bytes of ra, once, holding one buffer;
// [Scan.Digest] re-reads ra for a digest not named by micalg.
func ScanReaderAt(ra io.ReaderAt, size int64, opts *Options) (*Scan, error) {
	s := newScanner(opts)
	if size > s.lim.MaxMessageBytes {
		return nil, &LimitError{Limit: "MaxMessageBytes", Max: s.lim.MaxMessageBytes}
	}
	s.r = io.NewSectionReader(ra, 0, size)
	s.count = true
	s.buf = make([]byte, s.bufSize)
	res, err := s.run()
	if err != nil {
		return nil, err
	}
	res.src = ra
	return res, nil
}

// ScanBytes scans a message in memory, in place: b must not change while the
// result is used.
func ScanBytes(b []byte, opts *Options) (*Scan, error) {
	s := newScanner(opts)
	if int64(len(b)) > s.lim.MaxMessageBytes {
		return nil, &LimitError{Limit: "MaxMessageBytes", Max: s.lim.MaxMessageBytes}
	}
	s.buf, s.wpos, s.eof = b, len(b), true
	s.inPlace = true
	res, err := s.run()
	if err != nil {
		return nil, err
	}
	res.src = bytes.NewReader(b)
	return res, nil
}

func newScanner(opts *Options) *scanner {
	var o Options
	if opts != nil {
		o = *opts
	}
	s := &scanner{
		lim:         o.Limits.WithDefaults(),
		noUnwrap:    o.NoUnwrap,
		bufSize:     o.BufferSize,
		want:        o.Hashes,
		signedFrame: -1,
		entityPart:  -1,
		capPart:     -1,
		cnt:         -1,
	}
	if s.bufSize <= 0 {
		s.bufSize = defaultBufferSize
	}
	s.bufSize = max(s.bufSize, minBufferSize)
	s.res = &Scan{Signed: -1, Entity: -1, SignaturePart: -1}
	return s
}

func (s *scanner) run() (*Scan, error) {
	s.res.Parts = make([]Part, 1, 16)
	s.res.Parts[0] = Part{Path: []int{}, Parent: -1}
	s.open = append(s.open, openPart{part: 0, frame: -1})
	s.mode = mHeader
	for {
		if err := s.lines(); err != nil {
			return nil, err
		}
		if s.eof {
			if s.rpos < s.wpos { // last line, without a line end
				if err := s.slowLine(s.buf[:s.wpos], s.rpos, s.wpos, 0); err != nil {
					return nil, err
				}
				s.rpos = s.wpos
			}
			return s.finish()
		}
		s.compact()
		if s.wpos == len(s.buf) {
			// A line longer than the buffer: pass it on in segments, keeping a
			// trailing CR so that a CRLF is never split.
			n := s.wpos
			if s.buf[n-1] == '\r' {
				n--
			}
			if err := s.slowLine(s.buf, 0, n, 0); err != nil {
				return nil, err
			}
			s.midLine = true
			s.rpos = n
			s.compact()
		}
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
}

func (s *scanner) compact() {
	s.e.detach(s.buf)
	if s.rpos == 0 {
		return
	}
	copy(s.buf, s.buf[s.rpos:s.wpos])
	s.base += int64(s.rpos)
	s.wpos -= s.rpos
	s.rpos = 0
}

func (s *scanner) fill() error {
	n, err := s.r.Read(s.buf[s.wpos:])
	s.wpos += n
	if s.base+int64(s.wpos) > s.lim.MaxMessageBytes {
		return &LimitError{Limit: "MaxMessageBytes", Max: s.lim.MaxMessageBytes}
	}
	if err == io.EOF {
		s.eof = true
		return nil
	}
	return err
}

// lines processes the complete lines in the buffer. Body lines that cannot be
// delimiters are handled inline; everything else goes to slowLine.
func (s *scanner) lines() error {
	if !s.bomDone {
		if s.wpos < len(BOM) && !s.eof {
			return nil // too few bytes yet to tell
		}
		s.bomDone = true
		if s.base == 0 && s.rpos == 0 && bytes.HasPrefix(s.buf[:s.wpos], []byte(BOM)) {
			s.rpos = len(BOM)
			s.res.BOM = true
			s.res.Parts[0].HeaderOff = int64(len(BOM))
		}
	}
	buf := s.buf[:s.wpos]
	p := s.rpos
	for p < len(buf) {
		nl := bytes.IndexByte(buf[p:], '\n')
		if nl < 0 {
			break
		}
		end := p + nl + 1
		ce, eol := end-1, 1
		if ce > p && buf[ce-1] == '\r' {
			ce, eol = ce-1, 2
		}
		if s.mode == mBody && (s.midLine || ce-p < 2 || buf[p] != '-' || buf[p+1] != '-') {
			if s.cnt >= 0 && s.cntErr == nil {
				s.cntErr = s.cntSt.line(buf[p:ce])
			}
			if s.e.on {
				if s.e.owe == oweRaw && eol == 2 {
					s.e.n += int64(ce - p + 2)
					s.e.re = ce
				} else {
					s.e.line(buf, p, ce, eol)
				}
			}
		} else if err := s.slowLine(buf, p, ce, eol); err != nil {
			return err
		}
		s.midLine = false
		s.prevEOL = eol
		p = end
	}
	s.rpos = p
	return nil
}

// slowLine handles a line (or a segment of one, when midLine or eol == 0) that may
// be a delimiter, a header line or captured body.
func (s *scanner) slowLine(buf []byte, p, ce, eol int) error {
	if !s.midLine && (eol > 0 || s.eof) && ce-p > 2 && ce-p <= maxDelimiterLine && buf[p] == '-' && buf[p+1] == '-' {
		if k, closing := s.matchDelimiter(buf[p:ce]); k >= 0 {
			return s.delimiter(buf, p, ce, eol, k, closing)
		}
	}
	if s.e.on {
		s.e.line(buf, p, ce, eol)
	}
	if s.mode == mBody && s.cnt >= 0 && s.cntErr == nil {
		s.cntErr = s.cntSt.line(buf[p:ce])
	}
	switch s.mode {
	case mHeader:
		if !s.midLine && ce == p && eol > 0 {
			return s.endHeader(s.base + int64(ce+eol))
		}
		if len(s.res.Parts) == 1 && len(s.hdr)+s.hdrLen == 0 && s.base+int64(p) == 0 && !s.midLine && IsFromLine(buf[p:ce]) {
			s.res.Parts[0].HeaderOff = int64(ce + eol)
			return nil
		}
		if s.hdrLen+len(s.hdr)+ce+eol-p > s.lim.MaxHeaderBytes {
			return &LimitError{Limit: "MaxHeaderBytes", Max: int64(s.lim.MaxHeaderBytes)}
		}
		if s.inPlace {
			if s.hdrLen == 0 {
				s.hdrOff = p
			}
			s.hdrLen += ce + eol - p
		} else {
			s.hdr = append(s.hdr, buf[p:ce+eol]...)
		}
	case mCapture:
		if s.capLen+len(s.capBuf)+ce+eol-p > s.lim.MaxSignatureBytes+2 { // +2: the line end dropped at the delimiter
			return &LimitError{Limit: "MaxSignatureBytes", Max: int64(s.lim.MaxSignatureBytes)}
		}
		if s.inPlace {
			if s.capLen == 0 {
				s.capOff = p
			}
			s.capLen += ce + eol - p
		} else {
			s.capBuf = append(s.capBuf, buf[p:ce+eol]...)
		}
	}
	return nil
}

// ownHeader returns the header block read so far, not aliasing the read buffer.
func (s *scanner) ownHeader() []byte {
	if s.hdrLen+len(s.hdr) == 0 {
		return nil
	}
	if s.inPlace {
		return s.header()
	}
	return bytes.Clone(s.hdr)
}

// header returns the header block read so far.
func (s *scanner) header() []byte {
	if s.inPlace {
		return s.buf[s.hdrOff : s.hdrOff+s.hdrLen]
	}
	return s.hdr
}

// resetHeader starts a new header block.
func (s *scanner) resetHeader() {
	s.hdr = s.hdr[:0]
	s.hdrLen = 0
}

// IsFromLine is the one rule for an mbox "From " separator line at the start of
// a message (line without its line break): a line starting with "From " that is
// not a header field. "From : x" (white space before the colon, RFC 5322 section
// 4.5.3) is a From field, which the header rule ([Fields]) counts.
func IsFromLine(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("From ")) {
		return false
	}
	c := bytes.IndexByte(line, ':')
	return c < 0 || !validFieldName(string(trimWSP(line[:c])))
}

// BOM is the UTF-8 byte order mark. One before a message is not part of it: the
// scanner skips it and reports [Scan.BOM].
const BOM = "\xef\xbb\xbf"

// MatchDelimiter is the one delimiter matcher of the module: it reports whether
// line (without its line break) is a delimiter line for boundary and whether it
// is the close delimiter (RFC 2046 section 5.1.1). Transport padding (spaces and
// tabs; stray CRs are tolerated) may follow; any other text means the line is not
// a delimiter.
func MatchDelimiter(line []byte, boundary string) (delim, closing bool) {
	if len(line) < 2+len(boundary) || line[0] != '-' || line[1] != '-' || string(line[2:2+len(boundary)]) != boundary {
		return false, false
	}
	rest := line[2+len(boundary):]
	if len(rest) >= 2 && rest[0] == '-' && rest[1] == '-' {
		closing, rest = true, rest[2:]
	}
	for _, c := range rest {
		if c != ' ' && c != '\t' && c != '\r' {
			return false, false
		}
	}
	return true, closing
}

// matchDelimiter returns the index of the open frame whose delimiter the line
// is, outermost first, so that the signed entity ends where every other S/MIME
// implementation ends it.
func (s *scanner) matchDelimiter(line []byte) (int, bool) {
	for k := range s.frames {
		f := &s.frames[k]
		if f.closed {
			continue
		}
		if ok, closing := MatchDelimiter(line, f.boundary); ok {
			return k, closing
		}
	}
	return -1, false
}

func (s *scanner) delimiter(buf []byte, p, ce, eol, k int, closing bool) error {
	if s.e.on && k > s.signedFrame {
		s.e.line(buf, p, ce, eol) // a delimiter inside the signed entity
	}
	lineOff := s.base + int64(p)
	end := lineOff - int64(s.prevEOL)
	for len(s.open) > 0 && s.open[len(s.open)-1].frame >= k {
		if err := s.closePart(end, true); err != nil {
			return err
		}
	}
	s.frames = s.frames[:k+1]
	f := &s.frames[k]
	s.mode = mBody
	if closing {
		f.closed = true
		s.res.Parts[f.parent].Closed = true
		return nil
	}
	if len(s.res.Parts) >= s.lim.MaxParts {
		return &LimitError{Limit: "MaxParts", Max: int64(s.lim.MaxParts)}
	}
	parent := s.res.Parts[f.parent].Path
	path := make([]int, len(parent)+1)
	copy(path, parent)
	path[len(parent)] = f.n
	f.n++
	idx := len(s.res.Parts)
	hdrOff := lineOff + int64(ce-p+eol)
	s.res.Parts = append(s.res.Parts, Part{Path: path, Parent: f.parent, HeaderOff: hdrOff, Signed: s.e.on})
	s.open = append(s.open, openPart{part: idx, frame: k})
	s.mode = mHeader
	s.resetHeader()
	if f.signed && f.n == 1 && s.entityPart < 0 {
		s.entityPart = idx
		s.res.Entity = idx
		s.res.EntityOff = hdrOff
		s.res.Parts[idx].Signed = true
		s.startHashing()
	}
	return nil
}

func (s *scanner) startHashing() {
	s.e.hs = make([]hash.Hash, len(s.hashes))
	for i, h := range s.hashes {
		s.e.hs[i] = h.New()
	}
	s.e.on = true
	s.e.owe = oweNone
	s.e.rs, s.e.re = 0, 0
}

func (s *scanner) finishEntity(end int64) {
	s.e.finish(s.buf)
	s.res.EntityEnd = end
	s.res.EntitySize = s.e.n
	s.res.LF = s.e.lf
	s.res.Digests = make(map[crypto.Hash][]byte, len(s.hashes))
	for i, h := range s.hashes {
		s.res.Digests[h] = s.e.hs[i].Sum(nil)
	}
}

// closePart closes the innermost open part at end. byDelim is false at EOF.
func (s *scanner) closePart(end int64, byDelim bool) error {
	o := s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	pt := &s.res.Parts[o.part]
	if end < pt.HeaderOff {
		end = pt.HeaderOff
	}
	if s.mode == mHeader { // only the innermost part can be in its header
		s.describe(pt, s.header())
		pt.BodyOff = end
		if o.part == 0 {
			s.res.Header = s.ownHeader()
		}
	}
	if end < pt.BodyOff {
		pt.BodyOff = end // the line end of the blank line belongs to the delimiter
	}
	pt.End = end
	s.mode = mBody
	if o.part == s.entityPart && s.e.on {
		if byDelim {
			s.finishEntity(end)
		} else {
			s.e.finish(s.buf)
			s.res.SignedErr = &Error{Offset: end, Msg: "signed entity not terminated by a delimiter", Err: ErrMalformed}
		}
	}
	if o.part == s.capPart {
		s.endCapture(byDelim)
	}
	if o.part == s.cnt {
		s.cnt = -1
		if s.cntErr == nil {
			s.cntErr = s.cntSt.end()
		}
		pt.Counted, pt.DecodeErr = true, s.cntErr
		if s.cntErr == nil {
			pt.DecodedSize = s.cntSt.size()
		}
	}
	return nil
}

func (s *scanner) describe(pt *Part, block []byte) {
	fi := readFieldInfo(block)
	pt.ContentType = "text/plain"
	pt.ContentTypes = fi.contentTypes
	pt.Encoding = fi.cte
	if fi.contentTypes > 0 && fi.contentType != "" {
		mt, params, err := ParseMediaType(fi.contentType)
		if err == nil && strings.Contains(mt, "/") {
			pt.ContentType, pt.Params = mt, params
		} else {
			pt.ContentTypeErr = true
		}
	} else if fi.contentTypes > 0 {
		pt.ContentTypeErr = true // an empty Content-Type field
	}
	var dparams map[string]string
	if fi.disposition != "" {
		d, params, err := ParseMediaType(fi.disposition)
		pt.Disposition = d
		if err == nil {
			dparams = params
		}
	}
	if fn := dparams["filename"]; fn != "" {
		pt.Filename = DecodeWords(fn)
	} else if n := pt.Params["name"]; n != "" {
		pt.Filename = DecodeWords(n)
	}
	if strings.HasPrefix(pt.ContentType, "multipart/") {
		pt.Boundary = pt.Params["boundary"]
	}
}

func (s *scanner) endHeader(bodyOff int64) error {
	o := s.open[len(s.open)-1]
	idx := o.part
	pt := &s.res.Parts[idx]
	s.describe(pt, s.header())
	pt.BodyOff = bodyOff
	s.mode = mBody
	if idx == 0 {
		s.res.Header = s.ownHeader()
	}
	mt := pt.ContentType
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		signed := mt == "multipart/signed" && s.signedFrame < 0 && !pt.Embedded && pt.Parent < 0 ||
			mt == "multipart/signed" && s.signedFrame < 0 && !pt.Embedded && !s.noUnwrap &&
				o.frame == 0 && len(s.frames) > 0 && s.frames[0].mixed
		// The same rule for the message of a message/rfc822 part, read alone.
		if mt == "multipart/signed" {
			if pt.Embedded {
				pt.SignedMessage = true
			} else if pt.Parent >= 0 {
				if par := &s.res.Parts[pt.Parent]; par.Embedded && par.ContentType == "multipart/mixed" && !s.noUnwrap {
					par.SignedMessage = true
				}
			}
		}
		if pt.Boundary == "" {
			if signed {
				s.res.Signed = idx
				s.res.Wrapped = idx != 0
				s.res.SignedErr = &Error{Offset: pt.HeaderOff, Msg: "multipart/signed without a boundary", Err: ErrMalformed}
			}
			break
		}
		if len(s.frames) >= s.lim.MaxDepth {
			return &LimitError{Limit: "MaxDepth", Max: int64(s.lim.MaxDepth)}
		}
		s.frames = append(s.frames, frame{
			boundary: pt.Boundary,
			parent:   idx,
			signed:   signed,
			mixed:    idx == 0 && mt == "multipart/mixed",
		})
		if signed {
			s.signedFrame = len(s.frames) - 1
			s.res.Signed = idx
			s.res.Wrapped = idx != 0
			s.res.Boundary = pt.Boundary
			s.res.Protocol = strings.ToLower(pt.Params["protocol"])
			s.res.Micalg = strings.ToLower(pt.Params["micalg"])
			if err := s.chooseHashes(); err != nil {
				return err
			}
		}
	case mt == "message/rfc822" && (pt.Encoding == "" || pt.Encoding == "7bit" ||
		pt.Encoding == "8bit" || pt.Encoding == "binary"):
		if len(s.res.Parts) >= s.lim.MaxParts {
			return &LimitError{Limit: "MaxParts", Max: int64(s.lim.MaxParts)}
		}
		s.res.Parts = append(s.res.Parts, Part{
			Path: pt.Path, Parent: idx, Embedded: true, Signed: pt.Signed, HeaderOff: bodyOff,
		})
		s.open = append(s.open, openPart{part: len(s.res.Parts) - 1, frame: o.frame})
		s.mode = mHeader
		s.resetHeader()
	case o.frame >= 0 && o.frame == s.signedFrame && s.frames[o.frame].n == 2:
		s.mode = mCapture
		s.capPart = idx
		s.capBuf = s.capBuf[:0]
		s.capLen = 0
	case s.count && isBase64(pt.Encoding):
		s.cnt, s.cntSt, s.cntErr = idx, b64State{}, nil
	}
	return nil
}

func (s *scanner) chooseHashes() error {
	if s.want != nil {
		for _, h := range s.want {
			if !supported(h) {
				return ErrUnsupportedHash
			}
			if !slices.Contains(s.hashes, h) {
				s.hashes = append(s.hashes, h)
			}
		}
		return nil
	}
	s.hashes = MicalgHashes(s.res.Micalg)
	if !s.extra && len(s.hashes) > 0 {
		return nil
	}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		if !slices.Contains(s.hashes, h) {
			s.hashes = append(s.hashes, h)
		}
	}
	return nil
}

func (s *scanner) endCapture(byDelim bool) {
	idx := s.capPart
	s.capPart = -1
	body := s.capBuf
	if s.inPlace {
		body = s.buf[s.capOff : s.capOff+s.capLen]
	}
	if byDelim {
		body = trimEOL(body)
	}
	pt := &s.res.Parts[idx]
	s.res.SignaturePart = idx
	s.res.SignatureType = pt.ContentType
	dec, err := Decode(pt.Encoding, body)
	if err != nil {
		if s.res.SignedErr == nil {
			s.res.SignedErr = &Error{Offset: pt.BodyOff, Msg: "signature part: " + err.Error(), Err: ErrMalformed}
		}
		return
	}
	if len(dec) == 0 {
		dec = nil
	} else if len(body) > 0 && &dec[0] == &body[0] {
		dec = bytes.Clone(dec) // an identity encoding: do not alias the buffer
	}
	s.res.Signature = dec
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

func (s *scanner) finish() (*Scan, error) {
	end := s.base + int64(s.wpos)
	for len(s.open) > 0 {
		if err := s.closePart(end, false); err != nil {
			return nil, err
		}
	}
	res := s.res
	res.Size = end
	if res.Signed >= 0 && res.SignedErr == nil {
		switch {
		case s.entityPart < 0:
			res.SignedErr = &Error{Offset: end, Msg: "multipart/signed without parts", Err: ErrMalformed}
		case res.SignaturePart < 0:
			res.SignedErr = &Error{Offset: end, Msg: "multipart/signed without a signature part", Err: ErrMalformed}
		case len(res.Signature) == 0:
			res.SignedErr = &Error{Offset: end, Msg: "empty signature part", Err: ErrMalformed}
		}
	}
	return res, nil
}
