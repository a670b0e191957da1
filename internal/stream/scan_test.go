package stream

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scanAll scans msg in several ways and checks that they agree; it returns the
// Scan result (which has the default digests).
func scanAll(t *testing.T, msg []byte, opts *Options) *Result {
	t.Helper()
	ref, err := Scan(bytes.NewReader(msg), opts)
	require.NoError(t, err)
	small := Options{BufferSize: MinBufferSize}
	if opts != nil {
		small = *opts
		small.BufferSize = MinBufferSize
	}
	variants := map[string]func() (*Result, error){
		"bytes":      func() (*Result, error) { return ScanBytes(msg, opts) },
		"readerat":   func() (*Result, error) { return ScanReaderAt(bytes.NewReader(msg), int64(len(msg)), &small) },
		"small-half": func() (*Result, error) { return Scan(iotest.HalfReader(bytes.NewReader(msg)), &small) },
	}
	if len(msg) < 64<<10 {
		variants["small-onebyte"] = func() (*Result, error) {
			return Scan(iotest.OneByteReader(bytes.NewReader(msg)), &small)
		}
	}
	for name, f := range variants {
		res, err := f()
		require.NoError(t, err, name)
		// Digests computed by both must agree; the others come from Digest.
		for h, d := range ref.Digests {
			got, err := res.Digest(h, nil)
			require.NoError(t, err, name)
			assert.Equal(t, d, got, name)
		}
		for h, d := range res.Digests {
			assert.Equal(t, ref.Digests[h], d, name)
		}
		c := *res
		c.src, c.Digests = nil, ref.Digests
		assert.Equal(t, ref, &c, name)
	}
	return ref
}

func TestScanMatchesNaive(t *testing.T) {
	variants := []genOpts{
		{},
		{eol: "\n"},
		{eol: "mixed"},
		{preamble: true, epilogue: true},
		{padding: true, tricky: true},
		{eol: "\n", padding: true, tricky: true, preamble: true, epilogue: true},
		{eol: "mixed", tricky: true, noFinalEOL: true},
		{noFinalEOL: true, micalg: `"sha-256"`},
		{attach: 300 << 10},
		{attach: 300 << 10, eol: "\n"},
		{attach: 20 << 10, attachRaw: true},            // a 20 KB line: longer than the small buffer
		{attach: 20 << 10, attachRaw: true, eol: "\n"}, // same with LF
		{noDaticert: true},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, o := range variants {
		t.Run(fmt.Sprintf("%d%+v", i, o), func(t *testing.T) {
			msg, entity, err := genMessage(rng, o)
			require.NoError(t, err)
			nEntity, nSig, nb, err := naiveSlice(msg)
			require.NoError(t, err)
			require.Equal(t, entity, nEntity, "generator and naive slicer disagree")

			res := scanAll(t, msg, nil)
			assert.Equal(t, nb, res.Boundary)
			assert.Equal(t, digestOf(crypto.SHA1, entity), res.Digests[crypto.SHA1])
			assert.Equal(t, digestOf(crypto.SHA256, entity), res.Digests[crypto.SHA256])
			assert.Equal(t, int64(len(entity)), res.EntitySize)
			assert.Equal(t, nSig, res.Signature)
			assert.Equal(t, o.eol == "\n" || o.eol == "mixed", res.LF)
			assert.False(t, res.Wrapped)
			assert.Equal(t, "application/x-pkcs7-signature", res.Protocol)
			assert.Equal(t, "application/x-pkcs7-signature", res.SignatureType)
			assert.Equal(t, int64(len(msg)), res.Size)
			if o.noDaticert {
				assert.Nil(t, res.Daticert)
				assert.Equal(t, -1, res.DaticertPart)
			} else {
				assert.Equal(t, daticertXML, res.Daticert)
				assert.Equal(t, "daticert.xml", res.Parts[res.DaticertPart].Filename)
			}
			// The entity range re-read and canonicalised gives the same bytes.
			assert.Equal(t, entity, canonical(msg[res.EntityOff:res.EntityEnd]))
			for _, h := range []crypto.Hash{crypto.SHA384, crypto.SHA512} {
				_, err := res.Digest(h, nil)
				require.ErrorIs(t, err, ErrDigestUnavailable)
				d, err := res.Digest(h, bytes.NewReader(msg))
				require.NoError(t, err)
				assert.Equal(t, digestOf(h, entity), d)
			}
		})
	}
}

func TestScanParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, eol := range []string{"\r\n", "\n"} {
		t.Run(fmt.Sprintf("%q", eol), func(t *testing.T) {
			o := genOpts{eol: eol, attach: 5000, preamble: true}
			msg, _, err := genMessage(rng, o)
			require.NoError(t, err)
			res := scanAll(t, msg, nil)

			type want struct {
				path     []int
				embedded bool
				ctype    string
				filename string
				signed   bool
			}
			wants := []want{
				{[]int{}, false, "multipart/signed", "", false},
				{[]int{0}, false, "multipart/mixed", "", true},
				{[]int{0, 0}, false, "multipart/alternative", "", true},
				{[]int{0, 0, 0}, false, "text/plain", "", true},
				{[]int{0, 0, 1}, false, "text/html", "", true},
				{[]int{0, 1}, false, "application/xml", "daticert.xml", true},
				{[]int{0, 2}, false, "message/rfc822", "postacert.eml", true},
				{[]int{0, 2}, true, "multipart/mixed", "", true},
				{[]int{0, 2, 0}, false, "text/plain", "", true},
				{[]int{0, 2, 1}, false, "application/octet-stream", "allegato.bin", true},
				{[]int{1}, false, "application/x-pkcs7-signature", "smime.p7s", false},
			}
			require.Len(t, res.Parts, len(wants))
			for i, w := range wants {
				p := res.Parts[i]
				assert.Equal(t, w.path, p.Path, i)
				assert.Equal(t, w.embedded, p.Embedded, i)
				assert.Equal(t, w.ctype, p.ContentType, i)
				assert.Equal(t, w.filename, p.Filename, i)
				assert.Equal(t, w.signed, p.Signed, i)
				assert.LessOrEqual(t, p.HeaderOff, p.BodyOff, i)
				assert.LessOrEqual(t, p.BodyOff, p.End, i)
			}
			assert.Equal(t, 1, res.Entity)
			assert.Equal(t, res.Parts[1].HeaderOff, res.EntityOff)
			assert.Equal(t, res.Parts[1].End, res.EntityEnd)

			// Part bodies are reachable through their offsets.
			body := func(i int) []byte { return msg[res.Parts[i].BodyOff:res.Parts[i].End] }
			dec, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(body(5))))
			require.NoError(t, err)
			assert.Equal(t, daticertXML, dec)
			assert.True(t, bytes.HasPrefix(body(6), []byte("From: mario.rossi")))
			assert.Equal(t, res.Parts[6].BodyOff, res.Parts[7].HeaderOff)
			assert.Equal(t, res.Parts[6].End, res.Parts[7].End)
			assert.Equal(t, "Testo del messaggio originale.", strings.TrimSpace(string(body(8))))
			att, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(body(9))))
			require.NoError(t, err)
			assert.Len(t, att, 5000)
			hdr := string(msg[res.Parts[9].HeaderOff:res.Parts[9].BodyOff])
			assert.True(t, strings.HasPrefix(hdr, "Content-Type: application/octet-stream"), hdr)
			assert.True(t, bytes.HasSuffix(res.Header, []byte(eol+eol)))
			assert.True(t, bytes.HasPrefix(res.Header, []byte("Return-Path:")))
		})
	}
}

func TestScanWrapped(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, eol := range []string{"\r\n", "\n"} {
		msg, entity, err := genMessage(rng, genOpts{wrap: true, eol: eol})
		require.NoError(t, err)
		res := scanAll(t, msg, nil)
		assert.True(t, res.Wrapped)
		assert.Equal(t, []int{1}, res.Parts[res.SignedPart].Path)
		assert.Equal(t, "multipart/signed", res.Parts[res.SignedPart].ContentType)
		assert.Equal(t, []int{1, 0}, res.Parts[res.Entity].Path)
		assert.Equal(t, digestOf(crypto.SHA1, entity), res.Digests[crypto.SHA1])
		assert.Equal(t, daticertXML, res.Daticert)
		last := res.Parts[len(res.Parts)-1]
		assert.Equal(t, []int{2}, last.Path)
		assert.Equal(t, "Footer della lista.", string(msg[last.BodyOff:last.End]))
	}
}

func TestScanHashes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	all := []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512}
	tests := []struct {
		name   string
		micalg string
		opts   *Options
		want   []crypto.Hash
	}{
		{"default sha1", "sha1", nil, []crypto.Hash{crypto.SHA1, crypto.SHA256}},
		{"default sha-512", "sha-512", nil, []crypto.Hash{crypto.SHA512, crypto.SHA1, crypto.SHA256}},
		{"default list", `"sha-384,sha1"`, nil, []crypto.Hash{crypto.SHA384, crypto.SHA1, crypto.SHA256}},
		{"default unknown", "md5", nil, []crypto.Hash{crypto.SHA1, crypto.SHA256}},
		{"hint only", "sha-256", &Options{HintOnly: true}, []crypto.Hash{crypto.SHA256}},
		{"hint only uppercase", "SHA1", &Options{HintOnly: true}, []crypto.Hash{crypto.SHA1}},
		{"hint only unknown", "md5", &Options{HintOnly: true}, []crypto.Hash{crypto.SHA1, crypto.SHA256}},
		{"explicit", "sha1", &Options{Hashes: all}, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, entity, err := genMessage(rng, genOpts{micalg: tt.micalg})
			require.NoError(t, err)
			res := scanAll(t, msg, tt.opts)
			require.Len(t, res.Digests, len(tt.want))
			for _, h := range tt.want {
				assert.Equal(t, digestOf(h, entity), res.Digests[h], h.String())
			}
		})
	}
	msg, _, err := genMessage(rng, genOpts{})
	require.NoError(t, err)
	_, err = ScanBytes(msg, &Options{Hashes: []crypto.Hash{crypto.MD5}})
	require.ErrorIs(t, err, ErrUnsupportedHash)
	res, err := ScanBytes(msg, nil)
	require.NoError(t, err)
	_, err = res.Digest(crypto.MD5, bytes.NewReader(msg))
	require.ErrorIs(t, err, ErrUnsupportedHash)
	_, err = res.Digest(crypto.SHA512, bytes.NewReader(msg[:len(msg)/2]))
	require.Error(t, err)
}
