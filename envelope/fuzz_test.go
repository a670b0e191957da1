package envelope_test

import (
	"bytes"
	"crypto"
	"errors"
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

// FuzzVerifyReader: the streaming verifiers never panic and agree with Verify on
// the status of the same bytes; the part offsets they report lie inside the input.
func FuzzVerifyReader(f *testing.F) {
	fuzzSeeds(f)
	w := world()
	tr := trustRoot(w)
	o := &envelope.VerifyOptions{Trust: tr, Limits: fuzzLimits}
	f.Fuzz(func(t *testing.T, raw []byte) {
		want := envelope.Verify(raw, o)
		at, err := envelope.VerifyReaderAt(bytes.NewReader(raw), int64(len(raw)), o)
		if err != nil || at == nil {
			t.Fatalf("VerifyReaderAt: %v", err)
		}
		once, err := envelope.VerifyReader(bytes.NewReader(raw), o)
		if err != nil || once == nil {
			t.Fatalf("VerifyReader: %v", err)
		}
		if at.Status != want.Status {
			t.Fatalf("VerifyReaderAt status %v (%v), Verify %v (%v)", at.Status, at.Err, want.Status, want.Err)
		}
		// A digest other than SHA-1, SHA-256 and micalg's is out of reach of one pass.
		oneshot := errors.Is(once.Err, envelope.ErrUnsupportedAlgorithm) && want.Digest != crypto.SHA1 && want.Digest != crypto.SHA256
		if once.Status != want.Status && !oneshot {
			t.Fatalf("VerifyReader status %v (%v), Verify %v (%v)", once.Status, once.Err, want.Status, want.Err)
		}
		{
			for _, p := range at.Parts {
				if p.HeaderOff < 0 || p.HeaderOff > p.BodyOff || p.BodyOff > p.End || p.End > int64(len(raw)) {
					t.Fatalf("part %v offsets %d %d %d of %d", p.Path, p.HeaderOff, p.BodyOff, p.End, len(raw))
				}
			}
		}
	})
}
