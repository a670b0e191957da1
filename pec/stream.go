package pec

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sigillo/sigillo/envelope"
)

// source is where the parts left out of memory are read from: the io.ReaderAt of
// ReadReaderAt, or the file of ReadFile, opened again.
type source struct {
	ra   io.ReaderAt
	name string
	size int64
}

// opener returns the function that opens part pt for Attachment.Open; lf: read it
// with bare LF turned into CRLF, as Read sees it in a canonicalised signed entity.
func (s *source) opener(pt envelope.Part, lf bool) func() (io.ReadCloser, error) {
	open := pt.Open
	if lf {
		open = pt.OpenCanonical
	}
	return func() (io.ReadCloser, error) {
		if s.ra != nil {
			return io.NopCloser(open(s.ra)), nil
		}
		f, err := os.Open(s.name)
		if err != nil {
			return nil, fmt.Errorf("pec: %w", err)
		}
		if st, err := f.Stat(); err != nil || st.Size() != s.size {
			f.Close()
			return nil, fmt.Errorf("pec: %s: %w", s.name, ErrSourceChanged)
		}
		return &fileReader{Reader: open(f), f: f}, nil
	}
}

// fileReader reads a part of a file and closes the file.
type fileReader struct {
	io.Reader
	f *os.File
}

func (r *fileReader) Close() error { return r.f.Close() }

// view is a message source with the parts a streaming scan found in it, at
// absolute offsets of ra.
type view struct {
	src   *source
	ra    io.ReaderAt
	parts []envelope.Part
	// lf: the parts are inside a signed entity stored with bare LF, which Read
	// sees canonicalised to CRLF; they are read the same way.
	lf bool
}

// readAt reads the message in the first size bytes of ra: into memory up to
// StreamAbove, in streaming mode above.
func readAt(ra io.ReaderAt, size int64, src *source, opts *Options) (*Message, error) {
	o := opts.withDefaults()
	if size > o.MaxMessageBytes {
		return nil, &LimitError{Limit: "MaxMessageBytes", Max: o.MaxMessageBytes}
	}
	p := &parser{opts: o}
	if o.StreamAbove < 0 || size <= o.StreamAbove {
		raw, err := readRange(ra, 0, size)
		if err != nil {
			return nil, err
		}
		return p.message(raw, 0)
	}
	return p.messageAt(&view{src: src, ra: ra}, -1, 0, size, 0)
}

// readRange reads n bytes at off.
func readRange(ra io.ReaderAt, off, n int64) ([]byte, error) {
	b := make([]byte, n)
	k, err := ra.ReadAt(b, off)
	if err != nil && !(errors.Is(err, io.EOF) && int64(k) == n) {
		return nil, fmt.Errorf("pec: read: %w", err)
	}
	return b, nil
}

// nestedAt reads the message carried by the message/rfc822 part whose embedded
// message is v.parts[k]: into memory up to StreamAbove, in streaming mode above.
func (p *parser) nestedAt(v *view, k, depth int) (*Message, error) {
	root := v.parts[k]
	size := root.End - root.HeaderOff
	if p.opts.StreamAbove < 0 || size <= p.opts.StreamAbove {
		raw, err := readRange(v.ra, root.HeaderOff, size)
		if err != nil {
			return nil, err
		}
		if v.lf {
			raw = canonCRLF(raw)
		}
		return p.message(raw, depth)
	}
	return p.messageAt(v, k, root.HeaderOff, size, depth)
}

// messageAt reads the message of size bytes at off in streaming mode. k < 0 is the
// top-level message, whose parts are not known yet; k >= 0 is an embedded message
// whose parts are v.parts[k:].
func (p *parser) messageAt(v *view, k int, off, size int64, depth int) (*Message, error) {
	headLen := min(size, int64(p.opts.MaxHeaderBytes)+4)
	head, err := readRange(v.ra, off, headLen)
	if err != nil {
		return nil, err
	}
	if k < 0 && bytes.HasPrefix(head, []byte("From ")) {
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			off, size = off+int64(i+1), size-int64(i+1)
			if head, err = readRange(v.ra, off, min(size, headLen)); err != nil {
				return nil, err
			}
		}
	}

	var rep *envelope.Report
	if k < 0 || looksSigned(v.parts, k) {
		rep, err = envelope.VerifyReaderAt(io.NewSectionReader(v.ra, off, size), size, p.verifyOptions())
		if err != nil {
			return nil, fmt.Errorf("pec: read: %w", err)
		}
		if k < 0 && (rep.Signed == nil || rep.Signed.Parts == nil) {
			// No signed entity located by the scan: no part list either. Load it.
			raw, err := readRange(v.ra, off, size)
			if err != nil {
				return nil, err
			}
			return p.message(raw, depth)
		}
	} else {
		rep = &envelope.Report{Status: envelope.StatusAbsent, Err: &envelope.VerifyError{Reason: envelope.ErrNotSigned,
			Detail: fmt.Sprintf("content type %q, no multipart/signed part", v.parts[k].ContentType)}}
	}

	saved := p.findings
	p.findings = nil
	defer func() { p.findings = saved }()

	hdr, _ := splitHeader(head)
	m, err := p.newMessage(hdr)
	if err != nil {
		return nil, err
	}
	m.Verification = rep

	top, root, signed := k, k, false
	if s := rep.Signed; s != nil && s.Parts != nil {
		v = &view{src: v.src, ra: v.ra, parts: shiftParts(s.Parts, off), lf: v.lf || s.CanonicalisedLF}
		top, root, signed = 0, s.EntityPart, true
	}
	content, lz, err := p.reduce(v, root)
	if err != nil {
		return nil, err
	}
	tree := p.parseTree(content, "", 0)
	if tree == nil && signed {
		// As Read does when the signed entity cannot be parsed: the whole message.
		signed = false
		if content, lz, err = p.reduce(v, top); err != nil {
			return nil, err
		}
		tree = p.parseTree(content, "", 0)
	}
	return p.finish(m, tree, signed, depth, lz), nil
}

// looksSigned reports whether the embedded message parts[k] is multipart/signed,
// or a multipart/mixed with a multipart/signed part (the cases the streaming
// verifier handles).
func looksSigned(parts []envelope.Part, k int) bool {
	root := &parts[k]
	switch root.ContentType {
	case "multipart/signed":
		return true
	case "multipart/mixed":
		for i := k + 1; i < len(parts) && parts[i].HeaderOff < root.End; i++ {
			pt := &parts[i]
			if len(pt.Path) == len(root.Path)+1 && slices.Equal(pt.Path[:len(root.Path)], root.Path) && !pt.Embedded &&
				pt.ContentType == "multipart/signed" {
				return true
			}
		}
	}
	return false
}

func shiftParts(parts []envelope.Part, off int64) []envelope.Part {
	out := slices.Clone(parts)
	for i := range out {
		out[i].HeaderOff += off
		out[i].BodyOff += off
		out[i].End += off
	}
	return out
}

// maxDaticertLoad is the largest daticert.xml body always read into memory in
// streaming mode, whatever LazyAbove (the cap of envelope's streaming verifier).
const maxDaticertLoad = 1 << 20

// lazyParts maps the markers that replace the bodies left in the source to the
// parts of the view.
type lazyParts struct {
	v      *view
	prefix []byte
	index  []int // marker number -> index in v.parts
}

// reduce reads the entity v.parts[root] into memory, except the bodies of its
// large parts, each replaced by a marker: every part over LazyAbove, then the
// largest others while the copy would exceed LazyBudgetFactor*LazyAbove. A
// message/rfc822 part is kept or left out as a whole.
func (p *parser) reduce(v *view, root int) ([]byte, *lazyParts, error) {
	r := &v.parts[root]
	start, end := r.HeaderOff, r.End
	type cand struct {
		i    int
		size int64
	}
	var cands []cand
	skipUntil := int64(-1)
	for i := root; i < len(v.parts) && v.parts[i].HeaderOff < end; i++ {
		pt := &v.parts[i]
		if pt.HeaderOff < skipUntil || pt.End > end || (pt.Embedded && i != root) {
			continue
		}
		if strings.HasPrefix(pt.ContentType, "multipart/") && pt.Boundary != "" {
			continue
		}
		if pt.ContentType == "message/rfc822" {
			skipUntil = pt.End // its embedded parts go with it
		}
		if strings.EqualFold(pt.Filename, "daticert.xml") && pt.Size() <= maxDaticertLoad {
			continue // always read: it says what the message is
		}
		cands = append(cands, cand{i, pt.Size()})
	}
	// Choose: over LazyAbove, then the largest while over the budget.
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].size > cands[b].size })
	keep := end - start
	budget := LazyBudgetFactor * p.opts.LazyAbove
	var elided []int
	for _, c := range cands {
		if c.size <= p.opts.LazyAbove && keep <= budget {
			break
		}
		elided = append(elided, c.i)
		keep -= c.size
	}
	slices.Sort(elided)

	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	lz := &lazyParts{v: v, prefix: []byte("SIGILLO-LAZY-" + hex.EncodeToString(nonce) + "-")}
	out := make([]byte, 0, keep+int64(len(elided)*40))
	cur := start
	for _, i := range elided {
		pt := &v.parts[i]
		b, err := readRange(v.ra, cur, pt.BodyOff-cur)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, b...)
		out = append(out, lz.prefix...)
		out = strconv.AppendInt(out, int64(len(lz.index)), 10)
		lz.index = append(lz.index, i)
		cur = pt.End
	}
	b, err := readRange(v.ra, cur, end-cur)
	if err != nil {
		return nil, nil, err
	}
	out = append(out, b...)
	if v.lf {
		out = canonCRLF(out)
	}
	return out, lz, nil
}

// idx returns the index in the view of the part whose body e stands for, or -1
// when e was read into memory. lz may be nil.
func (lz *lazyParts) idx(e *entity) int {
	if lz == nil || len(lz.index) == 0 {
		return -1
	}
	b := bytes.TrimSpace(e.body)
	if !bytes.HasPrefix(b, lz.prefix) {
		return -1
	}
	n, err := strconv.Atoi(string(b[len(lz.prefix):]))
	if err != nil || n < 0 || n >= len(lz.index) {
		return -1
	}
	return lz.index[n]
}

// part returns the part left in the source that e stands for, or nil.
func (lz *lazyParts) part(e *entity) *envelope.Part {
	if i := lz.idx(e); i >= 0 {
		return &lz.v.parts[i]
	}
	return nil
}

// attachment describes the part left in the source that e stands for; an attached
// message is parsed from the source too, when the scan parsed into it.
func (lz *lazyParts) attachment(p *parser, e *entity, pt *envelope.Part, message bool, depth int) Attachment {
	a := Attachment{Name: e.filename, ContentType: e.mediaType, Size: pt.Size(), open: lz.v.src.opener(*pt, lz.v.lf)}
	if !message {
		return a
	}
	i := lz.idx(e)
	if k := i + 1; k < len(lz.v.parts) && lz.v.parts[k].Embedded && slices.Equal(lz.v.parts[k].Path, pt.Path) {
		a.Message = p.attached(e, depth, func() (*Message, error) { return p.nestedAt(lz.v, k, depth+1) })
		return a
	}
	p.find(CodeLimitReached, "part %s: attached message of %d bytes (%s, encoding %q) over LazyAbove (%d), not parsed",
		pathName(e.path), pt.Size(), e.mediaType, pt.Encoding, p.opts.LazyAbove)
	return a
}

// canonCRLF turns every bare LF of b into CRLF.
func canonCRLF(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/32)
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return append(out, b...)
		}
		out = append(out, b[:i]...)
		if i == 0 || b[i-1] != '\r' {
			out = append(out, '\r')
		}
		out = append(out, '\n')
		b = b[i+1:]
	}
}
