package cms

import (
	"bytes"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testpki"
)

func TestCertCache(t *testing.T) {
	root := testpki.NewRoot("Cert Cache Root")
	ca := root.NewCA("Cert Cache CA")
	leaf := ca.NewProvider("Cert Cache S.p.A.", "posta@pec.certcache.example")
	c := NewCertCache(2)

	der := bytes.Clone(leaf.Cert.Raw)
	a, err := c.parse(der)
	require.NoError(t, err)
	assert.Equal(t, leaf.Cert.Raw, a.Raw)
	b, err := c.parse(bytes.Clone(der))
	require.NoError(t, err)
	assert.Same(t, a, b, "same DER, same parsed certificate")

	// The cached certificate does not alias the caller's bytes.
	der[len(der)/2] ^= 0xff
	assert.Equal(t, leaf.Cert.Raw, a.Raw)
	again, err := c.parse(leaf.Cert.Raw)
	require.NoError(t, err)
	assert.Same(t, a, again)

	// Failures are not cached; the cache stays within its bound.
	_, err = c.parse([]byte{0x30, 0x00})
	require.Error(t, err)
	assert.Equal(t, 1, c.len())
	for _, id := range []*testpki.Identity{root, ca, leaf} {
		got, err := c.parse(id.Cert.Raw)
		require.NoError(t, err)
		assert.Equal(t, id.Cert.Raw, got.Raw)
		assert.LessOrEqual(t, c.len(), 2)
	}
}

func TestParseSharesCertificates(t *testing.T) {
	w, d := world(t)
	sig := sign(t, w.Provider, d, nil)
	cache := &Limits{Cache: NewCertCache(8)}
	one, err := Parse(sig, cache)
	require.NoError(t, err)
	two, err := Parse(bytes.Clone(sig), cache)
	require.NoError(t, err)
	require.Len(t, two.Certificates, len(one.Certificates))
	for i := range one.Certificates {
		assert.Same(t, one.Certificates[i], two.Certificates[i])
	}
	assert.Same(t, one.Signers[0].Cert, two.Signers[0].Cert)
	require.NoError(t, two.Signers[0].Verify(d))
	// Without a cache nothing is shared.
	three, err := Parse(sig, nil)
	require.NoError(t, err)
	assert.NotSame(t, one.Signers[0].Cert, three.Signers[0].Cert)

	// A certificate that does not parse is ErrMalformed, cached or not.
	bad := splice(t, sig, func(f [][]byte) [][]byte {
		f[3] = tlv(0xa0, []byte{0x30, 0x03, 0x02, 0x01, 0x01})
		return f
	})
	for range 2 {
		_, err = Parse(bad, cache)
		require.ErrorIs(t, err, ErrMalformed)
	}
}

func TestCertCacheConcurrent(t *testing.T) {
	w, d := world(t)
	sigs := [][]byte{sign(t, w.Provider, d, nil), sign(t, w.OtherProvider, d, nil)}
	c := NewCertCache(1)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				sd, err := Parse(sigs[(g+i)%2], nil)
				if assert.NoError(t, err) {
					assert.NoError(t, sd.Signers[0].Verify(d))
				}
				for _, cert := range sd.Certificates {
					got, err := c.parse(cert.Raw)
					if assert.NoError(t, err) {
						assert.Equal(t, cert.Raw, got.Raw)
					}
				}
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, c.len(), 1)
}

func TestIsDER(t *testing.T) {
	for _, f := range []string{"rsa-sha256.der", "rsa-sha512.der", "ecdsa-sha384.der"} {
		der := testdata(t, f)
		n, ok := isDER(der, 1, DefaultMaxDepth)
		assert.True(t, ok, f)
		assert.Equal(t, len(der), n, f)
		out, err := berToDER(der, DefaultMaxDepth)
		require.NoError(t, err)
		assert.Same(t, &der[0], &out[0], "DER is returned without a copy: %s", f)
	}
	for _, f := range append(streamFixtures, "rsa-sha256-detached.ber") {
		_, ok := isDER(testdata(t, f), 1, DefaultMaxDepth)
		assert.False(t, ok, f)
	}
	notDER := []string{
		"\x30\x80\x05\x00\x00\x00", "\x04\x81\x01x", "\x30\x81\x02\x05\x00", "\x24\x03\x04\x01a",
		"\x00\x00", "\x30\x02\x00\x00", "\x05\x01",
	}
	for _, b := range notDER {
		_, ok := isDER([]byte(b), 1, 2)
		assert.False(t, ok, "%q", b)
	}
	_, ok := isDER([]byte("\x30\x02\x30\x00"), 1, 1)
	assert.False(t, ok, "too deep")
	n, ok := isDER([]byte("\x1f\x81\x00\x00"), 1, 1)
	assert.True(t, ok)
	assert.Equal(t, 4, n)
	_, err := berToDER([]byte("\x30\x02\x30\x00\x30\x00"), 4)
	require.ErrorIs(t, err, ErrMalformed, "trailing data after a DER element")
}
