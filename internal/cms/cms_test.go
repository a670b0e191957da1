package cms_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/cms"
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/internal/testpki"
	"github.com/sigillo/sigillo/internal/testutil"
)

// fixtureECProvider is the ECDSA signer of the openssl fixtures; it must match
// testdata/genpki.
func fixtureECProvider() *testpki.Identity {
	return testpki.Default().CA.NewProvider("EC PEC S.p.A.", "posta-certificata@pec.ec.example.it", testpki.KeyECDSAP256(0))
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func sum(t testing.TB, h crypto.Hash, data []byte) []byte {
	t.Helper()
	d, err := cms.Sum(h, data)
	require.NoError(t, err)
	return d
}

var signingTime = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func TestParseOpenSSLFixtures(t *testing.T) {
	content := readFile(t, "content.txt")
	w := testpki.Default()
	ec := fixtureECProvider()
	tests := []struct {
		file     string
		ber      bool
		detached bool
		digest   crypto.Hash
		name     string
		sigAlg   string
		signer   *testpki.Identity
	}{
		{"rsa-sha256-detached.ber", true, true, crypto.SHA256, "sha256", "1.2.840.113549.1.1.1", w.Provider},
		{"rsa-sha1-detached.ber", true, true, crypto.SHA1, "sha1", "1.2.840.113549.1.1.1", w.Provider},
		{"ecdsa-sha256-detached.ber", true, true, crypto.SHA256, "sha256", "1.2.840.10045.4.3.2", ec},
		{"rsa-sha256-stream.ber", true, false, crypto.SHA256, "sha256", "1.2.840.113549.1.1.1", w.Provider},
		{"rsa-sha1-stream.ber", true, false, crypto.SHA1, "sha1", "1.2.840.113549.1.1.1", w.Provider},
		{"ecdsa-sha256-stream.ber", true, false, crypto.SHA256, "sha256", "1.2.840.10045.4.3.2", ec},
		{"rsa-sha256.der", false, true, crypto.SHA256, "sha256", "1.2.840.113549.1.1.1", w.Provider},
		{"rsa-sha512.der", false, true, crypto.SHA512, "sha512", "1.2.840.113549.1.1.1", w.Provider},
		{"ecdsa-sha384.der", false, true, crypto.SHA384, "sha384", "1.2.840.10045.4.3.3", ec},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p7s := readFile(t, tt.file)
			if tt.ber {
				require.Contains(t, string(p7s[:4]), "\x30\x80", "fixture must use indefinite lengths")
			}
			sd, err := cms.Parse(p7s, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.detached, sd.Detached)
			if !tt.detached {
				assert.Equal(t, content, sd.Content)
			} else {
				assert.Nil(t, sd.Content)
			}
			assert.Equal(t, "1.2.840.113549.1.7.1", sd.ContentType.String())
			require.Len(t, sd.Certificates, 2)
			require.Len(t, sd.Signers, 1)
			s := sd.Signers[0]
			require.NotNil(t, s.Cert)
			assert.Equal(t, tt.signer.Cert.Raw, s.Cert.Raw, "testpki rebuilds the fixture's certificate")
			assert.Equal(t, tt.digest, s.Digest)
			assert.Equal(t, tt.name, s.DigestName())
			assert.Equal(t, tt.sigAlg, s.SignatureAlgorithm.String())
			assert.False(t, s.SigningTime.IsZero())
			assert.Equal(t, time.UTC, s.SigningTime.Location())
			assert.Len(t, s.SignedAttrs, 4, "contentType, signingTime, messageDigest, smimeCapabilities")
			assert.Equal(t, byte(0x31), s.RawSignedAttrs[0])
			require.NoError(t, s.Verify(sum(t, tt.digest, content)))

			other := sum(t, tt.digest, append(bytes.Clone(content), '!'))
			require.ErrorIs(t, s.Verify(other), cms.ErrDigestMismatch)
		})
	}
}

type keyCase struct {
	name string
	id   *testpki.Identity
}

func keyCases() []keyCase {
	w := testpki.Default()
	return []keyCase{
		{"rsa2048", w.Provider},
		{"rsa1024", w.CA.NewProvider("Legacy", "posta-certificata@pec.legacy.it", testpki.KeyRSA1024(0))},
		{"p256", w.CA.NewProvider("EC", "posta-certificata@pec.ec.it", testpki.KeyECDSAP256(1))},
		{"p384", w.CA.NewProvider("EC384", "posta-certificata@pec.ec384.it", testpki.KeyECDSAP384())},
	}
}

func signOpts(id *testpki.Identity, h crypto.Hash) cms.SignOptions {
	return cms.SignOptions{
		Cert:        id.Cert,
		Chain:       id.Chain()[1:],
		Key:         id.Key,
		Digest:      h,
		SigningTime: signingTime,
	}
}

func TestSignRoundTrip(t *testing.T) {
	content := []byte("Return-Path: <x@pec.example.it>\r\n\r\nbody\r\n")
	for _, kc := range keyCases() {
		for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
			t.Run(kc.name+"/"+h.String(), func(t *testing.T) {
				d := sum(t, h, content)
				p7s, err := cms.Sign(d, signOpts(kc.id, h))
				require.NoError(t, err)
				again, err := cms.Sign(d, signOpts(kc.id, h))
				require.NoError(t, err)
				assert.Equal(t, p7s, again, "deterministic")

				sd, err := cms.Parse(p7s, nil)
				require.NoError(t, err)
				assert.True(t, sd.Detached)
				assert.Len(t, sd.Certificates, 2)
				require.Len(t, sd.Signers, 1)
				s := sd.Signers[0]
				assert.Same(t, sd.Certificates[indexOf(sd, kc.id)], s.Cert)
				assert.Equal(t, h, s.Digest)
				assert.True(t, signingTime.Equal(s.SigningTime))
				assert.Equal(t, d, s.MessageDigest)
				switch kc.id.Key.Public().(type) {
				case *rsa.PublicKey:
					assert.Equal(t, "1.2.840.113549.1.1.1", s.SignatureAlgorithm.String())
				case *ecdsa.PublicKey:
					assert.Contains(t, s.SignatureAlgorithm.String(), "1.2.840.10045.4.")
				}
				require.NoError(t, s.Verify(d))
			})
		}
	}
}

func indexOf(sd *cms.SignedData, id *testpki.Identity) int {
	for i, c := range sd.Certificates {
		if c.Equal(id.Cert) {
			return i
		}
	}
	return -1
}

func TestSignDefaultsAndTimeEncoding(t *testing.T) {
	w := testpki.Default()
	d := sum(t, crypto.SHA256, []byte("x"))
	for _, tc := range []struct {
		when time.Time
		tag  int
	}{
		{time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), asn1.TagUTCTime},
		{time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC), asn1.TagUTCTime},
		{time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC), asn1.TagGeneralizedTime},
		{time.Date(1949, 12, 31, 23, 59, 59, 0, time.UTC), asn1.TagGeneralizedTime},
		{time.Date(2025, 3, 14, 10, 26, 53, 999, time.FixedZone("CET", 3600)), asn1.TagUTCTime},
	} {
		t.Run(tc.when.String(), func(t *testing.T) {
			opts := signOpts(w.Provider, 0) // default digest
			opts.SigningTime = tc.when
			p7s, err := cms.Sign(d, opts)
			require.NoError(t, err)
			sd, err := cms.Parse(p7s, nil)
			require.NoError(t, err)
			s := sd.Signers[0]
			assert.Equal(t, crypto.SHA256, s.Digest)
			assert.True(t, tc.when.Truncate(time.Second).Equal(s.SigningTime))
			var found bool
			for _, a := range s.SignedAttrs {
				if a.Type.String() == "1.2.840.113549.1.9.5" {
					var set asn1.RawValue
					_, err := asn1.Unmarshal(a.Values, &set)
					require.NoError(t, err)
					assert.Equal(t, byte(tc.tag), set.Bytes[0])
					found = true
				}
			}
			assert.True(t, found)
			require.NoError(t, s.Verify(d))
		})
	}
}

func TestSignErrors(t *testing.T) {
	w := testpki.Default()
	d := sum(t, crypto.SHA256, []byte("x"))
	ok := signOpts(w.Provider, crypto.SHA256)
	tests := []struct {
		name   string
		digest []byte
		edit   func(*cms.SignOptions)
		is     error
	}{
		{"no cert", d, func(o *cms.SignOptions) { o.Cert = nil }, nil},
		{"no key", d, func(o *cms.SignOptions) { o.Key = nil }, nil},
		{"no time", d, func(o *cms.SignOptions) { o.SigningTime = time.Time{} }, nil},
		{"key mismatch", d, func(o *cms.SignOptions) { o.Key = w.OtherProvider.Key }, nil},
		{"short digest", d[:31], nil, nil},
		{"md5", d, func(o *cms.SignOptions) { o.Digest = crypto.MD5 }, cms.ErrUnsupportedAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			if tt.edit != nil {
				tt.edit(&o)
			}
			out, err := cms.Sign(tt.digest, o)
			require.Error(t, err)
			assert.Nil(t, out)
			if tt.is != nil {
				require.ErrorIs(t, err, tt.is)
			}
		})
	}
	_, err := cms.NewHash(crypto.SHA224)
	require.ErrorIs(t, err, cms.ErrUnsupportedAlgorithm)
}

// TestSignVerifiedByOpenSSL checks Sign's output with an independent verifier.
func TestSignVerifiedByOpenSSL(t *testing.T) {
	openssl := testutil.Tool(t, "openssl")
	w := testpki.Default()
	dir := t.TempDir()
	root := filepath.Join(dir, "root.pem")
	require.NoError(t, os.WriteFile(root, w.Root.PEM(), 0o600))
	content := []byte("Questo messaggio \xc3\xa8 firmato.\r\n")
	contentFile := filepath.Join(dir, "content")
	require.NoError(t, os.WriteFile(contentFile, content, 0o600))
	attime := strconv.FormatInt(testpki.ReferenceTime().Unix(), 10)
	for _, kc := range keyCases() {
		for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256, crypto.SHA512} {
			t.Run(kc.name+"/"+h.String(), func(t *testing.T) {
				p7s, err := cms.Sign(sum(t, h, content), signOpts(kc.id, h))
				require.NoError(t, err)
				sig := filepath.Join(dir, fmt.Sprintf("%s-%d.p7s", kc.name, h))
				require.NoError(t, os.WriteFile(sig, p7s, 0o600))
				out, err := exec.Command(openssl, "cms", "-verify", "-binary", "-inform", "DER",
					"-in", sig, "-content", contentFile, "-CAfile", root, "-purpose", "any",
					"-attime", attime, "-out", os.DevNull).CombinedOutput()
				require.NoError(t, err, "%s", out)
				// openssl asn1parse -strict-ish check: the encoding is DER.
				out, err = exec.Command(openssl, "cms", "-cmsout", "-inform", "DER", "-in", sig,
					"-outform", "DER", "-out", sig+".re").CombinedOutput()
				require.NoError(t, err, "%s", out)
				re, err := os.ReadFile(sig + ".re")
				require.NoError(t, err)
				assert.Equal(t, p7s, re, "openssl re-encodes to the same DER")
			})
		}
	}
}

func TestVerifyErrors(t *testing.T) {
	w := testpki.Default()
	content := []byte("content")
	d := sum(t, crypto.SHA256, content)
	p7s, err := cms.Sign(d, signOpts(w.Provider, crypto.SHA256))
	require.NoError(t, err)

	t.Run("wrong digest", func(t *testing.T) {
		sd, err := cms.Parse(p7s, nil)
		require.NoError(t, err)
		require.ErrorIs(t, sd.Signers[0].Verify(sum(t, crypto.SHA256, []byte("other"))), cms.ErrDigestMismatch)
		require.ErrorIs(t, sd.Signers[0].Verify(nil), cms.ErrDigestMismatch)
		require.ErrorIs(t, sd.Signers[0].Verify(d[:20]), cms.ErrDigestMismatch)
	})
	t.Run("tampered signed attribute", func(t *testing.T) {
		// The signing time is UTCTime "250314092653Z": change a digit of it.
		ts := []byte("250314092653Z")
		i := bytes.Index(p7s, ts)
		require.Positive(t, i)
		bad := bytes.Clone(p7s)
		bad[i+1] = '6'
		sd, err := cms.Parse(bad, nil)
		require.NoError(t, err)
		require.ErrorIs(t, sd.Signers[0].Verify(d), cms.ErrBadSignature)
	})
	t.Run("tampered signature", func(t *testing.T) {
		bad := bytes.Clone(p7s)
		bad[len(bad)-1] ^= 1 // last byte of the signature value
		sd, err := cms.Parse(bad, nil)
		require.NoError(t, err)
		require.ErrorIs(t, sd.Signers[0].Verify(d), cms.ErrBadSignature)
	})
	t.Run("unsupported digest oid", func(t *testing.T) {
		// sha256 -> sha224 (same length), everywhere it appears.
		sha256OID := []byte{0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}
		sha224OID := []byte{0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04}
		bad := bytes.ReplaceAll(p7s, sha256OID, sha224OID)
		require.NotEqual(t, p7s, bad)
		sd, err := cms.Parse(bad, nil)
		require.NoError(t, err)
		s := sd.Signers[0]
		assert.Equal(t, crypto.Hash(0), s.Digest)
		assert.Equal(t, "2.16.840.1.101.3.4.2.4", s.DigestName())
		require.ErrorIs(t, s.Verify(d), cms.ErrUnsupportedAlgorithm)
	})
	t.Run("unsupported signature algorithm", func(t *testing.T) {
		// rsaEncryption -> ecdsa-with-SHA256 is not a same-length edit; use
		// rsaEncryption -> id-RSASSA-PSS (1.2.840.113549.1.1.10), unsupported.
		rsaOID := []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00}
		pssOID := []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x05, 0x00}
		i := bytes.LastIndex(p7s, rsaOID) // the SignerInfo's, after the certificates
		bad := bytes.Clone(p7s)
		copy(bad[i:], pssOID)
		sd, err := cms.Parse(bad, nil)
		require.NoError(t, err)
		require.ErrorIs(t, sd.Signers[0].Verify(d), cms.ErrUnsupportedAlgorithm)
	})
}

func TestParseErrors(t *testing.T) {
	p7s := readFile(t, "rsa-sha256-detached.ber")
	der := readFile(t, "rsa-sha256.der")

	t.Run("truncated", func(t *testing.T) {
		for _, in := range [][]byte{p7s, der} {
			for n := 0; n < len(in); n++ {
				sd, err := cms.Parse(in[:n], nil)
				require.ErrorIs(t, err, cms.ErrMalformed, "prefix %d", n)
				require.Nil(t, sd)
			}
		}
	})
	t.Run("trailing data", func(t *testing.T) {
		_, err := cms.Parse(append(bytes.Clone(der), 0), nil)
		require.ErrorIs(t, err, cms.ErrMalformed)
	})
	for _, g := range []string{"hello, world", "\x30\x84", "\x1f\x80", "\x30\x80\x30\x80", "\x30\x00",
		"\x30\x80\x00\x00", "\x04\x80\x00\x00", "\x30\x03\x02\x01\x01"} {
		t.Run(fmt.Sprintf("garbage %q", g), func(t *testing.T) {
			sd, err := cms.Parse([]byte(g), nil)
			require.ErrorIs(t, err, cms.ErrMalformed)
			require.Nil(t, sd)
		})
	}
	t.Run("not signed data", func(t *testing.T) {
		// ContentInfo{id-data, [0] OCTET STRING "x"}.
		in := []byte{0x30, 0x10, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x03, 0x04, 0x01, 'x'}
		_, err := cms.Parse(in, nil)
		require.ErrorIs(t, err, cms.ErrMalformed)
	})
}

func depthBomb(n int) []byte {
	// n nested indefinite-length SEQUENCEs around a NULL: the NULL is at depth n+1.
	b := bytes.Repeat([]byte{0x30, 0x80}, n)
	b = append(b, 0x05, 0x00)
	return append(b, bytes.Repeat([]byte{0x00, 0x00}, n)...)
}

func TestLimits(t *testing.T) {
	der := readFile(t, "rsa-sha256.der")
	ber := readFile(t, "rsa-sha256-detached.ber")
	limitErr := func(t *testing.T, err error, name string, max int) {
		t.Helper()
		require.ErrorIs(t, err, cms.ErrTooLarge)
		var le *cms.LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, name, le.Limit)
		assert.Equal(t, max, le.Max)
	}

	t.Run("bytes", func(t *testing.T) {
		_, err := cms.Parse(der, &cms.Limits{MaxBytes: len(der)})
		require.NoError(t, err)
		_, err = cms.Parse(der, &cms.Limits{MaxBytes: len(der) - 1})
		limitErr(t, err, cms.LimitBytes, len(der)-1)
		big := make([]byte, cms.DefaultMaxBytes+1)
		_, err = cms.Parse(big, nil)
		limitErr(t, err, cms.LimitBytes, cms.DefaultMaxBytes)
	})
	t.Run("depth", func(t *testing.T) {
		for _, max := range []int{8, cms.DefaultMaxDepth} {
			lim := &cms.Limits{MaxDepth: max}
			_, err := cms.Parse(depthBomb(max-1), lim) // at the limit: passes the scan
			require.ErrorIs(t, err, cms.ErrMalformed)
			require.NotErrorIs(t, err, cms.ErrTooLarge)
			_, err = cms.Parse(depthBomb(max), lim) // one past
			limitErr(t, err, cms.LimitDepth, max)
		}
		_, err := cms.Parse(depthBomb(50000), nil)
		limitErr(t, err, cms.LimitDepth, cms.DefaultMaxDepth)
		// The fixtures fit in a depth well below the default.
		_, err = cms.Parse(ber, &cms.Limits{MaxDepth: 12})
		require.NoError(t, err)
	})
	t.Run("certificates", func(t *testing.T) {
		_, err := cms.Parse(ber, &cms.Limits{MaxCertificates: 2})
		require.NoError(t, err)
		_, err = cms.Parse(ber, &cms.Limits{MaxCertificates: 1})
		limitErr(t, err, cms.LimitCertificates, 1)
	})
	t.Run("signers", func(t *testing.T) {
		for _, n := range []int{1, 2, cms.DefaultMaxSigners} {
			p7s, err := testpki.WithSigners(der, n)
			require.NoError(t, err)
			sd, err := cms.Parse(p7s, &cms.Limits{MaxSigners: n}) // at the limit
			require.NoError(t, err)
			assert.Len(t, sd.Signers, n)
			p7s, err = testpki.WithSigners(der, n+1) // one past
			require.NoError(t, err)
			_, err = cms.Parse(p7s, &cms.Limits{MaxSigners: n})
			limitErr(t, err, cms.LimitSigners, n)
		}
		p7s, err := testpki.WithSigners(der, cms.DefaultMaxSigners+1)
		require.NoError(t, err)
		_, err = cms.Parse(p7s, nil)
		limitErr(t, err, cms.LimitSigners, cms.DefaultMaxSigners)
	})
	t.Run("depth of a signature", func(t *testing.T) {
		d, err := testpki.DERDepth(der)
		require.NoError(t, err)
		_, err = cms.Parse(der, &cms.Limits{MaxDepth: d}) // at the limit
		require.NoError(t, err)
		_, err = cms.Parse(der, &cms.Limits{MaxDepth: d - 1}) // one past
		limitErr(t, err, cms.LimitDepth, d-1)
	})
	t.Run("the module's defaults", func(t *testing.T) {
		// Package envelope passes mime.Limits down; cms's own defaults (for a nil
		// *Limits) are the same values.
		assert.Equal(t, mime.DefaultMaxSignatureBytes, cms.DefaultMaxBytes)
		assert.Equal(t, mime.DefaultMaxCertificates, cms.DefaultMaxCertificates)
		assert.Equal(t, mime.DefaultMaxBERDepth, cms.DefaultMaxDepth)
		assert.Equal(t, mime.DefaultMaxSigners, cms.DefaultMaxSigners)
	})
	t.Run("defaults", func(t *testing.T) {
		_, err := cms.Parse(ber, &cms.Limits{})
		require.NoError(t, err)
		_, err = cms.Parse(ber, &cms.Limits{MaxBytes: -1, MaxDepth: -1})
		require.NoError(t, err)
	})
}

func Example() {
	w := testpki.Default()
	content := []byte("Subject: prova\r\n\r\nciao\r\n")

	// Sign a digest, as a provider does over the MIME entity it wraps.
	h, _ := cms.NewHash(crypto.SHA256)
	h.Write(content)
	p7s, err := cms.Sign(h.Sum(nil), cms.SignOptions{
		Cert:        w.Provider.Cert,
		Chain:       []*x509.Certificate{w.CA.Cert},
		Key:         w.Provider.Key,
		SigningTime: time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}

	sd, err := cms.Parse(p7s, nil)
	if err != nil {
		panic(err)
	}
	s := sd.Signers[0]
	d, _ := cms.Sum(s.Digest, content)
	fmt.Println(s.Cert.EmailAddresses[0], s.DigestName(), s.SigningTime.Format(time.RFC3339))
	fmt.Println("verify:", s.Verify(d))
	// Chain, key usage and time checks are the caller's: see package envelope.
	// Output:
	// posta-certificata@pec.example.it sha256 2025-03-14T10:00:00Z
	// verify: <nil>
}

func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	require.NoError(f, err)
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext == ".ber" || ext == ".der" {
			f.Add(readFile(f, e.Name()))
		}
	}
	for _, kc := range keyCases() {
		p7s, err := cms.Sign(sum(f, crypto.SHA1, []byte("x")), signOpts(kc.id, crypto.SHA1))
		require.NoError(f, err)
		f.Add(p7s)
	}
	f.Add(depthBomb(40))
	f.Fuzz(func(t *testing.T, in []byte) {
		sd, err := cms.Parse(in, nil)
		if err != nil {
			require.Nil(t, sd)
			return
		}
		require.NotEmpty(t, sd.Signers)
		for _, s := range sd.Signers {
			_ = s.DigestName()
			_ = s.Verify([]byte("random digest value"))
			_ = s.Verify(s.MessageDigest) // reaches the signature check
		}
	})
}
