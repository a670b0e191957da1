package daticert_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigillo/sigillo/daticert"
)

// realisticDoc is a pretty-printed posta-certificata document of about
// 1.7 KB, the size Parse sees in real receipts: CRLF line endings, four
// spaces of indentation, a DOCTYPE line, several recipients and a long
// subject.
func realisticDoc() []byte {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n")
	b.WriteString("<!DOCTYPE postacert SYSTEM \"Docs/daticert.dtd\">\r\n")
	b.WriteString("<postacert tipo=\"posta-certificata\" errore=\"nessuno\">\r\n")
	b.WriteString("    <intestazione>\r\n")
	b.WriteString("        <mittente>ufficio.protocollo@pec.comune.example.it</mittente>\r\n")
	for _, r := range []string{
		"amministrazione@pec.fornitore-uno.example.it",
		"ufficio.legale@pec.studio-associato.example.it",
		"direzione.generale@pec.ente-regionale.example.it",
		"protocollo.generale@pec.azienda-sanitaria.example.it",
		"segreteria@pec.ordine-professionale.example.it",
		"contabilita@pec.fornitore-due.example.it",
	} {
		b.WriteString("        <destinatari tipo=\"certificato\">" + r + "</destinatari>\r\n")
	}
	b.WriteString("        <destinatari tipo=\"esterno\">mario.rossi@mail.example.com</destinatari>\r\n")
	b.WriteString("        <risposte>ufficio.protocollo@pec.comune.example.it</risposte>\r\n")
	b.WriteString("        <oggetto>Trasmissione determinazione dirigenziale n. 1234/2025 - affidamento servizio di manutenzione &amp; assistenza</oggetto>\r\n")
	b.WriteString("    </intestazione>\r\n")
	b.WriteString("    <dati>\r\n")
	b.WriteString("        <gestore-emittente>Other PEC S.r.l.</gestore-emittente>\r\n")
	b.WriteString("        <data zona=\"+0200\">\r\n")
	b.WriteString("            <giorno>03/06/2025</giorno>\r\n")
	b.WriteString("            <ora>09:15:45</ora>\r\n")
	b.WriteString("        </data>\r\n")
	b.WriteString("        <identificativo>opec21010.20250603091545.191919.432.1.53@pec.example.it</identificativo>\r\n")
	b.WriteString("        <msgid>&lt;CAF8x7y9z0abcdefghijklmnopqrstuvwxyz0123456789@mail.comune.example.it&gt;</msgid>\r\n")
	b.WriteString("        <ricevuta tipo=\"completa\" />\r\n")
	b.WriteString("    </dati>\r\n")
	b.WriteString("</postacert>\r\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	docs := []struct {
		name string
		data []byte
	}{{"realistic", realisticDoc()}}
	paths, err := filepath.Glob(filepath.Join("testdata", "spec", "*.xml"))
	if err != nil {
		b.Fatal(err)
	}
	var spec [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		spec = append(spec, data)
	}
	for _, d := range docs {
		b.Run(d.name, func(b *testing.B) {
			if _, err := daticert.Parse(d.data, nil); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(d.data)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = daticert.Parse(d.data, nil)
			}
		})
	}
	b.Run("spec", func(b *testing.B) {
		for _, data := range spec {
			if _, err := daticert.Parse(data, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_, _ = daticert.Parse(spec[i%len(spec)], nil)
		}
	})
}
