package envelope

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"os"
	"slices"
	"strings"

	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/internal/stream"
)

// Part locates one MIME part of a message verified by [VerifyReaderAt],
// [VerifyReader] or [VerifyFile] (see [Signed.Parts]). Offsets are byte offsets in
// the input as read, before any line-end canonicalisation, so that an io.ReaderAt
// over the same bytes reaches any part without loading the message: the header
// block is [HeaderOff, BodyOff) and the body, still transfer-encoded, is
// [BodyOff, End).
type Part struct {
	// Path is the position of the part: the zero-based child indices of the
	// multiparts from the top-level message down. The message itself has an empty
	// Path; in a multipart/signed message the signed entity is [0] and the
	// signature [1]. The parts of a message carried by a message/rfc822 part
	// continue the Path of that part.
	Path []int
	// Embedded marks the message carried by the message/rfc822 part with the same
	// Path (recorded just before it): its HeaderOff is that part's BodyOff. Only
	// message/rfc822 parts in 7bit, 8bit or binary are parsed into.
	Embedded bool
	// Signed marks the signed entity and every part inside it.
	Signed bool

	HeaderOff int64 // first byte of the header block
	BodyOff   int64 // first byte of the body (after the blank line)
	// End is the end of the body, exclusive: the line end before the next
	// delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
	End int64

	ContentType string // media type, lower case; "text/plain" when absent
	Boundary    string // boundary parameter of a multipart, as written
	Encoding    string // Content-Transfer-Encoding, lower case; "" when absent
	Filename    string // Content-Disposition filename, else the Content-Type name, as written
}

// Size returns the size of the transfer-encoded body, End - BodyOff.
func (p *Part) Size() int64 { return p.End - p.BodyOff }

// Open returns a reader of the part's body read from ra, which must hold the
// bytes that were verified (for example the *os.File given to [VerifyReaderAt]),
// with a base64 or quoted-printable transfer encoding removed; other encodings are
// returned as transmitted (bare LF line ends are not converted). Read and decoding
// errors are returned by the reader. It holds no more than a small buffer, whatever
// the size of the part.
func (p *Part) Open(ra io.ReaderAt) io.Reader {
	return p.decode(io.NewSectionReader(ra, p.BodyOff, p.End-p.BodyOff))
}

// OpenCanonical is [Part.Open] with every bare LF of the transmitted body turned
// into CRLF before decoding, as in the canonical signed entity that [Verify]
// returns (Signed.Entity) when the message was stored with LF line ends.
func (p *Part) OpenCanonical(ra io.ReaderAt) io.Reader {
	return p.decode(&crlfReader{r: io.NewSectionReader(ra, p.BodyOff, p.End-p.BodyOff)})
}

func (p *Part) decode(sr io.Reader) io.Reader {
	switch p.Encoding {
	case "base64":
		// The decoder skips CR and LF; spaces and tabs are dropped here.
		return base64.NewDecoder(base64.StdEncoding, &blankDropper{r: sr})
	case "quoted-printable":
		return quotedprintable.NewReader(sr)
	}
	return sr
}

// crlfReader turns bare LF into CRLF.
type crlfReader struct {
	r      io.Reader
	buf    []byte
	pend   []byte // converted bytes not yet returned
	lastCR bool
	err    error
}

func (c *crlfReader) Read(p []byte) (int, error) {
	for len(c.pend) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		const in = 16 << 10
		if c.buf == nil {
			c.buf = make([]byte, 3*in) // input, then room for twice as much output
		}
		n, err := c.r.Read(c.buf[:in])
		c.err = err
		out := c.buf[in:in]
		for _, b := range c.buf[:n] {
			if b == '\n' && !c.lastCR {
				out = append(out, '\r')
			}
			out = append(out, b)
			c.lastCR = b == '\r'
		}
		c.pend = out
	}
	n := copy(p, c.pend)
	c.pend = c.pend[n:]
	return n, nil
}

// blankDropper removes spaces and tabs (transport padding in base64 bodies).
type blankDropper struct{ r io.Reader }

func (b *blankDropper) Read(p []byte) (int, error) {
	for {
		n, err := b.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// VerifyReaderAt is [Verify] over the first size bytes of ra (for example an
// *os.File), in one streaming pass with a fixed amount of memory, whatever the
// size of the message: the signed entity is hashed as it is read, bare LF turned
// into CRLF on the fly, with the digest the micalg parameter names; when the
// SignerInfo needs another digest the entity range is read again from ra.
// daticert.xml and smime.p7s are captured as they pass. The checks and the
// decision are those of Verify (the same code); Report.Signed has Entity nil and
// Parts set, the offsets of every part, so that postacert.eml and its attachments
// remain reachable through ra ([Part.Open]). ra must not change until the call
// returns, nor afterwards while parts are read.
//
// The scan finds multipart/signed at the top level or as a direct part of a
// top-level multipart/mixed (relay wrapping). When it finds no signed entity, or
// rejects the structure, a message of at most Limits.MaxBufferedBytes is read into
// memory and verified by Verify (which also looks inside a message/rfc822 part);
// a larger one gets the scan's verdict (a signed message inside a message/rfc822
// part is then reported as ErrNotSigned).
//
// The error is nil unless reading ra fails; the report is then nil.
func VerifyReaderAt(ra io.ReaderAt, size int64, opts *VerifyOptions) (*Report, error) {
	o, l := resolveVerifyOptions(opts)
	if size > int64(l.MaxMessageBytes) {
		return (&Report{}).fail(&VerifyError{Reason: ErrTooLarge, Detail: "locate",
			Err: fmt.Errorf("envelope: message of %d bytes: %w (MaxMessageBytes %d)", size, ErrTooLarge, l.MaxMessageBytes)}), nil
	}
	res, err := stream.ScanReaderAt(ra, size, streamOptions(l))
	var s *Signed
	if err == nil {
		s, err = signedFromScan(res, ra, o, l)
	}
	if err != nil {
		if isIOError(err) {
			return nil, fmt.Errorf("envelope: read: %w", err)
		}
		if size <= int64(l.MaxBufferedBytes) {
			buf := make([]byte, size)
			if _, err := io.ReadFull(io.NewSectionReader(ra, 0, size), buf); err != nil {
				return nil, fmt.Errorf("envelope: read: %w", err)
			}
			return Verify(buf, opts), nil
		}
		return (&Report{}).fail(scanError(err, l)), nil
	}
	return verifyScanned(res, s, o, l), nil
}

// VerifyReader is [VerifyReaderAt] for input that can be read only once: it reads
// r to the end in one pass. Since the digest the signature needs is known only
// after the signed entity, the entity is hashed with the micalg digest plus SHA-1
// and SHA-256 (every digest seen in PEC practice); a signature with another digest
// fails with ErrUnsupportedAlgorithm (status invalid) and a reason saying so, where
// VerifyReaderAt would have re-read the entity. Report.Signed.Parts gives the
// offsets of the parts in the stream, for a caller that kept a copy.
//
// To fall back to [Verify] as VerifyReaderAt does, the first
// Limits.MaxBufferedBytes of the input are kept in memory during the scan (and
// dropped as soon as the input is larger).
//
// The error is nil unless reading r fails; the report is then nil.
func VerifyReader(r io.Reader, opts *VerifyOptions) (*Report, error) {
	o, l := resolveVerifyOptions(opts)
	t := &teeReader{r: r, max: l.MaxBufferedBytes}
	res, err := stream.Scan(t, streamOptions(l))
	if t.err != nil {
		return nil, fmt.Errorf("envelope: read: %w", t.err)
	}
	var s *Signed
	if err == nil {
		var src io.ReaderAt // part headers are re-read from the copy, when kept
		if !t.over {
			src = bytes.NewReader(t.buf)
		}
		s, err = signedFromScan(res, src, o, l)
	}
	if err != nil {
		if isIOError(err) {
			return nil, fmt.Errorf("envelope: read: %w", err)
		}
		if !t.over {
			// The scan may have stopped early: read the rest, still bounded.
			if _, err := io.Copy(io.Discard, t); err != nil {
				return nil, fmt.Errorf("envelope: read: %w", err)
			}
		}
		if !t.over {
			return Verify(t.buf, opts), nil
		}
		return (&Report{}).fail(scanError(err, l)), nil
	}
	t.buf = nil
	return verifyScanned(res, s, o, l), nil
}

// VerifyFile is [VerifyReaderAt] on the named file. The error is nil unless the
// file cannot be opened, examined or read; the report is then nil.
func VerifyFile(name string, opts *VerifyOptions) (*Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	return VerifyReaderAt(f, st.Size(), opts)
}

// teeReader keeps a copy of what it reads while it fits in max bytes.
type teeReader struct {
	r    io.Reader
	buf  []byte
	max  int
	over bool
	err  error // the first read error other than io.EOF
}

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 && !t.over {
		if len(t.buf)+n > t.max {
			t.over, t.buf = true, nil
		} else {
			t.buf = append(t.buf, p[:n]...)
		}
	}
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
}

// streamOptions maps the limits of Verify to those of the scanner (see the
// package doc, # Limits).
func streamOptions(l Limits) *stream.Options {
	return &stream.Options{
		MaxMessageBytes: int64(l.MaxMessageBytes),
		MaxHeaderBytes:  l.MaxHeaderBytes,
		// The scanner caps the encoded body; the decoded size is checked below, as
		// Locate does.
		MaxSignatureBytes: 2*l.MaxSignatureBytes + 1024,
		MaxParts:          StreamPartsFactor * l.MaxParts,
		MaxDepth:          StreamDepthFactor * l.MaxDepth,
	}
}

// Factors between the limits of [Verify] and those of the streaming verifiers,
// which count differently: Limits.MaxParts caps the parts of one multipart body
// and Limits.MaxDepth the nesting walked inside the signed entity, while the
// one-pass scan caps the parts and the multipart nesting of the whole message.
const (
	// StreamPartsFactor: the streaming verifiers accept at most
	// StreamPartsFactor*Limits.MaxParts parts in the whole message.
	StreamPartsFactor = 10
	// StreamDepthFactor: the streaming verifiers accept at most
	// StreamDepthFactor*Limits.MaxDepth levels of multipart nesting.
	StreamDepthFactor = 2
)

// isIOError reports whether err comes from reading the input rather than from
// the message.
func isIOError(err error) bool {
	var re *readError
	if errors.As(err, &re) {
		return true
	}
	for _, e := range []error{stream.ErrNotSigned, stream.ErrMalformed, stream.ErrTooLarge, stream.ErrUnsupportedHash,
		stream.ErrDigestUnavailable, ErrNotSigned, ErrMalformed, ErrTooLarge} {
		if errors.Is(err, e) {
			return false
		}
	}
	return true
}

// scanError maps an error of the scanner, or of signedFromScan, to the reason of
// the report.
func scanError(err error, l Limits) *VerifyError {
	switch {
	case errors.Is(err, stream.ErrNotSigned), errors.Is(err, ErrNotSigned):
		return &VerifyError{Reason: ErrNotSigned, Err: err, Detail: fmt.Sprintf(
			"no multipart/signed at the top level or inside a top-level multipart/mixed (inside a message/rfc822 part it is looked for only in messages up to %d bytes, MaxBufferedBytes)", l.MaxBufferedBytes)}
	case errors.Is(err, stream.ErrTooLarge), errors.Is(err, ErrTooLarge):
		return &VerifyError{Reason: ErrTooLarge, Detail: "scan", Err: err}
	}
	return &VerifyError{Reason: ErrMalformed, Detail: "scan", Err: err}
}

// verifyScanned runs the shared decision on a scanned message.
func verifyScanned(res *stream.Result, s *Signed, o VerifyOptions, l Limits) *Report {
	digest := func(h crypto.Hash) ([]byte, error) { return res.Digest(h, nil) }
	dat := daticertPart{data: res.Daticert, found: res.DaticertPart >= 0, err: res.DaticertErr}
	return verifySigned(&Report{}, s, digest, dat, o, l)
}

// signedFromScan builds the Signed of a scanned message with the checks and the
// findings of Locate: the message header and, when src can re-read them, the
// headers of the wrapped multipart/signed part and of the signature part are parsed
// as strictly as Locate parses them. An error (wrapping ErrNotSigned, ErrMalformed
// or ErrTooLarge) sends a small message to Verify.
func signedFromScan(res *stream.Result, src io.ReaderAt, o VerifyOptions, l Limits) (*Signed, error) {
	h, _, err := mime.ReadHeader(res.Header, l.mime())
	if err != nil {
		return nil, mimeErr("message header", err)
	}
	mt, params, err := h.ContentType()
	if err != nil {
		return nil, mimeErr("message header", err)
	}
	switch {
	case !res.Wrapped && mt == "multipart/signed":
	case res.Wrapped && mt == "multipart/mixed" && !o.NoUnwrap:
		ph, err := partHeader(src, &res.Parts[res.SignedPart], l)
		if err != nil {
			return nil, fmt.Errorf("envelope: wrapped part: %w: %w", ErrNotSigned, err)
		}
		if ph != nil {
			if params, err = contentParams(ph, "multipart/signed"); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("envelope: content type %q: %w", mt, ErrNotSigned)
	}
	s := &Signed{
		Header:      h.Raw,
		EntityStart: int(res.EntityOff),
		EntityEnd:   int(res.EntityEnd),
		EntitySize:  res.EntitySize,
		// Each bare LF adds a CR to the canonical size. (Result.LF is also set by a
		// bare LF that ends the entity's last line, which belongs to the delimiter.)
		CanonicalisedLF: res.EntitySize > res.EntityEnd-res.EntityOff,
		Protocol:        strings.ToLower(params["protocol"]),
		Micalg:          strings.ToLower(params["micalg"]),
		Boundary:        params["boundary"],
		Wrapped:         res.Wrapped,
		EntityPart:      res.Entity,
	}
	if s.Boundary != res.Boundary {
		return nil, fmt.Errorf("envelope: multipart/signed boundary read differently: %w", ErrMalformed)
	}
	switch s.Protocol {
	case ProtocolPKCS7, ProtocolXPKCS7:
	case "":
		s.Findings = append(s.Findings, Finding{Code: FindingProtocolMissing, Detail: "multipart/signed without a protocol parameter"})
	default:
		return nil, fmt.Errorf("envelope: multipart/signed protocol %q: %w", s.Protocol, ErrNotSigned)
	}
	signed := res.Parts[res.SignedPart]
	children, last, sig := 0, -1, -1
	for i := res.SignedPart + 1; i < len(res.Parts); i++ {
		p := &res.Parts[i]
		if len(p.Path) == len(signed.Path)+1 && slices.Equal(p.Path[:len(signed.Path)], signed.Path) && !p.Embedded {
			children++
			last = i
			if children == 2 {
				sig = i
			}
		}
	}
	if children > 2 {
		s.Findings = append(s.Findings, Finding{Code: FindingExtraParts, Detail: fmt.Sprintf("multipart/signed has %d parts; parts after the second are ignored", children)})
	}
	if last >= 0 && res.Parts[last].End == signed.End {
		// The last part ran to the end of the multipart/signed: no close delimiter.
		s.Findings = append(s.Findings, Finding{Code: FindingUnterminated, Detail: "multipart/signed has no close delimiter"})
	}
	smt := res.SignatureType
	if sig >= 0 {
		sh, err := partHeader(src, &res.Parts[sig], l)
		if err != nil {
			return nil, mimeErr("signature part", err)
		}
		if sh != nil {
			if smt, _, err = sh.ContentType(); err != nil {
				return nil, mimeErr("signature part", err)
			}
		}
	}
	if smt != ProtocolPKCS7 && smt != ProtocolXPKCS7 {
		return nil, fmt.Errorf("envelope: signature part has content type %q: %w", smt, ErrMalformed)
	}
	s.SignatureType = smt
	if s.Protocol != "" && smt != s.Protocol {
		s.Findings = append(s.Findings, Finding{Code: FindingProtocolMismatch, Detail: fmt.Sprintf("protocol %q but signature part %q", s.Protocol, smt)})
	}
	if len(res.Signature) > l.MaxSignatureBytes {
		return nil, fmt.Errorf("envelope: signature of %d bytes: %w (MaxSignatureBytes %d)", len(res.Signature), ErrTooLarge, l.MaxSignatureBytes)
	}
	s.Signature = res.Signature
	if res.Wrapped {
		s.Wrapping = WrapMultipart
		s.Findings = append(s.Findings, Finding{Code: FindingWrapped, Detail: "signed message found inside a multipart/mixed (" + s.Wrapping + ")"})
	}
	s.Parts = make([]Part, len(res.Parts))
	for i, p := range res.Parts {
		s.Parts[i] = Part{
			Path: p.Path, Embedded: p.Embedded, Signed: p.Signed,
			HeaderOff: p.HeaderOff, BodyOff: p.BodyOff, End: p.End,
			ContentType: p.ContentType, Boundary: p.Boundary, Encoding: p.Encoding, Filename: p.Filename,
		}
	}
	return s, nil
}

// partHeader re-reads and parses the header block of p from src; nil, nil when
// src is nil.
func partHeader(src io.ReaderAt, p *stream.Part, l Limits) (*mime.Header, error) {
	if src == nil {
		return nil, nil
	}
	n := p.BodyOff - p.HeaderOff
	if n < 0 || n > int64(l.MaxHeaderBytes)+4 {
		return nil, fmt.Errorf("envelope: part header of %d bytes: %w", n, ErrTooLarge)
	}
	b := make([]byte, n)
	if k, err := src.ReadAt(b, p.HeaderOff); err != nil && !(errors.Is(err, io.EOF) && int64(k) == n) {
		return nil, &readError{err}
	}
	h, _, err := mime.ReadHeader(b, l.mime())
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// contentParams returns the parameters of h's Content-Type, which must be mt.
func contentParams(h *mime.Header, mt string) (map[string]string, error) {
	got, params, err := h.ContentType()
	if err != nil {
		return nil, mimeErr("wrapped part", err)
	}
	if got != mt {
		return nil, fmt.Errorf("envelope: wrapped part of type %q: %w", got, ErrNotSigned)
	}
	return params, nil
}

// readError marks an error of the input while part headers are re-read.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }
