package pec_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/pec"
)

// FuzzRead feeds arbitrary bytes to Read: it must never panic, must return either a
// message or an error of a documented kind, and must stay within its limits.
func FuzzRead(f *testing.F) {
	c, _ := fxCert(daticert.TypeAvvenutaConsegna).Marshal()
	f.Add([]byte(fxOriginal()))
	f.Add(fxMessage(receiptHeader("avvenuta-consegna", "CONSEGNA: "), textPart("x"),
		rawCertPart(string(c), "application/xml", "daticert.xml"), origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
	f.Add(fxMessage(envelopeHeader("errore", "ANOMALIA MESSAGGIO: "), textPart("x"), origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
	if dir, ok := findUp(f, filepath.Join("testdata", "messages")); ok {
		names, _ := filepath.Glob(filepath.Join(dir, "*", "*.eml"))
		for _, n := range names {
			if b, err := os.ReadFile(n); err == nil {
				f.Add(b)
			}
		}
	}
	opts := &pec.Options{Limits: pec.Limits{MaxMessageBytes: 1 << 20, MaxParts: 200}, MaxMessageDepth: 3}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := pec.Read(bytes.NewReader(data), opts)
		if err != nil {
			if m != nil {
				t.Fatal("message and error both returned")
			}
			if !errors.Is(err, pec.ErrTooLarge) && !errors.Is(err, pec.ErrNotMessage) {
				t.Fatalf("undocumented error kind: %v", err)
			}
			return
		}
		if m == nil || m.Verification == nil {
			t.Fatal("nil message or report without error")
		}
		if m.Certified && m.Verification.Status.String() != "valid" {
			t.Fatal("certified without a valid signature")
		}
		for _, fd := range m.Findings {
			if fd.Code == "" {
				t.Fatal("finding without code")
			}
		}
	})
}
