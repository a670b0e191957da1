package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// humanBlock is how many lines of the human output are aligned together: a block is
// printed when it is full, at the end, or when the output has waited humanIdle for
// the next record in order (a slow source: IMAP, a pipe), with column widths that
// only grow from one block to the next. Memory stays bounded, the lines of a fast
// run are aligned, and a line waits at most humanIdle after the next one's wait
// starts.
const humanBlock = 64

// humanIdle is how long the human output waits for the next record in order, with
// lines pending, before it writes them.
const humanIdle = 150 * time.Millisecond

// humanRow is one line of the human output (and, with -v, its details), every
// message-derived text already escaped by clean.
type humanRow struct {
	cols    [6]string // locator, kind, verdict, provider, signing time, subject
	details string
}

// humanWriter aligns the columns of the human output, block by block.
type humanWriter struct {
	w     io.Writer
	width [5]int
	block []humanRow
}

func (h *humanWriter) add(r humanRow) error {
	h.block = append(h.block, r)
	if len(h.block) >= humanBlock {
		return h.flush()
	}
	return nil
}

// pending reports whether lines wait for their block to be written.
func (h *humanWriter) pending() bool { return len(h.block) > 0 }

func (h *humanWriter) flush() error {
	for _, r := range h.block {
		for c := range h.width {
			h.width[c] = max(h.width[c], width(r.cols[c]))
		}
	}
	var b strings.Builder
	for _, r := range h.block {
		for c := range h.width {
			b.WriteString(r.cols[c])
			b.WriteString(strings.Repeat(" ", h.width[c]-width(r.cols[c])+2))
		}
		b.WriteString(r.cols[5])
		line := strings.TrimRight(b.String(), " ")
		b.Reset()
		b.WriteString(line)
		b.WriteByte('\n')
		b.WriteString(r.details)
		if _, err := io.WriteString(h.w, b.String()); err != nil {
			return err
		}
		b.Reset()
	}
	clear(h.block)
	h.block = h.block[:0]
	return nil
}

// rowFor is the human line of a message.
func rowFor(locator string, m *pec.Message, verbose bool) humanRow {
	r := humanRow{cols: [6]string{
		clean(locator), clean(kindLabel(m)), verdict(m),
		clean(orDash(m.Verification.Provider)), orDash(utc(m.Verification.SigningTime)), clean(m.Subject),
	}}
	if verbose {
		var b strings.Builder
		writeDetails(&b, m)
		r.details = b.String()
	}
	return r
}

// errorRow is the human line of a message that could not be read.
func errorRow(locator string, err error) humanRow {
	return humanRow{cols: [6]string{clean(locator), "-", "unreadable", "-", "-", errorText(err)}}
}

// kindLabel is the kind column: kind, "/virus" for virus variants, "/FORM" for the
// form of a delivery receipt.
func kindLabel(m *pec.Message) string {
	s := string(m.Kind)
	if m.Virus && m.Kind != receipt.KindRilevazioneVirus {
		s += "/virus"
	}
	if m.Kind == receipt.KindAvvenutaConsegna && m.Form != "" {
		s += "/" + string(m.Form)
	}
	return s
}

// verdict is certified, uncertified (valid signature, kind not resting on signed
// data) or the signature status.
func verdict(m *pec.Message) string {
	switch {
	case m.Certified:
		return "certified"
	case m.Verification.Status == envelope.StatusValid:
		return "uncertified"
	}
	return m.Verification.Status.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeDetails writes the -v lines of a message, every value escaped.
func writeDetails(w io.Writer, m *pec.Message) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "    %-18s %s\n", k+":", clean(v))
		}
	}
	v := m.Verification
	line("signature", v.Status.String())
	if v.Err != nil {
		line("reason", truncateRunes(v.Err.Error(), maxErrorRunes))
		line("reason code", envelope.ReasonCode(v.Err))
	}
	if v.Signer != nil {
		line("signer", v.Signer.Subject.String())
	}
	line("digest", digestName(v))
	line("real sender", m.RealSender)
	line("original subject", m.OriginalSubject)
	if c := m.Daticert; c != nil {
		line("tipo", fmt.Sprintf("%s (errore %s)", c.Type, c.Error))
		line("identificativo", c.ID)
		line("msgid", c.MsgID)
		line("mittente", c.Sender)
		for _, r := range c.Recipients {
			line("destinatario", fmt.Sprintf("%s (%s)", r.Address, r.Type))
		}
		line("data", c.Date.Format(time.RFC3339))
		line("gestore", c.Provider)
		line("ricevuta", string(c.Receipt))
		line("consegna", c.Delivery)
		for _, r := range c.Receptions {
			line("ricezione", r)
		}
		line("errore-esteso", c.ExtendedError)
	} else if m.DaticertErr != nil {
		line("daticert", truncateRunes(m.DaticertErr.Error(), maxErrorRunes))
	}
	if o := m.Original; o != nil {
		line("original", fmt.Sprintf("%s (%s)", o.Subject, o.Kind))
	}
	for _, f := range m.Findings {
		line("finding", f.Code+": "+f.Detail)
	}
}

// tally counts the records for the summary line: a few counters per kind, whatever
// the number of messages.
type tally struct {
	certified, notCertified int
	byKind                  map[string][2]int // kind (or "unreadable") -> certified, not certified
}

func (t *tally) add(kind string, certified bool) {
	if t.byKind == nil {
		t.byKind = map[string][2]int{}
	}
	c := t.byKind[kind]
	if certified {
		t.certified++
		c[0]++
	} else {
		t.notCertified++
		c[1]++
	}
	t.byKind[kind] = c
}

func (t *tally) total() int { return t.certified + t.notCertified }

// String is the summary line: "19 messages: 18 certified, 1 not certified;
// accettazione 3, not-pec 1 (1 not certified), ...", kinds in lexical order.
func (t *tally) String() string {
	kinds := make([]string, 0, len(t.byKind))
	for k := range t.byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	noun := "messages"
	if t.total() == 1 {
		noun = "message"
	}
	fmt.Fprintf(&b, "%d %s: %d certified, %d not certified", t.total(), noun, t.certified, t.notCertified)
	for i, k := range kinds {
		sep := ", "
		if i == 0 {
			sep = "; "
		}
		c := t.byKind[k]
		fmt.Fprintf(&b, "%s%s %d", sep, clean(k), c[0]+c[1])
		if c[1] > 0 {
			fmt.Fprintf(&b, " (%d not certified)", c[1])
		}
	}
	return b.String()
}
