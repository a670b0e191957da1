package pec_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// TestRedTeamBytes: byte-level variants of one signed receipt (line endings, a
// BOM, wrapping) read the same way through every way of reading.
func TestRedTeamBytes(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	xml := daticertXML(t, daticert.TypeAccettazione)
	dat := rawCertPart(xml, "application/xml", "daticert.xml")
	text := textPart("Ricevuta di accettazione")
	base := signLayout(t, alice, hdr, mixed("b", text, dat))
	other := signLayout(t, alice, receiptHeader("avvenuta-consegna", "CONSEGNA: "), mixed("b", text, rawCertPart(daticertXML(t, daticert.TypeAvvenutaConsegna), "application/xml", "daticert.xml")))
	signedPart := func(raw []byte) (ct, entity string) {
		head, body, _ := strings.Cut(string(raw), "\r\n\r\n")
		for _, l := range strings.Split(head, "\r\n") {
			if strings.HasPrefix(l, "Content-Type: ") {
				ct = l
			}
		}
		return ct, body
	}
	wrap := func(parts ...string) []byte {
		var b strings.Builder
		b.WriteString("From: posta-certificata@pec.example.it\r\nSubject: ACCETTAZIONE: " + fxSubject + "\r\nX-Ricevuta: accettazione\r\nContent-Type: multipart/mixed; boundary=\"list\"\r\n\r\n")
		for _, p := range parts {
			b.WriteString("--list\r\n" + p + "\r\n")
		}
		b.WriteString("--list--\r\n")
		return []byte(b.String())
	}
	ct1, e1 := signedPart(base)
	ct2, e2 := signedPart(other)

	tests := []struct {
		name      string
		raw       []byte
		certified bool
		code      string
	}{
		{"as signed", base, true, ""},
		{"LF line endings", bytes.ReplaceAll(base, []byte("\r\n"), []byte("\n")), true, ""},
		{"one bare LF in the header", bytes.Replace(base, []byte("\r\nTo: "), []byte("\nTo: "), 1), true, ""},
		{"trailing spaces after the outer close delimiter", append(bytes.TrimSuffix(base, []byte("\r\n")), " \t\r\n"...), true, ""},
		{"trailing spaces after every close delimiter (signed bytes changed)", bytes.ReplaceAll(base, []byte("--\r\n"), []byte("--  \r\n")), false, pec.CodeSignatureNotValid},
		{"list wrap of one signed part", wrap(ct1+"\r\n\r\n"+e1, "Content-Type: text/plain\r\n\r\nfooter"), true, ""},
		{"list wrap of two signed parts", wrap(ct1+"\r\n\r\n"+e1, ct2+"\r\n\r\n"+e2), false, ""},
		{"list wrap twice", wrap("Content-Type: multipart/mixed; boundary=\"in\"\r\n\r\n--in\r\n" + ct1 + "\r\n\r\n" + e1 + "\r\n--in--"), false, ""},
		{"list wrap in a multipart/alternative", bytes.Replace(wrap(ct1+"\r\n\r\n"+e1), []byte("multipart/mixed; boundary=\"list\""), []byte("multipart/alternative; boundary=\"list\""), 1), false, ""},
		{"list wrap, the signed part with a second Content-Type", wrap(ct1 + "\r\nContent-Type: text/plain\r\n\r\n" + e1), false, ""},
		{"list wrap, the signed part with a second Content-Type first", wrap("Content-Type: text/plain\r\n" + ct1 + "\r\n\r\n" + e1), false, ""},
		{"list wrap, the signed part second", wrap("Content-Type: text/plain\r\n\r\nheader", ct1+"\r\n\r\n"+e1), true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := readAllWays(t, tc.raw, opts)
			assert.Equal(t, tc.certified, m.Certified, "kind %s status %s %v blockers %v findings %v", m.Kind, m.Verification.Status, m.Verification.Err, m.Blockers, codes(m))
			if tc.certified {
				assert.Equal(t, receipt.KindAccettazione, m.Kind)
			}
			if tc.code != "" {
				assert.Contains(t, append(append(codes(m), blockerCodes(m)...), m.Verification.Code), tc.code)
			}
		})
	}
}
