package stream

import (
	"bytes"
	"crypto"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigillo/sigillo/internal/cms"
	"github.com/sigillo/sigillo/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signer returns a genOpts.sign function signing like a provider of the default
// test world with digest h.
func signer(h crypto.Hash) func([]byte) ([]byte, error) {
	w := testpki.Default()
	return func(entity []byte) ([]byte, error) {
		return cms.Sign(digestOf(h, entity), cms.SignOptions{
			Cert: w.Provider.Cert, Chain: []*x509Cert{w.CA.Cert}, Key: w.Provider.Key,
			Digest: h, SigningTime: testpki.ReferenceTime(),
		})
	}
}

// verifyResult checks the signature of a scan result with the digest the
// SignerInfo asks for, re-reading src when that digest was not computed.
func verifyResult(res *Result, src []byte) error {
	sd, err := cms.Parse(res.Signature, nil)
	if err != nil {
		return err
	}
	s := sd.Signers[0]
	var ra *bytes.Reader
	if src != nil {
		ra = bytes.NewReader(src)
	}
	d, err := res.Digest(s.Digest, readerAt(ra))
	if err != nil {
		return err
	}
	return s.Verify(d)
}

func TestScanSignedVerifies(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	tests := []struct {
		name   string
		digest crypto.Hash
		micalg string
		opts   *Options
		reread bool // the digest needs a second read
	}{
		{"sha1", crypto.SHA1, "sha1", nil, false},
		{"sha256", crypto.SHA256, "sha-256", nil, false},
		{"sha384 hinted", crypto.SHA384, "sha-384", nil, false},
		{"sha512 hinted", crypto.SHA512, "sha-512", nil, false},
		{"sha512 misleading hint", crypto.SHA512, "sha1", nil, true},
		{"sha256 hint only wrong", crypto.SHA256, "sha1", &Options{HintOnly: true}, true},
		{"sha256 hint only right", crypto.SHA256, "sha256", &Options{HintOnly: true}, false},
	}
	for _, tt := range tests {
		for _, eol := range []string{"\r\n", "\n", "mixed"} {
			t.Run(tt.name+" "+strings.ReplaceAll(strings.ReplaceAll(eol, "\r", "CR"), "\n", "LF"), func(t *testing.T) {
				msg, _, err := genMessage(rng, genOpts{eol: eol, micalg: tt.micalg, sign: signer(tt.digest), tricky: true, attach: 10000})
				require.NoError(t, err)
				res := scanAll(t, msg, tt.opts)
				if tt.reread {
					require.ErrorIs(t, verifyResult(res, nil), ErrDigestUnavailable)
				}
				require.NoError(t, verifyResult(res, msg))

				// One altered byte in the signed entity breaks it.
				bad := bytes.Clone(msg)
				i := bytes.Index(bad, []byte("Testo del messaggio"))
				bad[i] = 't'
				res, err = ScanBytes(bad, tt.opts)
				require.NoError(t, err)
				require.ErrorIs(t, verifyResult(res, bad), cms.ErrDigestMismatch)
			})
		}
	}
}

// corpusDir walks up from the package directory to find shared/corpus/real.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		c := filepath.Join(dir, "shared", "corpus", "real")
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/corpus/real not found: real-message tests skipped")
		}
		dir = parent
	}
}

func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	altered := []string{"-wstrim", "-broken-xml", "-sdi-base64", "-no-daticert"}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			switch {
			case strings.HasPrefix(name, "anon-") || strings.HasPrefix(name, "skeleton-"):
				// No usable signature: either the scan fails on the structure or
				// the signature does not parse or verify.
				res, err := ScanBytes(raw, nil)
				if err != nil {
					require.ErrorIs(t, err, ErrMalformed)
					return
				}
				assert.Error(t, verifyResult(res, raw))
			default:
				res := scanAll(t, raw, nil)
				nEntity, nSig, _, err := naiveSlice(raw)
				require.NoError(t, err)
				assert.Equal(t, digestOf(crypto.SHA1, nEntity), res.Digests[crypto.SHA1])
				assert.Equal(t, nSig, res.Signature)
				assert.Equal(t, strings.Contains(name, "-lf") || !bytes.Contains(raw, []byte("\r\n")), res.LF)
				err = verifyResult(res, raw)
				isAltered := false
				for _, a := range altered {
					isAltered = isAltered || strings.Contains(name, a)
				}
				if isAltered {
					require.ErrorIs(t, err, cms.ErrDigestMismatch)
				} else {
					require.NoError(t, err)
					if !strings.Contains(name, "no-daticert") {
						assert.True(t, bytes.Contains(res.Daticert, []byte("<postacert")), "daticert")
					}
				}
			}
		})
	}
}
