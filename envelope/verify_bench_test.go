package envelope_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec/pectest"
)

// verifyBenchMessages are signed messages of one pectest exchange (with a 6 KB
// attachment), generated once: each receipt and envelope, 5 to 25 KB.
var verifyBenchMessages = sync.OnceValues(func() ([]*pectest.Message, *envelope.Trust) {
	w := pectest.NewWorld(nil)
	p := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	att := make([]byte, 6000)
	for i := range att {
		att[i] = byte(i * 7)
	}
	orig := "From: alice@pec.example.it\r\nTo: bob@pec.example.org\r\nSubject: prova\r\n" +
		"Date: Fri, 14 Mar 2025 11:00:00 +0100\r\nMessage-ID: <vb.1@client.example.it>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		wrap76(att)
	x, err := p.Send([]byte(orig), nil)
	if err != nil {
		panic(err)
	}
	return x.Messages, w.Trust()
})

func wrap76(b []byte) string {
	const enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var out []byte
	for i := 0; i+3 <= len(b); i += 3 {
		v := uint(b[i])<<16 | uint(b[i+1])<<8 | uint(b[i+2])
		out = append(out, enc[v>>18&63], enc[v>>12&63], enc[v>>6&63], enc[v&63])
		if len(out)%78 == 76 {
			out = append(out, '\r', '\n')
		}
	}
	return string(out) + "\r\n"
}

// BenchmarkVerify measures envelope.Verify (locate, CMS, path to the anchor,
// identity, time cross-checks) on each signed message of a pectest exchange.
func BenchmarkVerify(b *testing.B) {
	msgs, trust := verifyBenchMessages()
	opts := &envelope.VerifyOptions{Trust: trust}
	for _, m := range msgs {
		b.Run(fmt.Sprintf("%s/%dB", m.Name, len(m.Raw)), func(b *testing.B) {
			if r := envelope.Verify(m.Raw, opts); !r.Valid() {
				b.Fatal(r.Err)
			}
			b.SetBytes(int64(len(m.Raw)))
			b.ReportAllocs()
			for b.Loop() {
				envelope.Verify(m.Raw, opts)
			}
		})
	}
}

// BenchmarkVerifyReaderAt measures VerifyReaderAt on a transport envelope of
// about 27 MB (a 20 MB attachment) held in memory: one streaming pass with the
// micalg digest, then the CMS and trust checks.
func BenchmarkVerifyReaderAt(b *testing.B) {
	raw, _, tr := largeMessage(b, 20<<20)
	opts := &envelope.VerifyOptions{Trust: tr}
	if r, err := envelope.VerifyReaderAt(bytes.NewReader(raw), int64(len(raw)), opts); err != nil || !r.Valid() {
		b.Fatal(err, r.Err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		envelope.VerifyReaderAt(bytes.NewReader(raw), int64(len(raw)), opts)
	}
}

// BenchmarkVerifyLarge is Verify (in memory) on the same message, for comparison.
func BenchmarkVerifyLarge(b *testing.B) {
	raw, _, tr := largeMessage(b, 20<<20)
	opts := &envelope.VerifyOptions{Trust: tr}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		envelope.Verify(raw, opts)
	}
}
