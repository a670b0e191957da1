package envelope_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

// Verifying a provider's receipt as a recipient who trusts the provider's CA
// (here the CA of a fake PEC circuit, given as PEM), then the same receipt
// evaluated after the provider certificate expired.
func Example() {
	w := pectest.NewWorld(nil)
	provider := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	x, err := provider.Send([]byte("From: alice@pec.example.it\r\nTo: bob@pec.example.it\r\nSubject: prova\r\n"+
		"Date: Fri, 14 Mar 2025 11:00:00 +0100\r\nMessage-ID: <1@client.example.it>\r\n\r\nciao\r\n"), nil)
	if err != nil {
		panic(err)
	}
	raw := x.Find(receipt.KindAccettazione, "").Raw

	trust := envelope.NewTrust()
	if _, err := trust.AddPEM(w.TrustPEM()); err != nil {
		panic(err)
	}
	r := envelope.Verify(raw, &envelope.VerifyOptions{Trust: trust})
	fmt.Println(r.Status, r.Provider, r.DigestName, r.SigningTime.UTC().Format(time.RFC3339))

	r = envelope.Verify(raw, &envelope.VerifyOptions{Trust: trust, At: time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC)})
	fmt.Println(r.Status, errors.Is(r.Err, envelope.ErrCertExpired))

	// Without the anchor: the built-in PEC anchors do not know this CA.
	r = envelope.Verify(raw, nil)
	fmt.Println(r.Status, errors.Is(r.Err, envelope.ErrUnknownAuthority))
	// Output:
	// valid Example PEC S.p.A. sha-256 2025-03-14T10:00:00Z
	// untrusted true
	// untrusted true
}
