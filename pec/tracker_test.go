package pec_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

func trackerOptions(t *testing.T, td string) *pec.Options {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join(td, "trust.pem"))
	require.NoError(t, err)
	trust := envelope.NewTrust()
	_, err = trust.AddPEM(pem)
	require.NoError(t, err)
	return &pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}}
}

type trackerFile struct {
	locator string
	raw     []byte
}

// exchangeFiles returns the bundled exchange, each file as stored.
func exchangeFiles(t *testing.T, td string) []trackerFile {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(td, "messages", "exchange", "*.eml"))
	require.NoError(t, err)
	require.Len(t, names, 14)
	var out []trackerFile
	for _, n := range names {
		raw, err := os.ReadFile(n)
		require.NoError(t, err)
		out = append(out, trackerFile{locator: n, raw: raw})
	}
	return out
}

func addFile(t *testing.T, tr *pec.Tracker, f trackerFile, opts *pec.Options) pec.Recorded {
	t.Helper()
	m, err := pec.Read(bytes.NewReader(f.raw), opts)
	require.NoError(t, err)
	return tr.Add(m, pec.Evidence{Locator: f.locator, SHA256: sha256.Sum256(f.raw)})
}

// TestTrackerRepeated feeds the bundled exchange twice, then LF copies of every
// file: one transmission, the right final state for every recipient, and every
// copy kept as evidence of the same events.
func TestTrackerRepeated(t *testing.T) {
	t.Parallel()
	td := testutil.Testdata(t)
	opts := trackerOptions(t, td)
	files := exchangeFiles(t, td)

	tr := pec.NewTracker()
	count := map[pec.Recorded]int{}
	for _, f := range files {
		count[addFile(t, tr, f, opts)]++ // 10 sender-side events, 3 envelopes, 1 anomaly
	}
	assert.Equal(t, map[pec.Recorded]int{pec.RecordedTransmission: 10, pec.RecordedReceived: 4}, count)
	first, err := json.Marshal(tr)
	require.NoError(t, err)

	for _, f := range files { // the same mailbox again: nothing changes
		addFile(t, tr, f, opts)
	}
	again, err := json.Marshal(tr)
	require.NoError(t, err)
	assert.JSONEq(t, string(first), string(again))

	for _, f := range files { // LF copies in another folder
		lf := bytes.ReplaceAll(f.raw, []byte("\r\n"), []byte("\n"))
		require.NotEqual(t, f.raw, lf)
		addFile(t, tr, trackerFile{locator: "archive/" + filepath.Base(f.locator), raw: lf}, opts)
	}

	ts := tr.Transmissions()
	require.Len(t, ts, 1)
	x := ts[0]
	assert.Same(t, x, tr.Transmission(x.ID))
	assert.Equal(t, []*pec.Transmission{x}, tr.ByMsgID("<"+x.MsgID+">"))
	assert.Equal(t, []*pec.Transmission{x}, tr.ByMsgID(x.MsgID))
	assert.Empty(t, tr.ByMsgID("nobody@example"))
	assert.False(t, x.Accepted.IsZero())
	assert.False(t, x.Rejected)
	assert.Equal(t, "alice@pec.example.it", x.Sender)
	assert.Equal(t, "Contratto di fornitura", x.Subject)
	require.Len(t, x.Events, 10, "one event per signed sender-side message")
	for _, e := range x.Events {
		assert.Len(t, e.Evidence, 2, "%s %v: the CRLF file and its LF copy", e.Kind, e.Recipients)
		assert.NotEqual(t, e.Evidence[0].SHA256, e.Evidence[1].SHA256)
		assert.False(t, e.Time.IsZero())
	}

	want := map[string]pec.State{
		"bob@pec.example.org":    pec.StateDelivered,
		"carol@pec.example.org":  pec.StateDelivered,
		"dave@pec.example.org":   pec.StateFailed,
		"erin@pec.example.org":   pec.StateFailed,   // virus
		"frank@pec.example.org":  pec.StateTimeout,  // 12 h then 24 h notice
		"grace@pec.example.org":  pec.StateTimeout,  // presa in carico, then the 24 h notice
		"heidi@mail.example.com": pec.StateOrdinary, // esterno
	}
	require.Len(t, x.Recipients, len(want))
	never := x.Accepted.Add(1000 * time.Hour)
	for _, r := range x.Recipients {
		assert.Equal(t, want[r.Address], r.State, r.Address)
		assert.False(t, r.Overdue(never), r.Address)
	}
	assert.True(t, x.Recipient("erin@pec.example.org").Virus)
	assert.False(t, x.Recipient("dave@pec.example.org").Virus)
	assert.Contains(t, x.Recipient("dave@pec.example.org").Error, "5.1.1")
	assert.Contains(t, x.Recipient("frank@pec.example.org").Error, "5.4.1")
	// accettazione + the two notices
	assert.Len(t, x.Recipient("frank@pec.example.org").Events, 3)

	rec := tr.Received()
	require.Len(t, rec, 2, "the transport envelope (one event, three copies) and the anomaly")
	assert.Equal(t, receipt.KindPostaCertificata, rec[0].Kind)
	assert.Len(t, rec[0].Evidence, 6)
	assert.Equal(t, receipt.KindAnomalia, rec[1].Kind)
	assert.Len(t, rec[1].Evidence, 2)

	s := tr.Summary(time.Time{}, time.Time{})
	assert.Equal(t, pec.Summary{Certified: 1, Delivered: 2, NotDelivered: 5, Other: 4, Transmissions: 1}, s)
	assert.Zero(t, tr.Summary(x.Accepted.Add(48*time.Hour), time.Time{}).Transmissions)

	// Persistence: what is saved loads back to the same tracker.
	saved, err := json.Marshal(tr)
	require.NoError(t, err)
	back := pec.NewTracker()
	require.NoError(t, json.Unmarshal(saved, back))
	resaved, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(saved), string(resaved))
	bx := back.Transmission(x.ID)
	require.NotNil(t, bx)
	for _, r := range bx.Recipients {
		assert.Equal(t, want[r.Address], r.State, r.Address)
	}
	assert.True(t, x.Accepted.Equal(bx.Accepted))
}

// TestTrackerOrderIndependent adds the exchange in reverse: same result.
func TestTrackerOrderIndependent(t *testing.T) {
	t.Parallel()
	td := testutil.Testdata(t)
	opts := trackerOptions(t, td)
	files := exchangeFiles(t, td)
	a, b := pec.NewTracker(), pec.NewTracker()
	for i := range files {
		addFile(t, a, files[i], opts)
		addFile(t, b, files[len(files)-1-i], opts)
	}
	ja, err := json.Marshal(a)
	require.NoError(t, err)
	jb, err := json.Marshal(b)
	require.NoError(t, err)
	assert.JSONEq(t, string(ja), string(jb))
}

// TestTrackerOverdue: only the acceptance and one delivery receipt, the clock 30
// hours later: every other certified recipient is overdue, the ordinary one not.
func TestTrackerOverdue(t *testing.T) {
	t.Parallel()
	w := pectest.NewWorld(nil)
	alice := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	original := []byte("From: alice@pec.example.it\r\n" +
		"To: bob@pec.example.org, dave@pec.example.org, frank@pec.example.org, heidi@mail.example.com\r\n" +
		"Subject: Diffida\r\nMessage-ID: <d1@client.example.it>\r\n\r\nTesto.\r\n")
	x, err := alice.Send(original, &pectest.SendOptions{Outcomes: map[string]pectest.Outcome{
		"dave@pec.example.org": pectest.NoSuchMailbox, "frank@pec.example.org": pectest.Timeout,
	}})
	require.NoError(t, err)
	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: w.Trust()}}
	tr := pec.NewTracker()
	for _, sm := range []*pectest.Message{x.Find(receipt.KindAccettazione, ""), x.Find(receipt.KindAvvenutaConsegna, "bob@pec.example.org")} {
		require.NotNil(t, sm)
		m, err := pec.Read(bytes.NewReader(sm.Raw), opts)
		require.NoError(t, err)
		require.Equal(t, pec.RecordedTransmission, tr.Add(m, pec.Evidence{Locator: sm.Name, SHA256: sha256.Sum256(sm.Raw)}))
	}
	ts := tr.ByMsgID("d1@client.example.it")
	require.Len(t, ts, 1)
	tx := ts[0]
	now := tx.Accepted.Add(30 * time.Hour)
	tests := []struct {
		addr    string
		state   pec.State
		overdue bool
	}{
		{"bob@pec.example.org", pec.StateDelivered, false},
		{"dave@pec.example.org", pec.StatePending, true},
		{"frank@pec.example.org", pec.StatePending, true},
		{"heidi@mail.example.com", pec.StateOrdinary, false},
	}
	for _, tt := range tests {
		r := tx.Recipient(tt.addr)
		require.NotNil(t, r, tt.addr)
		assert.Equal(t, tt.state, r.State, tt.addr)
		assert.Equal(t, tt.overdue, r.Overdue(now), tt.addr)
		// At the limit (exactly 24 hours) nobody is overdue yet; 12 hours and one
		// second in, the silent ones are late.
		assert.False(t, r.Overdue(tx.Accepted.Add(pec.FinalAfter)), tt.addr)
		assert.Equal(t, tt.overdue, r.Late(tx.Accepted.Add(pec.WarningAfter+time.Second)), tt.addr)
		assert.False(t, r.Late(tx.Accepted.Add(pec.WarningAfter)), tt.addr)
	}
}

// TestTrackerTimeoutWarning checks the 12-hour notice alone: a warning, not a failure.
func TestTrackerTimeoutWarning(t *testing.T) {
	t.Parallel()
	td := testutil.Testdata(t)
	opts := trackerOptions(t, td)
	f := filepath.Join(td, "messages", "exchange", "11-preavviso-errore-consegna-12h-frank@pec.example.org.eml")
	raw, err := os.ReadFile(f)
	require.NoError(t, err)
	tr := pec.NewTracker()
	require.Equal(t, pec.RecordedTransmission, addFile(t, tr, trackerFile{f, raw}, opts))
	x := tr.Transmissions()[0]
	assert.Equal(t, pec.StateTimeoutWarning, x.Recipient("frank@pec.example.org").State)
	assert.Equal(t, pec.StatePending, x.Recipient("bob@pec.example.org").State)
	assert.True(t, x.Accepted.IsZero())
	// Without the acceptance, deadlines count from the earliest event.
	assert.Equal(t, x.Events[0].Time.Add(pec.FinalAfter), x.Recipient("bob@pec.example.org").DueAt)
}

// TestTrackerUncertified: uncertified messages are kept as unproven claims and
// change no state.
func TestTrackerUncertified(t *testing.T) {
	t.Parallel()
	td := testutil.Testdata(t)
	files := exchangeFiles(t, td)
	tr := pec.NewTracker()
	// No trust anchors for the fake root: nothing is certified.
	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: envelope.NewTrust()}}
	for _, f := range files {
		r := addFile(t, tr, f, opts)
		assert.Contains(t, []pec.Recorded{pec.RecordedUnproven, pec.NotRecorded}, r)
	}
	assert.Empty(t, tr.Transmissions())
	assert.Empty(t, tr.Received())
	assert.Len(t, tr.Unproven(), 11, "10 sender-side claims and the envelope")
	assert.Equal(t, pec.NotRecorded, tr.Add(nil, pec.Evidence{}))
	assert.Equal(t, pec.NotRecorded, tr.Add(&pec.Message{Verification: &envelope.Report{}}, pec.Evidence{}))
	assert.Equal(t, pec.NotRecorded, tr.Add(&pec.Message{Kind: receipt.KindAnomalia}, pec.Evidence{}))
	assert.Equal(t, pec.RecordedReceived, tr.Add(&pec.Message{Kind: receipt.KindAnomalia, Certified: true}, pec.Evidence{}))
}

func TestTrackerUnmarshalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in string }{
		{"not json", "{"},
		{"version", `{"version":2}`},
		{"no id", `{"version":1,"transmissions":[{"events":[]}]}`},
		{"receiver kind", `{"version":1,"transmissions":[{"identificativo":"x","events":[{"kind":"posta-certificata","time":"2025-01-01T00:00:00Z","evidence":[]}]}]}`},
		{"bad sha", `{"version":1,"received":[{"kind":"posta-certificata","time":"2025-01-01T00:00:00Z","evidence":[{"path":"a","sha256":"zz"}]}]}`},
		{"null received", `{"version":1,"received":[null]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := pec.NewTracker()
			assert.ErrorIs(t, tr.UnmarshalJSON([]byte(tt.in)), pec.ErrTrackerData)
		})
	}
}

func FuzzTrackerUnmarshal(f *testing.F) {
	f.Add([]byte(`{"version":1,"transmissions":[{"identificativo":"x","recipients":[{"address":"a@b","type":"certificato"}],"events":[{"kind":"accettazione","time":"2025-01-01T00:00:00Z","evidence":[]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr := pec.NewTracker()
		if tr.UnmarshalJSON(b) != nil {
			return
		}
		out, err := json.Marshal(tr)
		require.NoError(t, err)
		back := pec.NewTracker()
		require.NoError(t, json.Unmarshal(out, back))
	})
}

// TestTrackerStateRules checks the state rules on certified events built in code.
func TestTrackerStateRules(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	const id, bob = "opec1@pec.example.it", "bob@pec.example.org"
	ev := func(kind receipt.Kind, after time.Duration, ext string, virus bool) *pec.Message {
		c := &daticert.Cert{ID: id, MsgID: "m1@client", Sender: "alice@pec.example.it", Date: t0.Add(after), ExtendedError: ext,
			Recipients: []daticert.Recipient{{Address: bob, Type: daticert.RecipientCertificato}}}
		switch kind {
		case receipt.KindPresaInCarico:
			c.Receptions = []string{bob}
		case receipt.KindAccettazione, receipt.KindNonAccettazione:
		default:
			c.Delivery = bob
		}
		return &pec.Message{Kind: kind, Certified: true, Virus: virus, Daticert: c, Verification: &envelope.Report{}}
	}
	acc := ev(receipt.KindAccettazione, 0, "", false)
	tests := []struct {
		name   string
		msgs   []*pec.Message
		state  pec.State
		virus  bool
		overAt time.Duration // the recipient is overdue at t0+overAt (0: never at 48 h)
	}{
		{"accepted only", []*pec.Message{acc}, pec.StatePending, false, 25 * time.Hour},
		{"taken over", []*pec.Message{acc, ev(receipt.KindPresaInCarico, time.Minute, "", false)}, pec.StateTakenOver, false, 25 * time.Hour},
		{"12 h notice", []*pec.Message{acc, ev(receipt.KindPreavvisoErroreConsegna, 12*time.Hour, "4.4.7 - x - entro 12 ore", false)}, pec.StateTimeoutWarning, false, 25 * time.Hour},
		{"24 h notice by code", []*pec.Message{acc, ev(receipt.KindPreavvisoErroreConsegna, 23*time.Hour, "5.4.1 - x", false)}, pec.StateTimeout, false, 0},
		{"24 h notice by time, no code", []*pec.Message{acc, ev(receipt.KindPreavvisoErroreConsegna, 22*time.Hour, "non consegnato", false)}, pec.StateTimeout, false, 0},
		{"two notices, no code", []*pec.Message{acc, ev(receipt.KindPreavvisoErroreConsegna, 12*time.Hour, "a", false), ev(receipt.KindPreavvisoErroreConsegna, 13*time.Hour, "b", false)}, pec.StateTimeout, false, 0},
		{"late delivery wins", []*pec.Message{acc, ev(receipt.KindPreavvisoErroreConsegna, 23*time.Hour, "5.4.1 - x", false), ev(receipt.KindAvvenutaConsegna, 30*time.Hour, "", false)}, pec.StateDelivered, false, 0},
		{"virus detected, notice pending", []*pec.Message{acc, ev(receipt.KindRilevazioneVirus, time.Minute, "virus", true)}, pec.StatePending, true, 25 * time.Hour},
		{"virus non-delivery", []*pec.Message{acc, ev(receipt.KindErroreConsegna, time.Minute, "virus", true)}, pec.StateFailed, true, 0},
		{"rejected", []*pec.Message{ev(receipt.KindNonAccettazione, 0, "Destinatario in Bcc", false)}, pec.StateRejected, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := pec.NewTracker()
			for i, m := range tt.msgs {
				require.Equal(t, pec.RecordedTransmission, tr.Add(m, pec.Evidence{Locator: string(rune('a' + i)), SHA256: [32]byte{byte(i + 1)}}))
			}
			r := tr.Transmission(id).Recipient(bob)
			require.NotNil(t, r)
			assert.Equal(t, tt.state, r.State)
			assert.Equal(t, tt.virus, r.Virus)
			if tt.overAt == 0 {
				assert.False(t, r.Overdue(t0.Add(48*time.Hour)))
			} else {
				assert.False(t, r.Overdue(t0.Add(pec.FinalAfter)))
				assert.True(t, r.Overdue(t0.Add(tt.overAt)))
			}
		})
	}
}

// FuzzTrackerAdd: any message, added twice, changes the tracker once, and the
// tracker survives a JSON round trip.
func FuzzTrackerAdd(f *testing.F) {
	f.Add([]byte("From: a@b\r\nSubject: x\r\n\r\nhi\r\n"))
	names, _ := filepath.Glob(filepath.Join("..", "testdata", "messages", "*", "*.eml"))
	for _, n := range names {
		if raw, err := os.ReadFile(n); err == nil {
			f.Add(raw)
		}
	}
	var opts *pec.Options // the fake root when present, so that transmissions are exercised
	if pem, err := os.ReadFile(filepath.Join("..", "testdata", "trust.pem")); err == nil {
		trust := envelope.NewTrust()
		if _, err := trust.AddPEM(pem); err == nil {
			opts = &pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}}
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := pec.Read(bytes.NewReader(raw), opts)
		if err != nil {
			return
		}
		tr := pec.NewTracker()
		ev := pec.Evidence{Locator: "f", SHA256: sha256.Sum256(raw)}
		tr.Add(m, ev)
		once, err := json.Marshal(tr)
		require.NoError(t, err)
		tr.Add(m, ev)
		twice, err := json.Marshal(tr)
		require.NoError(t, err)
		require.Equal(t, string(once), string(twice))
		back := pec.NewTracker()
		require.NoError(t, json.Unmarshal(once, back))
	})
}
