package receipt_test

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/receipt"
)

func ExampleClassify() {
	const raw = "From: posta-certificata@pec.example.it\r\n" +
		"Subject: CONSEGNA: Fattura 12\r\n" +
		"X-Ricevuta: avvenuta-consegna\r\n" +
		"X-Riferimento-Message-ID: <1@example.it>\r\n" +
		"\r\n"
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		panic(err)
	}
	// The caller has located the signed body, parsed its daticert.xml and
	// found no postacert.eml.
	body := &receipt.Body{Cert: &daticert.Cert{
		Type:    daticert.TypeAvvenutaConsegna,
		Error:   daticert.ErrorNessuno,
		Receipt: daticert.ReceiptCompleta,
	}}
	r := receipt.Classify(receipt.Input{Header: receipt.MapHeader(msg.Header), Body: body})
	fmt.Println(r.Kind, r.Source, r.Form)
	fmt.Println(r.Subject.Original)
	for _, f := range r.Findings {
		fmt.Println(f.Code)
	}
	// Output:
	// avvenuta-consegna daticert sintetica
	// Fattura 12
	// form-mismatch
}

func ExampleParseSubject() {
	for _, s := range []string{
		"POSTA CERTIFICATA: Re: offerta",
		"[lista] ANOMALIA MESSAGGIO: POSTA CERTIFICATA: offerta",
		"Avvenuta consegna: offerta",
		"AVVISO DI MANCATA CONSEGNA PER VIRUS: offerta",
		"Re: CONSEGNA: offerta",
	} {
		info := receipt.ParseSubject(s)
		fmt.Printf("%q kind=%q virus=%v standard=%v tags=%q nested=%q original=%q\n",
			s, info.Kind, info.Virus, info.Standard, info.Tags, info.Nested, info.Original)
	}
	// Output:
	// "POSTA CERTIFICATA: Re: offerta" kind="posta-certificata" virus=false standard=true tags=[] nested=[] original="Re: offerta"
	// "[lista] ANOMALIA MESSAGGIO: POSTA CERTIFICATA: offerta" kind="anomalia" virus=false standard=true tags=["lista"] nested=["posta-certificata"] original="POSTA CERTIFICATA: offerta"
	// "Avvenuta consegna: offerta" kind="avvenuta-consegna" virus=false standard=false tags=[] nested=[] original="offerta"
	// "AVVISO DI MANCATA CONSEGNA PER VIRUS: offerta" kind="errore-consegna" virus=true standard=true tags=[] nested=[] original="offerta"
	// "Re: CONSEGNA: offerta" kind="" virus=false standard=false tags=[] nested=[] original="Re: CONSEGNA: offerta"
}

func ExampleStandardSubjectPrefix() {
	fmt.Println(receipt.StandardSubjectPrefix(receipt.KindErroreConsegna, true) + "offerta")
	fmt.Println(receipt.StandardSubjectPrefix(receipt.KindPreavvisoErroreConsegna, false) + "offerta")
	// Output:
	// AVVISO DI MANCATA CONSEGNA PER VIRUS: offerta
	// AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: offerta
}

func ExampleFromHeaders() {
	h := receipt.MapHeader{
		"X-Trasporto":    {"posta-certificata"},
		"X-Tiporicevuta": {"breve"},
	}
	info := receipt.FromHeaders(h)
	fmt.Println(info.Kind, info.RequestedForm)
	// Output:
	// posta-certificata breve
}
