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
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/receipt"
)

// DateTolerance is the default of how far the Date header may be from the
// daticert data, and either from the signingTime, before a finding: the default
// tolerance of the envelope package (VerifyOptions.TimeTolerance overrides it).
// The rules want one time value per event (DM 2 novembre 2005, annex, 6.4); the
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
	// data: the kind comes from a daticert.xml that is a direct part of the signed
	// entity, or the message is an anomaly envelope of the anomaly shape (which has
	// no daticert: its signed entity is the only evidence). See the package doc,
	// # Certified.
	Certified bool
	// Blockers are the reasons why Certified is false, each with a stable code
	// (empty when Certified). Those about the placement of the signed data are
	// also in Findings.
	Blockers []Finding
}

// Keys are the correlation keys of a message, in order of strength: the signed
// identificativo, the signed msgid, then the unsigned header fields.
// Angle brackets are removed.
type Keys struct {
	ID                   string // daticert identificativo (signed)
	MsgID                string // daticert msgid, the sender's Message-ID (signed)
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
	// Loaded is true when Data holds the content. It is false only for a part
	// over Options.LazyAbove of a message read by [ReadFile] or [ReadReaderAt].
	Loaded bool
	// Size is the size of the content, transfer encoding removed, whether loaded
	// or not (for a part left in the source it is computed by decoding the part in
	// small pieces while reading the message).
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
// data, its verification report, its original message and its findings. r is read
// into memory (it cannot be read twice); [ReadFile] and [ReadReaderAt] read the
// same way in bounded memory. The three give the same Message, but for
// Attachment.Data and Loaded.
//
// Problems with the message (no signature, no daticert.xml, an envelope without
// postacert.eml, contradictory headers) are reported as findings and never as an
// error. Read returns an error only when it cannot read a message at all: an I/O
// error from r, a message over one of the [Limits] (an error matching
// [ErrTooLarge]), or input that is not a mail message ([ErrNotMessage]).
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
	return p.message(memSource(raw), 0, int64(len(raw)), 0)
}

// ReadFile is [ReadReaderAt] on the named file; [Attachment.Open] opens the file
// again. A name that is not a regular file (a pipe, a device) is read by [Read].
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
	o := opts.withDefaults()
	if st.Size() > o.MaxMessageBytes {
		return nil, &LimitError{Limit: "MaxMessageBytes", Max: o.MaxMessageBytes}
	}
	p := &parser{opts: o}
	return p.message(&source{ra: f, name: name, size: st.Size()}, 0, st.Size(), 0)
}

// ReadReaderAt is [Read] on the first size bytes of ra, in bounded memory: one
// pass verifies the signature and lists the parts, then only the headers, the
// texts, daticert.xml and the parts up to Options.LazyAbove are read into
// memory; larger attachments have Loaded false and are read from ra by
// [Attachment.Open], so ra must stay readable and unchanged while they are used.
// Attached messages (postacert.eml) are read the same way, from ra.
func ReadReaderAt(ra io.ReaderAt, size int64, opts *Options) (*Message, error) {
	o := opts.withDefaults()
	if size > o.MaxMessageBytes {
		return nil, &LimitError{Limit: "MaxMessageBytes", Max: o.MaxMessageBytes}
	}
	p := &parser{opts: o}
	return p.message(&source{ra: ra}, 0, size, 0)
}

// headerText returns the RFC 2047-decoded value of a header field.
func headerText(h mail.Header, key string) string {
	return mime.DecodeWords(h.Get(key))
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
