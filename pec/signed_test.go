package pec_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

// signedWorld is a fake PEC circuit with the two providers of the scenario.
func signedWorld(t *testing.T) (*pectest.World, *pectest.Provider, *pec.Options) {
	t.Helper()
	w := pectest.NewWorld(nil)
	alice := w.NewProvider(fxProvider, "pec.example.it")
	w.NewProvider(fxOther, "pec.example.org")
	return w, alice, &pec.Options{Verify: &envelope.VerifyOptions{Trust: w.Trust()}}
}

// submitted is the message alice's client submits.
func submitted(to, cc string) []byte {
	return []byte("From: " + fxSender + "\r\nTo: " + to + "\r\nCc: " + cc + "\r\nSubject: " + fxSubject +
		"\r\nDate: Fri, 14 Mar 2025 11:00:00 +0100\r\nMessage-ID: <" + fxMsgID + ">\r\nX-TipoRicevuta: completa\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nBuongiorno.\r\n")
}

// TestReadSigned reads every message of signed exchanges played by pectest (every
// kind and variant) and checks that each is certified, with the kind, the daticert
// and the correlation keys of what the provider built.
func TestReadSigned(t *testing.T) {
	t.Parallel()
	w, alice, opts := signedWorld(t)
	x, err := alice.Send(submitted("bob@pec.example.org, dave@pec.example.org, erin@pec.example.org, frank@pec.example.org",
		"carol@pec.example.org, heidi@mail.example.com"), &pectest.SendOptions{Outcomes: map[string]pectest.Outcome{
		"dave@pec.example.org":  pectest.NoSuchMailbox,
		"erin@pec.example.org":  pectest.Virus,
		"frank@pec.example.org": pectest.Timeout,
	}})
	require.NoError(t, err)
	rejected, err := alice.Send(submitted(fxBob, fxCarol), &pectest.SendOptions{Virus: true, VirusName: "Eicar-Test-Signature"})
	require.NoError(t, err)
	anomaly, err := alice.Anomaly([]byte(fxOriginal()), "")
	require.NoError(t, err)

	msgs := append(append(append([]*pectest.Message{}, x.Messages...), rejected.Messages...), anomaly)
	seen := map[receipt.Kind]bool{}
	virus := map[receipt.Kind]bool{}
	for _, sm := range msgs {
		t.Run(sm.Name, func(t *testing.T) {
			m := readAllWays(t, sm.Raw, opts)
			seen[m.Kind] = true
			if m.Virus {
				virus[m.Kind] = true
			}
			assert.Equal(t, sm.Kind, m.Kind)
			assert.Equal(t, sm.Virus || sm.Kind == receipt.KindRilevazioneVirus, m.Virus)
			assert.Equal(t, envelope.StatusValid, m.Verification.Status, "%v", m.Verification.Err)
			assert.True(t, m.Certified, "%v", m.Findings)
			assert.Equal(t, sm.Issuer.Name, m.Verification.Provider)
			assert.True(t, m.Verification.SigningTime.Equal(sm.Time))
			for _, f := range m.Findings {
				assert.Contains(t, []string{receipt.FindingFormMismatch}, f.Code, "unexpected finding %v", f)
			}
			if sm.Kind == receipt.KindAnomalia {
				assert.Nil(t, m.Daticert)
				assert.Equal(t, fxSender, m.RealSender)
				require.NotNil(t, m.Original)
				assert.Equal(t, fxSubject, m.Original.Subject)
				return
			}
			require.NotNil(t, m.Daticert)
			assert.True(t, m.DaticertSigned)
			assert.Equal(t, receipt.SourceDaticert, m.Source)
			got, want := *m.Daticert, *sm.Cert
			got.Raw, want.Raw = nil, nil
			assert.Equal(t, want, got)
			assert.Equal(t, sm.Cert.ID, m.Keys.ID)
			assert.Equal(t, fxMsgID, m.Keys.MsgID)
			assert.Equal(t, fxSubject, m.OriginalSubject)
			switch sm.Kind {
			case receipt.KindPostaCertificata:
				assert.Equal(t, m.Keys.ID, m.Keys.MessageID)
				assert.Equal(t, fxSender, m.RealSender)
				require.NotNil(t, m.Original)
				assert.Equal(t, m.Keys.ID, m.Original.Keys.MessageID, "postacert.eml carries the PEC msgid")
				assert.Equal(t, receipt.FormCompleta, m.RequestedForm)
			case receipt.KindAvvenutaConsegna:
				if sm.Recipient == fxBob {
					assert.Equal(t, receipt.FormCompleta, m.Form)
					require.NotNil(t, m.Original)
				} else {
					assert.Equal(t, receipt.FormSintetica, m.Form, "copy recipients get a sintetica")
					assert.Nil(t, m.Original)
				}
			}
		})
	}
	for _, k := range receipt.Kinds() {
		if k != receipt.KindNotPEC {
			assert.True(t, seen[k], "no signed %s", k)
		}
	}
	for _, k := range []receipt.Kind{receipt.KindNonAccettazione, receipt.KindErroreConsegna, receipt.KindRilevazioneVirus} {
		assert.True(t, virus[k], "no virus variant of %s", k)
	}
	_ = w
}

// TestReadSignedNotCertified covers valid, tampered and untrusted signatures whose
// message must not be certified, and header forgeries that must not change the kind.
func TestReadSignedNotCertified(t *testing.T) {
	t.Parallel()
	w, alice, opts := signedWorld(t)
	x, err := alice.Send(submitted(fxBob, ""), nil)
	require.NoError(t, err)
	acc := x.Find(receipt.KindAccettazione, "")
	require.NotNil(t, acc)

	t.Run("untrusted signer", func(t *testing.T) {
		m, err := pec.Read(bytes.NewReader(acc.Raw), nil) // default anchors: the fake root is unknown
		require.NoError(t, err)
		assert.Equal(t, envelope.StatusUntrusted, m.Verification.Status)
		assert.Equal(t, receipt.KindAccettazione, m.Kind)
		assert.False(t, m.Certified)
	})
	t.Run("tampered daticert", func(t *testing.T) {
		raw := bytes.Replace(acc.Raw, []byte("Content-Transfer-Encoding: base64"), []byte("Content-Transfer-Encoding: base64 "), 1)
		require.NotEqual(t, acc.Raw, raw)
		m, err := pec.Read(bytes.NewReader(raw), opts)
		require.NoError(t, err)
		assert.Equal(t, envelope.StatusInvalid, m.Verification.Status)
		assert.False(t, m.Certified)
	})
	t.Run("outer header forged", func(t *testing.T) {
		raw := bytes.Replace(acc.Raw, []byte("X-Ricevuta: accettazione"), []byte("X-Ricevuta: avvenuta-consegna"), 1)
		require.NotEqual(t, acc.Raw, raw)
		m, err := pec.Read(bytes.NewReader(raw), opts)
		require.NoError(t, err)
		assert.Equal(t, envelope.StatusValid, m.Verification.Status)
		assert.Equal(t, receipt.KindAccettazione, m.Kind, "the signed daticert decides")
		assert.Contains(t, codes(m), receipt.FindingHeaderDaticertMismatch)
		assert.True(t, m.Certified)
	})
	t.Run("valid signature, kind from unsigned headers only", func(t *testing.T) {
		content := "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nRicevuta\r\n--b--\r\n"
		d := &envelope.Draft{
			Header: []envelope.HeaderField{
				{Name: "From", Value: alice.Address()}, {Name: "To", Value: fxSender},
				{Name: "Subject", Value: "ACCETTAZIONE: " + fxSubject}, {Name: "X-Ricevuta", Value: "accettazione"},
			},
			Content: []byte(content), Time: pectest.DefaultStart(),
		}
		raw, err := alice.Sign(d)
		require.NoError(t, err)
		m, err := pec.Read(bytes.NewReader(raw), opts)
		require.NoError(t, err)
		assert.Equal(t, envelope.StatusValid, m.Verification.Status)
		assert.Equal(t, receipt.KindAccettazione, m.Kind)
		assert.Equal(t, receipt.SourceHeaders, m.Source)
		assert.Contains(t, codes(m), receipt.FindingDaticertMissing)
		assert.False(t, m.Certified)
	})
	t.Run("signed anomaly around a signed transport envelope", func(t *testing.T) {
		env := x.Find(receipt.KindPostaCertificata, fxBob)
		require.NotNil(t, env)
		other := w.ProviderFor(fxBob)
		an, err := other.Anomaly(env.Raw, "")
		require.NoError(t, err)
		m, err := pec.Read(bytes.NewReader(an.Raw), opts)
		require.NoError(t, err)
		assert.Equal(t, receipt.KindAnomalia, m.Kind)
		assert.True(t, m.Certified)
		assert.Nil(t, m.Daticert)
		assert.Contains(t, codes(m), pec.CodeNestedPEC)
		require.NotNil(t, m.Original)
		assert.Equal(t, receipt.KindPostaCertificata, m.Original.Kind)
		assert.True(t, m.Original.Certified, "the inner envelope verifies on its own")
		assert.Equal(t, x.ID, m.Original.Keys.ID)
		require.NotNil(t, m.Original.Original)
		assert.Equal(t, fxSubject, m.Original.Original.Subject)
	})
	t.Run("verification time after expiry", func(t *testing.T) {
		late := &pec.Options{Verify: &envelope.VerifyOptions{Trust: w.Trust(), At: time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC)}}
		m, err := pec.Read(bytes.NewReader(acc.Raw), late)
		require.NoError(t, err)
		assert.Equal(t, envelope.StatusUntrusted, m.Verification.Status)
		assert.False(t, m.Certified)
	})
	t.Run("LF line endings", func(t *testing.T) {
		raw := bytes.ReplaceAll(acc.Raw, []byte("\r\n"), []byte("\n"))
		m, err := pec.Read(strings.NewReader(string(raw)), opts)
		require.NoError(t, err)
		assert.True(t, m.Certified, "%v %v", m.Verification.Err, m.Findings)
	})
}
