package envelope

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/sigillo/sigillo/internal/cms"
)

// Anchor is a trust anchor: a public key, identified by the SHA-256 of its
// DER SubjectPublicKeyInfo, optionally with the certificate that carries it and a
// window of evaluation times in which it vouches for signatures.
//
// Anchors are matched by key, not by name or certificate: AgID re-issued its PEC
// CA certificate several times under one key, and providers embed whichever issue
// they had. A certificate in the path whose key hashes to SPKISHA256 ends the path.
type Anchor struct {
	// Name is a label for reports ("AgID CA1").
	Name string
	// SPKISHA256 is the SHA-256 of the DER SubjectPublicKeyInfo.
	SPKISHA256 [32]byte
	// Cert is the anchor certificate when known. Without it the anchor can only be
	// reached through a certificate carrying its key that the signature embeds
	// (or that was added with [Trust.AddIntermediate]).
	Cert *x509.Certificate
	// NotBefore and NotAfter bound the evaluation times at which the anchor is
	// accepted; zero means unbounded. Verification at a time outside the window
	// fails with ErrAnchorNotValidAt.
	NotBefore, NotAfter time.Time
}

// validAt reports whether t is inside the anchor's window.
func (a *Anchor) validAt(t time.Time) bool {
	if !a.NotBefore.IsZero() && t.Before(a.NotBefore) {
		return false
	}
	if !a.NotAfter.IsZero() && t.After(a.NotAfter) {
		return false
	}
	return true
}

// SPKI SHA-256 hashes of the PEC signing CAs, computed from the CA certificates
// that AgID publishes and that providers embed in their signatures.
const (
	// AgIDCA1SPKISHA256 identifies the key of AgID CA1, the CA of every PEC
	// provider certificate since 2018 (issued by Actalis Authentication Root CA;
	// re-issued in 2018, 2019, 2020, 2021 and 2025 under this key).
	AgIDCA1SPKISHA256 = "39e3c6c6f13c9620775172694d20f81edad55a8613934cdaa7c3793a6d26b86b"
	// DigitPACA1SPKISHA256 identifies the key of DigitPA CA1, the pre-2018 PEC CA
	// (issued by Baltimore CyberTrust Root, expired 2018-01-14).
	DigitPACA1SPKISHA256 = "c0b443b729bcf3e980d36ef980b035be7534a7c464671c7f51e30ad6f7519d25"
)

// DigitPACA1NotAfter returns the end of DigitPA CA1's validity, 2018-01-14
// 16:28:50 UTC: the default trust accepts it only for evaluation times up to this
// instant, and legacy chains (see [FindingLegacyChain]) only for signatures made up
// to it. It is a function, not a variable, so that no importer can move the end
// of the era for the whole program.
func DigitPACA1NotAfter() time.Time { return time.Date(2018, 1, 14, 16, 28, 50, 0, time.UTC) }

// Trust is a set of trust anchors plus optional extra intermediate certificates
// and certificate pools. The zero value is not usable; start from [NewTrust] or
// [DefaultTrust]. A Trust is safe for concurrent use once built.
type Trust struct {
	anchors       []Anchor
	intermediates []*x509.Certificate
	pools         []*x509.CertPool
	// The caches of this Trust, safe for concurrent use: verified certificate
	// links and parsed certificates (nil in a Trust not made by NewTrust or
	// DefaultTrust: no caching).
	links *linkCache
	certs *cms.CertCache
}

// NewTrust returns an empty trust set: nothing verifies until anchors are added.
// The Trust owns two bounded caches (at most 1024 verified certificate links
// and 256 parsed certificates), so that verifying many messages of the same
// providers with one Trust costs one public-key operation per message. The
// certificates in the reports of one Trust may therefore be shared between
// those reports: treat them as read-only. Verification with a new Trust each
// time (VerifyOptions.Trust nil means a new DefaultTrust) caches nothing.
func NewTrust() *Trust {
	return &Trust{links: newLinkCache(linkCacheSize), certs: cms.NewCertCache(certCacheSize)}
}

// DefaultTrust returns the built-in anchors, which need no files and no network:
// the AgID CA1 key (no time bound) and the DigitPA CA1 key (for evaluation times up
// to [DigitPACA1NotAfter]). The intermediate certificate carrying the anchor key
// is taken from the signature's own certificates, as every provider embeds it.
func DefaultTrust() *Trust {
	t := NewTrust()
	t.anchors = append(t.anchors,
		Anchor{Name: "AgID CA1", SPKISHA256: mustHash(AgIDCA1SPKISHA256)},
		Anchor{Name: "DigitPA CA1", SPKISHA256: mustHash(DigitPACA1SPKISHA256), NotAfter: DigitPACA1NotAfter()},
	)
	return t
}

func mustHash(s string) [32]byte {
	var h [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		panic("envelope: bad built-in SPKI hash " + s)
	}
	copy(h[:], b)
	return h
}

// SPKIHash returns the SHA-256 of the certificate's DER SubjectPublicKeyInfo, the
// key identity used by [Anchor].
func SPKIHash(c *x509.Certificate) [32]byte {
	return sha256.Sum256(c.RawSubjectPublicKeyInfo)
}

// Clone returns an independent copy of t (certificates are shared, not copied).
func (t *Trust) Clone() *Trust {
	return &Trust{
		anchors:       append([]Anchor(nil), t.anchors...),
		intermediates: append([]*x509.Certificate(nil), t.intermediates...),
		pools:         append([]*x509.CertPool(nil), t.pools...),
	}
}

// Anchors returns a copy of the anchors.
func (t *Trust) Anchors() []Anchor { return append([]Anchor(nil), t.anchors...) }

// AddAnchor adds a trust anchor as given.
func (t *Trust) AddAnchor(a Anchor) { t.anchors = append(t.anchors, a) }

// AddCert adds c as a trust anchor, accepted for evaluation times inside c's own
// validity period. Any certificate may be an anchor: a root such as Actalis
// Authentication Root CA (paths then run through AgID CA1 as embedded in the
// signature), a PEC CA, or even a single provider certificate to pin it.
func (t *Trust) AddCert(c *x509.Certificate) {
	name := c.Subject.CommonName
	if name == "" {
		name = c.Subject.String()
	}
	t.anchors = append(t.anchors, Anchor{
		Name: name, SPKISHA256: SPKIHash(c), Cert: c,
		NotBefore: c.NotBefore, NotAfter: c.NotAfter,
	})
}

// AddPEM adds every CERTIFICATE block of data as an anchor (see [Trust.AddCert])
// and returns the number added. Other PEM blocks are ignored; a certificate that
// does not parse is an error, and nothing is added then.
func (t *Trust) AddPEM(data []byte) (int, error) {
	certs, err := parsePEMCerts(data)
	if err != nil {
		return 0, err
	}
	for _, c := range certs {
		t.AddCert(c)
	}
	return len(certs), nil
}

// AddIntermediate adds certificates that path building may use between the
// signer and an anchor, besides those embedded in the signature. They confer no
// trust by themselves.
func (t *Trust) AddIntermediate(certs ...*x509.Certificate) {
	t.intermediates = append(t.intermediates, certs...)
}

// AddIntermediatePEM adds every CERTIFICATE block of data as an intermediate and
// returns the number added.
func (t *Trust) AddIntermediatePEM(data []byte) (int, error) {
	certs, err := parsePEMCerts(data)
	if err != nil {
		return 0, err
	}
	t.AddIntermediate(certs...)
	return len(certs), nil
}

// AddPool adds a pool of roots. x509.CertPool cannot be enumerated, so a pool is
// used through crypto/x509's own verifier when no path reaches one of the
// key-identified anchors: the chain it returns is then checked by this package's
// rules like any other. crypto/x509 refuses SHA-1 certificate signatures, so
// legacy (pre-2018) chains never verify through a pool; add such roots with
// [Trust.AddCert] or [Trust.AddPEM] instead.
func (t *Trust) AddPool(p *x509.CertPool) {
	if p != nil {
		t.pools = append(t.pools, p)
	}
}

func parsePEMCerts(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("envelope: trust PEM: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// anchorFor returns the anchor with c's key that accepts time at; else any anchor
// with c's key (whose window then excludes at); else nil.
func (t *Trust) anchorFor(c *x509.Certificate, at time.Time) *Anchor {
	h := SPKIHash(c)
	var found *Anchor
	for i := range t.anchors {
		a := &t.anchors[i]
		if a.SPKISHA256 != h {
			continue
		}
		if a.validAt(at) {
			return a
		}
		if found == nil {
			found = a
		}
	}
	return found
}
