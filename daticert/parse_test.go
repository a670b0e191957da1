package daticert_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
)

// baseDoc is Marshal(validCert()). Its lines:
//
//	 1 <?xml ...?>
//	 2 <postacert ...>
//	 3   <intestazione>
//	 4     <mittente>
//	 5     <destinatari tipo="certificato">
//	 6     <destinatari tipo="esterno">
//	 7     <risposte>
//	 8     <oggetto>
//	 9   </intestazione>
//	10   <dati>
//	11     <gestore-emittente>
//	12     <data zona="+0200">
//	13       <giorno>
//	14       <ora>
//	15     </data>
//	16     <identificativo>
//	17     <msgid>
//	18     <ricevuta tipo="completa" />
//	19     <consegna>
//	20   </dati>
//	21 </postacert>
func baseDoc(t testing.TB) string {
	t.Helper()
	b, err := validCert().Marshal()
	require.NoError(t, err)
	require.Equal(t, 21, strings.Count(string(b), "\n"))
	return string(b)
}

// dropLines removes lines from..to (1-based, inclusive).
func dropLines(doc string, from, to int) string {
	lines := strings.SplitAfter(doc, "\n")
	return strings.Join(append(lines[:from-1:from-1], lines[to:]...), "")
}

// insertLine inserts s as a new line after line n.
func insertLine(doc string, n int, s string) string {
	lines := strings.SplitAfter(doc, "\n")
	out := append(lines[:n:n], s+"\n")
	return strings.Join(append(out, lines[n:]...), "")
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	base := baseDoc(t)
	repl := func(old, new string) string {
		require.Contains(t, base, old)
		return strings.Replace(base, old, new, 1)
	}
	tests := []struct {
		name string
		doc  string
		err  error
		path string
		line int
	}{
		{"root", strings.ReplaceAll(base, "postacert>", "postacerta>"), nil, "", 0}, // replaced below
		{"tipo absent", repl(`tipo="avvenuta-consegna" `, ""), daticert.ErrMissing, "postacert/@tipo", 2},
		{"tipo empty", repl(`tipo="avvenuta-consegna"`, `tipo=" "`), daticert.ErrMissing, "postacert/@tipo", 2},
		{"intestazione absent", dropLines(base, 3, 9), daticert.ErrMissing, "postacert/intestazione", 2},
		{"mittente absent", dropLines(base, 4, 4), daticert.ErrMissing, "postacert/intestazione/mittente", 3},
		{"destinatari absent", dropLines(base, 5, 6), daticert.ErrMissing, "postacert/intestazione/destinatari", 3},
		{"risposte absent", dropLines(base, 7, 7), daticert.ErrMissing, "postacert/intestazione/risposte", 3},
		{"dati absent", dropLines(base, 10, 20), daticert.ErrMissing, "postacert/dati", 2},
		{"gestore absent", dropLines(base, 11, 11), daticert.ErrMissing, "postacert/dati/gestore-emittente", 10},
		{"data absent", dropLines(base, 12, 15), daticert.ErrMissing, "postacert/dati/data", 10},
		{"zona absent", repl(` zona="+0200"`, ""), daticert.ErrMissing, "postacert/dati/data/@zona", 12},
		{"giorno absent", dropLines(base, 13, 13), daticert.ErrMissing, "postacert/dati/data/giorno", 12},
		{"ora absent", dropLines(base, 14, 14), daticert.ErrMissing, "postacert/dati/data/ora", 12},
		{"identificativo absent", dropLines(base, 16, 16), daticert.ErrMissing, "postacert/dati/identificativo", 10},
		{"ricevuta tipo absent", repl(`<ricevuta tipo="completa" />`, `<ricevuta/>`), daticert.ErrMissing, "postacert/dati/ricevuta/@tipo", 18},

		{"31 February", repl("03/06/2025", "31/02/2025"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"29 February 2025", repl("03/06/2025", "29/02/2025"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"day 0", repl("03/06/2025", "00/06/2025"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"day 32", repl("03/06/2025", "32/01/2025"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"month 13", repl("03/06/2025", "03/13/2025"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"day unpadded", repl("03/06/2025", "3/6/2025"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"day dashes", repl("03/06/2025", "03-06-2025"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"day ISO", repl("03/06/2025", "2025-06-03"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"day signed", repl("03/06/2025", "+3/06/2025"), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"day empty", repl("03/06/2025", ""), daticert.ErrInvalid, "postacert/dati/data/giorno", 13},
		{"hour 24", repl("09:15:45", "24:00:00"), daticert.ErrInvalid, "postacert/dati/data/ora", 14},
		{"minute 60", repl("09:15:45", "09:60:45"), daticert.ErrInvalid, "postacert/dati/data/ora", 14},
		{"second 60", repl("09:15:45", "09:15:60"), daticert.ErrInvalid, "postacert/dati/data/ora", 14},
		{"time unpadded", repl("09:15:45", "9:15:45"), daticert.ErrInvalid, "postacert/dati/data/ora", 14},
		{"time without seconds", repl("09:15:45", "09:15"), daticert.ErrInvalid, "postacert/dati/data/ora", 14},
		{"zone hour 15", repl(`zona="+0200"`, `zona="+1500"`), daticert.ErrInvalid, "postacert/dati/data/@zona", 12},
		{"zone minute 60", repl(`zona="+0200"`, `zona="+0260"`), daticert.ErrInvalid, "postacert/dati/data/@zona", 12},
		{"zone unsigned", repl(`zona="+0200"`, `zona="0200"`), daticert.ErrInvalid, "postacert/dati/data/@zona", 12},
		{"zone colon", repl(`zona="+0200"`, `zona="+02:00"`), daticert.ErrInvalid, "postacert/dati/data/@zona", 12},
		{"zone short", repl(`zona="+0200"`, `zona="+020"`), daticert.ErrInvalid, "postacert/dati/data/@zona", 12},
		{"zone name", repl(`zona="+0200"`, `zona="CEST"`), daticert.ErrInvalid, "postacert/dati/data/@zona", 12},
		{"zone empty", repl(`zona="+0200"`, `zona=""`), daticert.ErrInvalid, "postacert/dati/data/@zona", 12},

		{"duplicate mittente", insertLine(base, 4, "<mittente>eve@pec.example.it</mittente>"), daticert.ErrInvalid, "postacert/intestazione/mittente", 5},
		{"duplicate risposte", insertLine(base, 7, "<risposte>eve@pec.example.it</risposte>"), daticert.ErrInvalid, "postacert/intestazione/risposte", 8},
		{"duplicate oggetto", insertLine(base, 8, "<oggetto>x</oggetto>"), daticert.ErrInvalid, "postacert/intestazione/oggetto", 9},
		{"duplicate identificativo", insertLine(base, 16, "<identificativo>x</identificativo>"), daticert.ErrInvalid, "postacert/dati/identificativo", 17},
		{"duplicate consegna", insertLine(base, 19, "<consegna>eve@pec.example.it</consegna>"), daticert.ErrInvalid, "postacert/dati/consegna", 20},
		{"duplicate giorno", insertLine(base, 13, "<giorno>04/06/2025</giorno>"), daticert.ErrInvalid, "postacert/dati/data/giorno", 14},
		{"duplicate dati", insertLine(base, 20, "<dati/>"), daticert.ErrInvalid, "postacert/dati", 21},

		{"unclosed", strings.TrimSuffix(base, "</postacert>\n"), daticert.ErrSyntax, "postacert", 21},
		{"mismatched end tag", repl("</consegna>", "</consegnaa>"), daticert.ErrSyntax, "postacert/dati/consegna", 19},
		{"two roots", base + "<postacert/>\n", daticert.ErrSyntax, "postacert", 22},
		{"text after root", base + "trailing\n", daticert.ErrSyntax, "", 22},
		{"duplicate attribute", repl(`errore="nessuno"`, `errore="nessuno" errore="altro"`), daticert.ErrSyntax, "postacert/@errore", 2},
		{"bare ampersand", repl("Other PEC S.r.l.", "Other & Co"), daticert.ErrSyntax, "postacert/dati/gestore-emittente", 11},
		{"empty input", "", daticert.ErrSyntax, "", 0},
		{"only declaration", `<?xml version="1.0"?>`, daticert.ErrSyntax, "", 0},
		{"not XML", "hello", daticert.ErrSyntax, "", 1},
		{"XML 1.1", strings.Replace(base, `version="1.0"`, `version="1.1"`, 1), daticert.ErrSyntax, "", 0},
		{"control character in an attribute", repl(`zona="+0200"`, "zona=\"+02\x0100\""), daticert.ErrSyntax, "postacert/dati", 12},
		{"control character in a CDATA section", repl("Other PEC S.r.l.", "<![CDATA[Other\x01PEC]]>"), daticert.ErrSyntax, "postacert/dati/gestore-emittente", 11},
		{"control character outside the root", base + "\x01\n", daticert.ErrSyntax, "", 23},
		{"namespace prefix on the root", strings.NewReplacer("<postacert ", `<p:postacert xmlns:p="urn:x" `, "</postacert>", "</p:postacert>").Replace(base), daticert.ErrNamespace, "postacert", 2},
		{"undeclared prefix on the root", strings.NewReplacer("<postacert ", `<p:postacert `, "</postacert>", "</p:postacert>").Replace(base), daticert.ErrNamespace, "postacert", 2},
		{"default namespace on the root", repl("<postacert ", `<postacert xmlns="urn:x" `), daticert.ErrNamespace, "postacert", 2},
		{"default namespace on a child", repl("<dati>", `<dati xmlns="urn:x">`), daticert.ErrNamespace, "postacert/dati/@xmlns", 10},
		{"ISO-8859-1 declared after a UTF-8 byte order mark", "\xef\xbb\xbf" + repl(`encoding="UTF-8"`, `encoding="ISO-8859-1"`), daticert.ErrEncoding, "", 0},
		{"UTF-16 byte order mark", "\xff\xfe" + base, daticert.ErrEncoding, "", 1},
	}
	tests[0].doc = strings.Replace(strings.ReplaceAll(base, "</postacert>", "</postacerta>"), "<postacert ", "<postacerta ", 1)
	tests[0].err, tests[0].path, tests[0].line = daticert.ErrRoot, "postacerta", 2

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := daticert.Parse([]byte(tc.doc), nil)
			require.Error(t, err)
			assert.Nil(t, c)
			require.ErrorIs(t, err, tc.err)
			var pe *daticert.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.path, pe.Path)
			assert.Equal(t, tc.line, pe.Line)
		})
	}
}

func TestParseEntities(t *testing.T) {
	t.Parallel()
	const laughs = `<?xml version="1.0"?>
<!DOCTYPE postacert [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<postacert tipo="accettazione"><intestazione><mittente>&lol9;</mittente></intestazione></postacert>
`
	base := baseDoc(t)
	withDoctype := func(doctype string) string {
		return strings.Replace(base, "\n", "\n"+doctype+"\n", 1)
	}
	tests := []struct {
		name string
		doc  string
		line int
	}{
		{"billion laughs", laughs, 2},
		{"external entity", withDoctype(`<!DOCTYPE postacert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`), 2},
		{"external entity used", strings.Replace(withDoctype(`<!DOCTYPE postacert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`),
			"alice@pec.example.it</mittente>", "&xxe;</mittente>", 1), 2},
		{"parameter entity", withDoctype(`<!DOCTYPE postacert [<!ENTITY % p SYSTEM "http://example.com/x.dtd"> %p;]>`), 2},
		{"entity outside doctype", withDoctype(`<!ENTITY x "y">`), 2},
		{"undeclared entity reference", strings.Replace(withDoctype(`<!DOCTYPE postacert SYSTEM "postacert.dtd">`),
			"Other PEC", "Other&nbsp;PEC", 1), 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := daticert.Parse([]byte(tc.doc), nil)
			assert.Nil(t, c)
			require.ErrorIs(t, err, daticert.ErrEntity)
			var pe *daticert.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.line, pe.Line)
		})
	}
}

func TestParseLenient(t *testing.T) {
	t.Parallel()
	base := baseDoc(t)
	repl := func(doc, old, new string) string {
		require.Contains(t, doc, old)
		return strings.Replace(doc, old, new, 1)
	}
	tests := []struct {
		name string
		doc  string
		edit func(c *daticert.Cert) // applied to validCert()
	}{
		{"as marshalled", base, nil},
		{"doctype line", repl(base, "\n", "\n<!DOCTYPE postacert SYSTEM \"postacert.dtd\">\n"), nil},
		{"no declaration", dropLines(base, 1, 1), nil},
		{"byte order mark", "\xef\xbb\xbf" + base, nil},
		{"CRLF line endings", strings.ReplaceAll(base, "\n", "\r\n"), nil},
		{"compact", strings.NewReplacer("\n", "", "  ", "").Replace(base), nil},
		{"any order", `<?xml version="1.0" encoding="UTF-8"?>
<postacert errore="nessuno" tipo="avvenuta-consegna">
 <dati>
  <consegna>bob@pec.example.org</consegna>
  <ricevuta tipo="completa"/>
  <msgid>&lt;a1b2c3@client.example.it&gt;</msgid>
  <identificativo>opec100.20250603091542.4711.12.1.7@pec.example.it</identificativo>
  <data zona="+0200"><ora>09:15:45</ora><giorno>03/06/2025</giorno></data>
  <gestore-emittente>Other PEC S.r.l.</gestore-emittente>
 </dati>
 <intestazione>
  <oggetto>Contratto di fornitura</oggetto>
  <risposte>alice@pec.example.it</risposte>
  <destinatari tipo="certificato">bob@pec.example.org</destinatari>
  <mittente>alice@pec.example.it</mittente>
  <destinatari tipo="esterno">carol@mail.example.com</destinatari>
 </intestazione>
</postacert>`, nil},
		{"unknown elements and attributes", strings.NewReplacer(
			"<intestazione>", `<intestazione x="1"><note>ignored</note>`,
			"<dati>", `<dati><extension><deep><deeper>x</deeper></deep></extension>`,
			`<data zona="+0200">`, `<data zona="+0200" precision="s"><ms>123</ms>`,
			"</postacert>", "<trailer/></postacert>",
			`tipo="avvenuta-consegna"`, `tipo="avvenuta-consegna" version="2"`,
		).Replace(base), nil},
		{"whitespace around text and attributes", strings.NewReplacer(
			"<mittente>alice@pec.example.it</mittente>", "<mittente>\n\t  alice@pec.example.it \r\n</mittente>",
			`tipo="avvenuta-consegna"`, `tipo=" avvenuta-consegna "`,
			"<giorno>03/06/2025</giorno>", "<giorno> 03/06/2025\n</giorno>",
			`zona="+0200"`, `zona=" +0200 "`,
		).Replace(base), nil},
		{"comments, PIs and CDATA", strings.NewReplacer(
			"<mittente>alice@pec.example.it</mittente>", "<mittente>alice@<!-- c -->pec.example.it</mittente>",
			"<risposte>alice@pec.example.it</risposte>", "<risposte><![CDATA[alice@pec.example.it]]></risposte>",
			"<dati>", "<dati><?pi data?><!-- comment -->",
		).Replace(base), nil},
		{"msgid without brackets", repl(base, "&lt;a1b2c3@client.example.it&gt;", "a1b2c3@client.example.it"), func(c *daticert.Cert) {
			c.RawMsgID = "a1b2c3@client.example.it"
		}},
		{"msgid literal gt", repl(base, "&lt;a1b2c3@client.example.it&gt;", "&lt;a1b2c3@client.example.it>"), nil},
		{"msgid empty", repl(base, "&lt;a1b2c3@client.example.it&gt;", ""), func(c *daticert.Cert) {
			c.MsgID, c.RawMsgID = "", ""
		}},
		{"msgid absent", dropLines(base, 17, 17), func(c *daticert.Cert) {
			c.MsgID, c.RawMsgID = "", ""
		}},
		{"errore absent", repl(base, ` errore="nessuno"`, ""), nil},
		{"errore empty", repl(base, ` errore="nessuno"`, ` errore=""`), nil},
		{"destinatari tipo absent", repl(base, `<destinatari tipo="certificato">`, `<destinatari>`), nil},
		{"oggetto absent", dropLines(base, 8, 8), func(c *daticert.Cert) {
			c.Subject, c.HasSubject = "", false
		}},
		{"oggetto empty", repl(base, "<oggetto>Contratto di fornitura</oggetto>", "<oggetto/>"), func(c *daticert.Cert) {
			c.Subject = ""
		}},
		{"consegna empty", repl(base, "<consegna>bob@pec.example.org</consegna>", "<consegna></consegna>"), func(c *daticert.Cert) {
			c.Delivery = ""
		}},
		{"duplicate recipients kept in order", insertLine(base, 6, `<destinatari tipo="certificato">bob@pec.example.org</destinatari>`), func(c *daticert.Cert) {
			c.Recipients = append(c.Recipients, daticert.Recipient{Address: "bob@pec.example.org", Type: daticert.RecipientCertificato})
		}},
		{"leap day", repl(base, "03/06/2025", "29/02/2024"), func(c *daticert.Cert) {
			c.Date = time.Date(2024, 2, 29, 9, 15, 45, 0, plus2)
		}},
		{"zone minus zero", repl(base, `zona="+0200"`, `zona="-0000"`), func(c *daticert.Cert) {
			c.Date = time.Date(2025, 6, 3, 9, 15, 45, 0, zone("+0000", 0))
		}},
		{"zone west with minutes", repl(base, `zona="+0200"`, `zona="-0330"`), func(c *daticert.Cert) {
			c.Date = time.Date(2025, 6, 3, 9, 15, 45, 0, zone("-0330", -(3*3600+30*60)))
		}},
		{"zone limit", repl(base, `zona="+0200"`, `zona="+1459"`), func(c *daticert.Cert) {
			c.Date = time.Date(2025, 6, 3, 9, 15, 45, 0, zone("+1459", 14*3600+59*60))
		}},
		{"namespace declaration, prefixed unknown element", repl(base, "<dati>", `<dati xmlns:x="urn:x"><x:consegna>eve@pec.example.it</x:consegna>`), nil},
		{"empty default namespace", repl(base, "<postacert ", `<postacert xmlns="" `), nil},
		{"UTF-8 declared after a UTF-8 byte order mark", "\xef\xbb\xbf" + base, nil},
		{"unknown enumerated values kept", strings.NewReplacer(
			`tipo="avvenuta-consegna"`, `tipo="errore"`,
			`errore="nessuno"`, `errore="boh"`,
			`tipo="esterno"`, `tipo="pec"`,
			`tipo="completa"`, `tipo="lunga"`,
		).Replace(base), func(c *daticert.Cert) {
			c.Type, c.Error, c.Recipients[1].Type, c.Receipt = "errore", "boh", "pec", "lunga"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := validCert()
			if tc.edit != nil {
				tc.edit(w)
			}
			got := mustParse(t, []byte(tc.doc))
			assert.Equal(t, w, got)
		})
	}
}

func TestParseKnown(t *testing.T) {
	t.Parallel()
	c := mustParse(t, []byte(strings.NewReplacer(
		`tipo="avvenuta-consegna"`, `tipo="errore"`,
		`errore="nessuno"`, `errore="boh"`,
		`tipo="esterno"`, `tipo="pec"`,
		`tipo="completa"`, `tipo="lunga"`,
	).Replace(baseDoc(t))))
	assert.False(t, c.Type.Known())
	assert.False(t, c.Error.Known())
	assert.True(t, c.Recipients[0].Type.Known())
	assert.False(t, c.Recipients[1].Type.Known())
	assert.False(t, c.Receipt.Known())
	assert.False(t, daticert.ReceiptType("").Known())

	err := c.Validate()
	require.ErrorIs(t, err, daticert.ErrUnknownValue)
	var ve *daticert.ValidationError
	require.ErrorAs(t, err, &ve)
	var fields []string
	for _, p := range ve.Problems {
		assert.Equal(t, daticert.RuleUnknownValue, p.Rule)
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{
		"postacert/@tipo", "postacert/@errore",
		"postacert/intestazione/destinatari[2]/@tipo", "postacert/dati/ricevuta/@tipo",
	}, fields)
}

// TestParseLines checks the line numbers of errors in documents whose
// layout differs from Marshal's.
func TestParseLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		path string
		line int
	}{
		{"multi-line start tag", "<postacert\n  tipo=\"accettazione\">\n<intestazione>\n<mittente>a</mittente>\n</intestazione>\n<dati/></postacert>",
			"postacert/intestazione/destinatari", 3},
		{"several elements on a line", "<postacert tipo=\"x\"><intestazione><mittente>a</mittente></intestazione>\n\n<dati/></postacert>",
			"postacert/intestazione/destinatari", 1},
		{"after comment lines", "<!--\n\n-->\n<postacert tipo=\"x\">\n<intestazione/><dati/></postacert>",
			"postacert/intestazione/mittente", 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := daticert.Parse([]byte(tc.doc), nil)
			require.ErrorIs(t, err, daticert.ErrMissing)
			var pe *daticert.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.path, pe.Path)
			assert.Equal(t, tc.line, pe.Line)
		})
	}
}

func TestExtendedErrorCode(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"5.1.1 - Aruba Pec S.p.A. - indirizzo non valido": "5.1.1",
		"5.4.1 - messaggio non consegnato entro 24 ore":   "5.4.1",
		"4.2.2":          "4.2.2",
		"5.123.456 x":    "5.123.456",
		"  5.1.1 - x":    "5.1.1",
		"5.1.1- x":       "5.1.1",
		"5.1234.1 x":     "",
		"5.1.1234":       "",
		"5.1.1.":         "",
		"55.1.1":         "",
		"5.1":            "",
		"5..1":           "",
		"Eicar-Test-Sig": "",
		"":               "",
		"x 5.1.1":        "",
		"5.1.1a":         "5.1.1",
	}
	for in, want := range tests {
		c := &daticert.Cert{ExtendedError: in}
		assert.Equal(t, want, c.ExtendedErrorCode(), "%q", in)
	}
}
