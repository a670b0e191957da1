package cms

import (
	"bytes"
	"crypto/x509"
	"sync"
)

// CertCacheSize bounds the number of parsed certificates that [Parse] keeps,
// keyed by their exact DER encoding, so that the messages of one provider (which
// all embed the same two or three certificates) do not parse them again. When the
// cache is full an arbitrary entry is dropped. Each entry holds one parsed
// certificate and its DER: a few KiB for the RSA-2048 certificates of PEC.
const CertCacheSize = 256

// certs is the package's parsed-certificate cache, shared by every Parse call:
// a parse is a pure function of the DER bytes, so sharing gives every caller
// exactly what parsing its own bytes would.
var certs = &certCache{max: CertCacheSize}

// certCache maps DER bytes to the certificate parsed from them. It is safe for
// concurrent use. Only successful parses are kept.
type certCache struct {
	max int
	mu  sync.RWMutex
	m   map[string]*x509.Certificate
}

// parse returns the certificate encoded by der, from the cache when the same
// bytes were parsed before. The returned certificate is shared: it must not be
// modified. Its Raw fields never alias der.
func (c *certCache) parse(der []byte) (*x509.Certificate, error) {
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
func (c *certCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
