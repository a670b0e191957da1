package pec_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sigillo/sigillo/envelope"
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

// A delivery receipt from the bundled exchange (testdata/, made by examples/simulate
// with the project's test PKI), verified against the test trust anchor.
func ExampleReadFile() {
	trust := envelope.DefaultTrust()
	pem, err := os.ReadFile("../testdata/trust.pem")
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := trust.AddPEM(pem); err != nil {
		fmt.Println(err)
		return
	}
	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}}

	m, err := pec.ReadFile("../testdata/messages/exchange/06-avvenuta-consegna-bob@pec.example.org.eml", opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("kind:", m.Kind, m.Form)
	fmt.Println("certified:", m.Certified)
	fmt.Println("signed by:", m.Verification.Provider, "at", m.Verification.SigningTime.UTC().Format(time.RFC3339))
	fmt.Println("delivered to:", m.Daticert.Delivery)
	fmt.Println("identificativo:", m.Keys.ID)
	fmt.Println("original:", m.Original.Subject)
	// Output:
	// kind: avvenuta-consegna completa
	// certified: true
	// signed by: Other PEC S.r.l. at 2025-03-14T10:00:02Z
	// delivered to: bob@pec.example.org
	// identificativo: opec101.20250314110000.00001.0.1.1@pec.example.it
	// original: Contratto di fornitura
}

// Reading an attachment through Attachment.Open, which works the same whether
// the attachment was loaded or left in the file, and telling why a message is
// not certified with errors.Is on the verification error.
func ExampleAttachment_Open() {
	m, err := pec.ReadFile("../testdata/messages/exchange/06-avvenuta-consegna-bob@pec.example.org.eml", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The default anchors are the real PEC CAs: the test CA is unknown.
	fmt.Println("certified:", m.Certified, errors.Is(m.Verification.Err, envelope.ErrUnknownAuthority))
	for _, a := range m.Attachments {
		if a.Name != "daticert.xml" {
			continue
		}
		rc, err := a.Open()
		if err != nil {
			fmt.Println(err)
			return
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(a.Name, a.ContentType, int64(len(b)) == a.Size, strings.HasPrefix(string(b), "<?xml"))
	}
	// Output:
	// certified: false true
	// daticert.xml application/xml true true
}
