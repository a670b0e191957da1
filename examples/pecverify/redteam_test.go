package main

import (
	"bufio"
	"bytes"
	"encoding/json"
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
)

// TestRedTeamOutput: on signed layouts that pec does not certify (two parts naming
// daticert.xml in different fields, a second From field quoted by an mbox writer),
// neither the JSON nor the human output of the command claims certified, and both
// say what pec says on the same bytes.
func TestRedTeamOutput(t *testing.T) {
	t.Parallel()
	w := pectest.NewWorld(nil)
	p := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	dir := t.TempDir()
	roots := filepath.Join(dir, "roots.pem")
	require.NoError(t, os.WriteFile(roots, w.TrustPEM(), 0o600))

	c := &daticert.Cert{Type: daticert.TypeAccettazione, Error: daticert.ErrorNessuno, Sender: "alice@pec.example.it",
		Recipients: []daticert.Recipient{{Address: "bob@pec.example.org", Type: daticert.RecipientCertificato}},
		Subject:    "Contratto", HasSubject: true, Provider: p.Name, Date: pectest.DefaultStart(),
		ID: "opec1.1@pec.example.it", MsgID: "m1@client.example.it", RawMsgID: "<m1@client.example.it>"}
	xml, err := c.Marshal()
	require.NoError(t, err)
	sign := func(extra []envelope.HeaderField, parts ...string) []byte {
		var b strings.Builder
		b.WriteString("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n")
		for _, pt := range parts {
			b.WriteString("--b\r\n" + pt + "\r\n")
		}
		b.WriteString("--b--\r\n")
		d := &envelope.Draft{Content: []byte(b.String()), Time: pectest.DefaultStart(), Header: append([]envelope.HeaderField{
			{Name: "From", Value: p.Address()}, {Name: "To", Value: "alice@pec.example.it"},
			{Name: "Subject", Value: "ACCETTAZIONE: Contratto"}, {Name: "Date", Value: "Fri, 14 Mar 2025 10:00:00 +0000"},
			{Name: "X-Ricevuta", Value: "accettazione"},
		}, extra...)}
		raw, err := p.Sign(d)
		require.NoError(t, err)
		return raw
	}
	text := "Content-Type: text/plain\r\n\r\nRicevuta"
	good := sign(nil, text, "Content-Type: application/xml; name=\"daticert.xml\"\r\n\r\n"+string(xml))
	swapped := sign(nil, text,
		"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"other.xml\"\r\n\r\n"+string(xml),
		"Content-Type: application/xml; name=\"other.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"\r\n\r\n"+string(xml))
	twoFrom := sign([]envelope.HeaderField{{Name: "From ", Value: "mallory@evil.example"}}, text, "Content-Type: application/xml; name=\"daticert.xml\"\r\n\r\n"+string(xml))
	require.Contains(t, string(twoFrom), "\r\nFrom : mallory")

	files := map[string][]byte{"1-good.eml": good, "2-swapped.eml": swapped, "3-two-from.eml": twoFrom}
	var mbox bytes.Buffer
	for _, name := range []string{"1-good.eml", "2-swapped.eml", "3-two-from.eml"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), files[name], 0o600))
		mbox.WriteString("From MAILER-DAEMON Fri Mar 14 10:00:00 2025\n")
		mbox.Write(mboxrdQuoteAll(files[name]))
		mbox.WriteString("\n")
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "all.mbox"), mbox.Bytes(), 0o600))

	want := map[string]bool{}
	for name, raw := range files {
		m, err := pec.Read(bytes.NewReader(raw), &pec.Options{Verify: &envelope.VerifyOptions{Trust: w.Trust()}})
		require.NoError(t, err)
		want[name] = m.Certified
	}
	require.Equal(t, map[string]bool{"1-good.eml": true, "2-swapped.eml": false, "3-two-from.eml": false}, want)
	mboxWant := map[string]bool{"all.mbox#1": true, "all.mbox#2": false, "all.mbox#3": false}

	out, _, _ := runCmd(t, "-json", "-roots", roots, dir)
	got := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec jsonMessage
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec))
		got[filepath.Base(rec.Path)] = rec.Certified
	}
	for k, v := range mboxWant {
		want[k] = v
	}
	assert.Equal(t, want, got)

	human, _, _ := runCmd(t, "-roots", roots, dir)
	for _, l := range strings.Split(strings.TrimSpace(human), "\n") {
		f := strings.Fields(l)
		require.GreaterOrEqual(t, len(f), 3, l)
		certified, ok := want[filepath.Base(f[0])]
		require.True(t, ok, l)
		assert.Equal(t, certified, f[2] == "certified", l)
	}
}

// mboxrdQuoteAll quotes every line matching ^>*From  with one more '>'.
func mboxrdQuoteAll(b []byte) []byte {
	var out bytes.Buffer
	for line := range bytes.Lines(b) {
		if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
			out.WriteByte('>')
		}
		out.Write(line)
	}
	return out.Bytes()
}
