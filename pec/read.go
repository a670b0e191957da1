package pec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/receipt"
)

// source is where a message is read from: the whole input in memory (Read, or a
// decoded attached message), or an io.ReaderAt (ReadReaderAt; ReadFile, whose
// file is opened again by Attachment.Open).
type source struct {
	ra   io.ReaderAt
	mem  []byte // the whole input when in memory, else nil
	name string // ReadFile's file
	size int64
}

func memSource(b []byte) *source { return &source{ra: bytes.NewReader(b), mem: b} }

// read returns n bytes at off: a sub-slice when in memory, else a new slice.
func (s *source) read(off, n int64) ([]byte, error) {
	if s.mem != nil {
		return s.mem[off : off+n], nil
	}
	b := make([]byte, n)
	k, err := s.ra.ReadAt(b, off)
	if err != nil && !(errors.Is(err, io.EOF) && int64(k) == n) {
		return nil, fmt.Errorf("pec: read: %w", err)
	}
	return b, nil
}

// opener returns the function that opens the body of pt (offsets shifted by off)
// for Attachment.Open.
func (s *source) opener(pt mime.Part, off int64) func() (io.ReadCloser, error) {
	pt.BodyOff += off
	pt.End += off
	return func() (io.ReadCloser, error) {
		if s.name == "" {
			return io.NopCloser(pt.Open(s.ra)), nil
		}
		f, err := os.Open(s.name)
		if err != nil {
			return nil, fmt.Errorf("pec: %w", err)
		}
		if st, err := f.Stat(); err != nil || st.Size() != s.size {
			f.Close()
			return nil, fmt.Errorf("pec: %s: %w", s.name, ErrSourceChanged)
		}
		return &fileReader{Reader: pt.Open(f), f: f}, nil
	}
}

// fileReader reads a part of a file and closes the file.
type fileReader struct {
	io.Reader
	f *os.File
}

func (r *fileReader) Close() error { return r.f.Close() }

// parser holds the state of one Read call.
type parser struct {
	opts     Options
	findings []Finding // findings of the message being read
}

func (p *parser) find(code, format string, args ...any) {
	p.findings = append(p.findings, Finding{Code: code, Detail: fmt.Sprintf(format, args...)})
}

// view is one message being read: its source, its offset there and its part
// table (offsets relative to off).
type view struct {
	src   *source
	off   int64
	parts []mime.Part
	kids  [][]int
}

// subTable returns the part table of the message that Embedded part emb
// carries, as a scan of that message alone gives it: offsets relative to it,
// paths and parents from it, nothing marked signed.
func (v *view) subTable(emb int) []mime.Part {
	root := v.parts[emb]
	n := emb + 1
	for n < len(v.parts) && v.parts[n].HeaderOff < root.End {
		n++
	}
	out := make([]mime.Part, n-emb)
	depth := len(root.Path)
	for k := range out {
		pt := v.parts[emb+k]
		pt.HeaderOff -= root.HeaderOff
		pt.BodyOff -= root.HeaderOff
		pt.End -= root.HeaderOff
		pt.Path = pt.Path[depth:]
		pt.Signed = false
		if k == 0 {
			pt.Parent, pt.Embedded, pt.SignedMessage = -1, false, false
		} else {
			pt.Parent -= emb
		}
		out[k] = pt
	}
	return out
}

func (v *view) body(i int) ([]byte, error) {
	pt := &v.parts[i]
	return v.src.read(v.off+pt.BodyOff, pt.Size())
}

// message reads the message of size bytes at off in src: scan and verify
// (envelope, one pass), then select, decode, parse daticert once, check and
// classify. It is the one data path of Read, ReadReaderAt and ReadFile.
func (p *parser) message(src *source, off, size int64, depth int) (*Message, error) {
	var rep *envelope.Report
	if src.mem != nil {
		rep = envelope.Verify(src.mem[off:off+size], p.verifyOptions())
	} else {
		var err error
		rep, err = envelope.VerifyReaderAt(io.NewSectionReader(src.ra, off, size), size, p.verifyOptions())
		if err != nil {
			return nil, fmt.Errorf("pec: read: %w", err)
		}
	}
	return p.messageFrom(src, off, rep, depth)
}

// messageFrom reads the message at off in src from its verification report and
// part table.
func (p *parser) messageFrom(src *source, off int64, rep *envelope.Report, depth int) (*Message, error) {
	if rep.Parts == nil {
		var le *mime.LimitError
		if errors.As(rep.Err, &le) {
			return nil, &LimitError{Limit: le.Limit, Max: le.Max}
		}
		return nil, fmt.Errorf("%w: %v", ErrNotMessage, rep.Err)
	}
	v := &view{src: src, off: off, parts: rep.Parts, kids: make([][]int, len(rep.Parts))}
	for k := range v.parts {
		if par := v.parts[k].Parent; par >= 0 && !v.parts[k].Embedded {
			v.kids[par] = append(v.kids[par], k)
		}
	}

	saved := p.findings
	p.findings = nil
	defer func() { p.findings = saved }()

	top := &v.parts[0]
	hb, err := src.read(off+top.HeaderOff, top.BodyOff-top.HeaderOff)
	if err != nil {
		return nil, err
	}
	fields, bad := mime.Fields(hb)
	if len(fields) == 0 {
		return nil, fmt.Errorf("%w: no header", ErrNotMessage)
	}
	if bad > 0 {
		p.find(CodeMIMEMalformed, "message header: %d line(s) that are not header fields, skipped", bad)
	}
	m := &Message{Header: mailHeader(fields), Verification: rep}
	m.Subject = headerText(m.Header, "Subject")
	m.Keys.MessageID = stripAngles(m.Header.Get("Message-Id"))
	m.Keys.RiferimentoMessageID = stripAngles(m.Header.Get("X-Riferimento-Message-Id"))
	m.RealSender = realSender(m.Header)

	root, signed := 0, false
	if s := rep.Signed; s != nil {
		root, signed = s.EntityPart, true
	}
	var c contents
	p.collect(v, root, &c)
	for _, i := range c.texts {
		if t, ok := p.text(v, i); ok {
			m.Texts = append(m.Texts, t)
		}
	}

	// Select daticert.xml and decode it; parse it once.
	sel := p.selectDaticert(v, root, signed, &c)
	var blockers []Finding
	blockers = append(blockers, sel.blockers...)
	if sel.part >= 0 {
		m.DaticertSigned = signed
		if !signed {
			p.find(CodeDaticertUnsigned, "daticert.xml (part %s) is not inside a signed entity", pathName(v.parts[sel.part].Path))
		}
		if cert, err := p.parseDaticert(v, sel.part); err != nil {
			m.DaticertErr = err
			p.find(CodeDaticertUnparsable, "%v", err)
			blockers = append(blockers, Finding{Code: CodeDaticertUnparsable, Detail: "daticert.xml does not parse"})
		} else {
			m.Daticert = cert
			if verr := cert.Validate(); verr != nil {
				var ve *daticert.ValidationError
				if errors.As(verr, &ve) {
					for _, pr := range ve.Problems {
						p.find(CodeDaticertInvalid, "%s", pr.String())
					}
				} else {
					p.find(CodeDaticertInvalid, "%v", verr)
				}
			}
			m.Keys.ID = cert.ID
			m.Keys.MsgID = cert.MsgID
		}
	}

	// postacert.eml and the other leaves.
	post := p.pickPostacert(v, c.leaves)
	for _, i := range c.leaves {
		a := p.attachment(v, i, i == post, depth)
		if i == post {
			m.Original = a.Message
		}
		m.Attachments = append(m.Attachments, a)
	}

	p.classify(m, post >= 0)
	p.crossCheck(m)
	rfs, rblockers := checkRules(m)
	p.findings = append(p.findings, rfs...)
	m.Blockers = append(blockers, p.certifyBlockers(m, v, root, signed, &c, sel)...)
	m.Blockers = append(m.Blockers, rblockers...)
	m.Certified = len(m.Blockers) == 0

	var all []Finding
	for _, f := range m.Verification.Findings {
		all = mergeFindings(all, Finding{Code: f.Code, Detail: f.Detail})
	}
	all = mergeFindings(all, m.Findings...)
	m.Findings = mergeFindings(all, p.findings...)
	return m, nil
}

// mailHeader builds the go-message header of the fields, in order, raw bytes kept.
func mailHeader(fields []mime.Field) mail.Header {
	var h textproto.Header
	for i := len(fields) - 1; i >= 0; i-- { // AddRaw prepends
		raw := fields[i].Raw
		// The field with its line break, in the header block (never modified).
		if n := len(raw); cap(raw) >= n+2 && raw[n : n+2][0] == '\r' && raw[n : n+2][1] == '\n' {
			raw = raw[: n+2 : n+2]
		} else if cap(raw) >= n+1 && raw[n : n+1][0] == '\n' {
			raw = raw[: n+1 : n+1]
		} else {
			raw = append(bytes.Clone(raw), '\r', '\n')
		}
		h.AddRaw(raw)
	}
	return mail.Header{Header: message.Header{Header: h}}
}

// contents are the parts of a message body, outside attached messages.
type contents struct {
	texts  []int // body texts
	leaves []int // every other leaf, in document order
}

// collect sorts the leaves under part i into body texts and attachments, in
// document order. It never descends into message/rfc822 parts.
func (p *parser) collect(v *view, i int, c *contents) {
	pt := &v.parts[i]
	if strings.HasPrefix(pt.ContentType, "multipart/") {
		if pt.Boundary == "" {
			p.find(CodeMIMEMalformed, "part %s: %s without boundary", pathName(pt.Path), pt.ContentType)
			return
		}
		if !pt.Closed {
			p.find(CodeMIMEMalformed, "part %s: multipart without closing boundary", pathName(pt.Path))
		}
		for n, k := range v.kids[i] {
			if pt.ContentType == "multipart/signed" && n > 0 {
				// The signature part of a nested or user-signed entity is not content,
				// but keep it reachable as an attachment.
				c.leaves = append(c.leaves, v.leafs(k)...)
				continue
			}
			p.collect(v, k, c)
		}
		return
	}
	if pt.ContentTypeErr {
		p.find(CodeMIMEMalformed, "part %s: unparsable Content-Type, read as text/plain", pathName(pt.Path))
	}
	if (pt.ContentType == "text/plain" || pt.ContentType == "text/html") && pt.Filename == "" && pt.Disposition != "attachment" {
		c.texts = append(c.texts, i)
		return
	}
	c.leaves = append(c.leaves, i)
}

func (v *view) leafs(i int) []int {
	if len(v.kids[i]) == 0 {
		return []int{i}
	}
	var out []int
	for _, k := range v.kids[i] {
		out = append(out, v.leafs(k)...)
	}
	return out
}

// text decodes body text part i to UTF-8.
func (p *parser) text(v *view, i int) (Text, bool) {
	pt := &v.parts[i]
	t := Text{ContentType: pt.ContentType, Charset: pt.Params["charset"]}
	if pt.Size() > p.opts.MaxTextBytes {
		p.find(CodeLimitReached, "part %s: %s text of %d bytes over MaxTextBytes (%d), not read", pathName(pt.Path), pt.ContentType, pt.Size(), p.opts.MaxTextBytes)
		return t, false
	}
	raw, err := v.body(i)
	if err != nil {
		p.find(CodeDecodeError, "part %s: %v", pathName(pt.Path), err)
		return t, false
	}
	b, err := mime.Decode(pt.Encoding, raw)
	if err != nil {
		p.find(CodeDecodeError, "part %s: %v", pathName(pt.Path), err)
		b = raw
	}
	if cs := t.Charset; cs != "" {
		if conv, err := mime.DecodeCharset(cs, b); err != nil {
			p.find(CodeDecodeError, "part %s: charset %q: %v, text kept as is", pathName(pt.Path), clip(cs), err)
		} else {
			b = conv
		}
	}
	if !utf8.Valid(b) {
		t.Text = strings.ToValidUTF8(string(b), "\uFFFD")
	} else {
		t.Text = string(b)
	}
	return t, true
}

// attachment describes leaf i; an attached message is read as a message.
func (p *parser) attachment(v *view, i int, post bool, depth int) Attachment {
	pt := &v.parts[i]
	a := Attachment{Name: pt.Filename, ContentType: pt.ContentType}
	if v.src.mem != nil || pt.Size() <= p.opts.LazyAbove {
		raw, err := v.body(i)
		if err == nil {
			a.Data, err = mime.Decode(pt.Encoding, raw)
		}
		if err != nil {
			p.find(CodeDecodeError, "part %s: %v", pathName(pt.Path), err)
			a.Data = raw
		}
		a.Loaded, a.Size = true, int64(len(a.Data))
	} else {
		// Left in the source; its decoded size is computed in small pieces.
		n, err := pt.DecodedSizeAt(v.src.ra, v.off)
		if err != nil {
			// As for a loaded part: the body is kept as transmitted.
			p.find(CodeDecodeError, "part %s: %v", pathName(pt.Path), err)
			raw := *pt
			raw.Encoding = ""
			a.open, a.Size = v.src.opener(raw, v.off), pt.Size()
		} else {
			a.open, a.Size = v.src.opener(*pt, v.off), n
		}
	}
	if !post && pt.ContentType != "message/rfc822" {
		return a
	}
	if depth+1 > p.opts.MaxMessageDepth {
		p.find(CodeLimitReached, "part %s: attached message over MaxMessageDepth (%d), not parsed", pathName(pt.Path), p.opts.MaxMessageDepth)
		return a
	}
	var sub *Message
	var err error
	switch emb := i + 1; {
	case emb < len(v.parts) && v.parts[emb].Embedded && v.parts[emb].Parent == i && !v.parts[emb].SignedMessage:
		// Not signed: read from the part table of this scan, as a scan of its
		// own would give it (envelope.VerifyParts), without a second pass.
		e := &v.parts[emb]
		rep := envelope.VerifyParts(v.subTable(emb), p.verifyOptions())
		sub, err = p.messageFrom(v.src, v.off+e.HeaderOff, rep, depth+1)
	case emb < len(v.parts) && v.parts[emb].Embedded && v.parts[emb].Parent == i:
		e := &v.parts[emb]
		sub, err = p.message(v.src, v.off+e.HeaderOff, e.End-e.HeaderOff, depth+1)
	case pt.Size() <= p.opts.MaxTextBytes:
		// Transfer-encoded, or found by name: decoded into memory, in every mode.
		data := a.Data
		if !a.Loaded {
			raw, rerr := v.body(i)
			if rerr != nil {
				return a
			}
			if data, rerr = mime.Decode(pt.Encoding, raw); rerr != nil {
				data = raw
			}
		}
		sub, err = p.message(memSource(data), 0, int64(len(data)), depth+1)
	default:
		p.find(CodeLimitReached, "part %s: attached message of %d bytes (%s, encoding %q) over MaxTextBytes (%d), not parsed",
			pathName(pt.Path), pt.Size(), pt.ContentType, pt.Encoding, p.opts.MaxTextBytes)
		return a
	}
	if err != nil {
		p.find(CodePostacertUnreadable, "part %s (%s): %v", pathName(pt.Path), pt.Filename, err)
		return a
	}
	if sub.Kind != receipt.KindNotPEC {
		if post {
			p.find(CodeNestedPEC, "part %s (%s) is a PEC message of kind %s; it is not authoritative here", pathName(pt.Path), pt.Filename, sub.Kind)
		} else {
			p.find(CodeAttachedPEC, "part %s (%s) is an attached PEC message of kind %s (certified %t); it does not certify this message", pathName(pt.Path), pt.Filename, sub.Kind, sub.Certified)
		}
	}
	a.Message = sub
	return a
}

// pickPostacert locates postacert.eml among the leaves of the signed entity: a
// message/rfc822 part first (preferring one named postacert.eml), then a part
// named postacert.eml, then any part named *.eml. -1 when there is none.
func (p *parser) pickPostacert(v *view, leaves []int) int {
	var rfc, named, eml []int
	for _, i := range leaves {
		pt := &v.parts[i]
		switch {
		case pt.ContentType == "message/rfc822":
			if strings.EqualFold(pt.Filename, "postacert.eml") {
				rfc = append([]int{i}, rfc...)
			} else {
				rfc = append(rfc, i)
			}
		case strings.EqualFold(pt.Filename, "postacert.eml"):
			named = append(named, i)
		case strings.HasSuffix(strings.ToLower(pt.Filename), ".eml"):
			eml = append(eml, i)
		}
	}
	switch {
	case len(rfc) > 0:
		if len(rfc) > 1 {
			p.find(CodePostacertMultiple, "%d message/rfc822 parts; part %s used as postacert.eml", len(rfc), pathName(v.parts[rfc[0]].Path))
		}
		return rfc[0]
	case len(named) > 0:
		p.find(CodePostacertByName, "postacert.eml (part %s) has content type %s", pathName(v.parts[named[0]].Path), v.parts[named[0]].ContentType)
		return named[0]
	case len(eml) > 0:
		p.find(CodePostacertByName, "part %s (%s, %s) used as postacert.eml", pathName(v.parts[eml[0]].Path), v.parts[eml[0]].Filename, v.parts[eml[0]].ContentType)
		return eml[0]
	}
	return -1
}

func pathName(path []int) string {
	if len(path) == 0 {
		return "root"
	}
	var b strings.Builder
	for i, n := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(n + 1))
	}
	return b.String()
}

// clip shortens a value quoted in a finding.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
