package mime

import (
	"os"
	"path/filepath"
	"testing"
)

func addSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("--b\n--b--"))
	f.Add([]byte("A: 1\n b\n\n--b\r\n\r\n--b--"))
}

var fuzzLimits = &Limits{MaxHeaderBytes: 4096, MaxParts: 64, MaxDepth: 8}

// FuzzSplitMultipart checks that the slicer never panics, that every span lies
// inside the input in increasing order, and that it stays within its limits.
func FuzzSplitMultipart(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, boundary := range []string{"b", "sig", "mix"} {
			m, err := SplitMultipart(b, boundary, fuzzLimits)
			if err != nil {
				if m != nil {
					t.Fatal("non-nil result with error")
				}
				continue
			}
			if len(m.Parts) == 0 || len(m.Parts) > fuzzLimits.MaxParts {
				t.Fatalf("%d parts", len(m.Parts))
			}
			prev := m.Preamble.End
			for _, p := range m.Parts {
				if p.Start < prev || p.End < p.Start || p.End > len(b) {
					t.Fatalf("bad span %+v after %d (len %d)", p, prev, len(b))
				}
				prev = p.End
			}
			if m.Epilogue.Start < prev || m.Epilogue.End != len(b) {
				t.Fatalf("bad epilogue %+v", m.Epilogue)
			}
		}
	})
}

// FuzzWalk checks that header parsing and the recursive walk never panic and keep
// every span inside the input.
func FuzzWalk(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		_ = Walk(b, fuzzLimits, func(e *Entity) error {
			n++
			if e.Span.Start < 0 || e.Span.End > len(b) || e.Body.Start < e.Span.Start || e.Body.End > e.Span.End || e.Body.Start > e.Body.End {
				t.Fatalf("bad spans %+v %+v", e.Span, e.Body)
			}
			if len(e.Path) > fuzzLimits.MaxDepth {
				t.Fatalf("depth %d", len(e.Path))
			}
			_, _ = Decode(e.Header.TransferEncoding(), e.Body.Of(b))
			_ = e.Header.Filename()
			return nil
		})
		_ = CanonicalCRLF(b)
	})
}
