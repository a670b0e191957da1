package pec_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/mailbox"
	"github.com/sigillo/sigillo/pec/pectest"
)

// FuzzMboxLikeMessage: a message stored in an mboxrd file (its ^>*From  lines
// quoted) is certified from the mbox exactly when it is certified read alone,
// with the same kind.
func FuzzMboxLikeMessage(f *testing.F) {
	w := pectest.NewWorld(nil)
	alice := w.NewProvider(fxProvider, "pec.example.it")
	w.NewProvider(fxOther, "pec.example.org")
	x, err := alice.Send([]byte(fxOriginal()), nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range x.Messages {
		f.Add(m.Raw)
	}
	acc := x.Messages[0].Raw
	f.Add(append([]byte("From : mallory@evil.example\r\n"), acc...))
	f.Add(bytes.Replace(acc, []byte("\r\n\r\n"), []byte("\r\nFrom : mallory@evil.example\r\n\r\n"), 1))
	opts := &pec.Options{Limits: pec.Limits{MaxMessageBytes: 1 << 20, MaxParts: 200}, MaxMessageDepth: 3,
		Verify: &envelope.VerifyOptions{Trust: w.Trust()}}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || !bytes.HasSuffix(data, []byte("\n")) {
			return // a BOM is stripped by the mailbox only; the separator needs a line end
		}
		want, err := pec.Read(bytes.NewReader(data), opts)
		if err != nil {
			return
		}
		var b bytes.Buffer
		b.WriteString("From MAILER-DAEMON Tue Jun  3 09:15:42 2025\n")
		b.Write(mboxrdQuote.ReplaceAll(data, []byte(">$1")))
		b.WriteString("\n")
		name := filepath.Join(dir, "f.mbox")
		if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		n := 0
		for it, err := range mailbox.Open(name, nil) {
			if err != nil {
				return // not recognised as an mbox: nothing to compare
			}
			n++
			got, _, err := it.Read(opts)
			if err != nil {
				return
			}
			if n == 1 && (got.Certified != want.Certified || (want.Certified && got.Kind != want.Kind)) {
				t.Fatalf("alone: certified %v kind %s; from the mbox: certified %v kind %s", want.Certified, want.Kind, got.Certified, got.Kind)
			}
		}
	})
}
