package receipt_test

import (
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigillo/sigillo/internal/testutil"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testpki"
	"github.com/sigillo/sigillo/internal/testutil/pecmsg"
	"github.com/sigillo/sigillo/receipt"
)

var bldUpdate = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var (
	bldSenderProv = envelope.Issuer{Name: "Example PEC S.p.A.", Domain: "pec.example.it"}
	bldRecipProv  = envelope.Issuer{Name: "Other PEC S.r.l.", Domain: "pec.example.org"}
	bldT0         = envelope.LegalTime(time.Date(2025, 6, 3, 7, 15, 42, 0, time.UTC))
)

// bldOriginal is a client message with a text body, a PDF, a text file
// with a non-ASCII name and an attached message.
const bldOriginal = "From: Alice Rossi <alice@pec.example.it>\r\n" +
	"To: bob@pec.example.org\r\n" +
	"Cc: carol@mail.example.com\r\n" +
	"Subject: Contratto di fornitura\r\n" +
	"Message-ID: <a1b2c3@client.example.it>\r\n" +
	"X-TipoRicevuta: breve\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
	"\r\n" +
	"preamble\r\n" +
	"--outer\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"In allegato il contratto.\r\n" +
	"--outer\r\n" +
	"Content-Type: application/pdf; name=\"contratto.pdf\"\r\n" +
	"Content-Disposition: attachment; filename=\"contratto.pdf\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDM+PgpzdHJlYW0KZW5kc3RyZWFt\r\n" +
	"CmVuZG9iago=\r\n" +
	"--outer\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Disposition: inline; filename*=utf-8''citt%C3%A0.txt\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Citt=C3=A0 di Roma\r\n" +
	"--outer\r\n" +
	"Content-Type: message/rfc822\r\n" +
	"\r\n" +
	"From: x@y.it\r\nSubject: inner\r\n\r\nContent-Type: application/pdf; name=\"hidden.pdf\"\r\n" +
	"--outer--\r\n" +
	"epilogue\r\n"

func bldCertification(t testing.TB) *envelope.Certification {
	c, err := envelope.Certify([]byte(bldOriginal), &envelope.TransportOptions{
		Issuer:    bldSenderProv,
		Time:      bldT0,
		ID:        envelope.NewID(bldSenderProv.Domain, bldT0, 7),
		Certified: func(a string) bool { return !strings.HasSuffix(a, "@mail.example.com") },
	})
	require.NoError(t, err)
	return c
}

func bldSigner(is envelope.Issuer) *envelope.Signer {
	w := testpki.Default()
	id := w.Provider
	if is == bldRecipProv {
		id = w.OtherProvider
	}
	return &envelope.Signer{Cert: id.Cert, Chain: []*x509.Certificate{w.CA.Cert}, Key: id.Key}
}

// bldEvents lists one event per message type of pec-spec.md 3.1, rows 3 to 11.
func bldEvents(c *envelope.Certification) []struct {
	name  string
	virus bool
	form  receipt.Form
	ev    receipt.Event
} {
	at := func(s int) time.Time { return bldT0.Add(time.Duration(s) * time.Second) }
	a := c.Cert
	bob := "bob@pec.example.org"
	return []struct {
		name  string
		virus bool
		form  receipt.Form
		ev    receipt.Event
	}{
		{"accettazione", false, "", receipt.Event{Kind: receipt.KindAccettazione, Issuer: bldSenderProv, Time: at(0), About: a}},
		{"non-accettazione", false, "", receipt.Event{Kind: receipt.KindNonAccettazione, Issuer: bldSenderProv, Time: at(0), About: a,
			ExtendedError: (&envelope.FormalError{Reason: envelope.FormalBcc}).Italian()}},
		{"non-accettazione-virus", true, "", receipt.Event{Kind: receipt.KindNonAccettazione, Virus: true, Issuer: bldSenderProv, Time: at(0), About: a,
			ExtendedError: "Eicar-Test-Signature"}},
		{"presa-in-carico", false, "", receipt.Event{Kind: receipt.KindPresaInCarico, Issuer: bldRecipProv, Time: at(2), About: a,
			To: bldSenderProv.Address(), Receptions: []string{bob}}},
		{"avvenuta-consegna-completa", false, receipt.FormCompleta, receipt.Event{Kind: receipt.KindAvvenutaConsegna, Issuer: bldRecipProv, Time: at(3), About: a,
			Original: c.Postacert, Recipient: bob, Form: receipt.FormCompleta}},
		{"avvenuta-consegna-breve", false, receipt.FormBreve, receipt.Event{Kind: receipt.KindAvvenutaConsegna, Issuer: bldRecipProv, Time: at(3), About: a,
			Original: c.Postacert, Recipient: bob}},
		{"avvenuta-consegna-sintetica", false, receipt.FormSintetica, receipt.Event{Kind: receipt.KindAvvenutaConsegna, Issuer: bldRecipProv, Time: at(3), About: a,
			Recipient: bob, Form: receipt.FormSintetica}},
		{"errore-consegna", false, "", receipt.Event{Kind: receipt.KindErroreConsegna, Issuer: bldRecipProv, Time: at(3), About: a, Recipient: bob}},
		{"errore-consegna-virus", true, "", receipt.Event{Kind: receipt.KindErroreConsegna, Virus: true, Issuer: bldSenderProv, Time: at(4), About: a, Recipient: bob}},
		{"preavviso-errore-consegna-12h", false, "", receipt.Event{Kind: receipt.KindPreavvisoErroreConsegna, Issuer: bldSenderProv,
			Time: bldT0.Add(12 * time.Hour), About: a, Recipient: bob}},
		{"preavviso-errore-consegna-24h", false, "", receipt.Event{Kind: receipt.KindPreavvisoErroreConsegna, Final: true, Issuer: bldSenderProv,
			Time: bldT0.Add(23 * time.Hour), About: a, Recipient: bob}},
		{"rilevazione-virus", true, "", receipt.Event{Kind: receipt.KindRilevazioneVirus, Issuer: bldRecipProv, Time: at(3), About: a,
			To: bldSenderProv.Address(), Recipient: bob, ExtendedError: "Win.Test.EICAR_HDB-1"}},
	}
}

func TestBuildEveryKind(t *testing.T) {
	t.Parallel()
	c := bldCertification(t)
	trust := envelope.NewTrust()
	trust.AddCert(testpki.Default().Root.Cert)
	for _, tt := range bldEvents(c) {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := tt.ev
			d, err := receipt.Build(&ev)
			require.NoError(t, err)
			raw, err := d.Sign(bldSigner(ev.Issuer))
			require.NoError(t, err)

			rep := envelope.Verify(raw, &envelope.VerifyOptions{Trust: trust})
			require.Equal(t, envelope.StatusValid, rep.Status, "%v", rep.Err)
			assert.True(t, rep.SigningTime.Equal(ev.Time), "signingTime %v, event %v", rep.SigningTime, ev.Time)

			h, cert, carried, hashed := pecmsg.Inspect(t, raw)
			require.NotNil(t, cert)

			// Classification agrees with the kind built.
			res := receipt.Classify(receipt.Input{Header: receipt.MapHeader(h),
				Body: &receipt.Body{Cert: cert, Original: carried != nil, OriginalHashed: hashed}})
			assert.Equal(t, ev.Kind, res.Kind)
			assert.Equal(t, receipt.SourceDaticert, res.Source)
			assert.Equal(t, tt.virus, res.Virus)
			assert.Equal(t, tt.form, res.Form)

			// Headers round trip.
			subject := receipt.StandardSubjectPrefix(ev.Kind, tt.virus) + "Contratto di fornitura"
			assert.Equal(t, subject, receipt.DecodeSubject(h.Get("Subject")))
			assert.Equal(t, string(ev.Kind), h.Get("X-Ricevuta"))
			assert.Equal(t, "posta-certificata@"+ev.Issuer.Domain, h.Get("From"))
			assert.Equal(t, "<a1b2c3@client.example.it>", h.Get("X-Riferimento-Message-ID"))
			assert.Empty(t, h.Get("X-Trasporto"))
			wantTo := "alice@pec.example.it"
			if ev.To != "" {
				wantTo = ev.To
			}
			assert.Equal(t, wantTo, h.Get("To"))
			date, err := h.Date()
			require.NoError(t, err)
			assert.True(t, date.Equal(ev.Time))
			if tt.virus && ev.Kind.HasVirusVariant() {
				assert.Equal(t, "errore", h.Get("X-VerificaSicurezza"))
			} else {
				assert.Empty(t, h.Get("X-VerificaSicurezza"))
			}
			if ev.Kind == receipt.KindRilevazioneVirus {
				assert.Equal(t, "alice@pec.example.it", h.Get("X-Mittente"))
			}

			// daticert round trip, and what it repeats from the transport.
			cert.Raw = nil
			assert.True(t, cert.Date.Equal(d.Cert.Date))
			cert.Date = d.Cert.Date
			assert.Equal(t, d.Cert, cert)
			require.NoError(t, cert.Validate())
			assert.Equal(t, c.Cert.ID, cert.ID)
			assert.Equal(t, c.Cert.Recipients, cert.Recipients)
			assert.Equal(t, ev.Issuer.Name, cert.Provider)

			// Parts allowed by pec-spec.md 5.
			switch tt.form {
			case receipt.FormCompleta:
				assert.Equal(t, c.Postacert, carried)
			case receipt.FormBreve:
				assert.True(t, hashed)
			default:
				assert.Nil(t, carried)
			}
			// The HTML part is static.
			assert.NotContains(t, strings.ToLower(string(d.Content)), "<script")
			assert.NotContains(t, strings.ToLower(string(d.Content)), "src=")

			testutil.OpenSSLVerify(t, raw, testpki.Default().Root.PEM(), ev.Time)
			testutil.Golden(t, filepath.Join("testdata", "golden", tt.name+".eml"), raw, *bldUpdate)
		})
	}
}

func TestBuildSHA1(t *testing.T) {
	t.Parallel()
	c := bldCertification(t)
	d, err := receipt.Build(&receipt.Event{Kind: receipt.KindAccettazione, Issuer: bldSenderProv, Time: bldT0, About: c.Cert})
	require.NoError(t, err)
	s := bldSigner(bldSenderProv)
	s.Digest = crypto.SHA1
	raw, err := d.Sign(s)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `protocol="application/x-pkcs7-signature"; micalg="sha1"`)
	trust := envelope.NewTrust()
	trust.AddCert(testpki.Default().Root.Cert)
	rep := envelope.Verify(raw, &envelope.VerifyOptions{Trust: trust})
	require.Equal(t, envelope.StatusValid, rep.Status, "%v", rep.Err)
	assert.Equal(t, crypto.SHA1, rep.Digest)
	testutil.OpenSSLVerify(t, raw, testpki.Default().Root.PEM(), bldT0)
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	c := bldCertification(t)
	base := receipt.Event{Issuer: bldRecipProv, Time: bldT0, About: c.Cert}
	tests := []struct {
		name string
		edit func(*receipt.Event)
	}{
		{"envelope kind", func(e *receipt.Event) { e.Kind = receipt.KindPostaCertificata }},
		{"unknown kind", func(e *receipt.Event) { e.Kind = "boh" }},
		{"no about", func(e *receipt.Event) { e.Kind = receipt.KindAccettazione; e.About = nil }},
		{"no issuer", func(e *receipt.Event) { e.Kind = receipt.KindAccettazione; e.Issuer = envelope.Issuer{} }},
		{"no time", func(e *receipt.Event) { e.Kind = receipt.KindAccettazione; e.Time = time.Time{} }},
		{"formal non-accettazione without reason", func(e *receipt.Event) { e.Kind = receipt.KindNonAccettazione }},
		{"presa in carico without To", func(e *receipt.Event) { e.Kind = receipt.KindPresaInCarico; e.Recipient = "bob@pec.example.org" }},
		{"presa in carico without receptions", func(e *receipt.Event) { e.Kind = receipt.KindPresaInCarico; e.To = "x@y" }},
		{"consegna without recipient", func(e *receipt.Event) { e.Kind = receipt.KindAvvenutaConsegna; e.Original = c.Postacert }},
		{"completa without original", func(e *receipt.Event) { e.Kind = receipt.KindAvvenutaConsegna; e.Recipient = "bob@pec.example.org" }},
		{"unknown form", func(e *receipt.Event) {
			e.Kind, e.Recipient, e.Form, e.Original = receipt.KindAvvenutaConsegna, "bob@pec.example.org", "lunga", c.Postacert
		}},
		{"rilevazione without To", func(e *receipt.Event) { e.Kind = receipt.KindRilevazioneVirus; e.Recipient = "bob@pec.example.org" }},
		{"header injection", func(e *receipt.Event) {
			e.Kind, e.Recipient = receipt.KindErroreConsegna, "bob@pec.example.org\r\nBcc: x@y"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := base
			tt.edit(&ev)
			_, err := receipt.Build(&ev)
			require.ErrorIs(t, err, receipt.ErrEvent)
		})
	}
	_, err := receipt.Build(nil)
	require.ErrorIs(t, err, receipt.ErrEvent)
}

func TestBuildNonASCIISubject(t *testing.T) {
	t.Parallel()
	c := bldCertification(t)
	about := *c.Cert
	about.Subject = "Città – offerta n° 12 con un oggetto molto lungo che deve essere piegato su più righe"
	d, err := receipt.Build(&receipt.Event{Kind: receipt.KindAccettazione, Issuer: bldSenderProv, Time: bldT0, About: &about})
	require.NoError(t, err)
	v := d.Get("Subject")
	for _, line := range strings.Split(v, "\r\n") {
		assert.LessOrEqual(t, len(line), 78)
	}
	assert.Equal(t, "ACCETTAZIONE: "+about.Subject, receipt.DecodeSubject(strings.ReplaceAll(v, "\r\n", "")))
}

func TestEnvelopePrefixesAgree(t *testing.T) {
	t.Parallel()
	assert.Equal(t, receipt.StandardSubjectPrefix(receipt.KindPostaCertificata, false), envelope.SubjectPrefixTransport)
	assert.Equal(t, receipt.StandardSubjectPrefix(receipt.KindAnomalia, false), envelope.SubjectPrefixAnomaly)
}

func TestBreve(t *testing.T) {
	t.Parallel()
	orig := []byte(bldOriginal)
	b, err := receipt.Breve(orig, nil)
	require.NoError(t, err)
	s := string(b)
	// Structure and untouched bytes kept.
	assert.True(t, strings.HasPrefix(s, bldOriginal[:strings.Index(bldOriginal, "--outer\r\nContent-Type: application/pdf")]))
	assert.True(t, strings.HasSuffix(s, "--outer--\r\nepilogue\r\n"))
	assert.Equal(t, 5, strings.Count(s, "--outer"))
	// Hash of the decoded PDF.
	sum := sha1.Sum(bldPDF(t))
	assert.Contains(t, s, "Content-Type: text/plain; charset=\"us-ascii\"; name=\"contratto.pdf.hash\"\r\n"+
		"Content-Disposition: attachment; filename=\"contratto.pdf.hash\"\r\n"+
		"Content-Transfer-Encoding: 7bit\r\n\r\n"+hex.EncodeToString(sum[:])+"\r\n--outer")
	// Non-ASCII name: RFC 2231, inline kept, decoded QP hashed.
	sum = sha1.Sum([]byte("Città di Roma")) // the CRLF before the delimiter is not content
	assert.Contains(t, s, "Content-Disposition: inline; filename*=utf-8''citt%C3%A0.txt.hash\r\n")
	assert.Contains(t, s, hex.EncodeToString(sum[:]))
	// The attached message is replaced whole.
	assert.NotContains(t, s, "hidden.pdf")
	assert.Contains(t, s, "name=\""+receipt.UnnamedMessageName+receipt.HashSuffix+"\"")
	// The text body stays.
	assert.Contains(t, s, "In allegato il contratto.")
}

func TestBreveSpecialCases(t *testing.T) {
	t.Parallel()
	t.Run("pkcs7-mime untouched", func(t *testing.T) {
		in := []byte("From: a@b.it\r\nContent-Type: application/pkcs7-mime; name=\"smime.p7m\"\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n")
		out, err := receipt.Breve(in, nil)
		require.NoError(t, err)
		assert.Equal(t, in, out)
	})
	t.Run("signed keeps signature", func(t *testing.T) {
		in := "From: a@b.it\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s\r\n\r\n" +
			"--s\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nhi\r\n" +
			"--m\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\nPDF\r\n--m--\r\n" +
			"--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n\r\nSIG\r\n--s--\r\n"
		out, err := receipt.Breve([]byte(in), nil)
		require.NoError(t, err)
		assert.Contains(t, string(out), "a.pdf.hash")
		assert.Contains(t, string(out), "name=smime.p7s\r\n\r\nSIG\r\n--s--")
		assert.NotContains(t, string(out), "smime.p7s.hash")
	})
	t.Run("top-level attachment", func(t *testing.T) {
		in := "From: a@b.it\r\nSubject: x\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\nPDF"
		out, err := receipt.Breve([]byte(in), nil)
		require.NoError(t, err)
		sum := sha1.Sum([]byte("PDF"))
		assert.Equal(t, "From: a@b.it\r\nSubject: x\r\nContent-Type: text/plain; charset=\"us-ascii\"; name=\"a.pdf.hash\"\r\n"+
			"Content-Disposition: attachment; filename=\"a.pdf.hash\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"+
			hex.EncodeToString(sum[:])+"\r\n", string(out))
	})
	t.Run("too deep", func(t *testing.T) {
		in := "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--a--\r\n"
		_, err := receipt.Breve([]byte(in), &receipt.BreveOptions{MaxDepth: 1})
		require.ErrorIs(t, err, receipt.ErrBreve)
	})
}

func TestCheckBreve(t *testing.T) {
	t.Parallel()
	c := bldCertification(t)
	d, err := receipt.Build(&receipt.Event{Kind: receipt.KindAvvenutaConsegna, Issuer: bldRecipProv, Time: bldT0, About: c.Cert,
		Original: c.Postacert, Recipient: "bob@pec.example.org", Form: receipt.FormBreve})
	require.NoError(t, err)
	raw, err := d.Sign(bldSigner(bldRecipProv))
	require.NoError(t, err)

	checks, err := receipt.CheckBreve(raw, []byte(bldOriginal), nil)
	require.NoError(t, err)
	require.Len(t, checks, 3)
	assert.Equal(t, []string{"contratto.pdf", "città.txt", receipt.UnnamedMessageName},
		[]string{checks[0].Name, checks[1].Name, checks[2].Name})
	assert.Equal(t, []int{1}, checks[0].Path)
	for _, ch := range checks {
		assert.Equal(t, receipt.HashMatch, ch.Status, ch.Name)
		assert.False(t, ch.Encoded)
	}

	// A changed attachment does not match; upper-case and encoded-body hashes do.
	altered := strings.Replace(bldOriginal, "Citt=C3=A0 di Roma", "Citt=C3=A0 di Milano", 1)
	checks, err = receipt.CheckBreve(raw, []byte(altered), nil)
	require.NoError(t, err)
	assert.Equal(t, receipt.HashMismatch, checks[1].Status)
	assert.Equal(t, receipt.HashMatch, checks[0].Status)

	b, err := receipt.Breve([]byte(bldOriginal), nil)
	require.NoError(t, err)
	body := "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDM+PgpzdHJlYW0KZW5kc3RyZWFt\r\nCmVuZG9iago="
	enc := sha1.Sum([]byte(body))
	dec := sha1.Sum(bldPDF(t))
	encodedVariant := strings.Replace(string(b), hex.EncodeToString(dec[:]), strings.ToUpper(hex.EncodeToString(enc[:])), 1)
	checks, err = receipt.CheckBreve([]byte(encodedVariant), []byte(bldOriginal), nil)
	require.NoError(t, err)
	assert.Equal(t, receipt.HashMatch, checks[0].Status)
	assert.True(t, checks[0].Encoded)

	// A receipt without the hash part reports it missing.
	checks, err = receipt.CheckBreve([]byte("From: a@b.it\r\n\r\nnothing"), []byte(bldOriginal), nil)
	require.NoError(t, err)
	for _, ch := range checks {
		assert.Equal(t, receipt.HashMissing, ch.Status)
	}
}

// bldPDF returns the decoded attachment of bldOriginal.
func bldPDF(t *testing.T) []byte {
	t.Helper()
	pdf, err := base64.StdEncoding.DecodeString("JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDM+PgpzdHJlYW0KZW5kc3RyZWFt" +
		"CmVuZG9iago=")
	require.NoError(t, err)
	return pdf
}

func BenchmarkBuildAcceptance(b *testing.B) {
	c := bldCertification(b)
	ev := &receipt.Event{Kind: receipt.KindAccettazione, Issuer: bldSenderProv, Time: bldT0, About: c.Cert}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := receipt.Build(ev); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildSignAcceptance(b *testing.B) {
	c := bldCertification(b)
	ev := &receipt.Event{Kind: receipt.KindAccettazione, Issuer: bldSenderProv, Time: bldT0, About: c.Cert}
	s := bldSigner(bldSenderProv)
	b.ReportAllocs()
	for b.Loop() {
		d, err := receipt.Build(ev)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Sign(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildBreveDelivery(b *testing.B) {
	c := bldCertification(b)
	ev := &receipt.Event{Kind: receipt.KindAvvenutaConsegna, Issuer: bldRecipProv, Time: bldT0, About: c.Cert,
		Original: c.Postacert, Recipient: "bob@pec.example.org", Form: receipt.FormBreve}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := receipt.Build(ev); err != nil {
			b.Fatal(err)
		}
	}
}
