package pec_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

// signAt is signLayout with the signing time at.
func signAt(t *testing.T, alice *pectest.Provider, at time.Time, header []string, content string) []byte {
	t.Helper()
	d := &envelope.Draft{Content: []byte(content), Time: at}
	for _, h := range header {
		name, value, ok := strings.Cut(h, ": ")
		require.True(t, ok, h)
		d.Header = append(d.Header, envelope.HeaderField{Name: name, Value: value})
	}
	raw, err := alice.Sign(d)
	require.NoError(t, err)
	return raw
}

// fromIs returns h with its From field's value replaced by v.
func fromIs(h []string, v string) []string {
	out := append([]string{}, h...)
	for i := range out {
		if strings.HasPrefix(out[i], "From: ") {
			out[i] = "From: " + v
		}
	}
	return out
}

// TestRedTeamKinds: placement across attached messages, forwarding, the
// anomaly exception and the time rules, through every way of reading.
func TestRedTeamKinds(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	leaf := alice.Signer().Cert
	x, err := alice.Send(submitted(fxBob, ""), nil)
	require.NoError(t, err)
	acc := x.Find(receipt.KindAccettazione, "")
	require.NotNil(t, acc)

	rhdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	accXML := daticertXML(t, daticert.TypeAccettazione)
	pcXML := daticertXML(t, daticert.TypePostaCertificata)
	text := textPart("Testo del gestore")
	ehdr := envelopeHeader("posta-certificata", "POSTA CERTIFICATA: ")
	ahdr := envelopeHeader("errore", "ANOMALIA MESSAGGIO: ")
	for _, h := range [][]string{ehdr, ahdr} {
		for i := range h {
			if strings.HasPrefix(h[i], "From: ") {
				h[i] = "From: \"Per conto di: " + fxSender + "\" <" + alice.Address() + ">"
			}
		}
	}
	// The sender's message with a daticert.xml attachment of its own.
	origWithDat := string(fxMessageB("o", []string{"From: " + fxSender, "To: " + fxBob, "Subject: " + fxSubject, "Date: Fri, 14 Mar 2025 11:00:00 +0100", "Message-ID: <" + fxMsgID + ">"},
		textPart("Allego una ricevuta"), rawCertPart(accXML, "application/xml", "daticert.xml")))
	certAt := func(ty daticert.Type, at time.Time) string {
		c := fxCert(ty)
		c.Date = at
		b, err := c.Marshal()
		require.NoError(t, err)
		return string(b)
	}
	dat := func(xml string) fxPart { return rawCertPart(xml, "application/xml", "daticert.xml") }
	at := pectest.DefaultStart()
	pinned := *opts
	vo := *opts.Verify
	vo.Now = func() time.Time { return at.Add(time.Hour) }
	pinned.Verify = &vo

	tests := []struct {
		name      string
		raw       func() []byte
		opts      *pec.Options
		certified bool
		kind      receipt.Kind // checked when not ""
		code      string       // a finding, blocker or reason code that must be present
	}{
		{"postacert.eml carrying a daticert.xml, none outside", func() []byte {
			return signAt(t, alice, at, ehdr, mixed("b", text, origPart(origWithDat, "message/rfc822", "postacert.eml")))
		}, opts, false, "", pec.CodeKindNotSigned},
		{"postacert.eml carrying a daticert.xml, and the provider's", func() []byte {
			return signAt(t, alice, at, ehdr, mixed("b", text, origPart(origWithDat, "message/rfc822", "postacert.eml"), dat(pcXML)))
		}, opts, true, receipt.KindPostaCertificata, ""},
		{"receipt carrying only an attached receipt", func() []byte {
			return signAt(t, alice, at, rhdr, mixed("b", text, origPart(string(acc.Raw), "message/rfc822", "ricevuta.eml")))
		}, opts, false, "", pec.CodeKindNotSigned},
		{"receipt attached to a receipt", func() []byte {
			return signAt(t, alice, at, rhdr, mixed("b", text, dat(accXML), origPart(string(acc.Raw), "message/rfc822", "ricevuta.eml")))
		}, opts, true, receipt.KindAccettazione, ""},
		{"attached message named daticert.xml", func() []byte {
			return signAt(t, alice, at, rhdr, mixed("b", text, origPart(string(acc.Raw), "message/rfc822", "daticert.xml")))
		}, opts, false, "", pec.CodeDaticertByName},
		{"daticert.xml as text/plain beside the real one", func() []byte {
			return signAt(t, alice, at, rhdr, mixed("b", text, dat(accXML), rawCertPart(pcXML, "text/plain", "daticert.xml")))
		}, opts, false, "", pec.CodeDaticertMultiple},
		{"unsigned PEC forwarding a signed receipt as the list footer way", func() []byte {
			return fxMessage([]string{"From: mallory@evil.example", "Subject: ACCETTAZIONE: x", "X-Ricevuta: accettazione", "Date: Fri, 14 Mar 2025 11:00:00 +0100"},
				text, origPart(string(acc.Raw), "message/rfc822", "postacert.eml"))
		}, opts, false, receipt.KindAccettazione, pec.CodeSignatureNotValid},

		{"Per conto di naming someone else than mittente", func() []byte {
			return signAt(t, alice, at, fromIs(ehdr, "\"Per conto di: mallory@evil.example\" <"+alice.Address()+">"), mixed("b", text, origPart(fxOriginal(), "message/rfc822", "postacert.eml"), dat(pcXML)))
		}, opts, true, receipt.KindPostaCertificata, pec.CodeSenderMismatch},
		{"Per conto di as an encoded word naming someone else", func() []byte {
			return signAt(t, alice, at, fromIs(ehdr, "=?utf-8?q?Per_conto_di:_mallory@evil.example?= <"+alice.Address()+">"), mixed("b", text, origPart(fxOriginal(), "message/rfc822", "postacert.eml"), dat(pcXML)))
		}, opts, true, receipt.KindPostaCertificata, pec.CodeSenderMismatch},

		// The anomaly exception.
		{"anomaly: text and the received message", func() []byte {
			return signAt(t, alice, at, ahdr, mixed("b", text, origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
		}, opts, true, receipt.KindAnomalia, ""},
		{"anomaly: text named daticert.xml", func() []byte {
			return signAt(t, alice, at, ahdr, mixed("b", fxPart{"Content-Type: text/plain; name=\"daticert.xml\"", "x"}, text, origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
		}, opts, false, "", ""},
		{"anomaly: an extra attachment", func() []byte {
			return signAt(t, alice, at, ahdr, mixed("b", text, origPart(fxOriginal(), "message/rfc822", "postacert.eml"), fxPart{"Content-Type: application/octet-stream; name=\"x.bin\"", "AAAA"}))
		}, opts, false, "", pec.CodeAnomalyShape},
		{"anomaly: two received messages", func() []byte {
			return signAt(t, alice, at, ahdr, mixed("b", text, origPart(fxOriginal(), "message/rfc822", "postacert.eml"), origPart(fxOriginal(), "message/rfc822", "b.eml")))
		}, opts, false, "", pec.CodeAnomalyShape},
		{"anomaly shape under X-Trasporto posta-certificata", func() []byte {
			return signAt(t, alice, at, ehdr, mixed("b", text, origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
		}, opts, false, "", ""},
		{"anomaly shape with X-Ricevuta too", func() []byte {
			return signAt(t, alice, at, append(append([]string{}, ahdr...), "X-Ricevuta: avvenuta-consegna"), mixed("b", text, origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
		}, opts, true, receipt.KindAnomalia, receipt.FindingBothTrasportoAndRicevuta},
		{"anomaly with a second X-Trasporto posta-certificata", func() []byte {
			return signAt(t, alice, at, append(append([]string{}, ahdr...), "X-Trasporto: posta-certificata"), mixed("b", text, origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
		}, opts, true, receipt.KindAnomalia, pec.CodeHeaderDuplicate},
		{"anomaly whose text is in a nested multipart/alternative", func() []byte {
			return signAt(t, alice, at, ahdr, mixed("b", fxPart{"Content-Type: multipart/alternative; boundary=\"alt\"", body(mixed("alt", text, fxPart{"Content-Type: text/html", "<p>x</p>"}))}, origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
		}, opts, true, receipt.KindAnomalia, ""},

		// Time.
		{"daticert dated before the signer validity", func() []byte {
			return signAt(t, alice, at, rhdr, mixed("b", text, dat(certAt(daticert.TypeAccettazione, leaf.NotBefore.Add(-time.Second)))))
		}, opts, false, "", pec.CodeKeyOutsideValidity},
		{"daticert dated after the signer validity", func() []byte {
			return signAt(t, alice, at, rhdr, mixed("b", text, dat(certAt(daticert.TypeAccettazione, leaf.NotAfter.Add(time.Second)))))
		}, opts, false, "", pec.CodeKeyOutsideValidity},
		{"daticert dated at the signer NotBefore", func() []byte {
			return signAt(t, alice, leaf.NotBefore, rhdr, mixed("b", text, dat(certAt(daticert.TypeAccettazione, leaf.NotBefore))))
		}, opts, true, receipt.KindAccettazione, ""},
		{"signingTime before the signer validity", func() []byte {
			return signAt(t, alice, leaf.NotBefore.Add(-time.Second), rhdr, mixed("b", text, dat(accXML)))
		}, opts, false, "", ""},
		{"signingTime in the future", func() []byte {
			return signAt(t, alice, at.Add(48*time.Hour), rhdr, mixed("b", text, dat(certAt(daticert.TypeAccettazione, at.Add(48*time.Hour)))))
		}, &pinned, false, "", envelope.CodeSigningTimeInFuture},
		{"Date header outside the signer validity", func() []byte {
			h := append([]string{}, rhdr...)
			for i := range h {
				if strings.HasPrefix(h[i], "Date: ") {
					h[i] = "Date: Mon, 1 Jan 2046 00:00:00 +0000"
				}
			}
			return signAt(t, alice, at, h, mixed("b", text, dat(accXML)))
		}, opts, false, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := readAllWays(t, tc.raw(), tc.opts)
			assert.Equal(t, tc.certified, m.Certified, "kind %s source %s status %s %v blockers %v findings %v", m.Kind, m.Source, m.Verification.Status, m.Verification.Err, m.Blockers, codes(m))
			if tc.kind != "" {
				assert.Equal(t, tc.kind, m.Kind)
			}
			if tc.code != "" {
				assert.Contains(t, append(append(codes(m), blockerCodes(m)...), m.Verification.Code), tc.code)
			}
		})
	}
}
