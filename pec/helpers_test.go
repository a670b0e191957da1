package pec_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/pec"
)

// The scenario of DM 2 novembre 2005, annex: alice@pec.example.it writes to bob@pec.example.org
// (PEC) and carol@mail.example.com (ordinary mail).
const (
	fxSender   = "alice@pec.example.it"
	fxBob      = "bob@pec.example.org"
	fxCarol    = "carol@mail.example.com"
	fxID       = "opec100.20250603091542.4711.12.1.7@pec.example.it"
	fxMsgID    = "a1b2c3@client.example.it"
	fxSubject  = "Contratto di fornitura"
	fxProvider = "Example PEC S.p.A."
	fxOther    = "Other PEC S.r.l."
)

var fxTime = time.Date(2025, 6, 3, 9, 15, 42, 0, time.FixedZone("+0200", 2*3600))

// fxCert returns the daticert of the scenario for tipo t, shaped by the presence
// matrix of DM 2 novembre 2005, annex
func fxCert(t daticert.Type) *daticert.Cert {
	c := &daticert.Cert{
		Type: t, Error: daticert.ErrorNessuno, Sender: fxSender,
		Recipients: []daticert.Recipient{
			{Address: fxBob, Type: daticert.RecipientCertificato},
			{Address: fxCarol, Type: daticert.RecipientEsterno},
		},
		ReplyTo: fxSender, Subject: fxSubject, HasSubject: true,
		Provider: fxProvider, Date: fxTime, ID: fxID, MsgID: fxMsgID, RawMsgID: "<" + fxMsgID + ">",
	}
	switch t {
	case daticert.TypePostaCertificata:
		c.Receipt = daticert.ReceiptCompleta
	case daticert.TypeNonAccettazione:
		c.Error, c.ExtendedError = daticert.ErrorAltro, "Destinatario in campo Bcc non ammesso"
	case daticert.TypePresaInCarico:
		c.Provider, c.Receptions = fxOther, []string{fxBob}
	case daticert.TypeAvvenutaConsegna:
		c.Provider, c.Receipt, c.Delivery = fxOther, daticert.ReceiptCompleta, fxBob
	case daticert.TypeErroreConsegna:
		c.Provider, c.Error, c.Delivery = fxOther, daticert.ErrorNoDest, fxBob
		c.ExtendedError = "5.1.1 - Other PEC S.r.l. - indirizzo non valido"
	case daticert.TypePreavvisoErroreConsegna:
		c.Error, c.Delivery = daticert.ErrorAltro, fxBob
		c.ExtendedError = "5.4.1 - Example PEC S.p.A. - messaggio non consegnato entro 24 ore"
	case daticert.TypeRilevazioneVirus:
		c.Provider, c.Error, c.Delivery, c.ExtendedError = fxOther, daticert.ErrorVirus, fxBob, "Win.Test.EICAR_HDB-1"
	}
	return c
}

// fxOriginal is the original message as it sits in postacert.eml.
func fxOriginal(extra ...string) string {
	h := []string{
		"From: " + fxSender, "To: " + fxBob, "Cc: " + fxCarol,
		"Subject: " + fxSubject, "Date: Tue, 3 Jun 2025 09:15:40 +0200",
		"Message-ID: <" + fxID + ">", "X-Riferimento-Message-ID: <" + fxMsgID + ">",
	}
	h = append(h, extra...)
	return strings.Join(h, "\r\n") + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBuongiorno, in allegato il contratto.\r\n"
}

// fxPart is one part of a fixture body.
type fxPart struct {
	header string // header lines joined with CRLF, without the blank line
	body   string
}

func textPart(s string) fxPart {
	return fxPart{"Content-Type: text/plain; charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: quoted-printable", s}
}

func certPart(t *testing.T, c *daticert.Cert) fxPart {
	t.Helper()
	b, err := c.Marshal()
	require.NoError(t, err)
	return rawCertPart(string(b), "application/xml", "daticert.xml")
}

func rawCertPart(xml, ctype, name string) fxPart {
	return fxPart{fmt.Sprintf("Content-Type: %s; name=\"%s\"\r\nContent-Disposition: inline; filename=\"%s\"", ctype, name, name), xml}
}

func origPart(raw, ctype, name string) fxPart {
	return fxPart{fmt.Sprintf("Content-Type: %s; name=\"%s\"\r\nContent-Disposition: inline; filename=\"%s\"\r\nContent-Transfer-Encoding: 7bit", ctype, name, name), raw}
}

// fxMessage builds an unsigned PEC-shaped message: the header lines, then a
// multipart/mixed of the parts.
func fxMessage(header []string, parts ...fxPart) []byte {
	return fxMessageB("----=_fx_boundary_1", header, parts...)
}

// fxMessageB is fxMessage with the given boundary (nested messages need their own).
func fxMessageB(boundary string, header []string, parts ...fxPart) []byte {
	var b strings.Builder
	for _, h := range header {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n")
	b.WriteString("This is a multi-part message in MIME format.\r\n")
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n" + p.header + "\r\n\r\n" + p.body)
		if !strings.HasSuffix(p.body, "\r\n") {
			b.WriteString("\r\n")
		}
	}
	b.WriteString("--" + boundary + "--\r\n")
	return []byte(b.String())
}

// receiptHeader is the outer header of a receipt or notice of the scenario.
func receiptHeader(ricevuta, prefix string, extra ...string) []string {
	h := []string{
		"Return-Path: <posta-certificata@pec.example.it>",
		"From: posta-certificata@pec.example.it",
		"To: " + fxSender,
		"Subject: " + prefix + fxSubject,
		"Date: Tue, 3 Jun 2025 09:15:42 +0200",
		"Message-ID: <opec100.20250603091542.4711.12.1.7.1@pec.example.it>",
		"X-Riferimento-Message-ID: <" + fxMsgID + ">",
		"X-Ricevuta: " + ricevuta,
	}
	return append(h, extra...)
}

// envelopeHeader is the outer header of a transport or anomaly envelope.
func envelopeHeader(trasporto, prefix string, extra ...string) []string {
	h := []string{
		"From: \"Per conto di: " + fxSender + "\" <posta-certificata@pec.example.it>",
		"To: " + fxBob, "Cc: " + fxCarol,
		"Reply-To: " + fxSender,
		"Subject: " + prefix + fxSubject,
		"Date: Tue, 3 Jun 2025 09:15:42 +0200",
		"Message-ID: <" + fxID + ">",
		"X-Riferimento-Message-ID: <" + fxMsgID + ">",
		"X-Trasporto: " + trasporto,
	}
	return append(h, extra...)
}

func codes(m *pec.Message) []string {
	var out []string
	for _, f := range m.Findings {
		out = append(out, f.Code)
	}
	return out
}
