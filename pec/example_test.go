package pec_test

import (
	"fmt"
	"strings"

	"github.com/sigillo/sigillo/pec"
)

// An acceptance receipt read without its signature (the S/MIME layer was stripped):
// Read still classifies it from its daticert.xml, but it is not certified.
func ExampleRead() {
	const msg = "From: posta-certificata@pec.example.it\r\n" +
		"To: alice@pec.example.it\r\n" +
		"Subject: ACCETTAZIONE: Contratto di fornitura\r\n" +
		"Date: Tue, 3 Jun 2025 09:15:42 +0200\r\n" +
		"X-Ricevuta: accettazione\r\n" +
		"X-Riferimento-Message-ID: <a1b2c3@client.example.it>\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n" +
		"\r\n" +
		"--b\r\n" +
		"Content-Type: text/plain; charset=iso-8859-1\r\n" +
		"\r\n" +
		"Ricevuta di accettazione\r\n" +
		"--b\r\n" +
		"Content-Type: application/xml; name=daticert.xml\r\n" +
		"\r\n" +
		`<postacert tipo="accettazione" errore="nessuno">` +
		`<intestazione><mittente>alice@pec.example.it</mittente>` +
		`<destinatari tipo="certificato">bob@pec.example.org</destinatari>` +
		`<risposte>alice@pec.example.it</risposte><oggetto>Contratto di fornitura</oggetto></intestazione>` +
		`<dati><gestore-emittente>Example PEC S.p.A.</gestore-emittente>` +
		`<data zona="+0200"><giorno>03/06/2025</giorno><ora>09:15:42</ora></data>` +
		`<identificativo>opec100.20250603091542.4711.12.1.7@pec.example.it</identificativo>` +
		`<msgid>&lt;a1b2c3@client.example.it&gt;</msgid></dati></postacert>` + "\r\n" +
		"--b--\r\n"

	m, err := pec.Read(strings.NewReader(msg), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("kind:", m.Kind)
	fmt.Println("subject:", m.OriginalSubject)
	fmt.Println("identificativo:", m.Keys.ID)
	fmt.Println("signature:", m.Verification.Status)
	fmt.Println("certified:", m.Certified)
	for _, f := range m.Findings {
		fmt.Println("finding:", f.Code)
	}
	// Output:
	// kind: accettazione
	// subject: Contratto di fornitura
	// identificativo: opec100.20250603091542.4711.12.1.7@pec.example.it
	// signature: absent
	// certified: false
	// finding: daticert-unsigned
}
