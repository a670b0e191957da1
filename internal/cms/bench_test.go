package cms_test

import (
	"testing"

	"github.com/sigillo/sigillo/internal/cms"
)

// BenchmarkParse measures Parse on the DER and BER fixtures (a detached
// SignedData with its certificates, as PEC providers send).
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"rsa-sha256.der", "rsa-sha256-detached.ber"} {
		b.Run(name, func(b *testing.B) {
			in := readFile(b, name)
			if _, err := cms.Parse(in, nil); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cms.Parse(in, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
