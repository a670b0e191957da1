package pectest_test

import (
	"crypto"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/internal/testutil/pecmsg"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

const original = "From: Alice <alice@pec.example.it>\r\n" +
	"To: bob@pec.example.org, bobby@pec.example.org, dan@pec.example.org, eve@pec.example.org, fay@pec.example.org\r\n" +
	"Cc: carol@mail.example.com, frank@pec.example.it\r\n" +
	"Subject: Contratto di fornitura\r\n" +
	"Message-ID: <a1b2c3@client.example.it>\r\n" +
	"X-TipoRicevuta: breve\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
	"--b\r\nContent-Type: text/plain\r\n\r\nCiao\r\n" +
	"--b\r\nContent-Type: application/pdf; name=\"doc.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ=\r\n" +
	"--b--\r\n"

func newWorld(opts *pectest.Options) (*pectest.World, *pectest.Provider) {
	w := pectest.NewWorld(opts)
	p := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	return w, p
}

var outcomes = map[string]pectest.Outcome{
	"bobby@pec.example.org": pectest.NoSuchMailbox,
	"dan@pec.example.org":   pectest.Virus,
	"eve@pec.example.org":   pectest.Timeout,
	"fay@pec.example.org":   pectest.TimeoutAfterTakeover,
}

// checkMessage verifies m with Sigillo's verifier and openssl, classifies
// it, and compares its daticert with the one recorded.
func checkMessage(t *testing.T, w *pectest.World, m *pectest.Message) {
	t.Helper()
	rep := envelope.Verify(m.Raw, &envelope.VerifyOptions{Trust: w.Trust()})
	require.Equal(t, envelope.StatusValid, rep.Status, "%s: %v", m.Name, rep.Err)
	assert.True(t, rep.SigningTime.Equal(m.Time), m.Name)
	h, cert, carried, hashed := pecmsg.Inspect(t, m.Raw)
	res := receipt.Classify(receipt.Input{Header: receipt.MapHeader(h),
		Body: &receipt.Body{Cert: cert, Original: carried != nil, OriginalHashed: hashed}})
	assert.Equal(t, m.Kind, res.Kind, m.Name)
	assert.Equal(t, m.Virus || m.Kind == receipt.KindRilevazioneVirus, res.Virus, m.Name)
	date, err := h.Date()
	require.NoError(t, err)
	assert.True(t, date.Equal(m.Time), m.Name)
	if m.Cert == nil {
		assert.Nil(t, cert)
	} else {
		require.NotNil(t, cert, m.Name)
		cert.Raw = nil
		assert.True(t, cert.Date.Equal(m.Cert.Date))
		cert.Date = m.Cert.Date
		assert.Equal(t, m.Cert, cert, m.Name)
	}
	testutil.OpenSSLVerify(t, m.Raw, w.TrustPEM(), m.Time)
}

func TestSendExchange(t *testing.T) {
	t.Parallel()
	for _, digest := range []crypto.Hash{crypto.SHA256, crypto.SHA1} {
		t.Run(digest.String(), func(t *testing.T) {
			t.Parallel()
			w, p := newWorld(&pectest.Options{Digest: digest})
			x, err := p.Send([]byte(original), &pectest.SendOptions{Outcomes: outcomes})
			require.NoError(t, err)
			require.True(t, x.Accepted)

			var names []string
			for _, m := range x.Messages {
				names = append(names, m.Name)
			}
			assert.Equal(t, []string{
				"accettazione",
				"posta-certificata-bob@pec.example.org",
				"posta-certificata-carol@mail.example.com",
				"posta-certificata-frank@pec.example.it",
				"presa-in-carico-pec.example.org",
				"avvenuta-consegna-bob@pec.example.org",
				"errore-consegna-bobby@pec.example.org",
				"rilevazione-virus-dan@pec.example.org",
				"errore-consegna-virus-dan@pec.example.org",
				"presa-in-carico-pec.example.it",
				"avvenuta-consegna-frank@pec.example.it",
				"preavviso-errore-consegna-12h-eve@pec.example.org",
				"preavviso-errore-consegna-24h-eve@pec.example.org",
				"preavviso-errore-consegna-24h-fay@pec.example.org",
			}, names)
			for i := 1; i < len(x.Messages); i++ {
				assert.False(t, x.Messages[i].Time.Before(x.Messages[i-1].Time), "messages out of time order")
			}
			for _, m := range x.Messages {
				t.Run(m.Name, func(t *testing.T) { checkMessage(t, w, m) })
			}

			// Per-type facts.
			pic := x.Find(receipt.KindPresaInCarico, "")
			assert.Equal(t, []string{"bob@pec.example.org", "bobby@pec.example.org", "fay@pec.example.org"}, pic.Cert.Receptions)
			assert.Equal(t, "posta-certificata@pec.example.it", pic.To)
			assert.Equal(t, "Other PEC S.r.l.", pic.Cert.Provider)
			rv := x.Find(receipt.KindRilevazioneVirus, "dan@pec.example.org")
			assert.Equal(t, "Other PEC S.r.l.", rv.Issuer.Name)
			assert.Contains(t, string(rv.Raw), "\r\nX-Mittente: alice@pec.example.it\r\n")
			ecv := x.Messages[8]
			assert.True(t, ecv.Virus)
			assert.Equal(t, "Example PEC S.p.A.", ecv.Issuer.Name)
			assert.Equal(t, daticert.ErrorVirus, ecv.Cert.Error)
			final := x.Find(receipt.KindPreavvisoErroreConsegna, "fay@pec.example.org")
			assert.Equal(t, "5.4.1", final.Cert.ExtendedErrorCode())
			assert.Equal(t, 23*time.Hour, final.Time.Sub(x.Messages[0].Time))
			ec := x.Find(receipt.KindErroreConsegna, "bobby@pec.example.org")
			assert.Equal(t, daticert.ErrorNoDest, ec.Cert.Error)
			assert.Equal(t, "5.1.1", ec.Cert.ExtendedErrorCode())

			// Bob (To) gets the breve he asked for; Frank (Cc) a sintetica.
			_, _, carried, hashed := pecmsg.Inspect(t, x.Find(receipt.KindAvvenutaConsegna, "bob@pec.example.org").Raw)
			require.NotNil(t, carried)
			assert.True(t, hashed)
			_, _, carried, _ = pecmsg.Inspect(t, x.Find(receipt.KindAvvenutaConsegna, "frank@pec.example.it").Raw)
			assert.Nil(t, carried)
			checks, err := receipt.CheckBreve(x.Find(receipt.KindAvvenutaConsegna, "bob@pec.example.org").Raw, []byte(original), nil)
			require.NoError(t, err)
			require.Len(t, checks, 1)
			assert.Equal(t, receipt.HashMatch, checks[0].Status)

			// The ordinary recipient is esterno, with no receipt.
			env := x.Find(receipt.KindPostaCertificata, "carol@mail.example.com")
			assert.Contains(t, env.Cert.Recipients, daticert.Recipient{Address: "carol@mail.example.com", Type: daticert.RecipientEsterno})
			for _, m := range x.Messages {
				if m.Kind != receipt.KindPostaCertificata {
					assert.NotEqual(t, "carol@mail.example.com", m.Recipient)
				}
			}
		})
	}
}

func TestSendDeterministic(t *testing.T) {
	t.Parallel()
	_, p1 := newWorld(nil)
	_, p2 := newWorld(nil)
	x1, err := p1.Send([]byte(original), &pectest.SendOptions{Outcomes: outcomes})
	require.NoError(t, err)
	x2, err := p2.Send([]byte(original), &pectest.SendOptions{Outcomes: outcomes})
	require.NoError(t, err)
	require.Len(t, x2.Messages, len(x1.Messages))
	for i := range x1.Messages {
		assert.Equal(t, x1.Messages[i].Raw, x2.Messages[i].Raw, x1.Messages[i].Name)
	}
	// A second send gets a new identifier and later times.
	x3, err := p1.Send([]byte(original), nil)
	require.NoError(t, err)
	assert.NotEqual(t, x1.ID, x3.ID)
	assert.True(t, x3.Messages[0].Time.After(x1.Messages[len(x1.Messages)-4].Time))
}

func TestSendNotAccepted(t *testing.T) {
	t.Parallel()
	w, p := newWorld(nil)
	tests := []struct {
		name  string
		orig  string
		opts  *pectest.SendOptions
		virus bool
	}{
		{"Bcc", "From: alice@pec.example.it\r\nTo: bob@pec.example.org\r\nBcc: x@pec.example.org\r\nSubject: s\r\n\r\nx", nil, false},
		{"no From", "To: bob@pec.example.org\r\n\r\nx", &pectest.SendOptions{Sender: "alice@pec.example.it"}, false},
		{"garbage", "\x00\x01 not a message", nil, false},
		{"virus", original, &pectest.SendOptions{Virus: true, VirusName: "Eicar-Test-Signature"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := p.Send([]byte(tt.orig), tt.opts)
			require.NoError(t, err)
			assert.False(t, x.Accepted)
			require.Len(t, x.Messages, 1)
			m := x.Messages[0]
			assert.Equal(t, receipt.KindNonAccettazione, m.Kind)
			assert.Equal(t, tt.virus, m.Virus)
			assert.NotEmpty(t, m.Cert.ExtendedError)
			checkMessage(t, w, m)
		})
	}
}

func TestSendUnknownOutcome(t *testing.T) {
	t.Parallel()
	_, p := newWorld(nil)
	_, err := p.Send([]byte(original), &pectest.SendOptions{Outcomes: map[string]pectest.Outcome{"bob@pec.example.org": "lost"}})
	require.ErrorIs(t, err, pectest.ErrUnknownOutcome)
}

func TestAnomaly(t *testing.T) {
	t.Parallel()
	w, _ := newWorld(nil)
	p := w.Providers()[1]
	m, err := p.Anomaly([]byte("From: mallory@mail.example.com\r\nTo: bob@pec.example.org\r\nSubject: Offerta\r\n\r\nCiao\r\n"), "")
	require.NoError(t, err)
	checkMessage(t, w, m)
	h, _, carried, _ := pecmsg.Inspect(t, m.Raw)
	assert.Equal(t, "errore", h.Get("X-Trasporto"))
	assert.NotEmpty(t, h.Get("Message-ID"))
	assert.Contains(t, string(carried), "Subject: Offerta")
}

func TestProviderFor(t *testing.T) {
	t.Parallel()
	w := pectest.NewWorld(nil)
	p := w.NewProvider("Example PEC S.p.A.", "pec.example.it", "legal.example.it")
	assert.Same(t, p, w.ProviderFor("x@LEGAL.example.it"))
	assert.Nil(t, w.ProviderFor("x@mail.example.com"))
	assert.Nil(t, w.ProviderFor("no-at-sign"))
	assert.Equal(t, []string{"posta-certificata@pec.example.it"}, p.Certificate().EmailAddresses)
}

func Example() {
	w := pectest.NewWorld(nil)
	alice := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	msg := "From: alice@pec.example.it\r\nTo: bob@pec.example.org\r\nSubject: Prova\r\n" +
		"Message-ID: <1@client.example.it>\r\n\r\nCiao\r\n"
	x, err := alice.Send([]byte(msg), nil)
	if err != nil {
		panic(err)
	}
	for _, m := range x.Messages {
		rep := envelope.Verify(m.Raw, &envelope.VerifyOptions{Trust: w.Trust()})
		fmt.Println(m.Time.Format("15:04:05"), m.Kind, m.Recipient, rep.Status)
	}
	// Output:
	// 11:00:00 accettazione  valid
	// 11:00:00 posta-certificata bob@pec.example.org valid
	// 11:00:01 presa-in-carico  valid
	// 11:00:02 avvenuta-consegna bob@pec.example.org valid
}

func BenchmarkSend(b *testing.B) {
	_, p := newWorld(nil)
	msg := []byte("From: alice@pec.example.it\r\nTo: bob@pec.example.org\r\nSubject: Prova\r\nMessage-ID: <1@c.it>\r\n\r\nCiao\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Send(msg, nil); err != nil {
			b.Fatal(err)
		}
	}
}
