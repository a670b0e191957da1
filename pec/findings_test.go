package pec_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// TestReadFindings builds one message per disagreement or oddity and checks that Read
// still returns a usable result carrying the finding.
func TestReadFindings(t *testing.T) {
	t.Parallel()
	transport := func(t *testing.T, c *daticert.Cert, extra ...string) []byte {
		return fxMessage(envelopeHeader("posta-certificata", "POSTA CERTIFICATA: ", extra...),
			textPart("Messaggio di posta certificata"), certPart(t, c),
			origPart(fxOriginal(), "message/rfc822", "postacert.eml"))
	}
	acc := func(t *testing.T, header []string, parts ...fxPart) []byte {
		return fxMessage(header, append([]fxPart{textPart("Ricevuta di accettazione")}, parts...)...)
	}
	accHeader := receiptHeader("accettazione", "ACCETTAZIONE: ")
	cert := fxCert

	tests := []struct {
		name string
		msg  func(t *testing.T) []byte
		opts *pec.Options
		code string
		kind receipt.Kind
	}{
		// This package's findings.
		{"daticert-unparsable", func(t *testing.T) []byte {
			return acc(t, accHeader, rawCertPart("<xml/>", "application/xml", "daticert.xml"))
		}, nil, pec.CodeDaticertUnparsable, receipt.KindAccettazione},
		{"daticert-invalid", func(t *testing.T) []byte {
			c := cert(daticert.TypeAvvenutaConsegna)
			c.Delivery = "" // consegna is required
			return fxMessage(receiptHeader("avvenuta-consegna", "CONSEGNA: "), textPart("x"), certPart(t, c))
		}, nil, pec.CodeDaticertInvalid, receipt.KindAvvenutaConsegna},
		{"daticert-unsigned", func(t *testing.T) []byte {
			return acc(t, accHeader, certPart(t, cert(daticert.TypeAccettazione)))
		}, nil, pec.CodeDaticertUnsigned, receipt.KindAccettazione},
		{"daticert-multiple", func(t *testing.T) []byte {
			return acc(t, accHeader, certPart(t, cert(daticert.TypeAccettazione)), certPart(t, cert(daticert.TypeAccettazione)))
		}, nil, pec.CodeDaticertMultiple, receipt.KindAccettazione},
		{"daticert-by-name", func(t *testing.T) []byte {
			b, err := cert(daticert.TypeAccettazione).Marshal()
			require.NoError(t, err)
			return acc(t, accHeader, rawCertPart(string(b), "application/octet-stream", "daticert.xml"))
		}, nil, pec.CodeDaticertByName, receipt.KindAccettazione},
		{"postacert-by-name", func(t *testing.T) []byte {
			return fxMessage(envelopeHeader("posta-certificata", "POSTA CERTIFICATA: "), textPart("x"),
				certPart(t, cert(daticert.TypePostaCertificata)), origPart(fxOriginal(), "application/octet-stream", "postacert.eml"))
		}, nil, pec.CodePostacertByName, receipt.KindPostaCertificata},
		{"postacert-by-eml-name", func(t *testing.T) []byte {
			return fxMessage(envelopeHeader("posta-certificata", "POSTA CERTIFICATA: "), textPart("x"),
				certPart(t, cert(daticert.TypePostaCertificata)), origPart(fxOriginal(), "application/octet-stream", "Contratto di fornitura.eml"))
		}, nil, pec.CodePostacertByName, receipt.KindPostaCertificata},
		{"postacert-multiple", func(t *testing.T) []byte {
			return fxMessage(envelopeHeader("posta-certificata", "POSTA CERTIFICATA: "), textPart("x"),
				certPart(t, cert(daticert.TypePostaCertificata)), origPart(fxOriginal(), "message/rfc822", "postacert.eml"),
				origPart(fxOriginal(), "message/rfc822", "other.eml"))
		}, nil, pec.CodePostacertMultiple, receipt.KindPostaCertificata},
		{"postacert-unreadable", func(t *testing.T) []byte {
			return fxMessage(envelopeHeader("posta-certificata", "POSTA CERTIFICATA: "), textPart("x"),
				certPart(t, cert(daticert.TypePostaCertificata)), origPart("\r\n", "message/rfc822", "postacert.eml"))
		}, nil, pec.CodePostacertUnreadable, receipt.KindPostaCertificata},
		{"nested-pec", func(t *testing.T) []byte {
			inner := string(transport(t, cert(daticert.TypePostaCertificata)))
			return fxMessage(envelopeHeader("errore", "ANOMALIA MESSAGGIO: "), textPart("Anomalia nel messaggio"),
				origPart(strings.ReplaceAll(inner, "fx_boundary_1", "fx_boundary_2"), "message/rfc822", "postacert.eml"))
		}, nil, pec.CodeNestedPEC, receipt.KindAnomalia},
		{"identificativo-mismatch", func(t *testing.T) []byte {
			c := cert(daticert.TypePostaCertificata)
			c.ID = "opec100.other@pec.example.it"
			return transport(t, c)
		}, nil, pec.CodeIDMismatch, receipt.KindPostaCertificata},
		{"msgid-mismatch", func(t *testing.T) []byte {
			c := cert(daticert.TypeAccettazione)
			c.MsgID, c.RawMsgID = "other@client.example.it", "<other@client.example.it>"
			return acc(t, accHeader, certPart(t, c))
		}, nil, pec.CodeMsgIDMismatch, receipt.KindAccettazione},
		{"sender-mismatch", func(t *testing.T) []byte {
			c := cert(daticert.TypePostaCertificata)
			c.Sender = "mallory@pec.example.it"
			return transport(t, c)
		}, nil, pec.CodeSenderMismatch, receipt.KindPostaCertificata},
		{"date-mismatch", func(t *testing.T) []byte {
			h := receiptHeader("accettazione", "ACCETTAZIONE: ")
			for i, f := range h {
				if strings.HasPrefix(f, "Date:") {
					h[i] = "Date: Tue, 3 Jun 2025 10:15:42 +0200"
				}
			}
			return acc(t, h, certPart(t, cert(daticert.TypeAccettazione)))
		}, nil, pec.CodeDateMismatch, receipt.KindAccettazione},
		{"mime-malformed", func(t *testing.T) []byte {
			b := acc(t, accHeader, certPart(t, cert(daticert.TypeAccettazione)))
			return bytes.TrimSuffix(b, []byte("--\r\n"))[:len(b)-len("------=_fx_boundary_1--\r\n")]
		}, nil, pec.CodeMIMEMalformed, receipt.KindAccettazione},
		{"decode-error", func(t *testing.T) []byte {
			return acc(t, accHeader, fxPart{"Content-Type: text/plain; charset=x-unknown-charset", "testo"},
				certPart(t, cert(daticert.TypeAccettazione)))
		}, nil, pec.CodeDecodeError, receipt.KindAccettazione},
		{"limit-reached text", func(t *testing.T) []byte {
			return acc(t, accHeader, textPart(strings.Repeat("testo ", 1000)), certPart(t, cert(daticert.TypeAccettazione)))
		}, &pec.Options{MaxTextBytes: 4096}, pec.CodeLimitReached, receipt.KindAccettazione},

		// Findings of the receipt package, passed through.
		{"both-trasporto-and-ricevuta", func(t *testing.T) []byte {
			return acc(t, append(receiptHeader("accettazione", "ACCETTAZIONE: "), "X-Trasporto: posta-certificata"),
				certPart(t, cert(daticert.TypeAccettazione)))
		}, nil, receipt.FindingBothTrasportoAndRicevuta, receipt.KindAccettazione},
		{"header-daticert-mismatch", func(t *testing.T) []byte {
			return acc(t, receiptHeader("avvenuta-consegna", "ACCETTAZIONE: "), certPart(t, cert(daticert.TypeAccettazione)))
		}, nil, receipt.FindingHeaderDaticertMismatch, receipt.KindAccettazione},
		{"subject-daticert-mismatch", func(t *testing.T) []byte {
			return acc(t, receiptHeader("accettazione", "CONSEGNA: "), certPart(t, cert(daticert.TypeAccettazione)))
		}, nil, receipt.FindingSubjectDaticertMismatch, receipt.KindAccettazione},
		{"virus-flag-mismatch", func(t *testing.T) []byte {
			return fxMessage(receiptHeader("errore-consegna", "AVVISO DI MANCATA CONSEGNA: ", "X-VerificaSicurezza: errore"),
				textPart("x"), certPart(t, cert(daticert.TypeErroreConsegna)))
		}, nil, receipt.FindingVirusFlagMismatch, receipt.KindErroreConsegna},
		{"daticert-missing (receipt without daticert)", func(t *testing.T) []byte {
			return acc(t, accHeader)
		}, nil, receipt.FindingDaticertMissing, receipt.KindAccettazione},
		{"original-missing (envelope without postacert)", func(t *testing.T) []byte {
			return fxMessage(envelopeHeader("posta-certificata", "POSTA CERTIFICATA: "), textPart("x"),
				certPart(t, cert(daticert.TypePostaCertificata)))
		}, nil, receipt.FindingOriginalMissing, receipt.KindPostaCertificata},
		{"original-unexpected", func(t *testing.T) []byte {
			return acc(t, accHeader, certPart(t, cert(daticert.TypeAccettazione)), origPart(fxOriginal(), "message/rfc822", "postacert.eml"))
		}, nil, receipt.FindingOriginalUnexpected, receipt.KindAccettazione},
		{"form-mismatch", func(t *testing.T) []byte {
			return fxMessage(receiptHeader("avvenuta-consegna", "CONSEGNA: "), textPart("x"),
				certPart(t, cert(daticert.TypeAvvenutaConsegna)))
		}, nil, receipt.FindingFormMismatch, receipt.KindAvvenutaConsegna},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := pec.Read(bytes.NewReader(tt.msg(t)), tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.kind, m.Kind)
			assert.False(t, m.Certified)
			if tt.code != "" {
				assert.Contains(t, codes(m), tt.code, "%v", m.Findings)
			}
		})
	}
}

// TestReadNestedPEC checks that a transport envelope inside an anomaly envelope is
// reachable, classified, and reported as not authoritative.
func TestReadNestedPEC(t *testing.T) {
	t.Parallel()
	c, err := fxCert(daticert.TypePostaCertificata).Marshal()
	require.NoError(t, err)
	inner := fxMessageB("inner", envelopeHeader("posta-certificata", "POSTA CERTIFICATA: "),
		textPart("Messaggio di posta certificata"), rawCertPart(string(c), "application/xml", "daticert.xml"),
		origPart(fxOriginal(), "message/rfc822", "postacert.eml"))
	outer := fxMessage(envelopeHeader("errore", "ANOMALIA MESSAGGIO: "), textPart("Anomalia nel messaggio"),
		origPart(string(inner), "message/rfc822", "postacert.eml"))

	m, err := pec.Read(bytes.NewReader(outer), nil)
	require.NoError(t, err)
	assert.Equal(t, receipt.KindAnomalia, m.Kind)
	assert.Nil(t, m.Daticert, "the inner daticert is never the outer one")
	assert.Empty(t, m.Keys.ID)
	assert.Contains(t, codes(m), pec.CodeNestedPEC)

	require.NotNil(t, m.Original)
	assert.Equal(t, receipt.KindPostaCertificata, m.Original.Kind)
	require.NotNil(t, m.Original.Daticert)
	assert.Equal(t, fxID, m.Original.Keys.ID)
	require.NotNil(t, m.Original.Original)
	assert.Equal(t, fxSubject, m.Original.Original.Subject)

	// MaxMessageDepth 1 stops after the first level.
	m, err = pec.Read(bytes.NewReader(outer), &pec.Options{MaxMessageDepth: 1})
	require.NoError(t, err)
	require.NotNil(t, m.Original)
	assert.Nil(t, m.Original.Original)
	assert.Contains(t, codes(m.Original), pec.CodeLimitReached)
}
