package pec_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/receipt"
)

// TestRedTeamDelimiters: lines that start like a delimiter of the signed
// multipart but are not one (RFC 2046 section 5.1.1: the boundary, then only
// transport padding) never split a body.
func TestRedTeamDelimiters(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	xml := daticertXML(t, daticert.TypeAccettazione)
	dat := rawCertPart(xml, "application/xml", "daticert.xml")
	fake := "Content-Type: application/xml; name=\"daticert.xml\"\r\n\r\n" + xml
	plain := func(body string) fxPart { return fxPart{"Content-Type: text/plain; charset=utf-8", body} }
	tests := []struct {
		name      string
		content   string
		certified bool
	}{
		{"a line extending the boundary, then a daticert header", mixed("b", plain("intro\r\n--bogus\r\n"+fake)), false},
		{"a line extending the boundary after padding", mixed("b", plain("intro\r\n--b x\r\n"+fake)), false},
		{"a line extending the close delimiter, then the real daticert", mixed("b", plain("intro\r\n--b--x\r\nmore"), dat), true},
		{"a delimiter line ending in a bare CR", mixed("b", plain("intro\r\n--b\r"+fake)), false},
		{"a delimiter indented by a space", mixed("b", plain("intro\r\n --b\r\n"+fake)), false},
		{"a delimiter without the leading dashes", mixed("b", plain("intro\r\nb\r\n"+fake)), false},
		{"the boundary inside a base64 body", mixed("b", fxPart{"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64", "QUJD\r\n--b\r\n" + fake}), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := readAllWays(t, signLayout(t, alice, hdr, tc.content), opts)
			assert.Equal(t, tc.certified, m.Certified, "kind %s status %s %v blockers %v findings %v", m.Kind, m.Verification.Status, m.Verification.Err, m.Blockers, codes(m))
			if tc.certified {
				assert.Equal(t, receipt.KindAccettazione, m.Kind)
			}
		})
	}
}
