package pec

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

func headerOf(t *testing.T, lines ...string) gomail.Header {
	t.Helper()
	h, err := textproto.ReadHeader(bufio.NewReader(strings.NewReader(strings.Join(lines, "\r\n") + "\r\n\r\n")))
	require.NoError(t, err)
	return gomail.Header{Header: message.Header{Header: h}}
}

func findingCodes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestCheckSender(t *testing.T) {
	t.Parallel()
	const ct = "Content-Type: multipart/signed; boundary=x"
	tests := []struct {
		name      string
		header    []string
		codes     []string
		ambiguous bool
	}{
		{"one mailbox", []string{"From: posta-certificata@pec.example.it", ct}, nil, false},
		{"envelope display name", []string{`From: "Per conto di: alice@pec.example.it" <posta-certificata@pec.example.it>`, ct}, nil, false},
		{"unquoted address as display name", []string{"From: a@pec.example.it <a@pec.example.it>", ct}, nil, false},
		{"encoded display name", []string{"From: =?utf-8?q?Per_conto_di:_alice@pec.example.it?= <posta-certificata@pec.example.it>", ct}, nil, false},
		{"colon in a comment", []string{"From: posta-certificata@pec.example.it (note: provider)", ct}, nil, false},
		{"no From", []string{ct}, []string{CodeFromNotOneMailbox}, true},
		{"two From fields", []string{"From: posta-certificata@pec.example.it", "From: other@pec.example.org", ct}, []string{CodeHeaderAmbiguous}, true},
		{"address list", []string{"From: posta-certificata@pec.example.it, other@pec.example.org", ct}, []string{CodeFromNotOneMailbox}, true},
		{"group of one", []string{"From: providers: posta-certificata@pec.example.it;", ct}, []string{CodeFromNotOneMailbox}, true},
		{"empty group", []string{"From: undisclosed:;", ct}, []string{CodeFromNotOneMailbox}, true},
		{"unparsable list", []string{"From: a@pec.example.it <a@pec.example.it>, b@x <b@x>", ct}, []string{CodeFromNotOneMailbox}, true},
		{"garbage", []string{"From: not an address", ct}, []string{CodeFromNotOneMailbox}, true},
		{"two Content-Type fields", []string{"From: posta-certificata@pec.example.it", ct, "Content-Type: text/plain"}, []string{CodeHeaderAmbiguous}, true},
		{"duplicate Subject", []string{"From: posta-certificata@pec.example.it", "Subject: a", "Subject: b", ct}, []string{CodeHeaderDuplicate}, false},
		{"duplicate Date, X-Ricevuta and X-Trasporto", []string{"From: posta-certificata@pec.example.it", "Date: x", "Date: y",
			"X-Ricevuta: accettazione", "X-Ricevuta: avvenuta-consegna", "X-Trasporto: posta-certificata", "X-Trasporto: errore", ct},
			[]string{CodeHeaderDuplicate, CodeHeaderDuplicate, CodeHeaderDuplicate}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs, ambiguous := checkSender(headerOf(t, tt.header...))
			assert.Equal(t, tt.codes, findingCodes(fs), "%v", fs)
			assert.Equal(t, tt.ambiguous, ambiguous)
		})
	}
}

func TestCheckDaticertTime(t *testing.T) {
	t.Parallel()
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	signer := &x509.Certificate{NotBefore: from, NotAfter: to}
	tests := []struct {
		name string
		date time.Time
		bad  bool
	}{
		{"inside", time.Date(2025, 3, 14, 11, 0, 0, 0, time.FixedZone("+0100", 3600)), false},
		{"at NotBefore", from, false},
		{"one second before NotBefore", from.Add(-time.Second), true},
		{"at NotAfter", to, false},
		{"one second after NotAfter", to.Add(time.Second), true},
		{"zone counts", time.Date(2024, 1, 1, 0, 30, 0, 0, time.FixedZone("+0100", 3600)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := checkDaticertTime(&daticert.Cert{Date: tt.date}, signer)
			if !tt.bad {
				assert.Nil(t, f)
				return
			}
			require.NotNil(t, f)
			assert.Equal(t, CodeKeyOutsideValidity, f.Code)
			assert.Equal(t, envelope.CodeKeyOutsideValidity, f.Code)
		})
	}
	assert.Nil(t, checkDaticertTime(nil, signer))
	assert.Nil(t, checkDaticertTime(&daticert.Cert{}, signer), "no date")
	assert.Nil(t, checkDaticertTime(&daticert.Cert{Date: from.Add(-time.Hour)}, nil), "no signer")
}

func TestCheckSubject(t *testing.T) {
	t.Parallel()
	cert := func(s string) *daticert.Cert { return &daticert.Cert{Subject: s, HasSubject: true} }
	tests := []struct {
		name    string
		subject string
		kind    receipt.Kind
		cert    *daticert.Cert
		finding bool
	}{
		{"same", "ACCETTAZIONE: Contratto di fornitura", receipt.KindAccettazione, cert("Contratto di fornitura"), false},
		{"envelope", "POSTA CERTIFICATA: Contratto di fornitura", receipt.KindPostaCertificata, cert("Contratto di fornitura"), false},
		{"folded white space", "CONSEGNA:  Contratto\r\n\tdi   fornitura ", receipt.KindAvvenutaConsegna, cert(" Contratto di\nfornitura"), false},
		{"RFC 2047", "=?utf-8?q?ACCETTAZIONE:_Perch=C3=A9_no?=", receipt.KindAccettazione, cert("Perché no"), false},
		{"RFC 2047 in ISO-8859-15", "=?iso-8859-15?q?ACCETTAZIONE:_Perch=E9_no?=", receipt.KindAccettazione, cert("Perché no"), false},
		{"control character read as U+FFFD", "ACCETTAZIONE: Fattura\x01 n. 1", receipt.KindAccettazione, cert("Fattura\uFFFD n. 1"), false},
		{"different text", "ACCETTAZIONE: Pagamento urgente", receipt.KindAccettazione, cert("Contratto di fornitura"), true},
		{"case differs", "ACCETTAZIONE: contratto di fornitura", receipt.KindAccettazione, cert("Contratto di fornitura"), true},
		{"no prefix", "Contratto di fornitura", receipt.KindAccettazione, cert("Contratto di fornitura"), false},
		{"empty oggetto, subject text", "ACCETTAZIONE: x", receipt.KindAccettazione, cert(""), true},
		{"no oggetto element", "ACCETTAZIONE: x", receipt.KindAccettazione, &daticert.Cert{}, false},
		{"not PEC", "x", receipt.KindNotPEC, cert("y"), false},
		{"no daticert", "ACCETTAZIONE: x", receipt.KindAccettazione, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := checkSubject(tt.subject, tt.kind, tt.cert)
			if !tt.finding {
				assert.Nil(t, f)
				return
			}
			require.NotNil(t, f)
			assert.Equal(t, CodeSubjectMismatch, f.Code)
		})
	}
}

// rulesWorld signs receipts shaped by each test: an acceptance receipt of alice's
// provider whose outer header, daticert and signing time the test chooses.
type rulesWorld struct {
	w     *pectest.World
	alice *pectest.Provider
	opts  *Options
}

func newRulesWorld() *rulesWorld {
	w := pectest.NewWorld(nil)
	alice := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	return &rulesWorld{w: w, alice: alice, opts: &Options{Verify: &envelope.VerifyOptions{Trust: w.Trust()}}}
}

var rulesTime = time.Date(2025, 3, 14, 11, 0, 0, 0, time.FixedZone("+0100", 3600))

func rulesCert() *daticert.Cert {
	return &daticert.Cert{
		Type: daticert.TypeAccettazione, Error: daticert.ErrorNessuno, Sender: "alice@pec.example.it",
		Recipients: []daticert.Recipient{{Address: "bob@pec.example.org", Type: daticert.RecipientCertificato}},
		ReplyTo:    "alice@pec.example.it", Subject: "Contratto di fornitura", HasSubject: true,
		Provider: "Example PEC S.p.A.", Date: rulesTime, ID: "opec1.20250314110000.1@pec.example.it",
		MsgID: "m1@client.example.it", RawMsgID: "<m1@client.example.it>",
	}
}

// sign returns the signed receipt with daticert xml, the outer header fields
// extra (after From, To, Subject, X-Ricevuta) and extraCT fields placed after
// the Content-Type that signing adds.
func (rw *rulesWorld) sign(t *testing.T, xml []byte, subject string, extra []envelope.HeaderField, afterCT string) []byte {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString(xml)
	content := "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nRicevuta di accettazione\r\n" +
		"--b\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--b--\r\n"
	h := []envelope.HeaderField{
		{Name: "From", Value: rw.alice.Address()}, {Name: "To", Value: "alice@pec.example.it"},
		{Name: "Subject", Value: subject}, {Name: "X-Ricevuta", Value: "accettazione"},
		{Name: "Date", Value: rulesTime.Format("Mon, 2 Jan 2006 15:04:05 -0700")},
	}
	raw, err := rw.alice.Sign(&envelope.Draft{Header: append(h, extra...), Content: []byte(content), Time: rulesTime})
	require.NoError(t, err)
	if afterCT != "" {
		i := bytes.Index(raw, []byte("\r\n\r\n"))
		require.Positive(t, i)
		raw = append(append(append([]byte{}, raw[:i+2]...), afterCT+"\r\n"...), raw[i+2:]...)
	}
	return raw
}

func marshalCert(t *testing.T, c *daticert.Cert) []byte {
	t.Helper()
	b, err := c.Marshal()
	require.NoError(t, err)
	return b
}

// TestReadRules proves the certification rules end to end through Read.
func TestReadRules(t *testing.T) {
	t.Parallel()
	rw := newRulesWorld()
	signer := rw.alice.Certificate()
	good := marshalCert(t, rulesCert())
	early := rulesCert()
	early.Date = signer.NotBefore.Add(-time.Hour).In(rulesTime.Location())
	controlChar := bytes.Replace(good, []byte("<oggetto>Contratto di fornitura"), []byte("<oggetto>Contratto\x01di fornitura"), 1)
	require.NotEqual(t, good, controlChar)
	const subject = "ACCETTAZIONE: Contratto di fornitura"
	noReplyTo := rulesCert()
	noReplyTo.ReplyTo = ""
	namespaced := bytes.Replace(good, []byte("<postacert "), []byte(`<postacert xmlns="urn:example" `), 1)
	require.NotEqual(t, good, namespaced)
	clock := func(now time.Time) *Options {
		return &Options{Verify: &envelope.VerifyOptions{Trust: rw.w.Trust(), Now: func() time.Time { return now }}}
	}

	tests := []struct {
		name      string
		raw       func(t *testing.T) []byte
		opts      *Options        // rw.opts when nil
		status    envelope.Status // StatusValid when 0, unless malformed
		malformed bool            // StatusMalformed expected
		kind      receipt.Kind    // KindAccettazione when ""
		certified bool
		want      []string // finding codes that must be present
		absent    []string // finding codes that must not be present
	}{
		{name: "baseline", raw: func(t *testing.T) []byte { return rw.sign(t, good, subject, nil, "") }, certified: true,
			absent: []string{CodeHeaderAmbiguous, CodeFromNotOneMailbox, CodeHeaderDuplicate, CodeKeyOutsideValidity, CodeSubjectMismatch, CodeDaticertControlChar}},
		{name: "rule 3: second From field", raw: func(t *testing.T) []byte {
			return rw.sign(t, good, subject, []envelope.HeaderField{{Name: "From", Value: "someone@pec.example.org"}}, "")
		}, want: []string{CodeHeaderAmbiguous}},
		{name: "rule 3: From is a list", raw: func(t *testing.T) []byte {
			return bytes.Replace(rw.sign(t, good, subject, nil, ""), []byte("From: "+rw.alice.Address()), []byte("From: "+rw.alice.Address()+", someone@pec.example.org"), 1)
		}, want: []string{CodeFromNotOneMailbox}},
		{name: "rule 3: ordinary mail with a From list is not checked", raw: func(t *testing.T) []byte {
			return []byte("From: a@example.it, b@example.it\r\nFrom: c@example.it\r\nSubject: x\r\nSubject: y\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
		}, status: envelope.StatusAbsent, kind: receipt.KindNotPEC, absent: []string{CodeHeaderAmbiguous, CodeFromNotOneMailbox, CodeHeaderDuplicate}},
		{name: "rule 3: From is a group", raw: func(t *testing.T) []byte {
			return bytes.Replace(rw.sign(t, good, subject, nil, ""), []byte("From: "+rw.alice.Address()), []byte("From: gestore: "+rw.alice.Address()+";"), 1)
		}, want: []string{CodeFromNotOneMailbox}},
		{name: "rule 3: second top-level Content-Type", raw: func(t *testing.T) []byte {
			return rw.sign(t, good, subject, nil, "Content-Type: text/plain")
		}, malformed: true, want: []string{CodeHeaderAmbiguous}}, // the scanner refuses it too
		{name: "rule 3: duplicate Subject is only a finding", raw: func(t *testing.T) []byte {
			return rw.sign(t, good, subject, []envelope.HeaderField{{Name: "Subject", Value: "ACCETTAZIONE: altro"}}, "")
		}, certified: true, want: []string{CodeHeaderDuplicate}},
		{name: "rule 3: duplicate X-Ricevuta is only a finding", raw: func(t *testing.T) []byte {
			return rw.sign(t, good, subject, []envelope.HeaderField{{Name: "X-Ricevuta", Value: "accettazione"}}, "")
		}, certified: true, want: []string{CodeHeaderDuplicate}},
		{name: "rule 4: daticert dated before the signer validity", raw: func(t *testing.T) []byte {
			return rw.sign(t, marshalCert(t, early), subject, nil, "")
		}, want: []string{CodeKeyOutsideValidity}},
		{name: "rule 6: subject differs from oggetto", raw: func(t *testing.T) []byte {
			return rw.sign(t, good, "ACCETTAZIONE: Pagamento urgente", nil, "")
		}, certified: true, want: []string{CodeSubjectMismatch}},
		{name: "rule 6: encoded and folded subject agrees", raw: func(t *testing.T) []byte {
			return rw.sign(t, good, "=?utf-8?q?ACCETTAZIONE:_Contratto_di?=\r\n  fornitura", nil, "")
		}, certified: true, absent: []string{CodeSubjectMismatch}},
		{name: "rule 7: control character in oggetto (Register.it)", raw: func(t *testing.T) []byte {
			return rw.sign(t, controlChar, "ACCETTAZIONE: Contratto\x01di fornitura", nil, "")
		}, certified: true, want: []string{CodeDaticertControlChar}, absent: []string{CodeDaticertUnparsable, CodeDaticertInvalid, CodeSubjectMismatch}},
		{name: "rule 7: namespaced daticert is unreadable", raw: func(t *testing.T) []byte {
			return rw.sign(t, namespaced, subject, nil, "")
		}, want: []string{CodeDaticertUnparsable}},
		{name: "rule 7: empty risposte (Aruba 2026 acceptance receipts)", raw: func(t *testing.T) []byte {
			return rw.sign(t, marshalCert(t, noReplyTo), subject, nil, "")
		}, certified: true, absent: []string{CodeDaticertInvalid}},
		{name: "rule 4: signingTime later than the verification clock", raw: func(t *testing.T) []byte {
			return rw.sign(t, good, subject, nil, "")
		}, opts: clock(rulesTime.Add(-time.Hour)), status: envelope.StatusUntrusted},
		{name: "rule 4: signingTime within the tolerance of the clock", raw: func(t *testing.T) []byte {
			return rw.sign(t, good, subject, nil, "")
		}, opts: clock(rulesTime.Add(-envelope.DefaultTimeTolerance)), certified: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts
			if opts == nil {
				opts = rw.opts
			}
			m, err := Read(bytes.NewReader(tt.raw(t)), opts)
			require.NoError(t, err)
			if tt.status == 0 && !tt.malformed {
				tt.status = envelope.StatusValid
			}
			assert.Equal(t, tt.status, m.Verification.Status, "%v", m.Verification.Err)
			if tt.kind == "" {
				tt.kind = receipt.KindAccettazione
			}
			assert.Equal(t, tt.kind, m.Kind)
			assert.Equal(t, tt.certified, m.Certified, "%v", m.Findings)
			if tt.status == envelope.StatusUntrusted {
				assert.Equal(t, envelope.CodeSigningTimeInFuture, m.Verification.Code)
			}
			got := findingCodes(m.Findings)
			for _, c := range tt.want {
				assert.Contains(t, got, c)
			}
			for _, c := range tt.absent {
				assert.NotContains(t, got, c)
			}
		})
	}
}

// FuzzRules checks that the header and subject rules never panic, and that a
// value accepted as one mailbox is never also reported as a list or group.
func FuzzRules(f *testing.F) {
	for _, s := range []string{
		"posta-certificata@pec.example.it", `"Per conto di: a@b.it" <p@q.it>`, "a@b <a@b>", "g: a@b;",
		"=?utf-8?q?a:b?= <a@b>", "=?x?", `"\"" <a@b>`, "(a:(b)) a@b", "a@b, c@d", "<<>>", "",
	} {
		f.Add(s, "ACCETTAZIONE: "+s)
	}
	f.Fuzz(func(t *testing.T, from, subject string) {
		why := oneMailbox(from)
		if why == "" && hasUnquoted(from, ':') {
			t.Fatalf("%q accepted as one mailbox but has an unquoted colon", from)
		}
		_ = checkSubject(subject, receipt.KindAccettazione, &daticert.Cert{Subject: from, HasSubject: true})
		_ = foldSpace(from)
	})
}
