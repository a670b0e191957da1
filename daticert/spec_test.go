package daticert_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
)

// specCert returns the values every example of pec-spec §6.5 shares.
func specCert(typ daticert.Type, errore daticert.ErrorCode, provider string, date time.Time) *daticert.Cert {
	return &daticert.Cert{
		Type:   typ,
		Error:  errore,
		Sender: "alice@pec.example.it",
		Recipients: []daticert.Recipient{
			{Address: "bob@pec.example.org", Type: daticert.RecipientCertificato},
			{Address: "carol@mail.example.com", Type: daticert.RecipientEsterno},
		},
		ReplyTo:    "alice@pec.example.it",
		Subject:    "Contratto di fornitura",
		HasSubject: true,
		Provider:   provider,
		Date:       date,
		ID:         "opec100.20250603091542.4711.12.1.7@pec.example.it",
		MsgID:      "a1b2c3@client.example.it",
		RawMsgID:   "<a1b2c3@client.example.it>",
	}
}

type specCase struct {
	file    string
	want    *daticert.Cert
	extCode string
}

func specCases() []specCase {
	const sender, other = "Example PEC S.p.A.", "Other PEC S.r.l."
	at := func(day, h, m, s int) time.Time { return time.Date(2025, 6, day, h, m, s, 0, plus2) }
	with := func(c *daticert.Cert, f func(*daticert.Cert)) *daticert.Cert { f(c); return c }
	return []specCase{
		{file: "a-posta-certificata.xml", want: with(specCert(daticert.TypePostaCertificata, daticert.ErrorNessuno, sender, at(3, 9, 15, 42)), func(c *daticert.Cert) {
			c.Receipt = daticert.ReceiptCompleta
		})},
		{file: "b-accettazione.xml", want: specCert(daticert.TypeAccettazione, daticert.ErrorNessuno, sender, at(3, 9, 15, 42))},
		{file: "c-non-accettazione.xml", want: with(specCert(daticert.TypeNonAccettazione, daticert.ErrorAltro, sender, at(3, 9, 15, 42)), func(c *daticert.Cert) {
			c.ExtendedError = "Destinatario in campo Bcc non ammesso"
		})},
		{file: "d-non-accettazione-virus.xml", want: with(specCert(daticert.TypeNonAccettazione, daticert.ErrorVirus, sender, at(3, 9, 15, 42)), func(c *daticert.Cert) {
			c.ExtendedError = "Eicar-Test-Signature"
		})},
		{file: "e-presa-in-carico.xml", want: with(specCert(daticert.TypePresaInCarico, daticert.ErrorNessuno, other, at(3, 9, 15, 44)), func(c *daticert.Cert) {
			c.Receptions = []string{"bob@pec.example.org"}
		})},
		{file: "f-avvenuta-consegna.xml", want: with(specCert(daticert.TypeAvvenutaConsegna, daticert.ErrorNessuno, other, at(3, 9, 15, 45)), func(c *daticert.Cert) {
			c.Receipt = daticert.ReceiptCompleta
			c.Delivery = "bob@pec.example.org"
		})},
		{file: "g-errore-consegna-no-dest.xml", extCode: "5.1.1", want: with(specCert(daticert.TypeErroreConsegna, daticert.ErrorNoDest, other, at(3, 9, 15, 45)), func(c *daticert.Cert) {
			c.Recipients[0].Address = "bobby@pec.example.org"
			c.Delivery = "bobby@pec.example.org"
			c.ExtendedError = "5.1.1 - Other PEC S.r.l. - indirizzo non valido"
		})},
		{file: "h-errore-consegna-virus.xml", want: with(specCert(daticert.TypeErroreConsegna, daticert.ErrorVirus, sender, at(3, 9, 15, 46)), func(c *daticert.Cert) {
			c.Delivery = "bob@pec.example.org"
			c.ExtendedError = "Win.Test.EICAR_HDB-1"
		})},
		{file: "i-rilevazione-virus.xml", want: with(specCert(daticert.TypeRilevazioneVirus, daticert.ErrorVirus, other, at(3, 9, 15, 44)), func(c *daticert.Cert) {
			c.Delivery = "bob@pec.example.org"
			c.ExtendedError = "Win.Test.EICAR_HDB-1"
		})},
		{file: "j-preavviso-errore-consegna.xml", extCode: "5.4.1", want: with(specCert(daticert.TypePreavvisoErroreConsegna, daticert.ErrorAltro, sender, at(4, 9, 15, 40)), func(c *daticert.Cert) {
			c.Delivery = "bob@pec.example.org"
			c.ExtendedError = "5.4.1 - Example PEC S.p.A. - messaggio non consegnato entro 24 ore"
		})},
	}
}

// TestParseSpecExamples parses the ten examples of pec-spec §6.5 and checks
// every field, that they validate, and that they round-trip.
func TestParseSpecExamples(t *testing.T) {
	t.Parallel()
	for _, tc := range specCases() {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			got := mustParse(t, readFile(t, "spec/"+tc.file))
			assert.Equal(t, tc.want, got)
			assert.True(t, got.Date.Equal(tc.want.Date))
			assert.Equal(t, tc.extCode, got.ExtendedErrorCode())
			assert.True(t, got.Type.Known())
			assert.True(t, got.Error.Known())
			require.NoError(t, got.Validate())

			out, err := got.Marshal()
			require.NoError(t, err)
			again := mustParse(t, out)
			assert.Equal(t, got, again)
		})
	}
}
