package pec_test

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/mailbox"
	"github.com/sigillo/sigillo/receipt"
)

// TestOneHeaderRule: the outer header is read with one rule (mime.Fields) by
// envelope (the From of the signer check, the Date) and by pec (its header, rule
// 3's From count), and a UTF-8 BOM before the message is skipped by the scanner
// with one finding, whatever the way of reading (readAllWays: Read, ReadReaderAt,
// ReadFile, envelope.Verify, VerifyReaderAt, VerifyReader, VerifyFile, mailbox).
func TestOneHeaderRule(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	xml := daticertXML(t, daticert.TypeAccettazione)
	base := signLayout(t, alice, hdr, mixed("b", textPart("x"), rawCertPart(xml, "application/xml", "daticert.xml")))
	head, rest, ok := bytes.Cut(base, []byte("\r\n\r\n"))
	require.True(t, ok)
	addHeader := func(line string) []byte {
		return append([]byte(string(head)+"\r\n"+line+"\r\n\r\n"), rest...)
	}
	const from = "From: posta-certificata@pec.example.it"
	require.Contains(t, string(head), from)

	tests := []struct {
		name      string
		raw       []byte
		certified bool
		status    envelope.Status
		code      string // a finding or blocker code, "" for none
		reason    string // the envelope reason code, "" for none
	}{
		{"a garbage header line", addHeader("garbage"), true, envelope.StatusValid, pec.CodeMIMEMalformed, ""},
		{"an 8-bit header line", addHeader("X-\xc3\xa9: v"), true, envelope.StatusValid, pec.CodeMIMEMalformed, ""},
		{"From : x as the first line", append([]byte("From : mallory@evil.example\r\n"), base...), false, envelope.StatusUntrusted, pec.CodeHeaderAmbiguous, envelope.CodeSenderMismatch},
		{"the one From written From :", bytes.Replace(base, []byte(from), []byte("From : posta-certificata@pec.example.it"), 1), true, envelope.StatusValid, "", ""},
		{"a UTF-8 BOM", append([]byte(mime.BOM), base...), true, envelope.StatusValid, envelope.FindingBOM, ""},
		{"a BOM and a garbage line", append([]byte(mime.BOM), addHeader("garbage")...), true, envelope.StatusValid, envelope.FindingBOM, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := readAllWays(t, tc.raw, opts)
			assert.Equal(t, tc.certified, m.Certified, "kind %s status %s %v blockers %v findings %v", m.Kind, m.Verification.Status, m.Verification.Err, m.Blockers, codes(m))
			assert.Equal(t, tc.status, m.Verification.Status)
			assert.Equal(t, tc.reason, m.Verification.Code)
			if tc.certified {
				assert.Equal(t, receipt.KindAccettazione, m.Kind)
				assert.Equal(t, "posta-certificata@pec.example.it", m.Verification.Sender)
			}
			if tc.code != "" {
				assert.Contains(t, append(codes(m), blockerCodes(m)...), tc.code)
			}
		})
	}
}

// TestBOMMailboxSum: mailbox leaves the BOM to pec and keeps its SHA-256 of the
// bytes as stored, BOM included.
func TestBOMMailboxSum(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	base := signLayout(t, alice, receiptHeader("accettazione", "ACCETTAZIONE: "),
		mixed("b", textPart("x"), rawCertPart(daticertXML(t, daticert.TypeAccettazione), "application/xml", "daticert.xml")))
	raw := append([]byte(mime.BOM), base...)
	name := filepath.Join(t.TempDir(), "m.eml")
	require.NoError(t, os.WriteFile(name, raw, 0o600))
	n := 0
	for it, err := range mailbox.Open(name, nil) {
		require.NoError(t, err)
		n++
		m, sum, err := it.Read(opts)
		require.NoError(t, err)
		assert.Equal(t, sha256.Sum256(raw), sum)
		assert.True(t, m.Certified)
		assert.Contains(t, codes(m), mailbox.CodeBOMStripped)
		assert.Equal(t, envelope.FindingBOM, mailbox.CodeBOMStripped)
	}
	assert.Equal(t, 1, n)
}
