package envelope_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sigillo/sigillo/envelope"
)

func fuzzSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	mimeSeeds, _ := filepath.Glob(filepath.Join("..", "internal", "mime", "testdata", "*.eml"))
	for _, name := range append(files, mimeSeeds...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	raw := build(f, msg{})
	f.Add(raw)
	f.Add(toLF(raw))
	f.Add(build(f, msg{digest: 0, legacy: true, entity: []byte("Content-Type: text/plain\r\n\r\nx")}))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=M\r\n\r\n--M\r\nContent-Type: message/rfc822\r\n\r\n" + string(raw) + "\r\n--M--\r\n"))
}

var fuzzLimits = envelope.Limits{MaxMessageBytes: 1 << 20, MaxHeaderBytes: 8 << 10, MaxParts: 32, MaxDepth: 6, MaxSignatureBytes: 64 << 10}

// FuzzLocate: slicing never panics; on success the entity is canonical CRLF and the
// offsets point inside the input.
func FuzzLocate(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := envelope.Locate(raw, &envelope.LocateOptions{Limits: fuzzLimits})
		if err != nil {
			if s != nil {
				t.Fatal("result with error")
			}
			return
		}
		if len(s.Signature) == 0 || len(s.Signature) > fuzzLimits.MaxSignatureBytes {
			t.Fatalf("signature of %d bytes", len(s.Signature))
		}
		if s.EntityStart >= 0 {
			if s.EntityStart > s.EntityEnd || s.EntityEnd > len(raw) {
				t.Fatalf("entity offsets %d..%d of %d", s.EntityStart, s.EntityEnd, len(raw))
			}
			if !s.CanonicalisedLF && !bytes.Equal(s.Entity, raw[s.EntityStart:s.EntityEnd]) {
				t.Fatal("entity differs from the transmitted bytes")
			}
		}
		for i := bytes.IndexByte(s.Entity, '\n'); i >= 0; {
			if i == 0 || s.Entity[i-1] != '\r' {
				t.Fatal("bare LF in the canonical entity")
			}
			j := bytes.IndexByte(s.Entity[i+1:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
		}
	})
}

// FuzzVerify drives the CMS parse and the whole verification: no panic, a report
// with a reason for every non-valid status.
func FuzzVerify(f *testing.F) {
	fuzzSeeds(f)
	w := world()
	tr := trustRoot(w)
	f.Fuzz(func(t *testing.T, raw []byte) {
		r := envelope.Verify(raw, &envelope.VerifyOptions{Trust: tr, Limits: fuzzLimits})
		if r == nil {
			t.Fatal("nil report")
		}
		if (r.Status == envelope.StatusValid) != (r.Err == nil) {
			t.Fatalf("status %v with err %v", r.Status, r.Err)
		}
	})
}
