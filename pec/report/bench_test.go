package report_test

import (
	"io"
	"testing"

	"github.com/sigillo/sigillo/pec/report"
)

// BenchmarkWrite writes the dossier of the bundled exchange (15 entries).
func BenchmarkWrite(b *testing.B) {
	f := loadFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := report.Write(io.Discard, f.tr, f.entries, &report.Options{Now: f.now}); err != nil {
			b.Fatal(err)
		}
	}
}
