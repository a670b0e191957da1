package pec

import (
	"sort"
	"strings"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/receipt"
)

// State is the delivery state of one recipient of a transmission, as the receipts
// and notices received so far tell it.
type State string

// The states of a recipient, from the least to the most advanced. StateDelivered and
// StateFailed are final; StateTimeout is final for the provider, though a late
// delivery receipt still wins.
const (
	// StatePending: accepted (or only seen in an envelope), no news yet.
	StatePending State = "pending"
	// StateOrdinary: an ordinary (non-PEC) recipient, daticert tipo="esterno": no
	// receipt will ever come.
	StateOrdinary State = "ordinary"
	// StateTakenOver: the recipient's provider sent a presa in carico.
	StateTakenOver State = "taken-over"
	// StateTimeoutWarning: the 12-hour preavviso-errore-consegna arrived; delivery
	// may still happen.
	StateTimeoutWarning State = "timeout-warning"
	// StateTimeout: the 24-hour notice arrived (errore-esteso starting with 5.4.1, or
	// a second notice): the provider gave up.
	StateTimeout State = "timeout"
	// StateDelivered: a delivery receipt (avvenuta-consegna) arrived.
	StateDelivered State = "delivered"
	// StateFailed: a non-delivery notice (errore-consegna, for virus too) arrived.
	StateFailed State = "failed"
)

func (s State) rank() int {
	switch s {
	case StateTakenOver:
		return 1
	case StateTimeoutWarning:
		return 2
	case StateTimeout:
		return 3
	case StateDelivered, StateFailed:
		return 4
	}
	return 0
}

// Recipient is the state of one recipient of a transmission.
type Recipient struct {
	Address string
	Type    daticert.RecipientType // certificato or esterno
	State   State
	Virus   bool     // a virus was reported for this recipient
	Error   string   // errore-esteso of the last failure or timeout notice
	Events  []*Event // the messages about this recipient, in the order added
}

// Event is one certified message added to a [Tracker].
type Event struct {
	Kind    receipt.Kind
	Message *Message
}

// Transmission is everything a [Tracker] knows about one PEC message: its
// identificativo, the receipts and notices about it, and each recipient's state.
type Transmission struct {
	ID       string // daticert identificativo
	MsgID    string // daticert msgid (the client's Message-ID)
	Sender   string // daticert mittente
	Subject  string // daticert oggetto
	Accepted bool   // an acceptance receipt or a transport envelope was seen
	Rejected bool   // a non-acceptance notice was seen
	// Recipients in daticert order (destinatari), then any other address named by
	// consegna or ricezione.
	Recipients []*Recipient
	// Events are every message added, in order.
	Events []*Event
}

// Recipient returns the recipient with address addr (case-insensitive), or nil.
func (t *Transmission) Recipient(addr string) *Recipient {
	for _, r := range t.Recipients {
		if strings.EqualFold(r.Address, addr) {
			return r
		}
	}
	return nil
}

// Tracker correlates receipts and notices with the transmission they are about, by
// the signed daticert identificativo (pec-spec.md §7), and keeps each recipient's
// delivery state. It only trusts certified messages: [Tracker.Add] ignores the
// others. The zero value is not usable; use [NewTracker]. A Tracker is not safe for
// concurrent use.
type Tracker struct {
	byID map[string]*Transmission
}

// NewTracker returns an empty Tracker.
func NewTracker() *Tracker { return &Tracker{byID: map[string]*Transmission{}} }

// Add records a message. It returns false, and records nothing, when the message is
// not certified or has no daticert identificativo (anomaly envelopes, ordinary mail).
func (tr *Tracker) Add(m *Message) bool {
	if m == nil || !m.Certified || m.Daticert == nil || m.Daticert.ID == "" {
		return false
	}
	c := m.Daticert
	t := tr.byID[c.ID]
	if t == nil {
		t = &Transmission{ID: c.ID, MsgID: c.MsgID, Sender: c.Sender, Subject: c.Subject}
		for _, r := range c.Recipients {
			if t.Recipient(r.Address) != nil {
				continue
			}
			st := StatePending
			if r.Type == daticert.RecipientEsterno {
				st = StateOrdinary
			}
			t.Recipients = append(t.Recipients, &Recipient{Address: r.Address, Type: r.Type, State: st})
		}
		tr.byID[c.ID] = t
	}
	ev := &Event{Kind: m.Kind, Message: m}
	t.Events = append(t.Events, ev)

	switch m.Kind {
	case receipt.KindAccettazione, receipt.KindPostaCertificata:
		t.Accepted = true
	case receipt.KindNonAccettazione:
		t.Rejected = true
	case receipt.KindPresaInCarico:
		for _, a := range c.Receptions {
			tr.advance(t, a, StateTakenOver, ev, m)
		}
	case receipt.KindAvvenutaConsegna:
		tr.advance(t, c.Delivery, StateDelivered, ev, m)
	case receipt.KindErroreConsegna:
		tr.advance(t, c.Delivery, StateFailed, ev, m)
	case receipt.KindPreavvisoErroreConsegna:
		st := StateTimeoutWarning
		if r := t.Recipient(c.Delivery); strings.HasPrefix(c.ExtendedErrorCode(), "5.") ||
			(r != nil && r.State == StateTimeoutWarning) {
			st = StateTimeout
		}
		tr.advance(t, c.Delivery, st, ev, m)
	case receipt.KindRilevazioneVirus:
		if r := tr.recipient(t, c.Delivery); r != nil {
			r.Virus = true
			r.Events = append(r.Events, ev)
		}
	}
	return true
}

// recipient returns the recipient addr of t, adding it when unknown; nil for "".
func (tr *Tracker) recipient(t *Transmission, addr string) *Recipient {
	if addr == "" {
		return nil
	}
	r := t.Recipient(addr)
	if r == nil {
		r = &Recipient{Address: addr, Type: daticert.RecipientCertificato, State: StatePending}
		t.Recipients = append(t.Recipients, r)
	}
	return r
}

// advance records ev for addr and moves its state forward to st (never backward).
func (tr *Tracker) advance(t *Transmission, addr string, st State, ev *Event, m *Message) {
	r := tr.recipient(t, addr)
	if r == nil {
		return
	}
	r.Events = append(r.Events, ev)
	if m.Virus {
		r.Virus = true
	}
	if st == StateFailed || st == StateTimeout || st == StateTimeoutWarning {
		r.Error = m.Daticert.ExtendedError
	}
	if st.rank() > r.State.rank() {
		r.State = st
	}
}

// Transmission returns the transmission with identificativo id, or nil.
func (tr *Tracker) Transmission(id string) *Transmission { return tr.byID[id] }

// Transmissions returns every transmission, sorted by identificativo.
func (tr *Tracker) Transmissions() []*Transmission {
	out := make([]*Transmission, 0, len(tr.byID))
	for _, t := range tr.byID {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
