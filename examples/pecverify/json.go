package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"time"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
)

// The JSON output format, one object per message. This is a public contract: keys are
// only ever added.
type jsonMessage struct {
	Path        string `json:"path"`
	Kind        string `json:"kind"`
	Virus       bool   `json:"virus"`
	ReceiptForm string `json:"receipt_form"`
	// RequestedForm is the delivery receipt form the sender asked for (daticert
	// ricevuta, else X-TipoRicevuta), "" when not stated.
	RequestedForm string        `json:"requested_form"`
	Signature     jsonSignature `json:"signature"`
	Daticert      *jsonDaticert `json:"daticert"`
	Findings      []jsonFinding `json:"findings"`
	Certified     bool          `json:"certified"`
	Subject       string        `json:"subject"`
	RealSender    string        `json:"real_sender"`
	// Original is postacert.eml (the original message of an envelope, the received
	// message of an anomaly envelope, the copy in a completa receipt), nil when absent.
	Original *jsonNested `json:"original"`
	// Attachments are every leaf part that is not a body text, daticert.xml and
	// postacert.eml included, in order.
	Attachments []*jsonAttachment `json:"attachments"`
	// SHA256 is the hex SHA-256 of the message as stored in its source.
	SHA256 string `json:"sha256"`
	// Error is set only on the record of a message that could not be read.
	Error string `json:"error,omitempty"`
}

// jsonNested is an attached message: postacert.eml ("original") or another
// message/rfc822 part (an attachment's "message").
type jsonNested struct {
	Subject     string            `json:"subject"`
	From        string            `json:"from"`
	MessageID   string            `json:"message_id"`
	Kind        string            `json:"kind"`
	Certified   bool              `json:"certified"`
	Attachments []*jsonAttachment `json:"attachments"`
}

type jsonAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	// Size is the size of the decoded content, SHA256 its hex SHA-256; -1 and ""
	// when the content could not be read.
	Size    int64       `json:"size"`
	SHA256  string      `json:"sha256"`
	Message *jsonNested `json:"message"`
}

type jsonSignature struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
	// ReasonCode is the stable code of Reason ("" when valid).
	ReasonCode  string `json:"reason_code"`
	Signer      string `json:"signer"`
	Provider    string `json:"provider"`
	SigningTime string `json:"signing_time"`
	Digest      string `json:"digest"`
}

type jsonDaticert struct {
	Tipo             string          `json:"tipo"`
	Errore           string          `json:"errore"`
	Mittente         string          `json:"mittente"`
	Destinatari      []jsonRecipient `json:"destinatari"`
	Risposte         string          `json:"risposte"`
	Oggetto          string          `json:"oggetto"`
	GestoreEmittente string          `json:"gestore_emittente"`
	Data             string          `json:"data"`
	Identificativo   string          `json:"identificativo"`
	MsgID            string          `json:"msgid"`
	Ricevuta         string          `json:"ricevuta"`
	Consegna         string          `json:"consegna"`
	Ricezione        []string        `json:"ricezione"`
	ErroreEsteso     string          `json:"errore_esteso"`
}

type jsonRecipient struct {
	Address string `json:"address"`
	Tipo    string `json:"tipo"`
}

type jsonFinding struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// toJSON is the record of message m, read from locator path, whose bytes as stored
// have SHA-256 sum. It reads every attachment (Attachment.Open) to hash it.
func toJSON(path string, m *pec.Message, sum [32]byte) *jsonMessage {
	v := m.Verification
	out := &jsonMessage{
		Path:          path,
		Kind:          string(m.Kind),
		Virus:         m.Virus,
		ReceiptForm:   string(m.Form),
		RequestedForm: string(m.RequestedForm),
		Signature: jsonSignature{
			Status:      v.Status.String(),
			Provider:    v.Provider,
			SigningTime: utc(v.SigningTime),
			Digest:      digestName(v),
		},
		Findings:   []jsonFinding{},
		Certified:  m.Certified,
		Subject:    m.Subject,
		RealSender: m.RealSender,
	}
	if v.Err != nil {
		out.Signature.Reason = v.Err.Error()
		out.Signature.ReasonCode = envelope.ReasonCode(v.Err)
	}
	if v.Signer != nil {
		out.Signature.Signer = v.Signer.Subject.String()
	}
	for _, f := range m.Findings {
		out.Findings = append(out.Findings, jsonFinding{Code: f.Code, Detail: f.Detail})
	}
	if c := m.Daticert; c != nil {
		d := &jsonDaticert{
			Tipo:             string(c.Type),
			Errore:           string(c.Error),
			Mittente:         c.Sender,
			Destinatari:      []jsonRecipient{},
			Risposte:         c.ReplyTo,
			Oggetto:          c.Subject,
			GestoreEmittente: c.Provider,
			Identificativo:   c.ID,
			MsgID:            c.MsgID,
			Ricevuta:         string(c.Receipt),
			Consegna:         c.Delivery,
			Ricezione:        []string{},
			ErroreEsteso:     c.ExtendedError,
		}
		if !c.Date.IsZero() {
			d.Data = c.Date.Format(time.RFC3339)
		}
		for _, r := range c.Recipients {
			d.Destinatari = append(d.Destinatari, jsonRecipient{Address: r.Address, Tipo: string(r.Type)})
		}
		d.Ricezione = append(d.Ricezione, c.Receptions...)
		out.Daticert = d
	}
	nested := map[*pec.Message]*jsonNested{}
	out.Attachments = attachmentsJSON(m.Attachments, nested)
	if m.Original != nil {
		out.Original = nestedJSON(m.Original, nested)
	}
	out.SHA256 = hex.EncodeToString(sum[:])
	return out
}

// errorJSON is the record of a message that could not be read: every key of the
// contract is there, empty, with certified false and the error.
func errorJSON(path string, err error) *jsonMessage {
	return &jsonMessage{
		Path:        path,
		Findings:    []jsonFinding{},
		Attachments: []*jsonAttachment{},
		Error:       errorText(err),
	}
}

// nestedJSON describes an attached message; seen holds those already described, so
// postacert.eml, both Original and an attachment, is read and hashed once.
func nestedJSON(m *pec.Message, seen map[*pec.Message]*jsonNested) *jsonNested {
	if n, ok := seen[m]; ok {
		return n
	}
	n := &jsonNested{
		Subject:   m.Subject,
		MessageID: m.Keys.MessageID,
		Kind:      string(m.Kind),
		Certified: m.Certified,
	}
	seen[m] = n
	if from, err := m.Header.Text("From"); err == nil {
		n.From = from
	} else {
		n.From = m.Header.Get("From")
	}
	n.Attachments = attachmentsJSON(m.Attachments, seen)
	return n
}

func attachmentsJSON(atts []pec.Attachment, seen map[*pec.Message]*jsonNested) []*jsonAttachment {
	out := make([]*jsonAttachment, 0, len(atts))
	for i := range atts {
		a := &atts[i]
		j := &jsonAttachment{Name: a.Name, ContentType: a.ContentType, Size: -1}
		if n, sum, err := hashAttachment(a); err == nil {
			j.Size, j.SHA256 = n, sum
		}
		if a.Message != nil {
			j.Message = nestedJSON(a.Message, seen)
		}
		out = append(out, j)
	}
	return out
}

// hashAttachment returns the size and the hex SHA-256 of a's decoded content.
func hashAttachment(a *pec.Attachment) (int64, string, error) {
	r, err := a.Open()
	if err != nil {
		return 0, "", err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// digestName is the message digest algorithm of the signature as the JSON contract
// names it: "sha1", "sha256", "sha384" or "sha512" (lower case, no hyphen, like
// openssl's -md names); "" when unknown.
func digestName(v *envelope.Report) string {
	return strings.ReplaceAll(v.DigestName, "-", "")
}
