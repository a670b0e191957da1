package pec_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

// signLayout signs content (a MIME entity, CRLF) as alice's provider with the
// outer header lines given.
func signLayout(t *testing.T, alice *pectest.Provider, header []string, content string) []byte {
	t.Helper()
	d := &envelope.Draft{Content: []byte(content), Time: pectest.DefaultStart()}
	for _, h := range header {
		name, value, ok := strings.Cut(h, ": ")
		require.True(t, ok, h)
		d.Header = append(d.Header, envelope.HeaderField{Name: name, Value: value})
	}
	raw, err := alice.Sign(d)
	require.NoError(t, err)
	return raw
}

// mixed is a multipart/mixed entity of the parts, each a header block and a body.
func mixed(boundary string, parts ...fxPart) string {
	var b strings.Builder
	b.WriteString("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n")
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n" + p.header + "\r\n\r\n" + p.body)
		if !strings.HasSuffix(p.body, "\r\n") {
			b.WriteString("\r\n")
		}
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.String()
}

func daticertXML(t *testing.T, ty daticert.Type) string {
	t.Helper()
	c := fxCert(ty)
	c.Date = pectest.DefaultStart()
	b, err := c.Marshal()
	require.NoError(t, err)
	return string(b)
}

// readEveryWay reads raw with Read, ReadReaderAt (every attachment left in the
// source) and ReadFile, checks that they agree and returns Read's message.
func readEveryWay(t *testing.T, raw []byte, opts *pec.Options) *pec.Message {
	t.Helper()
	want, err := pec.Read(bytes.NewReader(raw), opts)
	require.NoError(t, err)
	lazy := *opts
	lazy.LazyAbove = 1
	got, err := pec.ReadReaderAt(bytes.NewReader(raw), int64(len(raw)), &lazy)
	require.NoError(t, err)
	assertSameVerdict(t, want, got)
	name := filepath.Join(t.TempDir(), "m.eml")
	require.NoError(t, os.WriteFile(name, raw, 0o600))
	got, err = pec.ReadFile(name, opts)
	require.NoError(t, err)
	assertSameVerdict(t, want, got)
	return want
}

func assertSameVerdict(t *testing.T, want, got *pec.Message) {
	t.Helper()
	assert.Equal(t, want.Kind, got.Kind, "kind")
	assert.Equal(t, want.Verification.Status, got.Verification.Status, "status")
	assert.Equal(t, want.Certified, got.Certified, "certified")
	assert.Equal(t, want.Keys, got.Keys, "keys")
	assert.Equal(t, want.Findings, got.Findings, "findings")
	assert.Equal(t, want.Blockers, got.Blockers, "blockers")
	assert.Equal(t, want.Daticert == nil, got.Daticert == nil, "daticert")
	if want.Daticert != nil && got.Daticert != nil {
		assert.Equal(t, want.Daticert.Raw, got.Daticert.Raw)
	}
	assert.Equal(t, len(want.Attachments), len(got.Attachments), "attachments")
	for i := range min(len(want.Attachments), len(got.Attachments)) {
		assert.Equal(t, want.Attachments[i].Size, got.Attachments[i].Size, "decoded size of %s", want.Attachments[i].Name)
	}
}

// TestReadLayouts are the reviewer's cases, signed with the test PKI: the same
// answer from every way of reading, and the placement rule of daticert.xml.
func TestReadLayouts(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	xml := daticertXML(t, daticert.TypeAccettazione)
	dat := rawCertPart(xml, "application/xml", "daticert.xml")
	text := textPart("Ricevuta di accettazione")
	b64 := base64.StdEncoding.EncodeToString([]byte(xml))
	datB64 := func(body string) fxPart {
		return fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Transfer-Encoding: base64", body}
	}

	tests := []struct {
		name      string
		raw       func() []byte
		certified bool
		code      string // a finding or blocker code that must be present
	}{
		{"baseline", func() []byte { return signLayout(t, alice, hdr, mixed("b", text, dat)) }, true, ""},
		{"daticert in base64", func() []byte { return signLayout(t, alice, hdr, mixed("b", text, datB64(b64))) }, true, ""},
		{"empty first Content-Type in the daticert header", func() []byte {
			return signLayout(t, alice, hdr, mixed("b", text, fxPart{"Content-Type: \r\n" + dat.header, dat.body}))
		}, false, pec.CodeDaticertAmbiguous},
		{"two daticert parts", func() []byte { return signLayout(t, alice, hdr, mixed("b", text, dat, dat)) }, false, pec.CodeDaticertMultiple},
		{"daticert inside a nested multipart", func() []byte {
			return signLayout(t, alice, hdr, mixed("b", text, fxPart{"Content-Type: multipart/mixed; boundary=\"n\"", strings.TrimPrefix(mixed("n", dat), "Content-Type: multipart/mixed; boundary=\"n\"\r\n\r\n")}))
		}, false, pec.CodeDaticertMisplaced},
		{"daticert with garbage in base64", func() []byte { return signLayout(t, alice, hdr, mixed("b", text, datB64(b64[:8]+"*"+b64[8:]))) }, false, pec.CodeDaticertUndecodable},
		{"daticert with data after the base64 padding", func() []byte {
			pad := base64.StdEncoding.EncodeToString([]byte(xml + "x"))
			require.True(t, strings.HasSuffix(pad, "="))
			return signLayout(t, alice, hdr, mixed("b", text, datB64(pad+"QUJD")))
		}, false, pec.CodeDaticertUndecodable},
		{"daticert by name only", func() []byte {
			return signLayout(t, alice, hdr, mixed("b", text, rawCertPart(xml, "application/octet-stream", "daticert.xml")))
		}, false, pec.CodeDaticertByName},
		{"signed entity with two Content-Type fields", func() []byte {
			return signLayout(t, alice, hdr, "Content-Type: text/plain\r\n"+mixed("b", text, dat))
		}, false, pec.CodeEntityAmbiguous},
		{"boundary folded with a tab", func() []byte {
			c := mixed("b", text, dat)
			c = strings.Replace(c, "multipart/mixed; boundary=", "multipart/mixed;\r\n\tboundary=", 1)
			return signLayout(t, alice, hdr, c)
		}, true, ""},
		{"300 KiB of Received fields", func() []byte {
			h := append([]string{}, hdr...)
			for range 3000 {
				h = append(h, "Received: from relay.example.org by mx.example.it with ESMTP id 0123456789; Tue, 3 Jun 2025 09:15:42 +0200")
			}
			return signLayout(t, alice, h, mixed("b", text, dat))
		}, true, ""},
		{"stray ;; in the unsigned outer Content-Type", func() []byte {
			raw := signLayout(t, alice, hdr, mixed("b", text, dat))
			out := bytes.Replace(raw, []byte("multipart/signed;"), []byte("multipart/signed;;"), 1)
			require.NotEqual(t, raw, out)
			return out
		}, true, ""},
		{"delimiter line padded past any buffer", func() []byte {
			c := mixed("b", text, dat)
			c = strings.Replace(c, "--b\r\nContent-Type: application/xml", "--b"+strings.Repeat(" ", 300<<10)+"\r\nContent-Type: application/xml", 1)
			return signLayout(t, alice, hdr, c)
		}, false, pec.CodeKindNotSigned},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := readAllWays(t, tc.raw(), opts)
			assert.Equal(t, envelope.StatusValid, m.Verification.Status, "%v", m.Verification.Err)
			assert.Equal(t, tc.certified, m.Certified, "blockers %v findings %v", m.Blockers, m.Findings)
			if tc.certified {
				assert.Empty(t, m.Blockers)
				assert.Equal(t, receipt.KindAccettazione, m.Kind)
			}
			if tc.code != "" {
				assert.Contains(t, append(codes(m), blockerCodes(m)...), tc.code)
			}
		})
	}
}

func blockerCodes(m *pec.Message) []string {
	var out []string
	for _, f := range m.Blockers {
		out = append(out, f.Code)
	}
	return out
}

// TestReadAnomalyShape: the anomaly exception holds only for its shape.
func TestReadAnomalyShape(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := envelopeHeader("errore", "ANOMALIA MESSAGGIO: ")
	for i := range hdr {
		if strings.HasPrefix(hdr[i], "From: ") {
			hdr[i] = "From: \"Per conto di: " + fxSender + "\" <" + alice.Address() + ">"
		}
	}
	text := textPart("Anomalia nel messaggio")
	orig := origPart(fxOriginal(), "message/rfc822", "postacert.eml")
	xml := daticertXML(t, daticert.TypePostaCertificata)
	tests := []struct {
		name      string
		content   string
		certified bool
		code      string
	}{
		{"text and the received message", mixed("b", text, orig), true, ""},
		{"with a daticert that does not parse", mixed("b", text, rawCertPart("<postacert", "application/xml", "daticert.xml"), orig), false, pec.CodeDaticertUnparsable},
		{"with a misplaced daticert", mixed("b", text, fxPart{"Content-Type: multipart/mixed; boundary=\"n\"", strings.TrimPrefix(mixed("n", rawCertPart(xml, "application/xml", "daticert.xml")), "Content-Type: multipart/mixed; boundary=\"n\"\r\n\r\n")}, orig), false, pec.CodeAnomalyShape},
		{"text only", mixed("b", text), false, pec.CodeAnomalyShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := readAllWays(t, signLayout(t, alice, hdr, tc.content), opts)
			assert.Equal(t, envelope.StatusValid, m.Verification.Status, "%v", m.Verification.Err)
			assert.Equal(t, tc.certified, m.Certified, "blockers %v findings %v", m.Blockers, m.Findings)
			if tc.code != "" {
				assert.Contains(t, append(codes(m), blockerCodes(m)...), tc.code)
			}
		})
	}
}

// TestReadForwarding: only a mailing list's multipart/mixed around the signed
// entity is read as the PEC itself; a PEC attached as message/rfc822 has its
// own verdict; nothing is unwrapped inside postacert.eml.
func TestReadForwarding(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	x, err := alice.Send(submitted(fxBob, ""), nil)
	require.NoError(t, err)
	acc := x.Find(receipt.KindAccettazione, "")
	require.NotNil(t, acc)
	head, body, ok := bytes.Cut(acc.Raw, []byte("\r\n\r\n"))
	require.True(t, ok)

	t.Run("mailing list footer", func(t *testing.T) {
		var ct string
		for _, l := range strings.Split(string(head), "\r\n") {
			if strings.HasPrefix(l, "Content-Type: ") {
				ct = l
			}
		}
		require.NotEmpty(t, ct)
		h := strings.Replace(string(head), ct, "Content-Type: multipart/mixed; boundary=\"list\"", 1)
		// Continuation lines of the original Content-Type are dropped with it.
		raw := []byte(h + "\r\n\r\n--list\r\n" + ct + "\r\n\r\n" + string(body) + "\r\n--list\r\nContent-Type: text/plain\r\n\r\nList footer\r\n--list--\r\n")
		m := readAllWays(t, raw, opts)
		assert.True(t, m.Certified, "%v %v", m.Blockers, m.Findings)
		assert.Contains(t, codes(m), envelope.FindingWrapped)
		assert.Equal(t, receipt.KindAccettazione, m.Kind)
	})
	t.Run("ordinary mail forwarding a receipt", func(t *testing.T) {
		raw := fxMessage([]string{"From: mallory@example.com", "To: " + fxBob, "Subject: Fwd: la ricevuta", "Date: Tue, 3 Jun 2025 10:00:00 +0200"},
			textPart("Ecco la ricevuta"), origPart(string(acc.Raw), "message/rfc822", "ricevuta.eml"))
		m := readAllWays(t, raw, opts)
		assert.Equal(t, receipt.KindNotPEC, m.Kind)
		assert.False(t, m.Certified)
		assert.Equal(t, "Fwd: la ricevuta", m.Subject)
		var att *pec.Attachment
		for i := range m.Attachments {
			if m.Attachments[i].Message != nil {
				att = &m.Attachments[i]
			}
		}
		require.NotNil(t, att)
		assert.Equal(t, receipt.KindAccettazione, att.Message.Kind)
		assert.True(t, att.Message.Certified, "the attached receipt has its own verdict")
	})
	t.Run("sender's PEC attaching an earlier receipt", func(t *testing.T) {
		orig := fxMessage([]string{"From: " + fxSender, "To: " + fxBob, "Subject: Inoltro ricevuta", "Date: Tue, 3 Jun 2025 10:00:00 +0200", "Message-ID: <fwd.1@client.example.it>"},
			textPart("Testo del mittente"), origPart(string(acc.Raw), "message/rfc822", "ricevuta.eml"))
		y, err := alice.Send(orig, nil)
		require.NoError(t, err)
		env := y.Find(receipt.KindPostaCertificata, fxBob)
		require.NotNil(t, env)
		m := readAllWays(t, env.Raw, opts)
		assert.True(t, m.Certified, "%v %v", m.Blockers, m.Findings)
		require.NotNil(t, m.Original)
		assert.Equal(t, "Inoltro ricevuta", m.Original.Subject)
		require.NotEmpty(t, m.Original.Texts)
		assert.Contains(t, m.Original.Texts[0].Text, "Testo del mittente")
	})
}

// TestReadAttachedLikeAlone: an attached message read from the outer scan's part
// table gives what reading its bytes alone gives.
func TestReadAttachedLikeAlone(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	x, err := alice.Send(submitted(fxBob, fxCarol), nil)
	require.NoError(t, err)
	acc := x.Find(receipt.KindAccettazione, "")
	fwd := fxMessage([]string{"From: mallory@example.com", "Subject: Fwd", "Date: Tue, 3 Jun 2025 10:00:00 +0200"},
		textPart("x"), origPart(fxOriginal(), "message/rfc822", "a.eml"), origPart(string(acc.Raw), "message/rfc822", "b.eml"))
	seen := 0
	for _, raw := range append([][]byte{fwd}, rawsOf(x.Messages)...) {
		m, err := pec.Read(bytes.NewReader(raw), opts)
		require.NoError(t, err)
		for _, a := range m.Attachments {
			if a.Message == nil {
				continue
			}
			seen++
			alone, err := pec.Read(bytes.NewReader(a.Data), opts)
			require.NoError(t, err)
			assertSameVerdict(t, alone, a.Message)
			assert.Equal(t, alone.Verification.Err == nil, a.Message.Verification.Err == nil)
			if alone.Verification.Err != nil && a.Message.Verification.Err != nil {
				assert.Equal(t, alone.Verification.Err.Error(), a.Message.Verification.Err.Error())
			}
			assert.Equal(t, alone.Verification.Parts, a.Message.Verification.Parts)
			assert.Equal(t, alone.Texts, a.Message.Texts)
		}
	}
	assert.Greater(t, seen, 3)
}

func rawsOf(ms []*pectest.Message) [][]byte {
	var out [][]byte
	for _, m := range ms {
		out = append(out, m.Raw)
	}
	return out
}

// TestReadMaxTextBytes: a text at MaxTextBytes is read, one byte more is not,
// in every mode.
func TestReadMaxTextBytes(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 1000)
	raw := fxMessage([]string{"From: a@example.com", "Subject: t"}, fxPart{"Content-Type: text/plain", body})
	for _, tc := range []struct {
		max   int64
		texts int
	}{{int64(len(body)), 1}, {int64(len(body)) - 1, 0}} {
		m := readAllWays(t, raw, &pec.Options{MaxTextBytes: tc.max})
		assert.Len(t, m.Texts, tc.texts, "MaxTextBytes %d", tc.max)
		if tc.texts == 0 {
			assert.Contains(t, codes(m), pec.CodeLimitReached)
		}
	}
}
