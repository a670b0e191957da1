package daticert_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sigillo/sigillo/daticert"
)

func ExampleParse() {
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="errore-consegna" errore="no-dest">
  <intestazione>
    <mittente>alice@pec.example.it</mittente>
    <destinatari tipo="certificato">bobby@pec.example.org</destinatari>
    <risposte>alice@pec.example.it</risposte>
    <oggetto>Contratto di fornitura</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>Other PEC S.r.l.</gestore-emittente>
    <data zona="+0200">
      <giorno>03/06/2025</giorno>
      <ora>09:15:45</ora>
    </data>
    <identificativo>opec100.20250603091542.4711.12.1.7@pec.example.it</identificativo>
    <msgid>&lt;a1b2c3@client.example.it&gt;</msgid>
    <consegna>bobby@pec.example.org</consegna>
    <errore-esteso>5.1.1 - Other PEC S.r.l. - indirizzo non valido</errore-esteso>
  </dati>
</postacert>
`)
	c, err := daticert.Parse(doc, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Type, c.Error)
	fmt.Println(c.Recipients[0].Address, c.Recipients[0].Type)
	fmt.Println(c.Date.UTC().Format(time.RFC3339))
	fmt.Println(c.MsgID)
	fmt.Println(c.ExtendedErrorCode())
	fmt.Println(c.Validate())

	// A date that does not exist.
	_, err = daticert.Parse([]byte(`<postacert tipo="accettazione"><intestazione><mittente>a</mittente>
<destinatari>b</destinatari><risposte>a</risposte></intestazione><dati><gestore-emittente>g</gestore-emittente>
<data zona="+0100"><giorno>31/02/2025</giorno><ora>10:00:00</ora></data><identificativo>i</identificativo></dati></postacert>`), nil)
	var pe *daticert.ParseError
	if errors.As(err, &pe) && errors.Is(err, daticert.ErrInvalid) {
		fmt.Println(pe.Path, "line", pe.Line)
	}
	// Output:
	// errore-consegna no-dest
	// bobby@pec.example.org certificato
	// 2025-06-03T07:15:45Z
	// a1b2c3@client.example.it
	// 5.1.1
	// <nil>
	// postacert/dati/data/giorno line 3
}

func ExampleCert_Marshal() {
	c := &daticert.Cert{
		Type:       daticert.TypeAccettazione,
		Error:      daticert.ErrorNessuno,
		Sender:     "alice@pec.example.it",
		Recipients: []daticert.Recipient{{Address: "bob@pec.example.org", Type: daticert.RecipientCertificato}},
		ReplyTo:    "alice@pec.example.it",
		Subject:    "R&D <offerta>",
		HasSubject: true,
		Provider:   "Example PEC S.p.A.",
		Date:       time.Date(2025, 6, 3, 9, 15, 42, 0, time.FixedZone("+0200", 2*60*60)),
		ID:         "opec100.20250603091542.4711.12.1.7@pec.example.it",
		MsgID:      "a1b2c3@client.example.it",
	}
	if err := c.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	out, err := c.Marshal()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <postacert tipo="accettazione" errore="nessuno">
	//   <intestazione>
	//     <mittente>alice@pec.example.it</mittente>
	//     <destinatari tipo="certificato">bob@pec.example.org</destinatari>
	//     <risposte>alice@pec.example.it</risposte>
	//     <oggetto>R&amp;D &lt;offerta&gt;</oggetto>
	//   </intestazione>
	//   <dati>
	//     <gestore-emittente>Example PEC S.p.A.</gestore-emittente>
	//     <data zona="+0200">
	//       <giorno>03/06/2025</giorno>
	//       <ora>09:15:42</ora>
	//     </data>
	//     <identificativo>opec100.20250603091542.4711.12.1.7@pec.example.it</identificativo>
	//     <msgid>&lt;a1b2c3@client.example.it&gt;</msgid>
	//   </dati>
	// </postacert>
}

func ExampleCert_Validate() {
	c := &daticert.Cert{
		Type:       daticert.TypeAvvenutaConsegna,
		Error:      daticert.ErrorVirus,
		Sender:     "alice@pec.example.it",
		Recipients: []daticert.Recipient{{Address: "bob@pec.example.org", Type: daticert.RecipientCertificato}},
		ReplyTo:    "alice@pec.example.it",
		Provider:   "Other PEC S.r.l.",
		Date:       time.Date(2025, 6, 3, 9, 15, 45, 0, time.FixedZone("+0200", 2*60*60)),
		ID:         "opec100.20250603091542.4711.12.1.7@pec.example.it",
		Receptions: []string{"bob@pec.example.org"},
	}
	err := c.Validate()
	var ve *daticert.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Println(p.Field, p.Rule)
		}
	}
	fmt.Println(errors.Is(err, daticert.ErrNotAllowed))
	// Output:
	// postacert/@errore error-mismatch
	// postacert/dati/consegna missing
	// postacert/dati/ricezione not-allowed
	// true
}
