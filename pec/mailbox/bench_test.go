package mailbox

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkOpenMbox enumerates an mbox of 100,000 tiny messages and reports the
// time to the first item.
func BenchmarkOpenMbox(b *testing.B) {
	name := filepath.Join(b.TempDir(), "big")
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range manyMessages {
		fmt.Fprintf(w, "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\nSubject: %d\n\nbody\n\n", i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.ReportAllocs()
	var first time.Duration
	for b.Loop() {
		start := time.Now()
		n := 0
		for _, err := range Open(name, nil) {
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				first += time.Since(start)
			}
			n++
		}
		if n != manyMessages {
			b.Fatalf("%d items", n)
		}
	}
	b.ReportMetric(float64(first.Nanoseconds())/float64(b.N), "ns/first-item")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*manyMessages), "ns/item")
}
