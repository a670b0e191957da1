package pectest

import (
	"fmt"
	"os"
	"testing"
)

func TestScratchWorld(t *testing.T) {
	w := NewWorld(nil)
	a := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	orig := []byte("From: Alice <alice@pec.example.it>\r\nTo: bob@pec.example.org, bobby@pec.example.org, dan@pec.example.org, eve@pec.example.org\r\nCc: carol@mail.example.com, frank@pec.example.it\r\nSubject: Contratto\r\nMessage-ID: <a1@x>\r\nX-TipoRicevuta: breve\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nCiao\r\n--XX\r\nContent-Type: application/pdf; name=\"doc.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ=\r\n--XX--\r\n")
	x, err := a.Send(orig, &SendOptions{Outcomes: map[string]Outcome{"bobby@pec.example.org": NoSuchMailbox, "dan@pec.example.org": Virus, "eve@pec.example.org": Timeout}})
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll("/tmp/h5/x", 0o755)
	os.WriteFile("/tmp/h5/x/trust.pem", w.TrustPEM(), 0o644)
	for i, m := range x.Messages {
		t.Logf("%02d %s %s %s", i+1, m.Name, m.Kind, m.Time)
		os.WriteFile(fmt.Sprintf("/tmp/h5/x/%02d-%s.eml", i+1, m.Name), m.Raw, 0o644)
	}
	y, err := a.Send([]byte("From: a@pec.example.it\r\nBcc: x@y.it\r\nTo: b@pec.example.org\r\n\r\nhi\r\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/h5/x/99-nonacc.eml", y.Messages[0].Raw, 0o644)
}
