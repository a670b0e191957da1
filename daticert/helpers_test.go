package daticert_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
)

// zone returns a fixed zone; named "+hhmm" after its offset, it is the zone
// Parse produces.
func zone(name string, seconds int) *time.Location { return time.FixedZone(name, seconds) }

var plus2 = zone("+0200", 2*3600)
var plus1 = zone("+0100", 3600)

// readFile reads a file of this package's testdata.
func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// mustParse parses data with default options and clears Raw.
func mustParse(t testing.TB, data []byte) *daticert.Cert {
	t.Helper()
	c, err := daticert.Parse(data, nil)
	require.NoError(t, err)
	require.NotNil(t, c)
	require.Equal(t, data, c.Raw)
	c.Raw = nil
	return c
}

// validCert returns a fresh, valid avvenuta-consegna certificate that
// round-trips exactly.
func validCert() *daticert.Cert {
	return &daticert.Cert{
		Type:   daticert.TypeAvvenutaConsegna,
		Error:  daticert.ErrorNessuno,
		Sender: "alice@pec.example.it",
		Recipients: []daticert.Recipient{
			{Address: "bob@pec.example.org", Type: daticert.RecipientCertificato},
			{Address: "carol@mail.example.com", Type: daticert.RecipientEsterno},
		},
		ReplyTo:    "alice@pec.example.it",
		Subject:    "Contratto di fornitura",
		HasSubject: true,
		Provider:   "Other PEC S.r.l.",
		Date:       time.Date(2025, 6, 3, 9, 15, 45, 0, plus2),
		ID:         "opec100.20250603091542.4711.12.1.7@pec.example.it",
		MsgID:      "a1b2c3@client.example.it",
		RawMsgID:   "<a1b2c3@client.example.it>",
		Receipt:    daticert.ReceiptCompleta,
		Delivery:   "bob@pec.example.org",
	}
}
