package cms

import (
	"bytes"
	"crypto/x509"
	"sync"
)

// CertCache is a bounded cache of parsed certificates, keyed by their exact DER
// encoding, so that the messages of one provider (which all embed the same two
// or three certificates) do not parse them again. Its owner passes it to [Parse]
// (Limits.Cache); there is no package-level cache. When the cache is full an
// arbitrary entry is dropped. Each entry holds one parsed certificate and its
// DER: a few KiB for the RSA-2048 certificates of PEC. It is safe for concurrent
// use; only successful parses are kept. The certificates it returns are shared
// by every caller of the same cache: they must not be modified.
type CertCache struct {
	max int
	mu  sync.RWMutex
	m   map[string]*x509.Certificate
}

// NewCertCache returns an empty cache of at most max certificates.
func NewCertCache(max int) *CertCache { return &CertCache{max: max} }

// parse returns the certificate encoded by der, from the cache when the same
// bytes were parsed before (a nil cache parses every time). The returned
// certificate is shared: it must not be modified. Its Raw fields never alias der.
func (c *CertCache) parse(der []byte) (*x509.Certificate, error) {
	if c == nil || c.max <= 0 {
		return x509.ParseCertificate(bytes.Clone(der))
	}
	c.mu.RLock()
	cert := c.m[string(der)]
	c.mu.RUnlock()
	if cert != nil {
		return cert, nil
	}
	// Parse a private copy: the certificate's Raw fields alias the bytes parsed,
	// and the caller's buffer may change after Parse returns.
	cert, err := x509.ParseCertificate(bytes.Clone(der))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[string(der)]; old != nil {
		return old, nil
	}
	if c.m == nil {
		c.m = make(map[string]*x509.Certificate)
	}
	for k := range c.m {
		if len(c.m) < c.max {
			break
		}
		delete(c.m, k)
	}
	c.m[string(cert.Raw)] = cert
	return cert, nil
}

// len returns the number of cached certificates.
func (c *CertCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
