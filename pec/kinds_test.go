package pec_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// TestReadKinds reads an unsigned message of every kind and variant of the technical
// rules (DM 2 novembre 2005, annex), built with the headers, subject and daticert of the technical rules, and
// checks every field of the result. Unsigned messages are never certified; signed
// ones are checked in TestReadSigned.
func TestReadKinds(t *testing.T) {
	t.Parallel()
	breveOriginal := string(fxMessageB("inner-boundary",
		[]string{"From: " + fxSender, "To: " + fxBob, "Subject: " + fxSubject, "Message-ID: <" + fxID + ">"},
		textPart("Testo"),
		fxPart{"Content-Type: text/plain; name=\"contratto.pdf.hash\"\r\nContent-Disposition: attachment; filename=\"contratto.pdf.hash\"", "0123456789abcdef0123456789abcdef01234567"},
	))
	breve := fxCert(daticert.TypeAvvenutaConsegna)
	breve.Receipt = daticert.ReceiptBreve
	sintetica := fxCert(daticert.TypeAvvenutaConsegna)
	sintetica.Receipt = daticert.ReceiptSintetica
	nonAccVirus := fxCert(daticert.TypeNonAccettazione)
	nonAccVirus.Error, nonAccVirus.ExtendedError = daticert.ErrorVirus, "Eicar-Test-Signature"
	errVirus := fxCert(daticert.TypeErroreConsegna)
	errVirus.Provider, errVirus.Error, errVirus.ExtendedError = fxProvider, daticert.ErrorVirus, "Win.Test.EICAR_HDB-1"

	tests := []struct {
		name      string
		msg       func(t *testing.T) []byte
		kind      receipt.Kind
		virus     bool
		form      receipt.Form
		requested receipt.Form
		source    receipt.Source
		prefix    string // subject prefix
		original  bool
		sender    string // RealSender
	}{
		{
			name: "posta-certificata",
			msg: func(t *testing.T) []byte {
				return fxMessage(envelopeHeader("posta-certificata", "POSTA CERTIFICATA: ", "X-TipoRicevuta: completa"),
					textPart("Messaggio di posta certificata"), certPart(t, fxCert(daticert.TypePostaCertificata)),
					origPart(fxOriginal("X-TipoRicevuta: completa"), "message/rfc822", "postacert.eml"))
			},
			kind: receipt.KindPostaCertificata, requested: receipt.FormCompleta, source: receipt.SourceDaticert,
			prefix: "POSTA CERTIFICATA: ", original: true, sender: fxSender,
		},
		{
			name: "anomalia",
			msg: func(t *testing.T) []byte {
				return fxMessage(envelopeHeader("errore", "ANOMALIA MESSAGGIO: "),
					textPart("Anomalia nel messaggio"), origPart(fxOriginal(), "message/rfc822", "postacert.eml"))
			},
			kind: receipt.KindAnomalia, source: receipt.SourceHeaders, prefix: "ANOMALIA MESSAGGIO: ", original: true, sender: fxSender,
		},
		{
			name: "accettazione",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("accettazione", "ACCETTAZIONE: "),
					textPart("Ricevuta di accettazione"), certPart(t, fxCert(daticert.TypeAccettazione)))
			},
			kind: receipt.KindAccettazione, source: receipt.SourceDaticert, prefix: "ACCETTAZIONE: ",
		},
		{
			name: "non-accettazione",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("non-accettazione", "AVVISO DI NON ACCETTAZIONE: "),
					textPart("Errore nell'accettazione"), certPart(t, fxCert(daticert.TypeNonAccettazione)))
			},
			kind: receipt.KindNonAccettazione, source: receipt.SourceDaticert, prefix: "AVVISO DI NON ACCETTAZIONE: ",
		},
		{
			name: "non-accettazione virus",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("non-accettazione", "AVVISO DI NON ACCETTAZIONE PER VIRUS: ", "X-VerificaSicurezza: errore"),
					textPart("Virus"), certPart(t, nonAccVirus))
			},
			kind: receipt.KindNonAccettazione, virus: true, source: receipt.SourceDaticert, prefix: "AVVISO DI NON ACCETTAZIONE PER VIRUS: ",
		},
		{
			name: "presa-in-carico",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("presa-in-carico", "PRESA IN CARICO: "),
					textPart("Presa in carico"), certPart(t, fxCert(daticert.TypePresaInCarico)))
			},
			kind: receipt.KindPresaInCarico, source: receipt.SourceDaticert, prefix: "PRESA IN CARICO: ",
		},
		{
			name: "avvenuta-consegna completa",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("avvenuta-consegna", "CONSEGNA: "),
					textPart("Ricevuta di avvenuta consegna"), certPart(t, fxCert(daticert.TypeAvvenutaConsegna)),
					origPart(fxOriginal(), "message/rfc822", "postacert.eml"))
			},
			kind: receipt.KindAvvenutaConsegna, form: receipt.FormCompleta, requested: receipt.FormCompleta,
			source: receipt.SourceDaticert, prefix: "CONSEGNA: ", original: true,
		},
		{
			name: "avvenuta-consegna breve",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("avvenuta-consegna", "CONSEGNA: "),
					textPart("Ricevuta breve di avvenuta consegna"), certPart(t, breve),
					origPart(breveOriginal, "message/rfc822", "postacert.eml"))
			},
			kind: receipt.KindAvvenutaConsegna, form: receipt.FormBreve, requested: receipt.FormBreve,
			source: receipt.SourceDaticert, prefix: "CONSEGNA: ", original: true,
		},
		{
			name: "avvenuta-consegna sintetica",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("avvenuta-consegna", "CONSEGNA: "),
					textPart("Ricevuta sintetica di avvenuta consegna"), certPart(t, sintetica))
			},
			kind: receipt.KindAvvenutaConsegna, form: receipt.FormSintetica, requested: receipt.FormSintetica,
			source: receipt.SourceDaticert, prefix: "CONSEGNA: ",
		},
		{
			name: "errore-consegna",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("errore-consegna", "AVVISO DI MANCATA CONSEGNA: "),
					textPart("Avviso di mancata consegna"), certPart(t, fxCert(daticert.TypeErroreConsegna)))
			},
			kind: receipt.KindErroreConsegna, source: receipt.SourceDaticert, prefix: "AVVISO DI MANCATA CONSEGNA: ",
		},
		{
			name: "errore-consegna virus",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("errore-consegna", "AVVISO DI MANCATA CONSEGNA PER VIRUS: ", "X-VerificaSicurezza: errore"),
					textPart("Virus"), certPart(t, errVirus))
			},
			kind: receipt.KindErroreConsegna, virus: true, source: receipt.SourceDaticert, prefix: "AVVISO DI MANCATA CONSEGNA PER VIRUS: ",
		},
		{
			name: "preavviso-errore-consegna",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("preavviso-errore-consegna", "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: "),
					textPart("Mancata consegna entro 24 ore"), certPart(t, fxCert(daticert.TypePreavvisoErroreConsegna)))
			},
			kind: receipt.KindPreavvisoErroreConsegna, source: receipt.SourceDaticert, prefix: "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: ",
		},
		{
			name: "rilevazione-virus",
			msg: func(t *testing.T) []byte {
				return fxMessage(receiptHeader("rilevazione-virus", "PROBLEMA DI SICUREZZA: ", "X-Mittente: "+fxSender),
					textPart("Rilevazione virus"), certPart(t, fxCert(daticert.TypeRilevazioneVirus)))
			},
			kind: receipt.KindRilevazioneVirus, virus: true, source: receipt.SourceDaticert, prefix: "PROBLEMA DI SICUREZZA: ",
		},
		{
			name: "not-pec",
			msg: func(t *testing.T) []byte {
				return []byte(fxOriginal())
			},
			kind: receipt.KindNotPEC, source: receipt.SourceNone,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := pec.Read(bytes.NewReader(tt.msg(t)), nil)
			require.NoError(t, err)

			assert.Equal(t, tt.kind, m.Kind)
			assert.Equal(t, tt.virus, m.Virus)
			assert.Equal(t, tt.form, m.Form)
			assert.Equal(t, tt.requested, m.RequestedForm)
			assert.Equal(t, tt.source, m.Source)
			assert.Equal(t, tt.prefix+fxSubject, m.Subject)
			assert.Equal(t, fxSubject, m.OriginalSubject)
			assert.Equal(t, tt.sender, m.RealSender)
			assert.False(t, m.Certified, "unsigned messages are never certified")
			assert.Equal(t, "absent", m.Verification.Status.String())

			if tt.kind == receipt.KindNotPEC {
				assert.Nil(t, m.Daticert)
				assert.Nil(t, m.Original)
				assert.Empty(t, m.Findings)
				require.Len(t, m.Texts, 1)
				assert.Equal(t, "Buongiorno, in allegato il contratto.\r\n", m.Texts[0].Text)
				return
			}
			require.NotEmpty(t, m.Texts)
			assert.Equal(t, "text/plain", m.Texts[0].ContentType)
			assert.Equal(t, "iso-8859-1", m.Texts[0].Charset)

			if tt.kind == receipt.KindAnomalia {
				assert.Nil(t, m.Daticert)
				assert.Equal(t, pec.Keys{RiferimentoMessageID: fxMsgID, MessageID: fxID}, m.Keys)
				assert.Empty(t, codes(m))
			} else {
				require.NotNil(t, m.Daticert)
				assert.Equal(t, tt.kind.DaticertType(), m.Daticert.Type)
				assert.Equal(t, fxSender, m.Daticert.Sender)
				assert.False(t, m.DaticertSigned)
				assert.Equal(t, fxID, m.Keys.ID)
				assert.Equal(t, fxMsgID, m.Keys.MsgID)
				assert.Equal(t, fxMsgID, m.Keys.RiferimentoMessageID)
				assert.NotEmpty(t, m.Keys.MessageID)
				assert.Equal(t, []string{pec.CodeDaticertUnsigned}, codes(m), "%v", m.Findings)
			}

			if !tt.original {
				assert.Nil(t, m.Original)
				return
			}
			require.NotNil(t, m.Original)
			assert.Equal(t, fxSubject, m.Original.Subject)
			assert.Equal(t, receipt.KindNotPEC, m.Original.Kind)
			assert.Equal(t, fxID, m.Original.Keys.MessageID)
			require.NotEmpty(t, m.Original.Texts)
			var found bool
			for _, a := range m.Attachments {
				if a.Message == m.Original {
					found = true
					assert.Equal(t, "postacert.eml", a.Name)
					assert.Equal(t, "message/rfc822", a.ContentType)
				}
			}
			assert.True(t, found, "postacert.eml is among the attachments")
		})
	}
}
