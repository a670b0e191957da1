package mime

import (
	"os"
	"testing"
)

// BenchmarkScanBytes scans the message named by SIGILLO_BENCH_EML (skipped
// when unset): go run ./examples/bench -dir DIR writes some.
func BenchmarkScanBytes(b *testing.B) {
	name := os.Getenv("SIGILLO_BENCH_EML")
	if name == "" {
		b.Skip("SIGILLO_BENCH_EML not set")
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ScanBytes(raw, nil); err != nil {
			b.Fatal(err)
		}
	}
}
