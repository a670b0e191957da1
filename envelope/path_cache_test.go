package envelope

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testpki"
)

// tamper returns c re-parsed with the first occurrence of old in its DER replaced by
// repl (same length), so that the certificate still parses but its signature no
// longer matches.
func tamper(t *testing.T, c *x509.Certificate, old, repl string) *x509.Certificate {
	t.Helper()
	require.Len(t, repl, len(old))
	i := bytes.Index(c.Raw, []byte(old))
	require.GreaterOrEqual(t, i, 0, "%q not in certificate", old)
	raw := bytes.Clone(c.Raw)
	copy(raw[i:], repl)
	out, err := x509.ParseCertificate(raw)
	require.NoError(t, err)
	return out
}

func TestLinkCacheNeverPassesABadLink(t *testing.T) {
	t.Parallel()
	root := testpki.NewRoot("Link Cache Root")
	ca := root.NewCA("Link Cache CA")
	leaf := ca.NewProvider("Link Cache S.p.A.", "posta@pec.linkcache.example")
	trust := NewTrust()
	trust.AddCert(root.Cert)
	at := testpki.ReferenceTime()

	res, err := trust.buildPath(leaf.Cert, []*x509.Certificate{ca.Cert}, at, DefaultMaxChainLength)
	require.NoError(t, err)
	require.Len(t, res.chain, 3)
	require.True(t, trust.links.verified(leaf.Cert.Raw, ca.Cert.Raw), "verified link remembered")
	require.True(t, trust.links.verified(ca.Cert.Raw, root.Cert.Raw), "verified link remembered")

	// A child changed after signing, with the same issuer: never passes, and its
	// failure is not remembered either.
	badLeaf := tamper(t, leaf.Cert, "posta@pec.linkcache", "potsa@pec.linkcache")
	badSig := bytes.Clone(leaf.Cert.Raw)
	badSig[len(badSig)-1] ^= 0x01
	badSigLeaf, err := x509.ParseCertificate(badSig)
	require.NoError(t, err)
	// An issuer with the same name and a different key.
	lookalike := root.NewCA("Link Cache CA", testpki.KeyRSA2048(4))

	cases := []struct {
		name          string
		parent, child *x509.Certificate
	}{
		{"tampered subjectAltName", ca.Cert, badLeaf},
		{"tampered signature", ca.Cert, badSigLeaf},
		{"issuer with the same name, other key", lookalike.Cert, leaf.Cert},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for range 2 { // the second round would hit a wrongly cached verdict
				err := trust.checkLink(tc.parent, tc.child)
				require.ErrorIs(t, err, ErrUnknownAuthority)
				assert.False(t, trust.links.verified(tc.child.Raw, tc.parent.Raw))
			}
		})
	}
	_, err = trust.buildPath(badLeaf, []*x509.Certificate{ca.Cert}, at, DefaultMaxChainLength)
	require.ErrorIs(t, err, ErrUnknownAuthority)
	_, err = trust.buildPath(leaf.Cert, []*x509.Certificate{lookalike.Cert}, at, DefaultMaxChainLength)
	require.ErrorIs(t, err, ErrUnknownAuthority)
	// The cached good link still verifies.
	_, err = trust.buildPath(leaf.Cert, []*x509.Certificate{ca.Cert}, at, DefaultMaxChainLength)
	require.NoError(t, err)
}

func TestLinkCacheKeepsPolicyChecks(t *testing.T) {
	t.Parallel()
	root := testpki.NewRoot("Link Policy Root")
	ca := root.NewCA("Link Policy CA")
	leaf := ca.NewProvider("Link Policy S.p.A.", "posta@pec.linkpolicy.example")
	trust := NewTrust()
	trust.AddCert(root.Cert)
	embedded := []*x509.Certificate{ca.Cert}

	_, err := trust.buildPath(leaf.Cert, embedded, testpki.ReferenceTime(), DefaultMaxChainLength)
	require.NoError(t, err)
	require.True(t, trust.links.verified(leaf.Cert.Raw, ca.Cert.Raw))

	// Validity, anchor window and path length are evaluated on every path, cached
	// signatures or not.
	_, err = trust.buildPath(leaf.Cert, embedded, leaf.Cert.NotAfter.Add(time.Hour), DefaultMaxChainLength)
	require.ErrorIs(t, err, ErrCertExpired)
	_, err = trust.buildPath(leaf.Cert, embedded, leaf.Cert.NotBefore.Add(-time.Hour), DefaultMaxChainLength)
	require.ErrorIs(t, err, ErrCertNotYetValid)
	_, err = trust.buildPath(leaf.Cert, embedded, testpki.ReferenceTime(), 2)
	require.ErrorIs(t, err, ErrUnknownAuthority)
	// Another trust without the root: the cached links confer no trust, and its
	// cache is its own.
	other := NewTrust()
	assert.False(t, other.links.verified(leaf.Cert.Raw, ca.Cert.Raw))
	_, err = other.buildPath(leaf.Cert, embedded, testpki.ReferenceTime(), DefaultMaxChainLength)
	require.ErrorIs(t, err, ErrUnknownAuthority)
	// A Trust not made by NewTrust caches nothing, and still verifies.
	var bare Trust
	bare.AddCert(root.Cert)
	_, err = bare.buildPath(leaf.Cert, embedded, testpki.ReferenceTime(), DefaultMaxChainLength)
	require.NoError(t, err)
}

func TestLinkCacheBounded(t *testing.T) {
	t.Parallel()
	c := newLinkCache(4)
	for i := range 10 {
		c.add(fmt.Appendf(nil, "child %d", i), []byte("issuer"))
		assert.LessOrEqual(t, c.len(), 4)
	}
	assert.True(t, c.verified([]byte("child 9"), []byte("issuer")), "last entry kept")
	assert.False(t, c.verified([]byte("child 9"), []byte("issuer2")))
	assert.False(t, c.verified([]byte("child 9x"), []byte("issuer")))
	c.add(nil, []byte("issuer"))
	assert.False(t, c.verified(nil, []byte("issuer")), "empty encodings are never cached")
	c.add(make([]byte, maxCachedLinkBytes), []byte("issuer"))
	assert.False(t, c.verified(make([]byte, maxCachedLinkBytes), []byte("issuer")), "oversized pairs are not cached")

	// The entry keeps copies: changing the caller's bytes changes nothing.
	child := []byte("mutable child")
	c.add(child, []byte("issuer"))
	child[0] = 'M'
	assert.False(t, c.verified(child, []byte("issuer")))
	assert.True(t, c.verified([]byte("mutable child"), []byte("issuer")))
}

func TestLinkCacheConcurrent(t *testing.T) {
	t.Parallel()
	root := testpki.NewRoot("Link Concurrent Root")
	ca := root.NewCA("Link Concurrent CA")
	leaves := []*x509.Certificate{
		ca.NewProvider("Concurrent A S.p.A.", "a@pec.concurrent.example").Cert,
		ca.NewProvider("Concurrent B S.p.A.", "b@pec.concurrent.example", testpki.KeyRSA2048(3)).Cert,
	}
	bad := tamper(t, leaves[0], "a@pec.concurrent", "x@pec.concurrent")
	trust := NewTrust()
	trust.AddCert(root.Cert)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				leaf := leaves[(g+i)%2]
				_, err := trust.buildPath(leaf, []*x509.Certificate{ca.Cert}, testpki.ReferenceTime(), DefaultMaxChainLength)
				assert.NoError(t, err)
				assert.ErrorIs(t, trust.checkLink(ca.Cert, bad), ErrUnknownAuthority)
			}
		})
	}
	wg.Wait()
}
