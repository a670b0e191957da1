package pec_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
)

// readBenchMessages are the signed messages of one pectest exchange with a 6 KB
// attachment, generated once.
var readBenchMessages = sync.OnceValues(func() ([]*pectest.Message, *envelope.Trust) {
	w := pectest.NewWorld(nil)
	p := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	body := bytes.Repeat([]byte("Testo del messaggio originale, riga di prova.\r\n"), 130)
	orig := append([]byte("From: alice@pec.example.it\r\nTo: bob@pec.example.org\r\nSubject: prova\r\n"+
		"Date: Fri, 14 Mar 2025 11:00:00 +0100\r\nMessage-ID: <rb.1@client.example.it>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"), body...)
	x, err := p.Send(orig, nil)
	if err != nil {
		panic(err)
	}
	return x.Messages, w.Trust()
})

// BenchmarkRead measures the whole facade on each signed message of a pectest
// exchange: parse, classify, verify.
func BenchmarkRead(b *testing.B) {
	msgs, trust := readBenchMessages()
	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}}
	for _, m := range msgs {
		b.Run(fmt.Sprintf("%s/%dB", m.Name, len(m.Raw)), func(b *testing.B) {
			got, err := pec.Read(bytes.NewReader(m.Raw), opts)
			if err != nil {
				b.Fatal(err)
			}
			if !got.Certified {
				b.Fatal(got.Verification.Err)
			}
			b.SetBytes(int64(len(m.Raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pec.Read(bytes.NewReader(m.Raw), opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
