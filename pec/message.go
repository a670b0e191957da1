package pec

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/emersion/go-message/mail"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/receipt"
)

// DateTolerance is how far the Date header may be from the daticert data before a
// [CodeDateMismatch] finding: the default tolerance of the envelope package for the
// signing time. The rules want one time value per event (pec-spec.md §6.4); the
// tolerance absorbs clock skew between a provider's components.
const DateTolerance = envelope.DefaultTimeTolerance

// Message is the result of [Read]: what a mail message is, what it certifies, and
// whether that certification holds.
type Message struct {
	// Kind is the PEC kind, receipt.KindNotPEC for ordinary mail.
	Kind receipt.Kind
	// Virus is true for the virus variants (non-accettazione and errore-consegna with
	// daticert errore="virus" or X-VerificaSicurezza: errore) and rilevazione-virus.
	Virus bool
	// Form is the form of a delivery receipt actually issued (completa, breve,
	// sintetica), "" for other kinds.
	Form receipt.Form
	// RequestedForm is the delivery receipt form requested: daticert ricevuta/@tipo,
	// else X-TipoRicevuta. "" when neither says.
	RequestedForm receipt.Form
	// Source tells what decided Kind (the signed daticert, the headers, the subject).
	Source receipt.Source

	// Header is the message header as read (unsigned for a PEC message).
	Header mail.Header
	// Subject is the decoded Subject header.
	Subject string
	// OriginalSubject is Subject without the PEC prefix (for example without
	// "POSTA CERTIFICATA: "); equal to Subject for ordinary mail.
	OriginalSubject string
	// RealSender is the original sender named in the From display name of an envelope
	// ("Per conto di: alice@example.it"), "" when From has no such name.
	RealSender string
	// Keys are the correlation keys.
	Keys Keys

	// Daticert is the parsed daticert.xml, nil when absent or unparsable.
	Daticert *daticert.Cert
	// DaticertErr is the error of daticert.Parse when daticert.xml is present but
	// unparsable.
	DaticertErr error
	// DaticertSigned is true when daticert.xml was read from inside the signed entity
	// of the message (whatever the verdict of the signature).
	DaticertSigned bool

	// Verification is the signature verification report; never nil.
	Verification *envelope.Report

	// Texts are the body text parts (text/plain and text/html that are not
	// attachments), outside any attached message, in order. For a PEC message these
	// are the provider's texts.
	Texts []Text
	// Attachments are the other leaf parts in order, daticert.xml and postacert.eml
	// included.
	Attachments []Attachment
	// Original is the message attached as postacert.eml (the original message of a
	// transport envelope or a completa/breve delivery receipt, the received message of
	// an anomaly envelope), parsed like any message: its Texts, Attachments and, when it
	// is itself a PEC message, its own Kind, Daticert and Original. nil when absent or
	// beyond Options.MaxDepth.
	Original *Message

	// Findings are the findings of verification, classification and reading, merged
	// and without duplicates.
	Findings []Finding

	// Certified is true only when the signature is valid and the kind rests on signed
	// data: the kind comes from a daticert.xml read from inside the signed entity, or
	// the message is an anomaly envelope (which has no daticert: its signed entity is
	// the only evidence).
	Certified bool
}

// Keys are the correlation keys of a message, in order of strength (pec-spec.md §7).
// Angle brackets are removed.
type Keys struct {
	ID                   string // daticert identificativo (signed)
	MsgID                string // daticert msgid (signed)
	RiferimentoMessageID string // X-Riferimento-Message-ID header (unsigned)
	MessageID            string // Message-ID header (unsigned)
}

// Text is a body text part decoded to UTF-8.
type Text struct {
	ContentType string // "text/plain" or "text/html"
	Charset     string // declared charset, "" when none
	Text        string // decoded content, valid UTF-8
}

// Attachment is a leaf part that is not a body text.
type Attachment struct {
	Name        string // file name (Content-Disposition filename, else Content-Type name), decoded
	ContentType string // media type, lower case
	// Data is the content with the transfer encoding removed; nil when the part was
	// left in the message source (Loaded false, see [Options.LazyAbove]): use
	// [Attachment.Open]. It may share memory with the message source and with
	// other fields: copy it before modifying it.
	Data []byte
	// Loaded is true when Data holds the content. It is false only for a large part
	// of a message read in streaming mode by [ReadFile] or [ReadReaderAt].
	Loaded bool
	// Size is len(Data) when Loaded; otherwise the size of the part's body as stored
	// in the source, still transfer-encoded (the content is smaller for base64 and
	// quoted-printable; a message stored with LF line ends gains a CR per line).
	Size int64
	// Message is the parsed message of a message/rfc822 part (for postacert.eml the
	// same value as [Message.Original]); nil for other parts and beyond
	// Options.MaxDepth.
	Message *Message

	open func() (io.ReadCloser, error) // reads the content from the source when not loaded
}

// Open returns a reader of the content, with the transfer encoding removed: Data
// when Loaded, otherwise the part read from the message source in small pieces,
// never loaded whole (the file of [ReadFile], opened again, which must not change
// in the meantime; the io.ReaderAt of [ReadReaderAt]). The caller closes it.
func (a *Attachment) Open() (io.ReadCloser, error) {
	if a.open == nil {
		return io.NopCloser(bytes.NewReader(a.Data)), nil
	}
	return a.open()
}

// Read reads one mail message from r and returns what it is, with its certification
// data, its verification report, its original message and its findings.
//
// Problems with the message (no signature, no daticert.xml, an envelope without
// postacert.eml, contradictory headers) are reported as findings and never as an
// error. Read returns an error only when it cannot read a message at all: an I/O error
// from r, a message over Options.MaxMessageBytes or a top-level header over
// Options.MaxHeaderBytes (errors matching [ErrTooLarge]), or input that is not a mail
// message ([ErrNotMessage]).
//
// A leading mbox "From " line is skipped.
func Read(r io.Reader, opts *Options) (*Message, error) {
	o := opts.withDefaults()
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok && int64(l.Len()) <= o.MaxMessageBytes {
		buf.Grow(l.Len() + bytes.MinRead) // one allocation for in-memory readers
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, o.MaxMessageBytes+1)); err != nil {
		return nil, fmt.Errorf("pec: read: %w", err)
	}
	raw := buf.Bytes()
	if int64(len(raw)) > o.MaxMessageBytes {
		return nil, &LimitError{Limit: "MaxMessageBytes", Max: o.MaxMessageBytes}
	}
	p := &parser{opts: o}
	return p.message(raw, 0)
}

// ReadFile is [ReadReaderAt] on the named file: a message up to
// Options.StreamAbove is read into memory as by [Read]; a larger one is verified
// and parsed in streaming mode, in bounded memory, and its large parts stay in
// the file ([Attachment.Open] opens it again). A name that is not a regular file
// (a pipe, a device) is read by Read.
func ReadFile(name string, opts *Options) (*Message, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("pec: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("pec: %w", err)
	}
	if !st.Mode().IsRegular() {
		return Read(f, opts)
	}
	return readAt(f, st.Size(), &source{name: name, size: st.Size()}, opts)
}

// ReadReaderAt is [Read] on the first size bytes of ra. A message up to
// Options.StreamAbove is read into memory, as by Read. A larger one is read in
// streaming mode: the signature is verified in one pass with
// envelope.VerifyReaderAt, and only the small parts are read into memory (the
// headers, the texts, daticert.xml and every part up to Options.LazyAbove, in
// postacert.eml too); larger attachments have Loaded false and are read from ra
// by [Attachment.Open], so ra must stay readable and unchanged while they are
// used. The result is the same Message as Read gives, but for those attachments;
// see the package doc (# Streaming) for the cases that still fall back to memory.
func ReadReaderAt(ra io.ReaderAt, size int64, opts *Options) (*Message, error) {
	return readAt(ra, size, &source{ra: ra}, opts)
}

// skipFromLine removes a leading mbox "From " line.
func skipFromLine(raw []byte) []byte {
	if !bytes.HasPrefix(raw, []byte("From ")) {
		return raw
	}
	if i := bytes.IndexByte(raw, '\n'); i >= 0 {
		return raw[i+1:]
	}
	return nil
}

// message reads one message at nesting depth depth.
func (p *parser) message(raw []byte, depth int) (*Message, error) {
	raw = skipFromLine(raw)
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrNotMessage)
	}
	saved := p.findings
	p.findings = nil
	defer func() { p.findings = saved }()

	hdr, _ := splitHeader(raw)
	m, err := p.newMessage(hdr)
	if err != nil {
		return nil, err
	}

	// Signature.
	m.Verification = envelope.Verify(raw, p.verifyOptions())

	// The content: the signed entity that was verified when there is one, else the
	// whole message.
	var root *entity
	signed := false
	if s := m.Verification.Signed; s != nil {
		root = p.parseTree(s.Entity, "", 0)
		signed = root != nil
		if s.Wrapping == envelope.WrapMessage {
			// A gateway forwarded the PEC message as an attachment: its own header is
			// the one that says what it is.
			if h, err := readHeader(s.Header); err == nil && h.Len() > 0 {
				m.Header = mail.Header{Header: h}
				m.Subject = headerText(m.Header, "Subject")
				m.Keys.MessageID = stripAngles(h.Get("Message-Id"))
				m.Keys.RiferimentoMessageID = stripAngles(h.Get("X-Riferimento-Message-Id"))
				m.RealSender = realSender(m.Header)
			}
		}
	}
	if root == nil {
		root = p.parseTree(raw, "", 0)
	}
	return p.finish(m, root, signed, depth, nil), nil
}

// newMessage parses the top-level header block of a message (without the blank
// line) into a new Message.
func (p *parser) newMessage(hdr []byte) (*Message, error) {
	if len(hdr) > p.opts.MaxHeaderBytes {
		return nil, &LimitError{Limit: "MaxHeaderBytes", Max: int64(p.opts.MaxHeaderBytes)}
	}
	h, herr := readHeader(hdr)
	if h.Len() == 0 {
		if herr != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotMessage, herr)
		}
		return nil, fmt.Errorf("%w: no header", ErrNotMessage)
	}
	m := &Message{Header: mail.Header{Header: h}}
	m.Subject = headerText(m.Header, "Subject")
	m.Keys.MessageID = stripAngles(h.Get("Message-Id"))
	m.Keys.RiferimentoMessageID = stripAngles(h.Get("X-Riferimento-Message-Id"))
	m.RealSender = realSender(m.Header)
	return m, nil
}

// finish reads the content of m from the entity tree root (the signed entity when
// signed), classifies m and merges the findings. lz is nil for a message in
// memory; in streaming mode it tells which parts were left in the source.
func (p *parser) finish(m *Message, root *entity, signed bool, depth int, lz *lazyParts) *Message {
	var c contents
	if root != nil {
		p.collect(root, &c)
	}
	for _, t := range c.texts {
		if pt := lz.part(t); pt != nil {
			p.find(CodeLimitReached, "part %s: %s text of %d bytes over LazyAbove (%d), not loaded", pathName(t.path), t.mediaType, pt.Size(), p.opts.LazyAbove)
			continue
		}
		m.Texts = append(m.Texts, Text{ContentType: t.mediaType, Charset: t.params["charset"], Text: p.decodeText(t)})
	}

	// daticert.xml.
	dat := p.pickDaticert(c.leaves)
	if dat != nil {
		m.DaticertSigned = signed
		if !signed {
			p.find(CodeDaticertUnsigned, "daticert.xml (part %s) is not inside a signed entity", pathName(dat.path))
		}
		var cert *daticert.Cert
		var err error
		rc := m.Verification.Daticert
		if pt := lz.part(dat); pt != nil {
			// Over LazyAbove: only the copy envelope read (and parsed) can be used.
			if rc == nil || !signed {
				err = fmt.Errorf("daticert.xml of %d bytes over LazyAbove (%d), not loaded", pt.Size(), p.opts.LazyAbove)
			}
			cert = rc
		} else {
			data := p.decode(dat, false)
			if signed && rc != nil && bytes.Equal(rc.Raw, data) {
				cert = rc // the part envelope parsed: parse it once
			} else {
				cert, err = daticert.Parse(data, nil)
			}
		}
		if err != nil {
			m.DaticertErr = err
			p.find(CodeDaticertUnparsable, "%v", err)
		} else {
			m.Daticert = cert
			if verr := cert.Validate(); verr != nil {
				if ve, ok := verr.(*daticert.ValidationError); ok {
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
	post := p.pickPostacert(c.leaves)
	for _, e := range c.leaves {
		var a Attachment
		if pt := lz.part(e); pt != nil {
			a = lz.attachment(p, e, pt, e == post || e.mediaType == "message/rfc822", depth)
		} else {
			a = Attachment{Name: e.filename, ContentType: e.mediaType, Data: p.decode(e, false), Loaded: true}
			a.Size = int64(len(a.Data))
			if e == post || e.mediaType == "message/rfc822" {
				a.Message = p.attached(e, depth, func() (*Message, error) { return p.message(a.Data, depth+1) })
			}
		}
		if e == post {
			m.Original = a.Message
		}
		m.Attachments = append(m.Attachments, a)
	}

	// Classification.
	p.classify(m, post != nil)

	// Consistency of the parts with each other.
	p.crossCheck(m)
	rfs, blocked := checkRules(m)
	p.findings = append(p.findings, rfs...)

	m.Certified = !blocked && m.Verification.Status == envelope.StatusValid &&
		((m.Daticert != nil && m.DaticertSigned && m.Source == receipt.SourceDaticert) ||
			(m.Kind == receipt.KindAnomalia && m.Daticert == nil && signed))

	// Findings: verification, classification, then reading.
	var all []Finding
	for _, f := range m.Verification.Findings {
		all = mergeFindings(all, Finding{Code: f.Code, Detail: f.Detail})
	}
	all = mergeFindings(all, m.Findings...)
	m.Findings = mergeFindings(all, p.findings...)
	return m
}

// attached parses an attached message one level down with read, or reports why it
// cannot.
func (p *parser) attached(e *entity, depth int, read func() (*Message, error)) *Message {
	if depth+1 > p.opts.MaxDepth {
		p.find(CodeLimitReached, "part %s: attached message over MaxDepth (%d), not parsed", pathName(e.path), p.opts.MaxDepth)
		return nil
	}
	sub, err := read()
	if err != nil {
		p.find(CodePostacertUnreadable, "part %s (%s): %v", pathName(e.path), e.filename, err)
		return nil
	}
	if sub.Kind != receipt.KindNotPEC {
		p.find(CodeNestedPEC, "part %s (%s) is a PEC message of kind %s; it is not authoritative here", pathName(e.path), e.filename, sub.Kind)
	}
	return sub
}

// contents are the entities of a message body, outside attached messages.
type contents struct {
	texts  []*entity // body texts
	leaves []*entity // every other leaf, in document order
}

// collect sorts the leaves of the tree under e into body texts and attachments, in
// document order. It never descends into message/rfc822 parts.
func (p *parser) collect(e *entity, c *contents) {
	if strings.HasPrefix(e.mediaType, "multipart/") {
		for i, ch := range e.children {
			if e.mediaType == "multipart/signed" && i > 0 {
				// The signature part of a nested or user-signed entity is not content,
				// but keep it reachable as an attachment.
				c.leaves = append(c.leaves, leafs(ch)...)
				continue
			}
			p.collect(ch, c)
		}
		return
	}
	if (e.mediaType == "text/plain" || e.mediaType == "text/html") && e.filename == "" && e.disposition != "attachment" {
		c.texts = append(c.texts, e)
		return
	}
	c.leaves = append(c.leaves, e)
}

func leafs(e *entity) []*entity {
	if len(e.children) == 0 {
		return []*entity{e}
	}
	var out []*entity
	for _, ch := range e.children {
		out = append(out, leafs(ch)...)
	}
	return out
}

// pickDaticert locates daticert.xml: an XML part named daticert.xml first, then any
// part with that name.
func (p *parser) pickDaticert(leaves []*entity) *entity {
	var byType, byName []*entity
	for _, e := range leaves {
		if !strings.EqualFold(e.filename, "daticert.xml") {
			continue
		}
		if e.mediaType == "application/xml" || e.mediaType == "text/xml" {
			byType = append(byType, e)
		} else {
			byName = append(byName, e)
		}
	}
	all := append(byType, byName...)
	if len(all) == 0 {
		return nil
	}
	if len(all) > 1 {
		p.find(CodeDaticertMultiple, "%d parts named daticert.xml; part %s used", len(all), pathName(all[0].path))
	}
	if len(byType) == 0 {
		p.find(CodeDaticertByName, "daticert.xml (part %s) has content type %s", pathName(all[0].path), all[0].mediaType)
	}
	return all[0]
}

// pickPostacert locates postacert.eml: a message/rfc822 part first (preferring one
// named postacert.eml), then a part named postacert.eml, then any part named *.eml.
func (p *parser) pickPostacert(leaves []*entity) *entity {
	var rfc, named, eml []*entity
	for _, e := range leaves {
		switch {
		case e.mediaType == "message/rfc822":
			if strings.EqualFold(e.filename, "postacert.eml") {
				rfc = append([]*entity{e}, rfc...)
			} else {
				rfc = append(rfc, e)
			}
		case strings.EqualFold(e.filename, "postacert.eml"):
			named = append(named, e)
		case strings.HasSuffix(strings.ToLower(e.filename), ".eml"):
			eml = append(eml, e)
		}
	}
	switch {
	case len(rfc) > 0:
		if len(rfc) > 1 {
			p.find(CodePostacertMultiple, "%d message/rfc822 parts; part %s used as postacert.eml", len(rfc), pathName(rfc[0].path))
		}
		return rfc[0]
	case len(named) > 0:
		p.find(CodePostacertByName, "postacert.eml (part %s) has content type %s", pathName(named[0].path), named[0].mediaType)
		return named[0]
	case len(eml) > 0:
		p.find(CodePostacertByName, "part %s (%s, %s) used as postacert.eml", pathName(eml[0].path), eml[0].filename, eml[0].mediaType)
		return eml[0]
	}
	return nil
}

// headerText returns the decoded value of a header field, the raw value when it does
// not decode.
func headerText(h mail.Header, key string) string {
	v, err := h.Text(key)
	if err != nil {
		return h.Get(key)
	}
	return v
}

// stripAngles trims white space and one pair of angle brackets.
func stripAngles(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		s = s[1 : len(s)-1]
	}
	return strings.TrimSpace(s)
}

// realSender returns the address in a From display name "Per conto di: <addr>" (or
// the RFC 6109 rendering "On behalf of: <addr>"), "" when there is none.
func realSender(h mail.Header) string {
	var name string
	if list, err := h.AddressList("From"); err == nil && len(list) > 0 {
		name = list[0].Name
	} else {
		// An unparsable From: take the text before the angle-addr.
		v := headerText(h, "From")
		if i := strings.LastIndexByte(v, '<'); i > 0 {
			name = strings.Trim(strings.TrimSpace(v[:i]), `"`)
		}
	}
	for _, prefix := range []string{"per conto di:", "on behalf of:"} {
		if len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			s := strings.TrimSpace(name[len(prefix):])
			return stripAngles(strings.Trim(s, `"`))
		}
	}
	return ""
}

// verifyOptions returns the options for envelope.Verify: the caller's, with the
// message size limit raised to MaxMessageBytes when the caller left it unset.
func (p *parser) verifyOptions() *envelope.VerifyOptions {
	var vo envelope.VerifyOptions
	if p.opts.Verify != nil {
		vo = *p.opts.Verify
	}
	if vo.Limits.MaxMessageBytes == 0 && p.opts.MaxMessageBytes > envelope.DefaultMaxMessageBytes {
		vo.Limits.MaxMessageBytes = int(p.opts.MaxMessageBytes)
	}
	return &vo
}
