package stream

import (
	"bytes"
	"crypto"
	_ "crypto/sha1"   // register SHA-1 for crypto.Hash.New
	_ "crypto/sha256" // register SHA-256
	_ "crypto/sha512" // register SHA-384 and SHA-512
	"encoding/base64"
	"errors"
	"hash"
	"io"
	"mime/quotedprintable"
	"slices"
	"strings"
	"sync"
)

// Part locates one MIME part in the input. Offsets are byte offsets in the input as
// read (before any line-end canonicalisation), so that an io.ReaderAt over the same
// bytes gives access to the part: the header is [HeaderOff, BodyOff) and the body,
// still transfer-encoded, is [BodyOff, End).
type Part struct {
	// Path is the position of the part: the child indices of the multiparts from the
	// top-level message down. The message itself has an empty Path; in a
	// multipart/signed message the signed entity is [0] and the signature [1].
	// The parts of a message carried by a message/rfc822 part continue its Path.
	Path []int
	// Embedded marks the message carried by the message/rfc822 part that has the same
	// Path (and is recorded just before it): its HeaderOff is that part's BodyOff.
	Embedded bool
	// Signed marks the signed entity and every part inside it.
	Signed bool

	HeaderOff int64 // first byte of the header block
	BodyOff   int64 // first byte of the body (after the blank line)
	// End is the end of the body, exclusive: the line end that precedes the next
	// delimiter belongs to the delimiter (RFC 2046 section 5.1.1), not to the body.
	End int64

	ContentType string // media type, lowercased; "text/plain" when absent
	Boundary    string // boundary parameter of a multipart, as written
	Encoding    string // Content-Transfer-Encoding, lowercased; "" when absent
	Filename    string // Content-Disposition filename, else the Content-Type name
}

// Result is what [Scan] learnt from one pass over a message.
type Result struct {
	// Header is the top-level header block as read, blank line included.
	Header []byte
	// Wrapped reports that the multipart/signed entity is not the message itself but
	// a direct part of a top-level multipart/mixed (a relay or mailing list wrapped
	// it); its header is Parts[SignedPart].
	Wrapped bool
	// SignedPart indexes Parts: the multipart/signed entity (0 unless Wrapped).
	SignedPart int
	// Boundary, Protocol and Micalg are the parameters of the multipart/signed
	// Content-Type as written (Protocol and Micalg lowercased).
	Boundary, Protocol, Micalg string

	// Digests holds the digest of the canonical signed entity for each hash computed
	// during the scan (see [Options.Hashes]).
	Digests map[crypto.Hash][]byte
	// Entity indexes Parts: the signed entity, the first part of multipart/signed.
	Entity int
	// EntityOff and EntityEnd delimit the signed entity in the input; EntitySize is
	// its size after canonicalisation, i.e. the number of bytes hashed.
	EntityOff, EntityEnd, EntitySize int64
	// LF reports that the signed entity contained bare LF line ends, canonicalised
	// to CRLF before hashing.
	LF bool

	// Signature is the decoded body of the second part of multipart/signed
	// (smime.p7s), whatever its declared type; SignatureType is that type.
	Signature     []byte
	SignatureType string

	// Daticert is the decoded body of daticert.xml: the first direct child of the
	// signed multipart named daticert.xml with an XML or application/octet-stream
	// type, or failing one the first child named daticert.xml or of type
	// application/xml (the rule of package envelope). Nil when absent. DaticertPart indexes Parts (-1 when absent);
	// DaticertErr reports a body that could not be decoded (Daticert is then nil).
	Daticert     []byte
	DaticertPart int
	DaticertErr  error

	// Parts lists every part met, in input order.
	Parts []Part
	// Size is the number of bytes read.
	Size int64

	src io.ReaderAt // the input, when ScanBytes or ScanReaderAt can re-read it
}

// Digest returns the digest of the signed entity with h. A digest computed during
// the scan is returned as is; otherwise the entity is read again from src, which
// must hold the same bytes the scan read (for example the *os.File it came from),
// and canonicalised on the fly. A nil src means the input of [ScanBytes] or
// [ScanReaderAt], which remember it; after [Scan] it yields
// [ErrDigestUnavailable] for a digest not computed during the scan.
func (r *Result) Digest(h crypto.Hash, src io.ReaderAt) ([]byte, error) {
	if d, ok := r.Digests[h]; ok {
		return d, nil
	}
	if !supported(h) {
		return nil, ErrUnsupportedHash
	}
	if src == nil {
		src = r.src
	}
	if src == nil {
		return nil, ErrDigestUnavailable
	}
	hh := h.New()
	c := canonWriter{h: hh}
	n, err := io.Copy(&c, io.NewSectionReader(src, r.EntityOff, r.EntityEnd-r.EntityOff))
	if err != nil {
		return nil, err
	}
	if n != r.EntityEnd-r.EntityOff || c.n != r.EntitySize {
		return nil, &SyntaxError{Offset: r.EntityOff + n, Reason: "input changed since the scan"}
	}
	return hh.Sum(nil), nil
}

// canonWriter hashes its input with bare LF turned into CRLF.
type canonWriter struct {
	h       hash.Hash
	lastCR  bool
	n       int64
	scratch []byte
}

func (c *canonWriter) Write(p []byte) (int, error) {
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
	c.h.Write(c.scratch)
	c.n += int64(len(c.scratch))
	return len(p), nil
}

func supported(h crypto.Hash) bool {
	switch h {
	case crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512:
		return h.Available()
	}
	return false
}

// micalgHashes maps a micalg parameter (RFC 5751 section 3.4.3.2; a comma-separated
// list) to the supported hash functions it names.
func micalgHashes(m string) []crypto.Hash {
	var out []crypto.Hash
	for v := range strings.SplitSeq(m, ",") {
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

// scanner modes for the innermost open part.
const (
	mHeader  = iota // collecting a header block
	mBody           // skipping a body, preamble or epilogue
	mCapture        // capturing a body (signature or daticert)
)

type frame struct {
	boundary []byte // without the leading "--"
	parent   int    // index in Parts of the multipart that owns the frame
	n        int    // parts started so far
	closed   bool   // close delimiter seen
	signed   bool   // the multipart/signed
	entity   bool   // the signed entity's own multipart
	mixed    bool   // top-level multipart/mixed, searched for a wrapped multipart/signed
}

type openPart struct {
	part  int // index in Parts
	frame int // index in frames of the multipart it belongs to (-1: the message)
}

const (
	capNone = iota
	capSignature
	capDaticert
)

type scanner struct {
	lim limits
	r   io.Reader
	buf []byte
	// buf[rpos:wpos] is unread; base is the input offset of buf[0].
	rpos, wpos int
	base       int64
	eof        bool

	res     *Result
	frames  []frame
	open    []openPart
	mode    int
	hdr     []byte
	prevEOL int  // line end length of the previous line
	midLine bool // the next byte continues a line longer than the buffer

	signedFrame int // index in frames of the multipart/signed, -1 before
	entityPart  int // index in Parts of the signed entity, -1 before
	entityDone  bool
	hashes      []crypto.Hash

	capKind  int
	capPart  int
	capNamed bool
	capBuf   []byte
	datNamed bool

	e emitter
}

var scannerPool = sync.Pool{New: func() any { return new(scanner) }}

// Scan reads a whole message from r and returns where its parts are, the digests of
// the signed entity, the signature and daticert.xml. It reads r to the end, holding
// at most one buffer of [Options.BufferSize] plus the small parts it captures.
// On error the Result is nil.
func Scan(r io.Reader, opts *Options) (*Result, error) {
	return scanReader(r, opts, false)
}

// ScanReaderAt is [Scan] over the first size bytes of ra, for example an *os.File.
// Because ra can be read again, it computes by default only the digests named by
// micalg (as [Options.HintOnly]), and [Result.Digest] re-reads ra when the
// signature turns out to need another one. ra must not change until then.
func ScanReaderAt(ra io.ReaderAt, size int64, opts *Options) (*Result, error) {
	res, err := scanReader(io.NewSectionReader(ra, 0, size), opts, true)
	if err != nil {
		return nil, err
	}
	res.src = ra
	return res, nil
}

func scanReader(r io.Reader, opts *Options, hintOnly bool) (*Result, error) {
	s := scannerPool.Get().(*scanner)
	defer s.release()
	s.reset(opts)
	s.lim.hintOnly = s.lim.hintOnly || hintOnly
	s.r = r
	if cap(s.buf) < s.lim.bufSize || cap(s.buf) > 2*s.lim.bufSize {
		s.buf = make([]byte, s.lim.bufSize)
	}
	s.buf = s.buf[:s.lim.bufSize]
	return s.run()
}

// ScanBytes is [Scan] over a message already in memory. It does not copy b: the
// hashes read it in place. Like [ScanReaderAt], it computes by default only the
// digests named by micalg; [Result.Digest] computes any other from b, which must
// not change until then.
func ScanBytes(b []byte, opts *Options) (*Result, error) {
	s := scannerPool.Get().(*scanner)
	defer s.release()
	s.reset(opts)
	s.lim.hintOnly = true
	if s.lim.maxMessage > 0 && int64(len(b)) > s.lim.maxMessage {
		return nil, &LimitError{Limit: "MaxMessageBytes", Max: s.lim.maxMessage}
	}
	saved := s.buf
	s.buf, s.wpos, s.eof = b, len(b), true
	res, err := s.run()
	s.buf = saved
	if err != nil {
		return nil, err
	}
	res.src = bytes.NewReader(b)
	return res, nil
}

func (s *scanner) reset(opts *Options) {
	*s = scanner{
		lim:         opts.resolve(),
		buf:         s.buf,
		hdr:         s.hdr[:0],
		capBuf:      s.capBuf[:0],
		frames:      s.frames[:0],
		open:        s.open[:0],
		signedFrame: -1,
		entityPart:  -1,
		capPart:     -1,
		e:           emitter{scratch: s.e.scratch[:0]},
	}
	s.res = &Result{DaticertPart: -1, Entity: -1}
}

func (s *scanner) release() {
	s.r, s.res = nil, nil
	s.e.hs = nil
	if cap(s.hdr) > 64<<10 {
		s.hdr = nil
	}
	if cap(s.capBuf) > 64<<10 {
		s.capBuf = nil
	}
	scannerPool.Put(s)
}

func (s *scanner) run() (*Result, error) {
	s.res.Parts = make([]Part, 1, 16)
	s.res.Parts[0] = Part{Path: []int{}}
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
	if s.lim.maxMessage > 0 && s.base+int64(s.wpos) > s.lim.maxMessage {
		return &LimitError{Limit: "MaxMessageBytes", Max: s.lim.maxMessage}
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
	// A delimiter is a whole line: not a segment of a line longer than the buffer.
	if !s.midLine && (eol > 0 || s.eof) && ce-p > 2 && buf[p] == '-' && buf[p+1] == '-' {
		if k, closing := s.matchDelimiter(buf[p+2 : ce]); k >= 0 {
			return s.delimiter(buf, p, ce, eol, k, closing)
		}
	}
	if s.e.on {
		s.e.line(buf, p, ce, eol)
	}
	switch s.mode {
	case mHeader:
		if !s.midLine && ce == p && eol > 0 {
			return s.endHeader(buf[p:ce+eol], s.base+int64(ce+eol))
		}
		if len(s.hdr)+ce+eol-p > s.lim.maxHeader {
			return &LimitError{Limit: "MaxHeaderBytes", Max: int64(s.lim.maxHeader)}
		}
		s.hdr = append(s.hdr, buf[p:ce+eol]...)
	case mCapture:
		max := s.lim.maxSignature
		name := "MaxSignatureBytes"
		if s.capKind == capDaticert {
			max, name = s.lim.maxDaticert, "MaxDaticertBytes"
		}
		if len(s.capBuf)+ce+eol-p > max+2 { // +2: the line end dropped at the delimiter
			return &LimitError{Limit: name, Max: int64(max)}
		}
		s.capBuf = append(s.capBuf, buf[p:ce+eol]...)
	}
	return nil
}

// matchDelimiter returns the index of the open frame whose delimiter the line is
// (rest is the line after its leading "--", line end excluded), outermost first, so
// that the signed entity ends where every other S/MIME implementation ends it.
func (s *scanner) matchDelimiter(rest []byte) (int, bool) {
	for k := range s.frames {
		f := &s.frames[k]
		if f.closed || !bytes.HasPrefix(rest, f.boundary) {
			continue
		}
		tail := rest[len(f.boundary):]
		closing := false
		if len(tail) >= 2 && tail[0] == '-' && tail[1] == '-' {
			closing, tail = true, tail[2:]
		}
		// Transport padding; stray CRs are tolerated as internal/mime does.
		if len(bytes.TrimLeft(tail, " \t\r")) == 0 {
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
		return nil
	}
	if len(s.res.Parts) >= s.lim.maxParts {
		return &LimitError{Limit: "MaxParts", Max: int64(s.lim.maxParts)}
	}
	parent := s.res.Parts[f.parent].Path
	path := make([]int, len(parent)+1)
	copy(path, parent)
	path[len(parent)] = f.n
	f.n++
	idx := len(s.res.Parts)
	hdrOff := lineOff + int64(ce-p+eol)
	s.res.Parts = append(s.res.Parts, Part{Path: path, HeaderOff: hdrOff, Signed: s.e.on})
	s.open = append(s.open, openPart{part: idx, frame: k})
	s.mode = mHeader
	s.hdr = s.hdr[:0]
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
	s.entityDone = true
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
		// The header never ended: record what it says.
		s.describe(pt, parseHeader(s.hdr))
		pt.BodyOff = end
	}
	if end < pt.BodyOff {
		// The line end of the blank line belongs to the delimiter: no body.
		pt.BodyOff = end
	}
	pt.End = end
	s.mode = mBody
	if o.part == s.entityPart && s.e.on {
		if !byDelim {
			return &SyntaxError{Offset: end, Reason: "signed entity not terminated by a delimiter"}
		}
		s.finishEntity(end)
	}
	if o.part == s.capPart {
		return s.endCapture(byDelim)
	}
	return nil
}

func (s *scanner) describe(pt *Part, h partHeader) {
	pt.ContentType = h.mediaType
	if pt.ContentType == "" {
		pt.ContentType = "text/plain"
	}
	pt.Encoding = h.cte
	pt.Filename = h.filename
	if strings.HasPrefix(pt.ContentType, "multipart/") {
		pt.Boundary = h.params["boundary"]
	}
}

func (s *scanner) endHeader(blank []byte, bodyOff int64) error {
	o := s.open[len(s.open)-1]
	idx := o.part
	h := parseHeader(s.hdr)
	pt := &s.res.Parts[idx]
	s.describe(pt, h)
	pt.BodyOff = bodyOff
	s.mode = mBody
	if idx == 0 {
		s.res.Header = make([]byte, 0, len(s.hdr)+len(blank))
		s.res.Header = append(append(s.res.Header, s.hdr...), blank...)
	}
	mt := pt.ContentType
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		signed := mt == "multipart/signed" && s.signedFrame < 0 && !pt.Embedded &&
			(idx == 0 || (o.frame == 0 && s.frames[0].mixed))
		if pt.Boundary == "" {
			if signed {
				return &SyntaxError{Offset: pt.HeaderOff, Reason: "multipart/signed without a boundary"}
			}
			break
		}
		if len(s.frames) >= s.lim.maxDepth {
			return &LimitError{Limit: "MaxDepth", Max: int64(s.lim.maxDepth)}
		}
		s.frames = append(s.frames, frame{
			boundary: []byte(pt.Boundary),
			parent:   idx,
			signed:   signed,
			entity:   idx == s.entityPart,
			mixed:    idx == 0 && mt == "multipart/mixed",
		})
		if signed {
			s.signedFrame = len(s.frames) - 1
			s.res.SignedPart = idx
			s.res.Wrapped = idx != 0
			s.res.Boundary = pt.Boundary
			s.res.Protocol = strings.ToLower(h.params["protocol"])
			s.res.Micalg = strings.ToLower(h.params["micalg"])
			if err := s.chooseHashes(); err != nil {
				return err
			}
		}
	case mt == "message/rfc822" && (pt.Encoding == "" || pt.Encoding == "7bit" ||
		pt.Encoding == "8bit" || pt.Encoding == "binary"):
		if len(s.res.Parts) >= s.lim.maxParts {
			return &LimitError{Limit: "MaxParts", Max: int64(s.lim.maxParts)}
		}
		s.res.Parts = append(s.res.Parts, Part{
			Path: pt.Path, Embedded: true, Signed: pt.Signed, HeaderOff: bodyOff,
		})
		s.open = append(s.open, openPart{part: len(s.res.Parts) - 1, frame: o.frame})
		s.mode = mHeader
		s.hdr = s.hdr[:0]
	case o.frame >= 0 && o.frame == s.signedFrame && s.frames[o.frame].n == 2:
		s.startCapture(capSignature, idx, false)
	case o.frame >= 0 && s.frames[o.frame].entity && !pt.Embedded:
		// As envelope does: the first child named daticert.xml with an XML (or
		// octet-stream) type; failing that, the first named or application/xml one.
		named := strings.EqualFold(pt.Filename, "daticert.xml")
		strong := named && (mt == "application/xml" || mt == "text/xml" || mt == "application/octet-stream")
		if (strong && !s.datNamed) || ((named || mt == "application/xml") && s.res.DaticertPart < 0) {
			s.startCapture(capDaticert, idx, strong)
		}
	}
	if idx == 0 && s.signedFrame < 0 && (len(s.frames) == 0 || !s.frames[0].mixed) {
		return ErrNotSigned
	}
	return nil
}

func (s *scanner) chooseHashes() error {
	if s.lim.hashes != nil {
		for _, h := range s.lim.hashes {
			if !supported(h) {
				return ErrUnsupportedHash
			}
			if !slices.Contains(s.hashes, h) {
				s.hashes = append(s.hashes, h)
			}
		}
		return nil
	}
	s.hashes = micalgHashes(s.res.Micalg)
	if s.lim.hintOnly && len(s.hashes) > 0 {
		return nil
	}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		if !slices.Contains(s.hashes, h) {
			s.hashes = append(s.hashes, h)
		}
	}
	return nil
}

func (s *scanner) startCapture(kind, part int, named bool) {
	s.mode = mCapture
	s.capKind, s.capPart, s.capNamed = kind, part, named
	s.capBuf = s.capBuf[:0]
}

func (s *scanner) endCapture(byDelim bool) error {
	kind, idx := s.capKind, s.capPart
	s.capKind, s.capPart = capNone, -1
	body := s.capBuf
	if byDelim { // the line end before the delimiter is not part of the body
		body = trimEOL(body)
	}
	pt := &s.res.Parts[idx]
	dec, err := decodeBody(body, pt.Encoding)
	switch kind {
	case capSignature:
		if err != nil {
			return &SyntaxError{Offset: pt.BodyOff, Reason: "signature part: " + err.Error()}
		}
		s.res.Signature = dec
		s.res.SignatureType = pt.ContentType
	case capDaticert:
		s.res.DaticertPart = idx
		s.res.Daticert, s.res.DaticertErr = dec, nil
		if err != nil {
			s.res.Daticert = nil
			s.res.DaticertErr = &SyntaxError{Offset: pt.BodyOff, Reason: "daticert.xml: " + err.Error()}
		}
		s.datNamed = s.capNamed
	}
	return nil
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

// decodeBody undoes a Content-Transfer-Encoding into a new slice. It may modify b.
func decodeBody(b []byte, cte string) ([]byte, error) {
	switch cte {
	case "base64":
		// b is the scanner's capture buffer: drop line ends in place, a line at a
		// time, then any other white space byte by byte if there is some.
		clean := b[:0]
		for rest := b; len(rest) > 0; {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				clean = append(clean, rest...)
				break
			}
			line := rest[:i]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			clean = append(clean, line...)
			rest = rest[i+1:]
		}
		if bytes.IndexByte(clean, ' ') >= 0 || bytes.IndexByte(clean, '\t') >= 0 || bytes.IndexByte(clean, '\r') >= 0 {
			c := clean[:0]
			for _, x := range clean {
				if x != ' ' && x != '\t' && x != '\r' {
					c = append(c, x)
				}
			}
			clean = c
		}
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			// Tolerate missing padding, as mail clients do.
			raw := bytes.TrimRight(clean, "=")
			out = make([]byte, base64.RawStdEncoding.DecodedLen(len(raw)))
			n, err = base64.RawStdEncoding.Decode(out, raw)
			if err != nil {
				return nil, errors.New("invalid base64")
			}
		}
		return out[:n], nil
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
		if err != nil {
			return nil, errors.New("invalid quoted-printable")
		}
		return out, nil
	default:
		return bytes.Clone(b), nil
	}
}

func (s *scanner) finish() (*Result, error) {
	end := s.base + int64(s.wpos)
	for len(s.open) > 0 {
		if err := s.closePart(end, false); err != nil {
			return nil, err
		}
	}
	res := s.res
	res.Size = end
	switch {
	case s.signedFrame < 0:
		return nil, ErrNotSigned
	case s.entityPart < 0:
		return nil, &SyntaxError{Offset: end, Reason: "multipart/signed without parts"}
	case res.Signature == nil:
		return nil, &SyntaxError{Offset: end, Reason: "multipart/signed without a signature part"}
	case len(res.Signature) == 0:
		return nil, &SyntaxError{Offset: end, Reason: "empty signature part"}
	}
	return res, nil
}
