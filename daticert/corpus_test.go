package daticert_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/internal/testutil"
)

// TestParseCorpus parses the real daticert.xml files of the shared corpus
// (never copied into this repository) and checks the values their text
// shows.
func TestParseCorpus(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t, "daticert")
	type want struct {
		typ        daticert.Type
		sender     string
		recipients []string // all tipo="certificato"
		subject    string
		provider   string
		date       time.Time
		id         string
		msgid      string
		receipt    daticert.ReceiptType
		delivery   string
	}
	at := func(loc *time.Location, y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, loc)
	}
	const aruba = "ARUBA PEC S.p.A."
	tests := map[string]want{
		"aruba-2014-accettazione-1-crlf.xml": {
			typ: daticert.TypeAccettazione, sender: "l.battistini@pec.it", recipients: []string{"thinkstudio@pec.it"},
			subject: "test private", provider: aruba, date: at(plus1, 2014, 11, 14, 18, 26, 32),
			id:    "opec275.20141114182632.23219.07.1.48@pec.aruba.it",
			msgid: "1415985992.182905912399292.346704098667155-openerp-private@elbati-Vostro-3550",
		},
		"aruba-2014-avvenuta-consegna-1-crlf.xml": {
			typ: daticert.TypeAvvenutaConsegna, sender: "l.battistini@pec.it", recipients: []string{"thinkstudio@pec.it"},
			subject: "test private", provider: aruba, date: at(plus1, 2014, 11, 14, 18, 26, 32),
			id:      "opec275.20141114182632.23219.07.1.48@pec.aruba.it",
			msgid:   "1415985992.182905912399292.346704098667155-openerp-private@elbati-Vostro-3550",
			receipt: daticert.ReceiptCompleta, delivery: "thinkstudio@pec.it",
		},
		"aruba-2014-posta-certificata-1.xml": {
			typ: daticert.TypePostaCertificata, sender: "thinkstudio@pec.it", recipients: []string{"l.battistini@pec.it"},
			subject: "Re: archetipo", provider: aruba, date: at(plus1, 2014, 11, 7, 16, 52, 0),
			id:    "opec275.20141107165200.03048.08.1.17@pec.aruba.it",
			msgid: "NEOEQO$8B558E13C0664DE7004C1EFB790D1A09@pec.it", receipt: daticert.ReceiptCompleta,
		},
		"aruba-2014-posta-certificata-2.xml": {
			typ: daticert.TypePostaCertificata, sender: "thinkstudio@pec.it", recipients: []string{"l.battistini@pec.it"},
			subject: "Re: test", provider: aruba, date: at(plus1, 2014, 11, 27, 15, 12, 16),
			id:    "opec275.20141127151216.06559.08.1.17@pec.aruba.it",
			msgid: "1417097534.920250892639160.712427135196036-openerp-private@master", receipt: daticert.ReceiptCompleta,
		},
		"aruba-2015-accettazione-1.xml": {
			typ: daticert.TypeAccettazione, sender: "info@pec.innoviu.it", recipients: []string{"innoviu.test1@legalmail.it"},
			subject: "Invio conferma domanda bando startup", provider: aruba, date: at(plus2, 2015, 5, 20, 17, 8, 10),
			id:    "opec275.20150520170810.24847.06.1.17@pec.aruba.it",
			msgid: "1432134489.558327913284302.165667473553067-openerp-private@roberto-ubuntu12",
		},
		"aruba-2018-accettazione-sdi-1.xml": {
			typ: daticert.TypeAccettazione, sender: "l.battistini@pec.it", recipients: []string{"l.battistini@pec.it"},
			subject: "IT03339130126_00009.xml", provider: aruba, date: at(plus1, 2018, 11, 13, 16, 39, 26),
			id:    "opec288.20181113163926.01838.310.1.63@pec.aruba.it",
			msgid: "1542123565.921546936035156.464602125997431-openerp-8-fatturapa.attachment.out@elbati-Vostro-3550",
		},
		"aruba-2018-avvenuta-consegna-sdi-1.xml": {
			typ: daticert.TypeAvvenutaConsegna, sender: "l.battistini@pec.it", recipients: []string{"l.battistini@pec.it"},
			subject: "IT03339130126_00009.xml", provider: aruba, date: at(plus1, 2018, 11, 13, 16, 39, 27),
			id:      "opec288.20181113163926.01838.310.1.63@pec.aruba.it",
			msgid:   "1542123565.921546936035156.464602125997431-openerp-8-fatturapa.attachment.out@elbati-Vostro-3550",
			receipt: daticert.ReceiptCompleta, delivery: "l.battistini@pec.it",
		},
		"aruba-2021-accettazione-1.xml": {
			typ: daticert.TypeAccettazione, sender: "testflosslab@pec.it",
			recipients: []string{"flosslabtest@legalmail.it", "test01@pec.flosslab.it"},
			subject:    "Subject test prova pec", provider: aruba, date: at(plus1, 2021, 12, 14, 14, 36, 8),
			id:    "opec296.20211214143608.11149.382.1.69@pec.aruba.it",
			msgid: "R43XS7$8A2B712B1EC45527B69E94AB60B8CA07@pec.it",
		},
		"aruba-2021-avvenuta-consegna-1.xml": {
			typ: daticert.TypeAvvenutaConsegna, sender: "testflosslab@pec.it",
			recipients: []string{"flosslabtest@legalmail.it", "test01@pec.flosslab.it"},
			subject:    "Subject test prova pec", provider: aruba, date: at(plus1, 2021, 12, 14, 14, 36, 8),
			id:      "opec296.20211214143608.11149.382.1.69@pec.aruba.it",
			msgid:   "R43XS7$8A2B712B1EC45527B69E94AB60B8CA07@pec.it",
			receipt: daticert.ReceiptCompleta, delivery: "test01@pec.flosslab.it",
		},
		"sogei-2018-posta-certificata-sdi-invio-file.xml": {
			typ: daticert.TypePostaCertificata, sender: "sdi03@pec.fatturapa.it", recipients: []string{"l.battistini@pec.it"},
			subject: "Invio File 7339338 (SIMULAZIONE)", provider: "Sogei SpA", date: at(plus1, 2018, 12, 8, 12, 26, 18),
			id:    "opec288.20181208122618.17535.2665.1.3@pcert.sogei.it",
			msgid: "4163125586355393.1544268377979@pec.fatturapa.it", receipt: daticert.ReceiptBreve,
		},
	}

	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no daticert files in the corpus")
	}
	seen := 0
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			w, ok := tests[name]
			if !ok {
				t.Skipf("no expected values for corpus file %s", name)
			}
			seen++
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			c := mustParse(t, data)

			assert.Equal(t, w.typ, c.Type)
			assert.Equal(t, daticert.ErrorNessuno, c.Error)
			assert.Equal(t, w.sender, c.Sender)
			assert.Equal(t, w.sender, c.ReplyTo)
			require.Len(t, c.Recipients, len(w.recipients))
			for i, r := range w.recipients {
				assert.Equal(t, daticert.Recipient{Address: r, Type: daticert.RecipientCertificato}, c.Recipients[i])
			}
			assert.True(t, c.HasSubject)
			assert.Equal(t, w.subject, c.Subject)
			assert.Equal(t, w.provider, c.Provider)
			assert.Equal(t, w.date, c.Date)
			assert.Equal(t, w.id, c.ID)
			assert.Equal(t, w.msgid, c.MsgID)
			assert.Equal(t, "<"+w.msgid+">", c.RawMsgID)
			assert.Equal(t, w.receipt, c.Receipt)
			assert.Equal(t, w.delivery, c.Delivery)
			assert.Empty(t, c.Receptions)
			assert.Empty(t, c.ExtendedError)
			assert.NoError(t, c.Validate())

			out, err := c.Marshal()
			require.NoError(t, err)
			assert.Equal(t, c, mustParse(t, out))
		})
	}
	assert.Equal(t, len(tests), seen, "every expected corpus file is present")
}
