package pec_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// TestRedTeamDaticertXML: daticert.xml tricks in a validly signed receipt.
func TestRedTeamDaticertXML(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	xml := daticertXML(t, daticert.TypeAccettazione)
	decl := `<?xml version="1.0" encoding="UTF-8"?>`
	require := func(s string) string {
		if !strings.Contains(xml, s) {
			t.Fatalf("fixture lacks %q", s)
		}
		return s
	}
	root := require(`<postacert tipo="accettazione" errore="nessuno">`)
	ogg := require(`<oggetto>` + fxSubject + `</oggetto>`)
	tests := []struct {
		name      string
		xml       string
		certified bool
	}{
		{"as built", xml, true},
		{"with the DOCTYPE of the annex", strings.Replace(xml, decl, decl+"\n<!DOCTYPE postacert SYSTEM \"Postacert.dtd\">", 1), true},
		{"an internal entity in oggetto", strings.Replace(strings.Replace(xml, decl, decl+"\n<!DOCTYPE postacert [<!ENTITY x \"Pagato\">]>", 1), ogg, "<oggetto>&x;</oggetto>", 1), false},
		{"a default namespace", strings.Replace(xml, root, `<postacert xmlns="urn:x" tipo="accettazione" errore="nessuno">`, 1), false},
		{"a prefixed root", strings.Replace(strings.Replace(xml, root, `<p:postacert xmlns:p="urn:x" tipo="accettazione" errore="nessuno">`, 1), "</postacert>", "</p:postacert>", 1), false},
		{"two roots", xml + "\n" + root + "</postacert>", false},
		{"a second tipo attribute", strings.Replace(xml, root, `<postacert tipo="accettazione" tipo="avvenuta-consegna" errore="nessuno">`, 1), false},
		{"encoding ISO-8859-1 declared on UTF-8 bytes with accents", strings.Replace(strings.Replace(xml, decl, `<?xml version="1.0" encoding="ISO-8859-1"?>`, 1), ogg, "<oggetto>"+fxSubject+" è</oggetto>", 1), true}, // read as the declaration says (Latin-1): subject-oggetto-mismatch
		{"a CDATA oggetto", strings.Replace(xml, ogg, "<oggetto><![CDATA["+fxSubject+"]]></oggetto>", 1), true},
		{"a comment inside oggetto", strings.Replace(xml, ogg, "<oggetto>Contratto <!-- x -->di fornitura</oggetto>", 1), true},
		{"a BOM and UTF-16 declared", "\ufeff" + strings.Replace(xml, `encoding="UTF-8"`, `encoding="UTF-16"`, 1), false},
		{"a control character in oggetto", strings.Replace(xml, ogg, "<oggetto>Contratto\x01di fornitura</oggetto>", 1), true},
		{"data after the root", xml + "garbage", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := signLayout(t, alice, hdr, mixed("b", textPart("x"), rawCertPart(tc.xml, "application/xml", "daticert.xml")))
			m := readAllWays(t, raw, opts)
			assert.Equal(t, tc.certified, m.Certified, "kind %s status %s blockers %v findings %v", m.Kind, m.Verification.Status, m.Blockers, codes(m))
			if tc.certified {
				assert.Equal(t, receipt.KindAccettazione, m.Kind)
			}
		})
	}
}

// TestRedTeamDaticertCharset: a charset parameter on daticert.xml that names
// another encoding than its XML declaration, on non-ASCII data, is ambiguous
// (RFC 7303 section 3 makes the parameter authoritative; daticert.Parse reads the
// declaration).
func TestRedTeamDaticertCharset(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	ascii := daticertXML(t, daticert.TypeAccettazione)
	accented := strings.Replace(ascii, "<oggetto>"+fxSubject, "<oggetto>"+fxSubject+" è", 1)
	latin1 := strings.Replace(strings.Replace(accented, "è", "\xe8", 1), `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	tests := []struct {
		name, ctype, xml string
		certified        bool
	}{
		{"no charset", "application/xml", accented, true},
		{"charset utf-8", "application/xml; charset=utf-8", accented, true},
		{"charset UTF8 alias", "application/xml; charset=\"UTF8\"", accented, true},
		{"charset iso-8859-1 on a UTF-8 declaration", "application/xml; charset=iso-8859-1", accented, false},
		{"charset iso-8859-1 on ASCII data", "application/xml; charset=iso-8859-1", ascii, true},
		{"charset latin1 alias on an ISO-8859-1 declaration", "application/xml; charset=latin1", latin1, true},
		{"charset utf-8 on an ISO-8859-1 declaration", "text/xml; charset=utf-8", latin1, false},
		{"unknown charset", "application/xml; charset=x-klingon", accented, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := signLayout(t, alice, hdr, mixed("b", textPart("x"), rawCertPart(tc.xml, tc.ctype, "daticert.xml")))
			m := readAllWays(t, raw, opts)
			assert.Equal(t, tc.certified, m.Certified, "kind %s status %s blockers %v findings %v", m.Kind, m.Verification.Status, m.Blockers, codes(m))
			if !tc.certified {
				assert.Contains(t, blockerCodes(m), pec.CodeDaticertAmbiguous)
			}
		})
	}
}
