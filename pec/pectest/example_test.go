package pectest_test

import (
	"bytes"
	"fmt"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
)

// A fake provider plays a whole exchange; pec.Read verifies and classifies each
// signed message against the fake trust chain.
func Example_read() {
	world := pectest.NewWorld(nil)
	alice := world.NewProvider("Example PEC S.p.A.", "pec.example.it")
	world.NewProvider("Other PEC S.r.l.", "pec.example.org")

	original := []byte("From: alice@pec.example.it\r\n" +
		"To: bob@pec.example.org, bobby@pec.example.org\r\n" +
		"Subject: Contratto di fornitura\r\n" +
		"Message-ID: <a1b2c3@client.example.it>\r\n" +
		"\r\n" +
		"In allegato il contratto.\r\n")
	x, err := alice.Send(original, &pectest.SendOptions{
		Outcomes: map[string]pectest.Outcome{"bobby@pec.example.org": pectest.NoSuchMailbox},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: world.Trust()}}
	for _, sent := range x.Messages {
		m, err := pec.Read(bytes.NewReader(sent.Raw), opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-18s %-22s %-10s certified=%t\n", m.Kind, m.Daticert.Delivery, m.Verification.Status, m.Certified)
	}
	// Output:
	// accettazione                              valid      certified=true
	// posta-certificata                         valid      certified=true
	// presa-in-carico                           valid      certified=true
	// avvenuta-consegna  bob@pec.example.org    valid      certified=true
	// errore-consegna    bobby@pec.example.org  valid      certified=true
}
