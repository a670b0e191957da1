package pec

import (
	"strings"
	"time"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/receipt"
)

// crossCheck compares the parts of m with each other and with the signing time
// (DM 2 novembre 2005, annex, one time value per event): every cross-check of
// times and parts lives here, with the tolerance of the verify options.
func (p *parser) crossCheck(m *Message) {
	tol := time.Duration(p.tolerance())
	near := func(a, b time.Time) bool {
		d := a.Sub(b)
		return d <= tol && d >= -tol
	}
	date, derr := mime.ParseDate(m.Header.Get("Date"))
	hasDate := derr == nil && !date.IsZero()
	if st := m.Verification.SigningTime; !st.IsZero() && m.Verification.Signed != nil {
		if hasDate && !near(date, st) {
			p.find(envelope.FindingTimeSkewDate, "Date %s differs from signingTime %s by %s", date.UTC().Format(time.RFC3339), st.UTC().Format(time.RFC3339), date.Sub(st))
		}
		if c := m.Daticert; c != nil && m.DaticertSigned && !c.Date.IsZero() && !near(c.Date, st) {
			p.find(envelope.FindingTimeSkewDaticert, "daticert data %s differs from signingTime %s by %s", c.Date.UTC().Format(time.RFC3339), st.UTC().Format(time.RFC3339), c.Date.Sub(st))
		}
	}
	c := m.Daticert
	if c == nil {
		return
	}
	if m.Kind == receipt.KindPostaCertificata && m.Keys.MessageID != "" && c.ID != "" &&
		m.Keys.MessageID != c.ID {
		p.find(CodeIDMismatch, "Message-ID <%s>, daticert identificativo %q", m.Keys.MessageID, c.ID)
	}
	if m.Keys.RiferimentoMessageID != "" && c.MsgID != "" && m.Keys.RiferimentoMessageID != c.MsgID {
		p.find(CodeMsgIDMismatch, "X-Riferimento-Message-ID <%s>, daticert msgid <%s>", m.Keys.RiferimentoMessageID, c.MsgID)
	}
	if m.RealSender != "" && c.Sender != "" && !strings.EqualFold(m.RealSender, c.Sender) {
		p.find(CodeSenderMismatch, "From says \"Per conto di: %s\", daticert mittente %q", m.RealSender, c.Sender)
	}
	if !c.Date.IsZero() && hasDate && !near(date, c.Date) {
		p.find(CodeDateMismatch, "Date %s, daticert data %s", date.Format(time.RFC3339), c.Date.Format(time.RFC3339))
	}
}
