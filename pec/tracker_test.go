package pec_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
)

// TestTracker feeds the bundled exchange (testdata/messages/exchange) to a Tracker
// and checks every recipient's final state.
func TestTracker(t *testing.T) {
	trust := envelope.DefaultTrust()
	pemPath, ok := findUp(t, filepath.Join("testdata", "trust.pem"))
	require.True(t, ok)
	pem, err := readFile(pemPath)
	require.NoError(t, err)
	_, err = trust.AddPEM(pem)
	require.NoError(t, err)
	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}}

	dir := filepath.Join(filepath.Dir(pemPath), "messages", "exchange")
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	require.NoError(t, err)
	require.Len(t, names, 14)

	tr := pec.NewTracker()
	added := 0
	for _, n := range names {
		m, err := pec.ReadFile(n, opts)
		require.NoError(t, err)
		if tr.Add(m) {
			added++
		}
	}
	assert.Equal(t, 13, added, "the anomaly envelope has no identificativo")
	ts := tr.Transmissions()
	require.Len(t, ts, 1)
	x := ts[0]
	assert.Same(t, x, tr.Transmission(x.ID))
	assert.True(t, x.Accepted)
	assert.False(t, x.Rejected)
	assert.Equal(t, "alice@pec.example.it", x.Sender)
	assert.Equal(t, "Contratto di fornitura", x.Subject)
	assert.Len(t, x.Events, 13)

	want := map[string]pec.State{
		"bob@pec.example.org":    pec.StateDelivered,
		"dave@pec.example.org":   pec.StateFailed,
		"erin@pec.example.org":   pec.StateFailed,
		"frank@pec.example.org":  pec.StateTimeout,
		"grace@pec.example.org":  pec.StateTimeout,
		"carol@pec.example.org":  pec.StateDelivered,
		"heidi@mail.example.com": pec.StateOrdinary,
	}
	require.Len(t, x.Recipients, len(want))
	for _, r := range x.Recipients {
		assert.Equal(t, want[r.Address], r.State, r.Address)
	}
	assert.True(t, x.Recipient("erin@pec.example.org").Virus)
	assert.False(t, x.Recipient("dave@pec.example.org").Virus)
	assert.Contains(t, x.Recipient("dave@pec.example.org").Error, "5.1.1")
	assert.Contains(t, x.Recipient("frank@pec.example.org").Error, "5.4.1")
	assert.Len(t, x.Recipient("frank@pec.example.org").Events, 2)

	// Uncertified messages are ignored.
	assert.False(t, tr.Add(nil))
	assert.False(t, tr.Add(&pec.Message{}))
}

// TestTrackerTimeoutWarning checks the 12-hour notice alone: a warning, not a failure.
func TestTrackerTimeoutWarning(t *testing.T) {
	dir, ok := findUp(t, filepath.Join("testdata", "messages", "exchange"))
	require.True(t, ok)
	pemPath, _ := findUp(t, filepath.Join("testdata", "trust.pem"))
	pem, err := readFile(pemPath)
	require.NoError(t, err)
	trust := envelope.NewTrust()
	_, err = trust.AddPEM(pem)
	require.NoError(t, err)
	m, err := pec.ReadFile(filepath.Join(dir, "11-preavviso-errore-consegna-12h-frank@pec.example.org.eml"),
		&pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}})
	require.NoError(t, err)
	tr := pec.NewTracker()
	require.True(t, tr.Add(m))
	r := tr.Transmissions()[0].Recipient("frank@pec.example.org")
	require.NotNil(t, r)
	assert.Equal(t, pec.StateTimeoutWarning, r.State)
	assert.Equal(t, pec.StatePending, tr.Transmissions()[0].Recipient("bob@pec.example.org").State)
}
