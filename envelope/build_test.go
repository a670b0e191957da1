package envelope_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"flag"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testpki"
	"github.com/sigillo/sigillo/internal/testutil"
)

var bldUpdate = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var bldIssuer = envelope.Issuer{Name: "Example PEC S.p.A.", Domain: "pec.example.it"}

// bldTime is the acceptance instant of the examples of the technical rules (DM 2 novembre 2005, annex)
var bldTime = envelope.LegalTime(time.Date(2025, 6, 3, 7, 15, 42, 0, time.UTC))

const bldOriginal = "Received: from client.example.it (client [192.0.2.1])\r\n" +
	"\tby smtp.pec.example.it; Tue, 3 Jun 2025 09:15:41 +0200\r\n" +
	"Return-Path: <alice@pec.example.it>\r\n" +
	"From: Alice Rossi <alice@pec.example.it>\r\n" +
	"To: bob@pec.example.org\r\n" +
	"Cc: carol@mail.example.com\r\n" +
	"Subject: =?UTF-8?Q?Contratto_di_fornitura_=E2=80=93_citt=C3=A0?=\r\n" +
	"Date: Tue, 3 Jun 2025 09:15:40 +0200\r\n" +
	"Message-ID: <a1b2c3@client.example.it>\r\n" +
	"X-TipoRicevuta: breve\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"Buongiorno Bob,\r\nil contratto è pronto.\r\n"

func bldTransportOptions() *envelope.TransportOptions {
	return &envelope.TransportOptions{
		Issuer:    bldIssuer,
		Time:      bldTime,
		ID:        envelope.NewID(bldIssuer.Domain, bldTime, 7),
		Certified: func(a string) bool { return !strings.HasSuffix(a, "@mail.example.com") },
	}
}

func bldSigner(digest crypto.Hash) *envelope.Signer {
	w := testpki.Default()
	return &envelope.Signer{Cert: w.Provider.Cert, Chain: []*x509.Certificate{w.CA.Cert}, Key: w.Provider.Key, Digest: digest}
}

func bldTrust() *envelope.Trust {
	t := envelope.NewTrust()
	t.AddCert(testpki.Default().Root.Cert)
	return t
}

func TestLegalTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		utc  time.Time
		want string
	}{
		{"winter", time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC), "2025-01-15 13:00:00 +0100"},
		{"summer", time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC), "2025-07-01 14:00:00 +0200"},
		{"before spring change", time.Date(2025, 3, 30, 0, 59, 59, 0, time.UTC), "2025-03-30 01:59:59 +0100"},
		{"at spring change", time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC), "2025-03-30 03:00:00 +0200"},
		{"before autumn change", time.Date(2025, 10, 26, 0, 59, 59, 0, time.UTC), "2025-10-26 02:59:59 +0200"},
		{"at autumn change", time.Date(2025, 10, 26, 1, 0, 0, 0, time.UTC), "2025-10-26 02:00:00 +0100"},
		{"fraction dropped", time.Date(2025, 1, 15, 12, 0, 0, 999, time.UTC), "2025-01-15 13:00:00 +0100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, envelope.LegalTime(tt.utc).Format("2006-01-02 15:04:05 -0700"))
		})
	}
}

func TestBuildTransport(t *testing.T) {
	t.Parallel()
	d, err := envelope.BuildTransport([]byte(bldOriginal), bldTransportOptions())
	require.NoError(t, err)
	id := envelope.NewID(bldIssuer.Domain, bldTime, 7)

	// Outer header: the set and order of the technical rules (DM 2 novembre 2005, annex).
	var names []string
	for _, f := range d.Header {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"Received", "Return-Path", "Subject", "X-Riferimento-Message-ID", "Date", "Message-ID",
		"Reply-To", "X-Trasporto", "To", "Cc", "From", "X-TipoRicevuta"}, names)
	assert.Equal(t, "POSTA CERTIFICATA: =?UTF-8?Q?Contratto_di_fornitura_=E2=80=93_citt=C3=A0?=", d.Get("Subject"))
	assert.Equal(t, "<a1b2c3@client.example.it>", d.Get("X-Riferimento-Message-ID"))
	assert.Equal(t, "<"+id+">", d.Get("Message-ID"))
	assert.Equal(t, "alice@pec.example.it", d.Get("Reply-To"))
	assert.Equal(t, "posta-certificata", d.Get("X-Trasporto"))
	assert.Equal(t, `"Per conto di: alice@pec.example.it" <posta-certificata@pec.example.it>`, d.Get("From"))
	assert.Equal(t, "breve", d.Get("X-TipoRicevuta"))
	assert.Equal(t, "Tue, 3 Jun 2025 09:15:42 +0200", d.Get("Date"))
	assert.Equal(t, "from client.example.it (client [192.0.2.1])\r\n\tby smtp.pec.example.it; Tue, 3 Jun 2025 09:15:41 +0200", d.Get("Received"))

	// daticert.
	c := d.Cert
	require.NotNil(t, c)
	assert.Equal(t, daticert.TypePostaCertificata, c.Type)
	assert.Equal(t, "alice@pec.example.it", c.Sender)
	assert.Equal(t, []daticert.Recipient{{Address: "bob@pec.example.org", Type: daticert.RecipientCertificato},
		{Address: "carol@mail.example.com", Type: daticert.RecipientEsterno}}, c.Recipients)
	assert.Equal(t, "Contratto di fornitura – città", c.Subject)
	assert.Equal(t, "a1b2c3@client.example.it", c.MsgID)
	assert.Equal(t, id, c.ID)
	assert.Equal(t, daticert.ReceiptBreve, c.Receipt)
	assert.True(t, c.Date.Equal(bldTime))
	require.NoError(t, c.Validate())

	// postacert.eml: Message-ID replaced, X-Riferimento-Message-ID added, body kept.
	pm, err := mail.ReadMessage(bytes.NewReader(d.Attached))
	require.NoError(t, err)
	assert.Equal(t, "<"+id+">", pm.Header.Get("Message-ID"))
	assert.Equal(t, "<a1b2c3@client.example.it>", pm.Header.Get("X-Riferimento-Message-ID"))
	assert.Len(t, pm.Header["Message-Id"], 1)
	assert.True(t, bytes.HasSuffix(d.Attached, []byte("\r\n\r\nBuongiorno Bob,\r\nil contratto è pronto.\r\n")))
	assert.Contains(t, string(d.Content), "Content-Type: message/rfc822; name=\"postacert.eml\"\r\n")
	assert.Contains(t, string(d.Content), "Content-Transfer-Encoding: 8bit\r\n")
}

func TestBuildTransportLFAndNoMessageID(t *testing.T) {
	t.Parallel()
	orig := "From: alice@pec.example.it\nTo: bob@pec.example.org\n\nbody\n"
	d, err := envelope.BuildTransport([]byte(orig), bldTransportOptions())
	require.NoError(t, err)
	assert.Empty(t, d.Get("X-Riferimento-Message-ID"))
	assert.Equal(t, "POSTA CERTIFICATA: ", d.Get("Subject"))
	assert.False(t, d.Cert.HasSubject)
	assert.Empty(t, d.Cert.MsgID)
	assert.Equal(t, daticert.ReceiptCompleta, d.Cert.Receipt)
	assert.NotContains(t, string(d.Attached), "X-Riferimento-Message-ID")
	assert.False(t, bytes.Contains(bytes.ReplaceAll(d.Content, []byte("\r\n"), nil), []byte("\n")), "bare LF in content")
}

func TestBuildTransportFormalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		orig   string
		opts   func(*envelope.TransportOptions)
		reason envelope.FormalReason
	}{
		{"no From", "To: b@pec.example.org\r\n\r\nx", nil, envelope.FormalFrom},
		{"two From addresses", "From: a@x.it, c@x.it\r\nTo: b@pec.example.org\r\n\r\nx", nil, envelope.FormalFrom},
		{"bad From", "From: <<<\r\nTo: b@pec.example.org\r\n\r\nx", nil, envelope.FormalFrom},
		{"no To", "From: a@pec.example.it\r\nCc: b@pec.example.org\r\n\r\nx", nil, envelope.FormalTo},
		{"bad To", "From: a@pec.example.it\r\nTo: b@@\r\n\r\nx", nil, envelope.FormalTo},
		{"Bcc", "From: a@pec.example.it\r\nTo: b@pec.example.org\r\nBcc: c@pec.example.org\r\n\r\nx", nil, envelope.FormalBcc},
		{"reverse-path differs", "From: a@pec.example.it\r\nTo: b@pec.example.org\r\n\r\nx",
			func(o *envelope.TransportOptions) { o.Sender = "z@pec.example.it" }, envelope.FormalSender},
		{"recipient not in To or Cc", "From: a@pec.example.it\r\nTo: b@pec.example.org\r\n\r\nx",
			func(o *envelope.TransportOptions) {
				o.Recipients = []daticert.Recipient{{Address: "z@pec.example.org"}}
			}, envelope.FormalRecipient},
		{"too many recipients", "From: a@pec.example.it\r\nTo: b@pec.example.org, c@pec.example.org\r\n\r\nx",
			func(o *envelope.TransportOptions) { o.Limits = &envelope.BuildLimits{MaxRecipients: 1} }, envelope.FormalTooManyRecipients},
		{"too large", "From: a@pec.example.it\r\nTo: b@pec.example.org\r\n\r\nxx",
			func(o *envelope.TransportOptions) { o.Limits = &envelope.BuildLimits{MaxOriginalBytes: 10} }, envelope.FormalTooLarge},
		{"header too large", "From: a@pec.example.it\r\nTo: b@pec.example.org\r\n\r\nx",
			func(o *envelope.TransportOptions) { o.Limits = &envelope.BuildLimits{MaxHeaderBytes: 10} }, envelope.FormalTooLarge},
		{"continuation first", " x\r\nFrom: a@pec.example.it\r\n\r\nx", nil, envelope.FormalMalformed},
		{"not a header", "From: a@pec.example.it\r\nnot a header\r\n\r\nx", nil, envelope.FormalMalformed},
		{"bad Message-ID", "From: a@pec.example.it\r\nTo: b@pec.example.org\r\nMessage-ID: <a b@c>\r\n\r\nx", nil, envelope.FormalMessageID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := bldTransportOptions()
			if tt.opts != nil {
				tt.opts(o)
			}
			_, err := envelope.BuildTransport([]byte(tt.orig), o)
			require.ErrorIs(t, err, envelope.ErrFormal)
			var fe *envelope.FormalError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.reason, fe.Reason)
			assert.NotEmpty(t, fe.Italian())
		})
	}
}

func TestBuildOptionErrors(t *testing.T) {
	t.Parallel()
	orig := []byte("From: a@pec.example.it\r\nTo: b@pec.example.org\r\n\r\nx")
	tests := []struct {
		name string
		opts *envelope.TransportOptions
	}{
		{"nil", nil},
		{"no issuer", &envelope.TransportOptions{Time: bldTime, ID: "x@y"}},
		{"no time", &envelope.TransportOptions{Issuer: bldIssuer, ID: "x@y"}},
		{"no id", &envelope.TransportOptions{Issuer: bldIssuer, Time: bldTime}},
		{"id with brackets", &envelope.TransportOptions{Issuer: bldIssuer, Time: bldTime, ID: "<x@y>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := envelope.BuildTransport(orig, tt.opts)
			require.ErrorIs(t, err, envelope.ErrBuild)
		})
	}
	_, err := envelope.BuildAnomaly(orig, nil)
	require.ErrorIs(t, err, envelope.ErrBuild)
}

func TestBuildAnomaly(t *testing.T) {
	t.Parallel()
	received := "Received: from mx.mail.example.com\r\n\tby mx.pec.example.org; Tue, 3 Jun 2025 09:20:00 +0200\r\n" +
		"From: Mallory <mallory@mail.example.com>\r\nTo: bob@pec.example.org\r\nSubject: Offerta\r\n" +
		"Message-ID: <xyz@mail.example.com>\r\n\r\nCiao\r\n"
	at := envelope.LegalTime(time.Date(2025, 6, 3, 7, 20, 1, 0, time.UTC))
	d, err := envelope.BuildAnomaly([]byte(received), &envelope.AnomalyOptions{Issuer: envelope.Issuer{Name: "Other PEC S.r.l.", Domain: "pec.example.org"}, Time: at})
	require.NoError(t, err)
	var names []string
	for _, f := range d.Header {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"Received", "Subject", "Date", "Message-ID", "Reply-To", "X-Trasporto", "To", "From"}, names)
	assert.Equal(t, "ANOMALIA MESSAGGIO: Offerta", d.Get("Subject"))
	assert.Equal(t, "<xyz@mail.example.com>", d.Get("Message-ID"))
	assert.Equal(t, "errore", d.Get("X-Trasporto"))
	assert.Equal(t, "mallory@mail.example.com", d.Get("Reply-To"))
	assert.Equal(t, `"Per conto di: mallory@mail.example.com" <posta-certificata@pec.example.org>`, d.Get("From"))
	assert.Nil(t, d.Cert)
	assert.Equal(t, []byte(received), d.Attached)
	assert.NotContains(t, string(d.Content), "daticert.xml\"")
}

func TestBuildSignVerifyGolden(t *testing.T) {
	t.Parallel()
	received := "From: mallory@mail.example.com\r\nTo: bob@pec.example.org\r\nSubject: Offerta\r\nMessage-ID: <xyz@mail.example.com>\r\n\r\nCiao\r\n"
	tests := []struct {
		name   string
		digest crypto.Hash
		build  func() (*envelope.Draft, error)
	}{
		{"posta-certificata", crypto.SHA256, func() (*envelope.Draft, error) {
			return envelope.BuildTransport([]byte(bldOriginal), bldTransportOptions())
		}},
		{"posta-certificata-sha1", crypto.SHA1, func() (*envelope.Draft, error) {
			return envelope.BuildTransport([]byte(bldOriginal), bldTransportOptions())
		}},
		{"anomalia", crypto.SHA256, func() (*envelope.Draft, error) {
			return envelope.BuildAnomaly([]byte(received), &envelope.AnomalyOptions{Issuer: bldIssuer, Time: bldTime})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := tt.build()
			require.NoError(t, err)
			raw, err := d.Sign(bldSigner(tt.digest))
			require.NoError(t, err)

			again, err := tt.build()
			require.NoError(t, err)
			raw2, err := again.Sign(bldSigner(tt.digest))
			require.NoError(t, err)
			assert.Equal(t, raw, raw2, "output is not deterministic")

			rep := envelope.Verify(raw, &envelope.VerifyOptions{Trust: bldTrust()})
			require.Equal(t, envelope.StatusValid, rep.Status, "%v", rep.Err)
			assert.True(t, rep.SigningTime.Equal(d.Time))
			assert.Equal(t, tt.digest, rep.Digest)

			// Outer header round trip.
			m, err := mail.ReadMessage(bytes.NewReader(raw))
			require.NoError(t, err)
			for _, f := range d.Header {
				// net/mail unfolds and turns folding white space into one space.
				assert.Equal(t, strings.Join(strings.Fields(f.Value), " "), strings.Join(strings.Fields(m.Header.Get(f.Name)), " "), f.Name)
			}
			date, err := m.Header.Date()
			require.NoError(t, err)
			assert.True(t, date.Equal(d.Time))

			// daticert round trip.
			if d.Cert != nil {
				xml := bldPart(t, raw, "daticert.xml")
				c, err := daticert.Parse(xml, nil)
				require.NoError(t, err)
				c.Raw = nil
				assert.True(t, c.Date.Equal(d.Cert.Date))
				c.Date = d.Cert.Date
				assert.Equal(t, d.Cert, c)
			}

			testutil.OpenSSLVerify(t, raw, testpki.Default().Root.PEM(), d.Time)
			testutil.Golden(t, filepath.Join("testdata", "golden", tt.name+".eml"), raw, *bldUpdate)
		})
	}
}

// bldPart returns the decoded content of the base64 part named name.
func bldPart(t *testing.T, raw []byte, name string) []byte {
	t.Helper()
	i := bytes.Index(raw, []byte("filename=\""+name+"\""))
	require.GreaterOrEqual(t, i, 0)
	rest := raw[i:]
	start := bytes.Index(rest, []byte("\r\n\r\n")) + 4
	end := bytes.Index(rest[start:], []byte("\r\n--"))
	return bldDecode(t, rest[start:start+end])
}

func FuzzBuildTransport(f *testing.F) {
	f.Add([]byte(bldOriginal))
	f.Add([]byte("From: a@pec.example.it\nTo: b@pec.example.org\n\nx"))
	f.Add([]byte("From a@b Mon Jan  1\r\nFrom: a@b.it\r\nTo: c@d.it\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := envelope.BuildTransport(data, bldTransportOptions())
		if err == nil {
			require.NotNil(t, d.Cert)
			require.NoError(t, d.Cert.Validate())
		}
		_, _ = envelope.BuildAnomaly(data, &envelope.AnomalyOptions{Issuer: bldIssuer, Time: bldTime})
	})
}

func BenchmarkBuildTransport(b *testing.B) {
	orig := []byte(bldOriginal)
	o := bldTransportOptions()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := envelope.BuildTransport(orig, o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildSignTransport(b *testing.B) {
	orig := []byte(bldOriginal)
	o := bldTransportOptions()
	s := bldSigner(crypto.SHA256)
	b.ReportAllocs()
	for b.Loop() {
		d, err := envelope.BuildTransport(orig, o)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Sign(s); err != nil {
			b.Fatal(err)
		}
	}
}

func bldDecode(t *testing.T, b64 []byte) []byte {
	t.Helper()
	out, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b64), "\r\n", ""))
	require.NoError(t, err)
	return out
}
