package envelope_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testpki"
)

// Signing a receipt body as a provider, then verifying the message as a recipient
// who trusts the provider's CA.
func Example() {
	w := testpki.Default()
	at := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	entity := []byte("Content-Type: text/plain; charset=\"iso-8859-1\"\r\n\r\nRicevuta di accettazione\r\n")

	sb, err := envelope.Sign(entity, &envelope.Signer{Cert: w.Provider.Cert, Chain: w.Provider.Chain()[1:], Key: w.Provider.Key},
		&envelope.SignOptions{Time: at})
	if err != nil {
		panic(err)
	}
	raw := []byte("From: " + testpki.ProviderEmail + "\r\nDate: Fri, 14 Mar 2025 11:00:00 +0100\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: " + sb.ContentType + "\r\n\r\n" + string(sb.Body))

	trust := envelope.NewTrust()
	trust.AddCert(w.CA.Cert)
	r := envelope.Verify(raw, &envelope.VerifyOptions{Trust: trust})
	fmt.Println(r.Status, r.Provider, r.DigestName, r.SigningTime.Format(time.RFC3339))

	// The same message evaluated in 2045, after the provider certificate expired.
	r = envelope.Verify(raw, &envelope.VerifyOptions{Trust: trust, At: time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC)})
	fmt.Println(r.Status, errors.Is(r.Err, envelope.ErrCertExpired))
	// Output:
	// valid Example PEC S.p.A. sha-256 2025-03-14T10:00:00Z
	// untrusted true
}
