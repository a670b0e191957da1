package pec

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/receipt"
)

// State is the delivery state of one recipient of a transmission, as the certified
// receipts and notices recorded so far tell it.
type State string

// The states of a recipient. StateDelivered, StateFailed, StateTimeout and
// StateRejected are final; a late delivery receipt still wins over StateTimeout.
const (
	// StatePending: accepted (or only known from a receipt about another recipient),
	// no news yet.
	StatePending State = "pending"
	// StateOrdinary: an ordinary (non-PEC) recipient, daticert tipo="esterno": no
	// receipt will ever come, and it is never overdue.
	StateOrdinary State = "ordinary"
	// StateTakenOver: the recipient's provider sent a presa in carico.
	StateTakenOver State = "taken-over"
	// StateTimeoutWarning: the 12-hour preavviso-errore-consegna arrived; delivery
	// may still happen.
	StateTimeoutWarning State = "timeout-warning"
	// StateTimeout: the 24-hour notice arrived: the provider gave up.
	StateTimeout State = "timeout"
	// StateDelivered: a delivery receipt (avvenuta-consegna) arrived.
	StateDelivered State = "delivered"
	// StateFailed: a non-delivery notice (errore-consegna, for a virus too) arrived.
	StateFailed State = "failed"
	// StateRejected: the sender's provider did not accept the message
	// (non-accettazione): it was sent to nobody.
	StateRejected State = "rejected"
)

// Final reports whether s is a final state: no receipt is expected any more.
func (s State) Final() bool {
	switch s {
	case StateDelivered, StateFailed, StateTimeout, StateRejected, StateOrdinary:
		return true
	}
	return false
}

// Deadlines of the technical rules (DM 2/11/2005 annex, the 12 h and 24 h notices;
// RFC 6109 §3.3.2), counted from the acceptance time.
const (
	// WarningAfter: the sender's provider sends the first preavviso-errore-consegna
	// when neither a presa in carico nor a delivery receipt came within 12 hours.
	WarningAfter = 12 * time.Hour
	// FinalAfter: without a delivery receipt within 24 hours the sender's provider
	// sends the final notice and stops tracking the message.
	FinalAfter = 24 * time.Hour
	// finalNoticeAfter: the final notice is sent "before the 24 h mark but not
	// earlier than 22 h"; a notice this late after the acceptance is the final one.
	finalNoticeAfter = 22 * time.Hour
)

// Evidence is one place a message was found: a locator (a path, "path#N" in an mbox,
// an IMAP URL...) and the SHA-256 of the message bytes as stored there.
type Evidence struct {
	Locator string
	SHA256  [32]byte
}

type evidenceJSON struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// MarshalJSON writes {"path": ..., "sha256": "<64 hex digits>"}.
func (e Evidence) MarshalJSON() ([]byte, error) {
	return json.Marshal(evidenceJSON{Path: e.Locator, SHA256: hex.EncodeToString(e.SHA256[:])})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *Evidence) UnmarshalJSON(b []byte) error {
	var v evidenceJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	sum, err := hex.DecodeString(v.SHA256)
	if err != nil || len(sum) != 32 {
		return fmt.Errorf("%w: sha256 %q is not 64 hex digits", ErrTrackerData, v.SHA256)
	}
	e.Locator = v.Path
	copy(e.SHA256[:], sum)
	return nil
}

// ErrTrackerData is returned (wrapped) by [Tracker.UnmarshalJSON] for data it did
// not write.
var ErrTrackerData = errors.New("pec: invalid tracker data")

// Event is one signed event: a receipt, a notice or an envelope, as the provider
// certified it in daticert.xml. Copies of the same event (the same file read twice,
// a copy in another folder, an LF copy) are one Event with several Evidence.
type Event struct {
	Kind receipt.Kind `json:"kind"`
	// Time is the daticert data: the instant the provider certified.
	Time time.Time `json:"time"`
	// Recipients are the recipients the event is about: consegna for a delivery
	// receipt or a notice, ricezione for a presa in carico; nil for events about the
	// whole transmission (accettazione, non-accettazione).
	Recipients []string `json:"recipients,omitempty"`
	// Virus marks the virus variants and rilevazione-virus.
	Virus bool `json:"virus,omitempty"`
	// ErrorClass is postacert/@errore ("" for nessuno); Error is errore-esteso.
	ErrorClass daticert.ErrorCode `json:"errore,omitempty"`
	Error      string             `json:"errore_esteso,omitempty"`
	// Provider is gestore-emittente, the provider that issued the event.
	Provider string `json:"provider,omitempty"`
	// Evidence lists every place the event was found, in the order added.
	Evidence []Evidence `json:"evidence"`
}

// key is what the provider signed and what tells two events apart: kind, the
// recipients, the errore-esteso and the signed time. (The 12-hour and the 24-hour
// notice share kind and recipient; their time and text differ.)
func (e *Event) key() string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%t\x00%s", e.Kind, strings.Join(e.Recipients, ","), e.Time.Unix(), e.Virus, e.Error)
}

// about reports whether the event concerns the recipient addr.
func (e *Event) about(addr string) bool {
	for _, r := range e.Recipients {
		if strings.EqualFold(r, addr) {
			return true
		}
	}
	return false
}

func (e *Event) addEvidence(ev Evidence) bool {
	var ok bool
	e.Evidence, ok = insertEvidence(e.Evidence, ev)
	return ok
}

// insertEvidence adds ev to list, kept sorted by locator then digest so that the
// order of Add does not show; the zero Evidence and duplicates are not added.
func insertEvidence(list []Evidence, ev Evidence) ([]Evidence, bool) {
	if ev == (Evidence{}) {
		return list, false
	}
	i, found := slices.BinarySearchFunc(list, ev, func(a, b Evidence) int {
		if c := strings.Compare(a.Locator, b.Locator); c != 0 {
			return c
		}
		return bytes.Compare(a.SHA256[:], b.SHA256[:])
	})
	if found {
		return list, false
	}
	return slices.Insert(list, i, ev), true
}

// Recipient is the state of one recipient of a transmission.
type Recipient struct {
	Address string
	Type    daticert.RecipientType // certificato or esterno
	State   State
	Virus   bool   // a virus was reported for this recipient
	Error   string // errore-esteso of the failure or timeout notice
	// WarnAt and DueAt are the 12-hour and 24-hour deadlines (zero for an ordinary
	// recipient or a rejected transmission); see [Recipient.Overdue].
	WarnAt, DueAt time.Time
	// Events are the events about this recipient and those about the whole
	// transmission (the acceptance), in time order.
	Events []*Event
}

// Overdue reports whether, at now, the recipient is past the 24-hour deadline
// without a final receipt (delivery, failure, the 24-hour notice). The rules let a
// delivery receipt arrive at any time before 24 hours (even after the 12-hour
// notice), so only the final deadline makes a recipient overdue; an ordinary
// recipient never is. See [Recipient.Late] for the 12-hour deadline.
func (r *Recipient) Overdue(now time.Time) bool {
	return !r.DueAt.IsZero() && !r.State.Final() && now.After(r.DueAt)
}

// Late reports whether, at now, the 12-hour deadline passed with no news at all for
// the recipient: no presa in carico, no receipt and no 12-hour notice. The sender's
// provider should have sent that notice; either it did not, or the mailbox read is
// incomplete. Late is a hint, not a failure.
func (r *Recipient) Late(now time.Time) bool {
	return !r.WarnAt.IsZero() && r.State == StatePending && now.After(r.WarnAt)
}

// Transmission is everything a [Tracker] knows about one PEC message sent from the
// mailbox: its identificativo, the certified events about it, and each recipient's
// state.
type Transmission struct {
	ID      string // daticert identificativo
	MsgID   string // daticert msgid (the sender's Message-ID, without angle brackets)
	Sender  string // daticert mittente
	Subject string // daticert oggetto
	// Accepted is the daticert time of the acceptance receipt; zero when none was
	// recorded.
	Accepted time.Time
	// Rejected is true when a non-acceptance notice was recorded.
	Rejected bool
	// Recipients in daticert order (destinatari), then any other address named by
	// consegna or ricezione.
	Recipients []*Recipient
	// Events are the distinct events, in time order.
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

// Since returns the instant the deadlines count from: the acceptance time, or,
// when no acceptance was recorded, the earliest event (the acceptance came before
// every receipt, so deadlines counted from there are never early).
func (t *Transmission) Since() time.Time {
	if !t.Accepted.IsZero() {
		return t.Accepted
	}
	var min time.Time
	for _, e := range t.Events {
		if min.IsZero() || e.Time.Before(min) {
			min = e.Time
		}
	}
	return min
}

// Received is a certified message that arrived in the mailbox rather than one it
// sent: a transport envelope (posta-certificata) or an anomaly envelope.
type Received struct {
	Kind    receipt.Kind `json:"kind"`
	ID      string       `json:"identificativo,omitempty"` // daticert identificativo; "" for an anomaly
	MsgID   string       `json:"msgid,omitempty"`          // daticert msgid, or the Message-ID of an anomaly envelope
	Sender  string       `json:"sender,omitempty"`
	Subject string       `json:"subject,omitempty"`
	// Time is the daticert data of an envelope; for an anomaly envelope (no
	// daticert) the provider's signing time.
	Time     time.Time  `json:"time"`
	Evidence []Evidence `json:"evidence"`
}

// Unproven is a message that claims to be a PEC receipt or envelope (it has a
// daticert.xml with an identificativo) but is not certified. It never changes a
// state; it is kept so that a report can show it, with what it claims.
type Unproven struct {
	ID    string `json:"identificativo"`
	Event *Event `json:"event"`
}

// Recorded tells what [Tracker.Add] did with a message.
type Recorded int

// What Add did.
const (
	// NotRecorded: nil, or not a PEC message at all (no daticert identificativo and
	// not a certified anomaly envelope).
	NotRecorded Recorded = iota
	// RecordedUnproven: not certified; kept as an [Unproven] claim.
	RecordedUnproven
	// RecordedReceived: a certified incoming envelope, kept as [Received].
	RecordedReceived
	// RecordedTransmission: a certified sender-side event of a [Transmission].
	RecordedTransmission
)

// Tracker correlates the certified receipts and notices of a mailbox with the
// transmissions they are about, by the signed daticert identificativo (DM
// 2/11/2005 annex; RFC 6109 §3), and keeps each recipient's delivery state.
//
// # Events and duplicates
//
// Events are keyed by what the provider signed: identificativo, kind, the
// recipients named (consegna, ricezione), the signed time and errore-esteso. The
// same receipt found twice (two folders, a re-scan, a CRLF and an LF copy) is one
// event with two [Evidence]; adding the same mailbox twice changes nothing. States
// are computed from the set of events, so the order of Add does not matter.
//
// # What makes a transmission
//
// Only the sender's side makes a [Transmission]: accettazione, non-accettazione,
// presa-in-carico, avvenuta-consegna, errore-consegna, preavviso-errore-consegna
// and rilevazione-virus. Incoming transport and anomaly envelopes are [Received]
// mail. Only certified messages ([Message.Certified]) count; a message that is not
// certified but carries a daticert identificativo is kept as [Unproven] and never
// changes a state.
//
// # States
//
// For each certified recipient: a delivery receipt gives [StateDelivered] (it wins
// over everything, a late one too); else a non-delivery notice [StateFailed]; else
// the 24-hour notice [StateTimeout] (a notice whose errore-esteso starts with a 5.x.x
// code, or sent 22 hours or more after the acceptance, or the second distinct notice
// for the recipient); else the 12-hour notice [StateTimeoutWarning]; else a presa in
// carico [StateTakenOver]; else [StatePending]. An ordinary recipient is
// [StateOrdinary]; the recipients of a rejected transmission are [StateRejected].
// Deadlines and [Recipient.Overdue] are evaluated against a clock the caller passes.
//
// # Persistence
//
// A Tracker marshals to JSON (MarshalJSON) and back (UnmarshalJSON) so that a
// service can persist it; the JSON holds the events and evidence, and the states
// are computed again on load.
//
// # Limits
//
// A Tracker keeps no message, only the small facts of each event; its memory grows
// with the number of distinct events and evidence entries. The zero value is not
// usable; use [NewTracker]. A Tracker is not safe for concurrent use.
type Tracker struct {
	byID     map[string]*Transmission
	keys     map[string]*Event // "id\x00key" of transmission events
	received map[string]*Received
	unproven map[string]*Unproven
}

// NewTracker returns an empty Tracker.
func NewTracker() *Tracker {
	return &Tracker{
		byID:     map[string]*Transmission{},
		keys:     map[string]*Event{},
		received: map[string]*Received{},
		unproven: map[string]*Unproven{},
	}
}

// senderSide reports whether kind is an event that makes a transmission.
func senderSide(k receipt.Kind) bool {
	switch k {
	case receipt.KindAccettazione, receipt.KindNonAccettazione, receipt.KindPresaInCarico,
		receipt.KindAvvenutaConsegna, receipt.KindErroreConsegna,
		receipt.KindPreavvisoErroreConsegna, receipt.KindRilevazioneVirus:
		return true
	}
	return false
}

// eventOf builds the event a message certifies.
func eventOf(m *Message, ev Evidence) *Event {
	c := m.Daticert
	e := &Event{Kind: m.Kind, Time: c.Date, Virus: m.Virus, Error: c.ExtendedError, Provider: c.Provider}
	if c.Error != daticert.ErrorNessuno {
		e.ErrorClass = c.Error
	}
	switch {
	case m.Kind == receipt.KindPresaInCarico:
		e.Recipients = slices.Clone(c.Receptions)
	case c.Delivery != "":
		e.Recipients = []string{c.Delivery}
	}
	e.addEvidence(ev)
	return e
}

// Add records a message found at the place ev describes (ev may be zero when
// unknown) and tells what it did. See [Tracker] for the rules.
func (tr *Tracker) Add(m *Message, ev Evidence) Recorded {
	if m == nil {
		return NotRecorded
	}
	if m.Kind == receipt.KindAnomalia {
		if !m.Certified {
			return NotRecorded
		}
		msgID := strings.Trim(m.Header.Get("Message-Id"), " <>")
		var at time.Time
		if m.Verification != nil {
			at = m.Verification.SigningTime
		}
		tr.addReceived(&Received{Kind: m.Kind, MsgID: msgID, Sender: m.Header.Get("From"), Subject: m.Subject, Time: at}, ev)
		return RecordedReceived
	}
	c := m.Daticert
	if c == nil || c.ID == "" {
		return NotRecorded
	}
	if !m.Certified {
		e := eventOf(m, ev)
		k := c.ID + "\x00" + e.key()
		if u := tr.unproven[k]; u != nil {
			u.Event.addEvidence(ev)
		} else {
			tr.unproven[k] = &Unproven{ID: c.ID, Event: e}
		}
		return RecordedUnproven
	}
	if !senderSide(m.Kind) {
		tr.addReceived(&Received{Kind: m.Kind, ID: c.ID, MsgID: c.MsgID, Sender: c.Sender, Subject: c.Subject, Time: c.Date}, ev)
		return RecordedReceived
	}
	t := tr.byID[c.ID]
	if t == nil {
		t = &Transmission{ID: c.ID, MsgID: c.MsgID, Sender: c.Sender, Subject: c.Subject}
		tr.byID[c.ID] = t
	}
	for _, r := range c.Recipients {
		if t.Recipient(r.Address) == nil {
			t.Recipients = append(t.Recipients, &Recipient{Address: r.Address, Type: r.Type})
		}
	}
	tr.addEvent(t, eventOf(m, ev))
	return RecordedTransmission
}

func (tr *Tracker) addReceived(r *Received, ev Evidence) {
	k := fmt.Sprintf("%s\x00%s\x00%s\x00%d", r.Kind, r.ID, r.MsgID, r.Time.Unix())
	if old := tr.received[k]; old != nil {
		old.Evidence, _ = insertEvidence(old.Evidence, ev)
		return
	}
	r.Evidence, _ = insertEvidence(nil, ev)
	tr.received[k] = r
}

// normalEvidence returns list sorted, without duplicates or zero entries.
func normalEvidence(list []Evidence) []Evidence {
	var out []Evidence
	for _, ev := range list {
		out, _ = insertEvidence(out, ev)
	}
	return out
}

// addEvent merges e into t and recomputes t's states.
func (tr *Tracker) addEvent(t *Transmission, e *Event) {
	k := t.ID + "\x00" + e.key()
	if old := tr.keys[k]; old != nil {
		for _, ev := range e.Evidence {
			old.addEvidence(ev)
		}
		return
	}
	tr.keys[k] = e
	t.Events = append(t.Events, e)
	for _, a := range e.Recipients {
		if t.Recipient(a) == nil {
			t.Recipients = append(t.Recipients, &Recipient{Address: a, Type: daticert.RecipientCertificato})
		}
	}
	slices.SortStableFunc(t.Events, func(a, b *Event) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.key(), b.key())
	})
	t.compute()
}

// compute derives the acceptance time and every recipient's state from the events.
func (t *Transmission) compute() {
	t.Accepted, t.Rejected = time.Time{}, false
	for _, e := range t.Events {
		switch e.Kind {
		case receipt.KindAccettazione:
			if t.Accepted.IsZero() || e.Time.Before(t.Accepted) {
				t.Accepted = e.Time
			}
		case receipt.KindNonAccettazione:
			t.Rejected = true
		}
	}
	since := t.Since()
	for _, r := range t.Recipients {
		r.State, r.Virus, r.Error, r.Events = StatePending, false, "", nil
		r.WarnAt, r.DueAt = time.Time{}, time.Time{}
		var delivered, failed, takenOver bool
		var notices []*Event
		for _, e := range t.Events {
			if len(e.Recipients) == 0 {
				r.Events = append(r.Events, e)
				continue
			}
			if !e.about(r.Address) {
				continue
			}
			r.Events = append(r.Events, e)
			switch e.Kind {
			case receipt.KindAvvenutaConsegna:
				delivered = true
			case receipt.KindErroreConsegna:
				failed = true
				r.Error = e.Error
				r.Virus = r.Virus || e.Virus
			case receipt.KindRilevazioneVirus:
				r.Virus = true
			case receipt.KindPresaInCarico:
				takenOver = true
			case receipt.KindPreavvisoErroreConsegna:
				notices = append(notices, e)
			}
		}
		switch {
		case delivered:
			r.State = StateDelivered
		case failed:
			r.State = StateFailed
		case len(notices) > 0:
			r.State = StateTimeoutWarning
			last := notices[len(notices)-1]
			if r.Error == "" {
				r.Error = last.Error
			}
			for _, n := range notices {
				if strings.HasPrefix(extendedCode(n.Error), "5.") ||
					(!t.Accepted.IsZero() && n.Time.Sub(t.Accepted) >= finalNoticeAfter) {
					r.State, r.Error = StateTimeout, n.Error
				}
			}
			if len(notices) > 1 {
				r.State = StateTimeout
			}
		case takenOver:
			r.State = StateTakenOver
		case t.Rejected:
			r.State = StateRejected
		}
		if r.Type == daticert.RecipientEsterno && r.State == StatePending {
			r.State = StateOrdinary
		}
		if r.State != StateOrdinary && !t.Rejected && !since.IsZero() {
			r.WarnAt, r.DueAt = since.Add(WarningAfter), since.Add(FinalAfter)
		}
	}
}

// extendedCode is the RFC 3463 code at the start of an errore-esteso.
func extendedCode(s string) string {
	return (&daticert.Cert{ExtendedError: s}).ExtendedErrorCode()
}

// Transmission returns the transmission with identificativo id, or nil.
func (tr *Tracker) Transmission(id string) *Transmission { return tr.byID[id] }

// ByMsgID returns the transmissions whose daticert msgid is msgid (the sender's
// Message-ID, with or without angle brackets), sorted by identificativo. More than
// one means the client submitted the same message twice.
func (tr *Tracker) ByMsgID(msgid string) []*Transmission {
	msgid = strings.TrimSpace(msgid)
	msgid = strings.TrimSuffix(strings.TrimPrefix(msgid, "<"), ">")
	var out []*Transmission
	for _, t := range tr.Transmissions() {
		if msgid != "" && t.MsgID == msgid {
			out = append(out, t)
		}
	}
	return out
}

// Transmissions returns every transmission, sorted by acceptance time, then
// identificativo.
func (tr *Tracker) Transmissions() []*Transmission {
	out := make([]*Transmission, 0, len(tr.byID))
	for _, t := range tr.byID {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Transmission) int {
		if c := a.Since().Compare(b.Since()); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// Received returns the incoming envelopes, sorted by time then identificativo.
func (tr *Tracker) Received() []*Received {
	out := make([]*Received, 0, len(tr.received))
	for _, r := range tr.received {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Received) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return strings.Compare(a.MsgID, b.MsgID)
	})
	return out
}

// Unproven returns the uncertified claims, sorted by identificativo then time.
func (tr *Tracker) Unproven() []*Unproven {
	out := make([]*Unproven, 0, len(tr.unproven))
	for _, u := range tr.unproven {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b *Unproven) int {
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return a.Event.Time.Compare(b.Event.Time)
	})
	return out
}

// Summary is the overview of a mailbox that providers send as a daily report:
// certified messages received, delivery receipts, non-deliveries and other
// certified messages, counted once per distinct event.
type Summary struct {
	Since, Until  time.Time // the period; zero means unbounded
	Certified     int       // incoming transport envelopes (posta-certificata)
	Delivered     int       // delivery receipts (avvenuta-consegna)
	NotDelivered  int       // non-delivery notices: errore-consegna and preavviso-errore-consegna
	Other         int       // every other certified event (acceptance, presa in carico, anomalies, ...)
	Unproven      int       // messages that claim a PEC kind but are not certified
	Transmissions int       // transmissions with at least one event in the period
}

// Summary counts the distinct events whose signed time t is in [since, until)
// (a zero bound is unbounded).
func (tr *Tracker) Summary(since, until time.Time) Summary {
	s := Summary{Since: since, Until: until}
	in := func(t time.Time) bool {
		return (since.IsZero() || !t.Before(since)) && (until.IsZero() || t.Before(until))
	}
	for _, r := range tr.received {
		if !in(r.Time) {
			continue
		}
		if r.Kind == receipt.KindPostaCertificata {
			s.Certified++
		} else {
			s.Other++
		}
	}
	for _, t := range tr.byID {
		seen := false
		for _, e := range t.Events {
			if !in(e.Time) {
				continue
			}
			seen = true
			switch e.Kind {
			case receipt.KindAvvenutaConsegna:
				s.Delivered++
			case receipt.KindErroreConsegna, receipt.KindPreavvisoErroreConsegna:
				s.NotDelivered++
			default:
				s.Other++
			}
		}
		if seen {
			s.Transmissions++
		}
	}
	for _, u := range tr.unproven {
		if in(u.Event.Time) {
			s.Unproven++
		}
	}
	return s
}

// trackerJSON is the persisted form: facts only, states are derived on load.
type trackerJSON struct {
	Version       int                `json:"version"`
	Transmissions []transmissionJSON `json:"transmissions"`
	Received      []*Received        `json:"received"`
	Unproven      []*Unproven        `json:"unproven"`
}

type transmissionJSON struct {
	ID         string              `json:"identificativo"`
	MsgID      string              `json:"msgid,omitempty"`
	Sender     string              `json:"sender,omitempty"`
	Subject    string              `json:"subject,omitempty"`
	Recipients []recipientJSONType `json:"recipients"`
	Events     []*Event            `json:"events"`
}

type recipientJSONType struct {
	Address string                 `json:"address"`
	Type    daticert.RecipientType `json:"type"`
}

const trackerJSONVersion = 1

// MarshalJSON writes the tracker's facts (transmissions with their recipients and
// events, received mail, unproven claims) in a stable order.
func (tr *Tracker) MarshalJSON() ([]byte, error) {
	v := trackerJSON{Version: trackerJSONVersion, Received: tr.Received(), Unproven: tr.Unproven()}
	for _, t := range tr.Transmissions() {
		tj := transmissionJSON{ID: t.ID, MsgID: t.MsgID, Sender: t.Sender, Subject: t.Subject, Events: t.Events}
		for _, r := range t.Recipients {
			tj.Recipients = append(tj.Recipients, recipientJSONType{Address: r.Address, Type: r.Type})
		}
		v.Transmissions = append(v.Transmissions, tj)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// UnmarshalJSON replaces the tracker's content with what MarshalJSON wrote.
// Unknown versions and malformed entries give an error matching [ErrTrackerData].
func (tr *Tracker) UnmarshalJSON(b []byte) error {
	var v trackerJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("%w: %w", ErrTrackerData, err)
	}
	if v.Version != trackerJSONVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrTrackerData, v.Version, trackerJSONVersion)
	}
	n := NewTracker()
	for _, tj := range v.Transmissions {
		if tj.ID == "" {
			return fmt.Errorf("%w: transmission without identificativo", ErrTrackerData)
		}
		t := n.byID[tj.ID]
		if t == nil {
			t = &Transmission{ID: tj.ID, MsgID: tj.MsgID, Sender: tj.Sender, Subject: tj.Subject}
			n.byID[tj.ID] = t
		}
		for _, r := range tj.Recipients {
			if t.Recipient(r.Address) == nil {
				t.Recipients = append(t.Recipients, &Recipient{Address: r.Address, Type: r.Type})
			}
		}
		for _, e := range tj.Events {
			if e == nil || !senderSide(e.Kind) {
				return fmt.Errorf("%w: event of kind %v in transmission %s", ErrTrackerData, e, tj.ID)
			}
			e.Evidence = normalEvidence(e.Evidence)
			n.addEvent(t, e)
		}
		t.compute()
	}
	for _, r := range v.Received {
		if r == nil {
			return fmt.Errorf("%w: null received entry", ErrTrackerData)
		}
		ev := r.Evidence
		r.Evidence = nil
		n.addReceived(r, Evidence{})
		for _, e := range ev {
			n.addReceived(r, e)
		}
	}
	for _, u := range v.Unproven {
		if u == nil || u.Event == nil {
			return fmt.Errorf("%w: null unproven entry", ErrTrackerData)
		}
		u.Event.Evidence = normalEvidence(u.Event.Evidence)
		k := u.ID + "\x00" + u.Event.key()
		if old := n.unproven[k]; old != nil {
			for _, ev := range u.Event.Evidence {
				old.Event.addEvidence(ev)
			}
			continue
		}
		n.unproven[k] = u
	}
	*tr = *n
	return nil
}
