package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRun verifies an mbox of the bundled small messages through the whole
// command, with one worker and with two: the ratio of the two is the -j speedup
// (meaningful only on an otherwise idle machine with two or more CPUs).
func BenchmarkRun(b *testing.B) {
	var raws [][]byte
	entries, err := filepath.Glob(messagesDir + "/*/*.eml")
	if err != nil || len(entries) == 0 {
		b.Fatal("no bundled messages")
	}
	for _, f := range entries {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, raw)
	}
	var box [][]byte
	for range 20 {
		box = append(box, raws...)
	}
	mbox := filepath.Join(b.TempDir(), "box")
	if err := os.WriteFile(mbox, mboxrd(box), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, j := range []int{1, 2} {
		b.Run(fmt.Sprintf("j=%d", j), func(b *testing.B) {
			for b.Loop() {
				if code := run([]string{"-json", "-j", fmt.Sprint(j), "-roots", trustPEM, mbox}, bytes.NewReader(nil), io.Discard, io.Discard); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(box)), "ns/msg")
		})
	}
}
