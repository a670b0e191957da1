package daticert_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
)

// asType turns validCert() into a certificate of type typ with errore
// errore and no optional dati elements.
func asType(typ daticert.Type, errore daticert.ErrorCode) func(c *daticert.Cert) {
	return func(c *daticert.Cert) {
		c.Type, c.Error = typ, errore
		c.Receipt, c.Delivery, c.Receptions, c.ExtendedError = "", "", nil, ""
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	type p struct {
		field string
		rule  daticert.Rule
	}
	const (
		tipo     = "postacert/@tipo"
		errore   = "postacert/@errore"
		ricevuta = "postacert/dati/ricevuta"
		consegna = "postacert/dati/consegna"
		ricez    = "postacert/dati/ricezione"
		estesa   = "postacert/dati/errore-esteso"
	)
	then := func(fs ...func(c *daticert.Cert)) func(c *daticert.Cert) {
		return func(c *daticert.Cert) {
			for _, f := range fs {
				f(c)
			}
		}
	}
	withReceipt := func(c *daticert.Cert) { c.Receipt = daticert.ReceiptBreve }
	withDelivery := func(c *daticert.Cert) { c.Delivery = "bob@pec.example.org" }
	withReception := func(c *daticert.Cert) { c.Receptions = []string{"bob@pec.example.org"} }
	withExtended := func(c *daticert.Cert) { c.ExtendedError = "5.1.1 - x - y" }

	tests := []struct {
		name string
		edit func(c *daticert.Cert)
		want []p
	}{
		{"valid", func(*daticert.Cert) {}, nil},

		// Presence matrix.
		{"posta-certificata minimal", then(asType(daticert.TypePostaCertificata, daticert.ErrorNessuno), withReceipt), nil},
		{"posta-certificata without ricevuta", asType(daticert.TypePostaCertificata, daticert.ErrorNessuno),
			[]p{{ricevuta, daticert.RuleMissing}}},
		{"posta-certificata with everything", then(asType(daticert.TypePostaCertificata, daticert.ErrorNessuno), withReceipt, withDelivery, withReception, withExtended),
			[]p{{consegna, daticert.RuleNotAllowed}, {ricez, daticert.RuleNotAllowed}, {estesa, daticert.RuleNotAllowed}}},
		{"accettazione minimal", asType(daticert.TypeAccettazione, daticert.ErrorNessuno), nil},
		{"accettazione with ricevuta", then(asType(daticert.TypeAccettazione, daticert.ErrorNessuno), withReceipt), nil},
		{"accettazione with the rest", then(asType(daticert.TypeAccettazione, daticert.ErrorNessuno), withDelivery, withReception, withExtended),
			[]p{{consegna, daticert.RuleNotAllowed}, {ricez, daticert.RuleNotAllowed}, {estesa, daticert.RuleNotAllowed}}},
		{"non-accettazione minimal", then(asType(daticert.TypeNonAccettazione, daticert.ErrorAltro), withExtended), nil},
		{"non-accettazione without errore-esteso", asType(daticert.TypeNonAccettazione, daticert.ErrorAltro),
			[]p{{estesa, daticert.RuleMissing}}},
		{"non-accettazione with everything", then(asType(daticert.TypeNonAccettazione, daticert.ErrorAltro), withReceipt, withDelivery, withReception, withExtended),
			[]p{{ricevuta, daticert.RuleNotAllowed}, {consegna, daticert.RuleNotAllowed}, {ricez, daticert.RuleNotAllowed}}},
		{"presa-in-carico minimal", then(asType(daticert.TypePresaInCarico, daticert.ErrorNessuno), withReception), nil},
		{"presa-in-carico without ricezione", asType(daticert.TypePresaInCarico, daticert.ErrorNessuno),
			[]p{{ricez, daticert.RuleMissing}}},
		{"presa-in-carico with everything", then(asType(daticert.TypePresaInCarico, daticert.ErrorNessuno), withReceipt, withDelivery, withReception, withExtended),
			[]p{{ricevuta, daticert.RuleNotAllowed}, {consegna, daticert.RuleNotAllowed}, {estesa, daticert.RuleNotAllowed}}},
		{"avvenuta-consegna minimal", then(asType(daticert.TypeAvvenutaConsegna, daticert.ErrorNessuno), withDelivery), nil},
		{"avvenuta-consegna without consegna", asType(daticert.TypeAvvenutaConsegna, daticert.ErrorNessuno),
			[]p{{consegna, daticert.RuleMissing}}},
		{"avvenuta-consegna with everything", then(asType(daticert.TypeAvvenutaConsegna, daticert.ErrorNessuno), withReceipt, withDelivery, withReception, withExtended),
			[]p{{ricez, daticert.RuleNotAllowed}, {estesa, daticert.RuleNotAllowed}}},
		{"errore-consegna minimal", then(asType(daticert.TypeErroreConsegna, daticert.ErrorNoDest), withDelivery, withExtended), nil},
		{"errore-consegna empty", asType(daticert.TypeErroreConsegna, daticert.ErrorNoDest),
			[]p{{consegna, daticert.RuleMissing}, {estesa, daticert.RuleMissing}}},
		{"errore-consegna with everything", then(asType(daticert.TypeErroreConsegna, daticert.ErrorNoDest), withReceipt, withDelivery, withReception, withExtended),
			[]p{{ricevuta, daticert.RuleNotAllowed}, {ricez, daticert.RuleNotAllowed}}},
		{"preavviso-errore-consegna minimal", asType(daticert.TypePreavvisoErroreConsegna, daticert.ErrorAltro), nil},
		{"preavviso-errore-consegna with everything", then(asType(daticert.TypePreavvisoErroreConsegna, daticert.ErrorAltro), withReceipt, withDelivery, withReception, withExtended),
			[]p{{ricevuta, daticert.RuleNotAllowed}, {ricez, daticert.RuleNotAllowed}}},
		{"rilevazione-virus minimal", asType(daticert.TypeRilevazioneVirus, daticert.ErrorVirus), nil},
		{"rilevazione-virus with everything", then(asType(daticert.TypeRilevazioneVirus, daticert.ErrorVirus), withReceipt, withDelivery, withReception, withExtended),
			[]p{{ricevuta, daticert.RuleNotAllowed}, {ricez, daticert.RuleNotAllowed}}},

		// errore against tipo.
		{"accettazione virus", asType(daticert.TypeAccettazione, daticert.ErrorVirus), []p{{errore, daticert.RuleErrorMismatch}}},
		{"posta-certificata altro", then(asType(daticert.TypePostaCertificata, daticert.ErrorAltro), withReceipt), []p{{errore, daticert.RuleErrorMismatch}}},
		{"presa-in-carico no-dest", then(asType(daticert.TypePresaInCarico, daticert.ErrorNoDest), withReception), []p{{errore, daticert.RuleErrorMismatch}}},
		{"avvenuta-consegna altro", then(asType(daticert.TypeAvvenutaConsegna, daticert.ErrorAltro), withDelivery), []p{{errore, daticert.RuleErrorMismatch}}},
		{"non-accettazione no-dest", then(asType(daticert.TypeNonAccettazione, daticert.ErrorNoDest), withExtended), []p{{errore, daticert.RuleErrorMismatch}}},
		{"non-accettazione virus", then(asType(daticert.TypeNonAccettazione, daticert.ErrorVirus), withExtended), nil},
		{"non-accettazione nessuno tolerated", then(asType(daticert.TypeNonAccettazione, daticert.ErrorNessuno), withExtended), nil},
		{"errore-consegna no-dominio", then(asType(daticert.TypeErroreConsegna, daticert.ErrorNoDominio), withDelivery, withExtended), nil},
		{"errore-consegna virus", then(asType(daticert.TypeErroreConsegna, daticert.ErrorVirus), withDelivery, withExtended), nil},
		{"errore-consegna altro", then(asType(daticert.TypeErroreConsegna, daticert.ErrorAltro), withDelivery, withExtended), nil},
		{"errore-consegna nessuno tolerated", then(asType(daticert.TypeErroreConsegna, daticert.ErrorNessuno), withDelivery, withExtended), nil},
		{"preavviso virus", asType(daticert.TypePreavvisoErroreConsegna, daticert.ErrorVirus), []p{{errore, daticert.RuleErrorMismatch}}},
		{"preavviso no-dest", asType(daticert.TypePreavvisoErroreConsegna, daticert.ErrorNoDest), []p{{errore, daticert.RuleErrorMismatch}}},
		{"rilevazione-virus no-dominio", asType(daticert.TypeRilevazioneVirus, daticert.ErrorNoDominio), []p{{errore, daticert.RuleErrorMismatch}}},
		{"rilevazione-virus altro", asType(daticert.TypeRilevazioneVirus, daticert.ErrorAltro), nil},

		// Enumerations.
		{"empty tipo", func(c *daticert.Cert) { c.Type = "" }, []p{{tipo, daticert.RuleMissing}}},
		{"unknown tipo skips the matrix", func(c *daticert.Cert) { c.Type, c.Receptions = "errore", []string{"x"} }, []p{{tipo, daticert.RuleUnknownValue}}},
		{"empty errore", func(c *daticert.Cert) { c.Error = "" }, []p{{errore, daticert.RuleMissing}}},
		{"unknown errore", func(c *daticert.Cert) { c.Error = "boh" }, []p{{errore, daticert.RuleUnknownValue}}},
		{"empty recipient type", func(c *daticert.Cert) { c.Recipients[1].Type = "" },
			[]p{{"postacert/intestazione/destinatari[2]/@tipo", daticert.RuleMissing}}},
		{"unknown recipient type", func(c *daticert.Cert) { c.Recipients[0].Type = "pec" },
			[]p{{"postacert/intestazione/destinatari[1]/@tipo", daticert.RuleUnknownValue}}},
		{"unknown receipt type", func(c *daticert.Cert) { c.Receipt = "lunga" },
			[]p{{"postacert/dati/ricevuta/@tipo", daticert.RuleUnknownValue}}},

		// Required text.
		{"empty texts", func(c *daticert.Cert) {
			c.Sender, c.ReplyTo, c.Provider, c.ID = "", "", "", ""
			c.Recipients[1].Address = ""
		}, []p{
			{"postacert/intestazione/mittente", daticert.RuleMissing},
			{"postacert/intestazione/destinatari[2]", daticert.RuleMissing},
			{"postacert/dati/gestore-emittente", daticert.RuleMissing},
			{"postacert/dati/identificativo", daticert.RuleMissing},
		}},
		{"empty risposte (DTD #PCDATA, Aruba 2026 acceptance receipts)", func(c *daticert.Cert) { c.ReplyTo = "" }, nil},
		{"no recipients", func(c *daticert.Cert) { c.Recipients = nil },
			[]p{{"postacert/intestazione/destinatari", daticert.RuleMissing}}},
		{"empty reception", then(asType(daticert.TypePresaInCarico, daticert.ErrorNessuno), func(c *daticert.Cert) {
			c.Receptions = []string{"bob@pec.example.org", ""}
		}), []p{{"postacert/dati/ricezione[2]", daticert.RuleMissing}}},
		{"zero date", func(c *daticert.Cert) { c.Date = time.Time{} }, []p{{"postacert/dati/data", daticert.RuleMissing}}},

		// Values that cannot be written faithfully.
		{"surrounding white space", func(c *daticert.Cert) {
			c.Sender, c.Subject, c.Delivery = " alice@pec.example.it", "x\n", "\tbob@pec.example.org"
		}, []p{
			{"postacert/intestazione/mittente", daticert.RuleInvalid},
			{"postacert/intestazione/oggetto", daticert.RuleInvalid},
			{consegna, daticert.RuleInvalid},
		}},
		{"invalid characters", func(c *daticert.Cert) { c.Provider, c.MsgID, c.RawMsgID = "\x07", "\xff", "<\xff>" }, []p{
			{"postacert/dati/gestore-emittente", daticert.RuleInvalid},
			{"postacert/dati/msgid", daticert.RuleInvalid},
			{"postacert/dati/msgid", daticert.RuleInvalid},
		}},
		{"subject without HasSubject", func(c *daticert.Cert) { c.HasSubject = false },
			[]p{{"postacert/intestazione/oggetto", daticert.RuleInvalid}}},
		{"RawMsgID disagrees", func(c *daticert.Cert) { c.RawMsgID = "<other@x>" },
			[]p{{"postacert/dati/msgid", daticert.RuleInvalid}}},
		{"MsgID without RawMsgID", func(c *daticert.Cert) { c.RawMsgID = "" }, nil},
		{"fraction of a second", func(c *daticert.Cert) { c.Date = c.Date.Add(time.Nanosecond) },
			[]p{{"postacert/dati/data/ora", daticert.RuleInvalid}}},
		{"zone with seconds", func(c *daticert.Cert) { c.Date = c.Date.In(time.FixedZone("LMT", 2996)) },
			[]p{{"postacert/dati/data/@zona", daticert.RuleInvalid}}},
		{"year 12345", func(c *daticert.Cert) { c.Date = c.Date.AddDate(10340, 0, 0) },
			[]p{{"postacert/dati/data/giorno", daticert.RuleInvalid}}},
	}
	sentinel := map[daticert.Rule]error{
		daticert.RuleMissing:       daticert.ErrMissing,
		daticert.RuleUnknownValue:  daticert.ErrUnknownValue,
		daticert.RuleNotAllowed:    daticert.ErrNotAllowed,
		daticert.RuleErrorMismatch: daticert.ErrErrorMismatch,
		daticert.RuleInvalid:       daticert.ErrInvalid,
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := validCert()
			tc.edit(c)
			err := c.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			var ve *daticert.ValidationError
			require.ErrorAs(t, err, &ve)
			var got []p
			for _, pr := range ve.Problems {
				got = append(got, p{pr.Field, pr.Rule})
				assert.Equal(t, sentinel[pr.Rule], pr.Err)
				assert.NotEmpty(t, pr.Detail)
				require.ErrorIs(t, err, sentinel[pr.Rule])
				assert.True(t, ve.Has(pr.Rule))
			}
			assert.Equal(t, tc.want, got)
			for rule, s := range sentinel {
				assert.Equal(t, ve.Has(rule), errors.Is(err, s), "rule %s", rule)
			}
		})
	}
}

// TestValidateReportsEverything checks that Validate does not stop at the
// first problem.
func TestValidateReportsEverything(t *testing.T) {
	t.Parallel()
	var c daticert.Cert
	err := c.Validate()
	var ve *daticert.ValidationError
	require.ErrorAs(t, err, &ve)
	var fields []string
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{
		"postacert/@tipo",
		"postacert/@errore",
		"postacert/intestazione/mittente",
		"postacert/intestazione/destinatari",
		"postacert/dati/gestore-emittente",
		"postacert/dati/data",
		"postacert/dati/identificativo",
	}, fields)
	require.ErrorIs(t, err, daticert.ErrMissing)
	assert.NotErrorIs(t, err, daticert.ErrNotAllowed)

	c2 := validCert()
	c2.Type = daticert.TypeAccettazione
	c2.Error = daticert.ErrorVirus
	c2.Sender = ""
	c2.Receptions = []string{"x"}
	err = c2.Validate()
	require.ErrorIs(t, err, daticert.ErrErrorMismatch)
	require.ErrorIs(t, err, daticert.ErrMissing)
	require.ErrorIs(t, err, daticert.ErrNotAllowed)
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 4) // errore, mittente, consegna, ricezione
}
