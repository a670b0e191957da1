package stream

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// Benchmark corpus, generated once per process: a signed receipt-sized message
// (about 15 KB) and a transport envelope carrying a 75 MB attachment (about 100 MB
// once base64-encoded), in CRLF and LF variants.
var (
	benchOnce  sync.Once
	benchMsgs  map[string][]byte
	benchNames = []string{"receipt-15KB", "envelope-100MB", "envelope-100MB-LF"}
)

func benchCorpus(b *testing.B) map[string][]byte {
	b.Helper()
	benchOnce.Do(func() {
		rng := rand.New(rand.NewPCG(42, 42))
		benchMsgs = map[string][]byte{}
		small, _, err := genMessage(rng, genOpts{attach: 7000, sign: signer(crypto.SHA1), preamble: true})
		if err != nil {
			panic(err)
		}
		benchMsgs["receipt-15KB"] = small
		large, _, err := genMessage(rng, genOpts{attach: 75 << 20, sign: signer(crypto.SHA1)})
		if err != nil {
			panic(err)
		}
		benchMsgs["envelope-100MB"] = large
		benchMsgs["envelope-100MB-LF"] = bytes.ReplaceAll(large, []byte("\r\n"), []byte("\n"))
	})
	return benchMsgs
}

// BenchmarkScan measures one pass of Scan (from an io.Reader, as from a file) and
// ScanBytes over each message, with the default digests (micalg hint plus SHA-1 and
// SHA-256), with the hinted digest only, and with all four.
func BenchmarkScan(b *testing.B) {
	msgs := benchCorpus(b)
	all := []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512}
	modes := []struct {
		name string
		opts *Options
	}{
		{"default", nil},
		{"hintonly", &Options{HintOnly: true}},
		{"all4", &Options{Hashes: all}},
	}
	for _, name := range benchNames {
		msg := msgs[name]
		for _, m := range modes {
			b.Run(fmt.Sprintf("%s/reader/%s", name, m.name), func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Scan(bytes.NewReader(msg), m.opts); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("%s/bytes/%s", name, m.name), func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := ScanBytes(msg, m.opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkSHA1Baseline is a plain SHA-1 over the same bytes as BenchmarkScan: the
// floor that a scan with one digest can approach.
func BenchmarkSHA1Baseline(b *testing.B) {
	msgs := benchCorpus(b)
	for _, name := range benchNames {
		msg := msgs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				sha1.Sum(msg)
			}
		})
	}
}
