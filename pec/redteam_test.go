package pec_test

import (
	"bytes"
	"encoding/base64"
	"mime/quotedprintable"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// body is the part of a multipart entity after its header (what mixed writes
// after the blank line).
func body(entity string) string {
	_, b, _ := strings.Cut(entity, "\r\n\r\n")
	return b
}

// qpEncode is s in quoted-printable, with soft line breaks.
func qpEncode(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	_, err := w.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n")))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.Contains(t, b.String(), "=\r\n")
	return b.String()
}

// TestRedTeamLayouts signs odd layouts with the test PKI and checks that every
// way of reading gives the same answer, and that nothing is certified that a
// careful reader would not certify.
func TestRedTeamLayouts(t *testing.T) {
	t.Parallel()
	_, alice, opts := signedWorld(t)
	hdr := receiptHeader("accettazione", "ACCETTAZIONE: ")
	xml := daticertXML(t, daticert.TypeAccettazione)
	dat := rawCertPart(xml, "application/xml", "daticert.xml")
	text := textPart("Ricevuta di accettazione")
	other := fxCert(daticert.TypeAvvenutaConsegna)
	other.Date = alice.Signer().Cert.NotBefore.Add(time.Hour)
	otherXML, err := other.Marshal()
	require.NoError(t, err)
	withHdr := func(h []string, f func(string) string) []string {
		out := append([]string{}, h...)
		for i := range out {
			out[i] = f(out[i])
		}
		return out
	}
	replaceFrom := func(v string) []string {
		return withHdr(hdr, func(l string) string {
			if strings.HasPrefix(l, "From: ") {
				return "From: " + v
			}
			return l
		})
	}
	sign := func(h []string, content string) func() []byte {
		return func() []byte { return signLayout(t, alice, h, content) }
	}
	ok := func(content string) func() []byte { return sign(hdr, content) }

	tests := []struct {
		name      string
		raw       func() []byte
		certified bool
		code      string // a finding or blocker code that must be present
	}{
		// Boundaries.
		{"boundary unquoted", ok(strings.Replace(mixed("b", text, dat), `boundary="b"`, `boundary=b`, 1)), true, ""},
		{"boundary parameter name upper case", ok(strings.Replace(mixed("b", text, dat), `boundary=`, `BOUNDARY=`, 1)), true, ""},
		{"boundary as RFC 2231 continuations", ok(strings.Replace(mixed("bx", text, dat), `boundary="bx"`, `boundary*0="b"; boundary*1="x"`, 1)), true, ""},
		{"two boundary parameters", ok(strings.Replace(mixed("b", text, dat), `boundary="b"`, `boundary="b"; boundary="c"`, 1)), false, ""},
		{"transport padding after a delimiter", ok(strings.Replace(mixed("b", text, dat), "--b\r\nContent-Type: application/xml", "--b \t \r\nContent-Type: application/xml", 1)), true, ""},
		{"inner boundary extends the outer one", ok(mixed("b", text, fxPart{`Content-Type: multipart/mixed; boundary="bx"`, body(mixed("bx", dat))})), false, pec.CodeDaticertMisplaced},
		{"outer boundary extends the inner one", ok(mixed("bx", text, fxPart{`Content-Type: multipart/mixed; boundary="b"`, body(mixed("b", dat))})), false, pec.CodeDaticertMisplaced},
		{"daticert only in the epilogue of the signed multipart", ok(mixed("b", text) + "--b\r\n" + dat.header + "\r\n\r\n" + xml + "\r\n--b--\r\n"), false, ""},
		{"fake daticert in the preamble", ok(strings.Replace(mixed("b", text, dat), "\r\n\r\n--b", "\r\n\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\n\r\n"+string(otherXML)+"\r\n--b", 1)), true, ""},
		{"nested multipart/signed with its own daticert", ok(mixed("b", text, fxPart{`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="s"`, "--s\r\n" + mixed("n", text, dat) + "\r\n--s\r\nContent-Type: application/pkcs7-signature\r\n\r\nAAAA\r\n--s--\r\n"})), false, pec.CodeDaticertMisplaced},
		{"delimiter line without its CR", ok(strings.Replace(mixed("b", text, dat), "\r\n--b\r\nContent-Type: application/xml", "\n--b\r\nContent-Type: application/xml", 1)), true, ""},

		// Header tricks in the daticert part.
		{"daticert name folded", ok(mixed("b", text, fxPart{"Content-Type: application/xml;\r\n name=\"daticert.xml\"", xml})), true, ""},
		{"daticert header line without colon", ok(mixed("b", text, fxPart{"Garbage line\r\n" + dat.header, xml})), true, ""},
		{"daticert header with a NUL", ok(mixed("b", text, fxPart{"X-A: a\x00b\r\n" + dat.header, xml})), true, ""},
		{"daticert Content-Type with space before colon", ok(mixed("b", text, fxPart{"Content-Type : application/xml; name=\"daticert.xml\"", xml})), true, ""},
		{"daticert two Content-Type, one with space before colon", ok(mixed("b", text, fxPart{"Content-Type : text/plain\r\n" + dat.header, xml})), false, ""},
		{"daticert name in RFC 2231 form only", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name*=utf-8''daticert.xml", xml})), true, ""},
		{"daticert filename in RFC 2231 form only", ok(mixed("b", text, fxPart{"Content-Type: application/xml\r\nContent-Disposition: inline; filename*=utf-8''daticert.xml", xml})), true, ""},
		{"daticert name upper case", ok(mixed("b", text, rawCertPart(xml, "application/xml", "DATICERT.XML"))), true, ""},
		{"daticert name with trailing space", ok(mixed("b", text, rawCertPart(xml, "application/xml", "daticert.xml "))), false, pec.CodeKindNotSigned},
		{"daticert name with trailing dot", ok(mixed("b", text, rawCertPart(xml, "application/xml", "daticert.xml."))), false, pec.CodeKindNotSigned},
		{"Content-Type name and Content-Disposition filename disagree", ok(mixed("b", text,
			fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"other.xml\"", string(otherXML)},
			fxPart{"Content-Type: application/xml; name=\"other.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"", xml})), false, pec.CodeDaticertMultiple},
		{"one part, Content-Type name daticert.xml, filename other", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"other.xml\"", xml})), false, pec.CodeDaticertAmbiguous},
		{"one part, filename daticert.xml, Content-Type name other", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"other.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"", xml})), false, pec.CodeDaticertAmbiguous},
		{"daticert name as an encoded word", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"=?utf-8?q?daticert.xml?=\"", xml})), true, ""},
		{"daticert with two Content-Disposition fields", ok(mixed("b", text, fxPart{dat.header + "\r\nContent-Disposition: attachment; filename=\"daticert.xml\"", xml})), false, pec.CodeDaticertAmbiguous},
		{"daticert in quoted-printable with soft breaks", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Transfer-Encoding: quoted-printable", qpEncode(t, xml)})), true, ""},
		{"daticert in quoted-printable with an unescaped =", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Transfer-Encoding: quoted-printable", strings.ReplaceAll(xml, "><", ">=\r\n<")})), false, pec.CodeDaticertUndecodable},
		{"daticert in quoted-printable with a bad escape", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Transfer-Encoding: quoted-printable", strings.Replace(xml, "><", ">=ZZ<", 1)})), false, pec.CodeDaticertUndecodable},
		{"daticert base64 with a second padded chunk", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Transfer-Encoding: base64", base64.StdEncoding.EncodeToString([]byte(xml+"x")) + "\r\n" + base64.StdEncoding.EncodeToString([]byte("<a/>"))})), false, pec.CodeDaticertUndecodable},
		{"daticert with an unknown transfer encoding", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Transfer-Encoding: x-uuencode", xml})), false, ""},
		{"daticert with two transfer encodings", ok(mixed("b", text, fxPart{"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Transfer-Encoding: 8bit\r\nContent-Transfer-Encoding: base64", xml})), false, pec.CodeDaticertAmbiguous},
		{"daticert charset declaration contradicting the XML", ok(mixed("b", text, rawCertPart(xml, "application/xml; charset=\"iso-8859-1\"", "daticert.xml"))), true, ""},

		// The outer header.
		{"two Date fields", sign(append(append([]string{}, hdr...), "Date: Wed, 4 Jun 2025 09:15:42 +0200"), mixed("b", text, dat)), true, pec.CodeHeaderDuplicate},
		{"From with space before colon as a second From", sign(append(append([]string{}, hdr...), "From : mallory@evil.example"), mixed("b", text, dat)), false, ""},
		{"Content-Type with space before colon as a second Content-Type", sign(append(append([]string{}, hdr...), "Content-Type : text/plain"), mixed("b", text, dat)), false, ""},
		{"X-Trasporto errore on a receipt", sign(append(append([]string{}, hdr...), "X-Trasporto: errore"), mixed("b", text, dat)), true, ""},
		{"X-Ricevuta contradicting the daticert", sign(withHdr(hdr, func(l string) string {
			return strings.Replace(l, "X-Ricevuta: accettazione", "X-Ricevuta: avvenuta-consegna", 1)
		}), mixed("b", text, dat)), true, receipt.FindingHeaderDaticertMismatch},

		// Identity.
		{"From upper case", sign(replaceFrom("POSTA-CERTIFICATA@PEC.EXAMPLE.IT"), mixed("b", text, dat)), true, ""},
		{"From with a trailing dot", sign(replaceFrom("posta-certificata@pec.example.it."), mixed("b", text, dat)), false, envelope.CodeSenderMismatch},
		{"From display name is the signer, address is not", sign(replaceFrom("posta-certificata@pec.example.it <mallory@evil.example>"), mixed("b", text, dat)), false, envelope.CodeSenderMismatch},
		{"From quoted display name is the signer", sign(replaceFrom("\"posta-certificata@pec.example.it\" <mallory@evil.example>"), mixed("b", text, dat)), false, envelope.CodeSenderMismatch},
		{"From comment names the signer", sign(replaceFrom("mallory@evil.example (posta-certificata@pec.example.it)"), mixed("b", text, dat)), false, envelope.CodeSenderMismatch},
		{"From encoded-word display name Per conto di", sign(replaceFrom("=?utf-8?q?Per_conto_di:_mallory@evil.example?= <posta-certificata@pec.example.it>"), mixed("b", text, dat)), true, ""},
		{"From list with the signer first", sign(replaceFrom("posta-certificata@pec.example.it, mallory@evil.example"), mixed("b", text, dat)), false, pec.CodeFromNotOneMailbox},
		{"From group", sign(replaceFrom("undisclosed: posta-certificata@pec.example.it;"), mixed("b", text, dat)), false, pec.CodeFromNotOneMailbox},
		{"From display name is another address", sign(replaceFrom("\"ufficio@tribunale.example.it\" <posta-certificata@pec.example.it>"), mixed("b", text, dat)), true, pec.CodeFromDisplayAddress},
		{"From display name as an encoded word naming another address", sign(replaceFrom("=?utf-8?q?ufficio@tribunale.example.it?= <posta-certificata@pec.example.it>"), mixed("b", text, dat)), true, pec.CodeFromDisplayAddress},
		{"From display name is the address itself", sign(replaceFrom("\"POSTA-CERTIFICATA@pec.example.it\" <posta-certificata@pec.example.it>"), mixed("b", text, dat)), true, ""},
		{"From in angle brackets only", sign(replaceFrom("<posta-certificata@pec.example.it>"), mixed("b", text, dat)), true, ""},
		{"From with a Cyrillic a in the domain", sign(replaceFrom("posta-certificata@pec.ex\u0430mple.it"), mixed("b", text, dat)), false, envelope.CodeSenderMismatch},
		{"From with a domain literal", sign(replaceFrom("posta-certificata@[192.0.2.1]"), mixed("b", text, dat)), false, envelope.CodeSenderMismatch},
		{"From with a quoted local part", sign(replaceFrom("\"posta-certificata\"@pec.example.it"), mixed("b", text, dat)), true, ""},
		{"From with a comment inside the address", sign(replaceFrom("posta-certificata(x)@pec.example.it"), mixed("b", text, dat)), false, envelope.CodeSenderMismatch},
		{"Sender names someone else", sign(append(append([]string{}, hdr...), "Sender: mallory@evil.example"), mixed("b", text, dat)), true, ""},
		{"From encoded word hiding a comma", sign(replaceFrom("=?utf-8?q?a=2C_b?= <posta-certificata@pec.example.it>"), mixed("b", text, dat)), true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := readAllWays(t, tc.raw(), opts)
			assert.Equal(t, tc.certified, m.Certified, "status %s %v blockers %v findings %v", m.Verification.Status, m.Verification.Err, m.Blockers, codes(m))
			if tc.certified {
				assert.Equal(t, receipt.KindAccettazione, m.Kind)
			}
			if tc.code != "" {
				assert.Contains(t, append(append(codes(m), blockerCodes(m)...), m.Verification.Code), tc.code)
			}
		})
	}
}
