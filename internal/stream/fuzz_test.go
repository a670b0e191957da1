package stream

import (
	"bytes"
	"crypto"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.eml from the generator")

// seedOpts are the generated messages kept in testdata as fuzz seeds.
var seedOpts = map[string]genOpts{
	"crlf.eml":    {preamble: true, epilogue: true, attach: 300},
	"lf.eml":      {eol: "\n", padding: true, tricky: true, attach: 200},
	"mixed.eml":   {eol: "mixed", tricky: true, noFinalEOL: true, micalg: `"sha-256"`},
	"wrapped.eml": {wrap: true, attach: 100, noDaticert: true},
}

func TestSeeds(t *testing.T) {
	for name, o := range seedOpts {
		path := filepath.Join("testdata", name)
		if *update {
			msg, _, err := genMessage(rand.New(rand.NewPCG(uint64(len(name)), 99)), o)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, msg, 0o644))
		}
		msg, err := os.ReadFile(path)
		require.NoError(t, err)
		res := scanAll(t, msg, nil)
		require.Equal(t, o.wrap, res.Wrapped)
		if !o.wrap {
			entity, sig, _, err := naiveSlice(msg)
			require.NoError(t, err)
			require.Equal(t, digestOf(crypto.SHA1, entity), res.Digests[crypto.SHA1])
			require.Equal(t, sig, res.Signature)
		}
	}
}

// FuzzScan checks that Scan never panics, that it gives the same answer whatever the
// buffer size and reader, and that when the naive in-memory slicer also succeeds they
// agree on the signed bytes and the signature.
func FuzzScan(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Content-Type: multipart/signed; boundary=B\r\n\r\n--B\r\n\r\nx\r\n--B\r\n\r\nsig\r\n--B--\r\n"))
	f.Add([]byte("Content-Type: multipart/signed; boundary=B\n\n--B\nContent-Type: multipart/mixed; boundary=C\n\n--C\n\n--B\n--C--\n--B\n\nsig\n--B--"))
	opts := &Options{MaxMessageBytes: 1 << 20, MaxParts: 200, MaxDepth: 8}
	small := *opts
	small.BufferSize = MinBufferSize
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ScanBytes(data, opts)
		res2, err2 := Scan(bytes.NewReader(data), &small)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ScanBytes error %v, Scan error %v", err, err2)
		}
		if err != nil {
			if res != nil || res2 != nil {
				t.Fatal("result with error")
			}
			return
		}
		for h, d := range res2.Digests {
			got, err := res.Digest(h, nil)
			if err != nil || !bytes.Equal(got, d) {
				t.Fatalf("digest %v differs between ScanBytes and Scan", h)
			}
		}
		if !bytes.Equal(res.Signature, res2.Signature) || len(res.Parts) != len(res2.Parts) ||
			res.EntityOff != res2.EntityOff || res.EntityEnd != res2.EntityEnd || res.EntitySize != res2.EntitySize {
			t.Fatal("ScanBytes and Scan disagree")
		}
		if res.EntityOff > res.EntityEnd || res.EntityEnd > int64(len(data)) {
			t.Fatalf("entity range [%d, %d) out of input", res.EntityOff, res.EntityEnd)
		}
		if !bytes.Equal(digestOf(crypto.SHA256, canonical(data[res.EntityOff:res.EntityEnd])), res2.Digests[crypto.SHA256]) {
			t.Fatal("digest is not the digest of the canonical entity range")
		}
		for _, p := range res.Parts {
			if p.HeaderOff > p.BodyOff || p.BodyOff > p.End || p.End > int64(len(data)) {
				t.Fatalf("part %v has offsets %d %d %d", p.Path, p.HeaderOff, p.BodyOff, p.End)
			}
		}
		entity, sig, boundary, err := naiveSlice(data)
		if err != nil || res.Wrapped || boundary != res.Boundary {
			return
		}
		if !bytes.Equal(digestOf(crypto.SHA256, entity), res2.Digests[crypto.SHA256]) {
			t.Fatalf("digest differs from the naive slicer's\nnaive entity %q", entity)
		}
		sp := res.Parts[len(res.Parts)-1]
		for _, p := range res.Parts {
			if len(p.Path) == 1 && p.Path[0] == 1 {
				sp = p
			}
		}
		if sp.Encoding == "base64" && !bytes.Equal(sig, res.Signature) {
			t.Fatal("signature differs from the naive slicer's")
		}
	})
}
