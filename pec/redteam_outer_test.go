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

// TestRedTeamOuter: edits of the unsigned outer header and of the signature part
// of one signed receipt, which anyone holding the message can make.
func TestRedTeamOuter(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	xml := daticertXML(t, daticert.TypeAccettazione)
	base := signLayout(t, alice, hdr, mixed("b", textPart("x"), rawCertPart(xml, "application/xml", "daticert.xml")))
	head, rest, ok := bytes.Cut(base, []byte("\r\n\r\n"))
	require.True(t, ok)
	var ct string
	for _, l := range strings.Split(string(head), "\r\n") {
		if strings.HasPrefix(l, "Content-Type: ") {
			ct = l
		}
	}
	require.Contains(t, ct, "boundary=\"")
	_, bnd, _ := strings.Cut(ct, "boundary=\"")
	bnd, _, _ = strings.Cut(bnd, "\"")
	edit := func(newCT string) []byte {
		h := strings.Replace(string(head), ct, newCT, 1)
		return append([]byte(h+"\r\n\r\n"), rest...)
	}
	addHeader := func(line string) []byte {
		return append([]byte(string(head)+"\r\n"+line+"\r\n\r\n"), rest...)
	}
	sig := bytes.LastIndex(rest, []byte("--"+bnd+"\r\n"))
	require.Greater(t, sig, 0)

	tests := []struct {
		name      string
		raw       []byte
		certified bool
		code      string
	}{
		{"boundary unquoted", edit(strings.Replace(ct, "boundary=\""+bnd+"\"", "boundary="+bnd, 1)), !strings.ContainsAny(bnd, "()<>@,;:\\\"/[]?= "), ""},
		{"BOUNDARY upper case", edit(strings.Replace(ct, "boundary=", "BOUNDARY=", 1)), true, ""},
		{"boundary twice, the second false", edit(ct + "; boundary=\"zz\""), false, ""},
		{"boundary and a continuation", edit(ct + "; boundary*0=\"zz\""), false, ""},
		{"protocol parameter dropped", edit(strings.Replace(ct, "protocol=", "x-protocol=", 1)), true, "protocol-missing"},
		{"Multipart/Signed in capitals", edit(strings.Replace(ct, "multipart/signed", "Multipart/Signed", 1)), true, ""},
		{"Content-Type folded before the boundary", edit(strings.Replace(ct, "; boundary=", ";\r\n\tboundary=", 1)), true, ""},
		{"Subject differing from the oggetto", bytes.Replace(base, []byte("Subject: ACCETTAZIONE: "+fxSubject), []byte("Subject: ACCETTAZIONE: Pagato"), 1), true, pec.CodeSubjectMismatch},
		{"Subject as encoded words equal to the oggetto", bytes.Replace(base, []byte("Subject: ACCETTAZIONE: "+fxSubject), []byte("Subject: =?utf-8?q?ACCETTAZIONE:_Contratto?= =?utf-8?q?_di_fornitura?="), 1), true, ""},
		{"second Subject", addHeader("Subject: ACCETTAZIONE: Pagato"), true, pec.CodeHeaderDuplicate},
		{"second X-Ricevuta", addHeader("X-Ricevuta: avvenuta-consegna"), true, pec.CodeHeaderDuplicate},
		{"Reply-To someone else", addHeader("Reply-To: mallory@evil.example"), true, ""},
		{"a header line without colon", addHeader("garbage"), true, pec.CodeMIMEMalformed},
		{"a header field name with 8-bit bytes", addHeader("X-\xc3\xa9: v"), true, pec.CodeMIMEMalformed},
		{"a third part after the signature", append(append(append([]byte{}, base[:len(head)+4+sig]...), []byte("--"+bnd+"\r\nContent-Type: text/plain\r\n\r\nextra\r\n")...), rest[sig:]...), false, ""},
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
