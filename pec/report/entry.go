package report

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// DefaultMaxAttachments caps the attachments listed per message in an [Entry]
// (those of the message and of its postacert.eml together): 64. The rest are
// counted in Entry.MoreAttachments.
const DefaultMaxAttachments = 64

// EntryOptions configures [NewEntry]. Nil means the defaults.
type EntryOptions struct {
	// MaxAttachments caps the attachments listed; 0 means DefaultMaxAttachments.
	MaxAttachments int
}

// Cert is what the report shows of a certificate.
type Cert struct {
	Subject, Issuer string
	Serial          string // hexadecimal, colon-separated
	NotBefore       time.Time
	NotAfter        time.Time
}

// certOf summarises c.
func certOf(c *x509.Certificate) Cert {
	return Cert{Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: serialHex(c.SerialNumber), NotBefore: c.NotBefore, NotAfter: c.NotAfter}
}

func serialHex(n *big.Int) string {
	if n == nil {
		return ""
	}
	b := n.Bytes()
	if len(b) == 0 {
		return "00"
	}
	out := make([]byte, 0, len(b)*3)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = fmt.Appendf(out, "%02x", c)
	}
	return string(out)
}

// Attachment is one attachment listed in an [Entry].
type Attachment struct {
	Name        string // file name; for an attachment of postacert.eml, prefixed with "postacert.eml/"
	ContentType string
	Size        int64 // bytes of content; -1 when it could not be read
	// SHA256 is the digest of the content (transfer encoding removed); Hashed is
	// false when it could not be read (a source that changed since it was read).
	SHA256 [32]byte
	Hashed bool
}

// Entry is what the report keeps of one message: small and self-contained, so a
// report over many messages needs memory for the entries only, not the messages.
type Entry struct {
	Locator string   // where the message was found
	SHA256  [32]byte // digest of the message bytes as stored
	// ReadErr is the error of a message that could not be read at all (every other
	// field is then zero but Locator and SHA256).
	ReadErr string

	Kind      receipt.Kind
	Virus     bool
	Certified bool
	Status    envelope.Status
	// Reason is the sentinel error of the verification (nil when valid), one of
	// envelope's Err* values; ReasonDetail says what exactly failed.
	Reason       error
	ReasonDetail string
	Provider     string
	Signer       *Cert
	Chain        []Cert // signer first
	SigningTime  time.Time
	Daticert     *daticert.Cert // Raw cleared
	Findings     []pec.Finding
	Attachments  []Attachment
	// MoreAttachments counts the attachments over EntryOptions.MaxAttachments.
	MoreAttachments int
}

// NewEntry builds the entry of message m found at locator, whose bytes as stored
// have digest sum. A message that could not be read is given as m nil and readErr;
// NewEntry never fails: an attachment that cannot be read again is listed without
// digest.
func NewEntry(locator string, m *pec.Message, sum [32]byte, readErr error, opts *EntryOptions) Entry {
	e := Entry{Locator: locator, SHA256: sum}
	if m == nil {
		if readErr != nil {
			e.ReadErr = readErr.Error()
		}
		return e
	}
	max := DefaultMaxAttachments
	if opts != nil && opts.MaxAttachments > 0 {
		max = opts.MaxAttachments
	}
	e.Kind, e.Virus, e.Certified = m.Kind, m.Virus, m.Certified
	if v := m.Verification; v != nil {
		e.Status, e.Provider, e.SigningTime = v.Status, v.Provider, v.SigningTime
		var ve *envelope.VerifyError
		switch {
		case errors.As(v.Err, &ve):
			e.Reason, e.ReasonDetail = ve.Reason, ve.Detail
		case v.Err != nil:
			e.Reason, e.ReasonDetail = v.Err, v.Err.Error()
		}
		if v.Signer != nil {
			c := certOf(v.Signer)
			e.Signer = &c
		}
		for _, c := range v.Chain {
			e.Chain = append(e.Chain, certOf(c))
		}
	}
	if m.Daticert != nil {
		c := *m.Daticert
		c.Raw = nil
		e.Daticert = &c
	}
	e.Findings = append([]pec.Finding(nil), m.Findings...)
	add := func(prefix string, atts []pec.Attachment) {
		for i := range atts {
			if len(e.Attachments) >= max {
				e.MoreAttachments++
				continue
			}
			e.Attachments = append(e.Attachments, attachmentOf(prefix, &atts[i]))
		}
	}
	add("", m.Attachments)
	if m.Original != nil {
		add("postacert.eml/", m.Original.Attachments)
	}
	return e
}

// attachmentOf hashes one attachment, reading it in pieces when it was left in
// the source.
func attachmentOf(prefix string, a *pec.Attachment) Attachment {
	out := Attachment{Name: prefix + a.Name, ContentType: a.ContentType, Size: -1}
	if a.Loaded {
		out.SHA256, out.Size, out.Hashed = sha256.Sum256(a.Data), int64(len(a.Data)), true
		return out
	}
	rc, err := a.Open()
	if err != nil {
		return out
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return out
	}
	copy(out.SHA256[:], h.Sum(nil))
	out.Size, out.Hashed = n, true
	return out
}
