package pec

import (
	"strings"

	"github.com/sigillo/sigillo/envelope"

	"github.com/sigillo/sigillo/receipt"
)

// classify fills in the kind fields of m with receipt.Classify and merges its
// findings.
func (p *parser) classify(m *Message, hasPostacert bool) {
	body := &receipt.Body{Cert: m.Daticert, Original: hasPostacert}
	if m.Original != nil {
		body.OriginalHashed = hasHashParts(m.Original)
	}
	r := receipt.Classify(receipt.Input{Header: &m.Header, Body: body})
	m.Kind, m.Virus, m.Form, m.RequestedForm, m.Source = r.Kind, r.Virus, r.Form, r.RequestedForm, r.Source
	if r.Source == receipt.SourceSubject && m.Verification.Status != envelope.StatusValid {
		// Anyone can write "CONSEGNA: " in a subject: without a valid provider signature
		// a subject prefix alone does not make a PEC message (receipt.Classify's advice).
		m.Kind, m.Virus, m.Form, m.Source = receipt.KindNotPEC, false, "", receipt.SourceNone
	}
	m.OriginalSubject = m.Subject
	if r.Subject.Kind != "" {
		m.OriginalSubject = r.Subject.Original
	}
	for _, f := range r.Findings {
		m.Findings = mergeFindings(m.Findings, Finding{Code: f.Code, Detail: f.Detail})
	}
}

// hasHashParts reports whether an original carries the "*.hash" text parts that
// replace attachments in a breve delivery receipt (DM 2 novembre 2005, annex).
func hasHashParts(m *Message) bool {
	for _, a := range m.Attachments {
		if strings.HasSuffix(strings.ToLower(a.Name), ".hash") && strings.HasPrefix(a.ContentType, "text/") {
			return true
		}
	}
	return false
}
