package main

import (
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
}

type jsonSignature struct {
	Status      string `json:"status"`
	Reason      string `json:"reason"`
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

func toJSON(path string, m *pec.Message) jsonMessage {
	v := m.Verification
	out := jsonMessage{
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
	return out
}

// digestName is the message digest algorithm of the signature as the JSON contract
// names it: "sha1", "sha256", "sha384" or "sha512" (lower case, no hyphen, like
// openssl's -md names); "" when unknown.
func digestName(v *envelope.Report) string {
	return strings.ReplaceAll(v.DigestName, "-", "")
}
