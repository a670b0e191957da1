package pec

import (
	"strings"
	"time"

	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/receipt"
)

// crossCheck compares the parts of m with each other (pec-spec.md §10.4 step 6).
func (p *parser) crossCheck(m *Message) {
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
	if !c.Date.IsZero() {
		if d, err := mime.ParseDate(m.Header.Get("Date")); err == nil && !d.IsZero() && !near(d, c.Date) {
			p.find(CodeDateMismatch, "Date %s, daticert data %s", d.Format(time.RFC3339), c.Date.Format(time.RFC3339))
		}
	}
}

func near(a, b time.Time) bool {
	d := a.Sub(b)
	return d <= DateTolerance && d >= -DateTolerance
}
