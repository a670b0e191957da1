package envelope

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
	"strings"
	"sync"
	"time"

	"github.com/sigillo/sigillo/internal/mime"
)

// pathResult is a certification path that ends at an anchor and passed every check.
type pathResult struct {
	chain    []*x509.Certificate // leaf first, anchor certificate last
	anchor   *Anchor
	legacy   []string // why the path is legacy, empty when it is not
	findings []Finding
}

// maxPathSearch bounds the number of candidate links examined while searching for
// a path, whatever the number of certificates offered.
const maxPathSearch = 256

type pathSearch struct {
	trust    *Trust
	pool     []*x509.Certificate
	at       time.Time
	maxLen   int
	budget   int
	sigOK    map[[2]*x509.Certificate]error
	firstErr error // first policy error of a path that reached an anchor
	result   *pathResult
}

// buildPath finds a path from leaf to an anchor of t using the embedded
// certificates, t's intermediates and the anchor certificates, and checks it at
// time at. The returned error is a *VerifyError.
func (t *Trust) buildPath(leaf *x509.Certificate, embedded []*x509.Certificate, at time.Time, maxLen int) (*pathResult, error) {
	s := &pathSearch{trust: t, at: at, maxLen: maxLen, budget: maxPathSearch}
	s.pool = make([]*x509.Certificate, 0, len(embedded)+len(t.intermediates)+len(t.anchors))
	add := func(c *x509.Certificate) {
		if c == nil {
			return
		}
		for _, p := range s.pool {
			if p == c || bytes.Equal(p.Raw, c.Raw) {
				return
			}
		}
		s.pool = append(s.pool, c)
	}
	for _, c := range embedded {
		add(c)
	}
	for _, c := range t.intermediates {
		add(c)
	}
	for i := range t.anchors {
		add(t.anchors[i].Cert)
	}
	s.search([]*x509.Certificate{leaf})
	if s.result != nil {
		return s.result, nil
	}
	if s.firstErr != nil {
		return nil, s.firstErr
	}
	// Pools: delegate path building to crypto/x509, then apply our checks.
	if len(t.pools) > 0 {
		inter := x509.NewCertPool()
		for _, c := range s.pool {
			inter.AddCert(c)
		}
		for _, p := range t.pools {
			chains, err := leaf.Verify(x509.VerifyOptions{
				Roots: p, Intermediates: inter, CurrentTime: at,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
			})
			if err != nil {
				continue
			}
			for _, ch := range chains {
				root := ch[len(ch)-1]
				a := &Anchor{Name: root.Subject.CommonName, SPKISHA256: SPKIHash(root), Cert: root, NotBefore: root.NotBefore, NotAfter: root.NotAfter}
				res, err := checkPath(ch, a, at)
				if err == nil {
					return res, nil
				}
				if s.firstErr == nil {
					s.firstErr = err
				}
			}
		}
		if s.firstErr != nil {
			return nil, s.firstErr
		}
	}
	return nil, verr(ErrUnknownAuthority, leaf, "no path to a trust anchor from issuer %q", leaf.Issuer.String())
}

// search extends chain depth first until a path is accepted or the budget runs out.
func (s *pathSearch) search(chain []*x509.Certificate) {
	if s.result != nil {
		return
	}
	cur := chain[len(chain)-1]
	if a := s.trust.anchorFor(cur, s.at); a != nil {
		res, err := checkPath(chain, a, s.at)
		if err == nil {
			s.result = res
		} else if s.firstErr == nil {
			s.firstErr = err
		}
		return
	}
	if len(chain) >= s.maxLen {
		return
	}
	for _, p := range s.pool {
		if s.result != nil || s.budget <= 0 {
			return
		}
		if inChain(chain, p) || !mayIssue(p, cur) {
			continue
		}
		s.budget--
		key := [2]*x509.Certificate{p, cur}
		err, done := s.sigOK[key]
		if !done {
			err = s.trust.checkLink(p, cur)
			if s.sigOK == nil {
				s.sigOK = make(map[[2]*x509.Certificate]error)
			}
			s.sigOK[key] = err
		}
		if err != nil {
			if errors.Is(err, ErrUnsupportedAlgorithm) && s.firstErr == nil {
				s.firstErr = err
			}
			continue
		}
		s.search(append(chain[:len(chain):len(chain)], p))
	}
}

func inChain(chain []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range chain {
		if bytes.Equal(x.Raw, c.Raw) || bytes.Equal(x.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) && bytes.Equal(x.RawSubject, c.RawSubject) {
			return true
		}
	}
	return false
}

// mayIssue reports whether parent's name (and key identifier, when both sides
// carry one) matches child's issuer. Key identifiers decide among certificates
// with the same name; validity nesting is not required (the 2018 Aruba leaf
// predates the AgID CA1 issue embedded with it).
func mayIssue(parent, child *x509.Certificate) bool {
	if !bytes.Equal(parent.RawSubject, child.RawIssuer) && parent.Subject.String() != child.Issuer.String() {
		return false
	}
	if len(child.AuthorityKeyId) > 0 && len(parent.SubjectKeyId) > 0 && !bytes.Equal(child.AuthorityKeyId, parent.SubjectKeyId) {
		return false
	}
	return true
}

// checkLink checks child's signature with parent's key. Unlike
// Certificate.CheckSignatureFrom it accepts SHA-1 (the historical chains); MD5 and
// MD2 are refused.
//
// Successful checks are remembered in the link cache of the Trust (see
// [NewTrust]), so a provider certificate seen before costs no public-key
// operation; failures are not remembered.
func (t *Trust) checkLink(parent, child *x509.Certificate) error {
	switch child.SignatureAlgorithm {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.UnknownSignatureAlgorithm:
		return verr(ErrUnsupportedAlgorithm, child, "certificate signature algorithm %v", child.SignatureAlgorithm)
	}
	links := t.links
	if links.verified(child.Raw, parent.Raw) {
		return nil
	}
	if err := parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature); err != nil {
		return verr(ErrUnknownAuthority, child, "signature by %q does not verify: %v", parent.Subject.CommonName, err)
	}
	links.add(child.Raw, parent.Raw)
	return nil
}

// checkPath applies the path rules at time at to chain (leaf first, ending with
// the certificate that carries anchor's key).
func checkPath(chain []*x509.Certificate, anchor *Anchor, at time.Time) (*pathResult, error) {
	leaf := chain[0]
	last := len(chain) - 1
	res := &pathResult{chain: chain, anchor: anchor}
	if !anchor.validAt(at) {
		return nil, verr(ErrAnchorNotValidAt, chain[last], "anchor %q accepts signatures from %s to %s, evaluated at %s",
			anchor.Name, fmtBound(anchor.NotBefore), fmtBound(anchor.NotAfter), at.UTC().Format(time.RFC3339))
	}
	for i, c := range chain {
		isAnchor := i == last
		if isAnchor && i > 0 {
			// Trusted by key: the issue of the certificate carrying the key may be
			// any of its re-issues, so its own dates only give a finding.
			if at.Before(c.NotBefore) || at.After(c.NotAfter) {
				res.findings = append(res.findings, Finding{Code: FindingAnchorCertOutsideValidity,
					Detail: fmt.Sprintf("%q valid %s to %s", c.Subject.CommonName, c.NotBefore.UTC().Format(time.DateOnly), c.NotAfter.UTC().Format(time.DateOnly))})
			}
		} else {
			if at.Before(c.NotBefore) {
				return nil, verr(ErrCertNotYetValid, c, "valid from %s, evaluated at %s", c.NotBefore.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
			}
			if at.After(c.NotAfter) {
				return nil, verr(ErrCertExpired, c, "valid until %s, evaluated at %s", c.NotAfter.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
			}
			if len(c.UnhandledCriticalExtensions) > 0 {
				return nil, verr(ErrCAConstraint, c, "unhandled critical extension %v", c.UnhandledCriticalExtensions[0])
			}
		}
		if i > 0 {
			if !isAnchor && (!c.BasicConstraintsValid || !c.IsCA) {
				return nil, verr(ErrCAConstraint, c, "issuer is not a CA")
			}
			if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
				return nil, verr(ErrCAConstraint, c, "issuer lacks keyCertSign")
			}
			if c.BasicConstraintsValid && (c.MaxPathLen > 0 || c.MaxPathLen == 0 && c.MaxPathLenZero) {
				below := 0
				for _, x := range chain[1:i] {
					if !bytes.Equal(x.RawSubject, x.RawIssuer) {
						below++
					}
				}
				if below > c.MaxPathLen {
					return nil, verr(ErrCAConstraint, c, "path length %d exceeds pathLenConstraint %d", below, c.MaxPathLen)
				}
			}
			if err := checkEmailConstraints(c, leaf); err != nil {
				return nil, err
			}
		}
		if why := legacyReason(c, i < last); why != "" {
			res.legacy = append(res.legacy, why)
		}
		if err := checkKeySize(c); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// checkSignerTimes applies the time rules to an accepted path res evaluated at at:
// those of checkSigningTimes, then checkLegacyEra.
func checkSignerTimes(r *Report, s *Signed, oh *mime.Header, res *pathResult, at time.Time, o VerifyOptions, l Limits) *VerifyError {
	if e := checkSigningTimes(r, s, oh, res.chain[0], o, l); e != nil {
		return e
	}
	return checkLegacyEra(res, r.SigningTime, at)
}

// checkSigningTimes applies the time rules of the signer: the signingTime must
// not be later than the verification clock (o.Now, time.Now when
// nil) plus o.TimeTolerance (ErrSigningTimeInFuture); and the signingTime and the
// Date header must fall within the signer certificate's validity
// (ErrKeyOutsideValidity). The signingTime is held to the validity exactly, being
// what the path is evaluated at by default (where an expired signer gives
// ErrCertExpired, checked by the path); the unsigned Date header, stamped by
// another clock of the provider, gets o.TimeTolerance on either side.
func checkSigningTimes(r *Report, s *Signed, oh *mime.Header, leaf *x509.Certificate, o VerifyOptions, l Limits) *VerifyError {
	st := r.SigningTime
	if !st.IsZero() {
		now := time.Now
		if o.Now != nil {
			now = o.Now
		}
		if n := now(); st.After(n.Add(o.TimeTolerance)) {
			return verr(ErrSigningTimeInFuture, leaf, "signingTime %s is later than the verification clock %s plus %s",
				st.UTC().Format(time.RFC3339), n.UTC().Format(time.RFC3339), o.TimeTolerance)
		}
		if !o.At.IsZero() && st.After(o.At.Add(o.TimeTolerance)) {
			return verr(ErrSigningTimeInFuture, leaf, "signingTime %s is later than the evaluation time %s plus %s",
				st.UTC().Format(time.RFC3339), o.At.UTC().Format(time.RFC3339), o.TimeTolerance)
		}
		if !o.At.IsZero() && (st.Before(leaf.NotBefore) || st.After(leaf.NotAfter)) {
			return verr(ErrKeyOutsideValidity, leaf, "signingTime %s outside the validity %s to %s",
				st.UTC().Format(time.RFC3339), leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
		}
	}
	if d, ok := headerDate(oh); ok {
		if d.Before(leaf.NotBefore.Add(-o.TimeTolerance)) || d.After(leaf.NotAfter.Add(o.TimeTolerance)) {
			return verr(ErrKeyOutsideValidity, leaf, "Date header %s outside the validity %s to %s",
				d.UTC().Format(time.RFC3339), leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// headerDate returns the parsed (first) Date field of the outer header h.
func headerDate(h *mime.Header) (time.Time, bool) {
	v := h.Get("Date")
	if v == "" {
		return time.Time{}, false
	}
	d, err := mime.ParseDate(v)
	return d, err == nil
}

// checkLegacyEra accepts a legacy path (SHA-1 certificate signatures, RSA keys
// under 2048 bits) only for a signature made in the DigitPA CA1 era, up to
// [DigitPACA1NotAfter]: the signingTime, or the evaluation time at when the
// signature has none. Later, such a path gives ErrLegacyCryptoOutOfEra.
func checkLegacyEra(res *pathResult, signingTime, at time.Time) *VerifyError {
	if len(res.legacy) == 0 {
		return nil
	}
	t := signingTime
	if t.IsZero() {
		t = at
	}
	if !t.After(DigitPACA1NotAfter()) {
		return nil
	}
	return verr(ErrLegacyCryptoOutOfEra, res.chain[0], "%s, on a signature of %s (accepted up to %s)",
		strings.Join(res.legacy, "; "), t.UTC().Format(time.RFC3339), DigitPACA1NotAfter().Format(time.RFC3339))
}

func fmtBound(t time.Time) string {
	if t.IsZero() {
		return "any time"
	}
	return t.UTC().Format(time.RFC3339)
}

// legacyReason says why c makes the path legacy: a SHA-1 signature on c (checked
// only when c's issuer is in the path) or an RSA key under 2048 bits.
func legacyReason(c *x509.Certificate, signedInPath bool) string {
	var why []string
	if signedInPath {
		switch c.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
			why = append(why, "SHA-1 certificate signature")
		}
	}
	if k, ok := c.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < 2048 {
		why = append(why, fmt.Sprintf("RSA-%d key", k.N.BitLen()))
	}
	if len(why) == 0 {
		return ""
	}
	return fmt.Sprintf("%q: %s", c.Subject.CommonName, strings.Join(why, ", "))
}

// minRSABits is the smallest RSA key accepted anywhere in a path (the 2014 provider
// leaves are RSA-1024).
const minRSABits = 1024

func checkKeySize(c *x509.Certificate) error {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return verr(ErrUnsupportedAlgorithm, c, "RSA-%d key", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
	default:
		return verr(ErrUnsupportedAlgorithm, c, "public key type %T", c.PublicKey)
	}
	return nil
}

// checkEmailConstraints applies ca's rfc822Name name constraints to every e-mail
// address in leaf's subjectAltName (RFC 5280 section 4.2.1.10, crypto/x509
// semantics: "a@b" a mailbox, "b" a host, ".b" any subdomain of b).
// directoryName, DNS, IP and URI constraints are not evaluated (see the package doc).
func checkEmailConstraints(ca, leaf *x509.Certificate) error {
	if len(ca.PermittedEmailAddresses) == 0 && len(ca.ExcludedEmailAddresses) == 0 {
		return nil
	}
	for _, addr := range leaf.EmailAddresses {
		for _, ex := range ca.ExcludedEmailAddresses {
			if emailMatches(ex, addr) {
				return verr(ErrNameConstraint, ca, "%q is excluded by %q", addr, ex)
			}
		}
		if len(ca.PermittedEmailAddresses) == 0 {
			continue
		}
		ok := false
		for _, p := range ca.PermittedEmailAddresses {
			if emailMatches(p, addr) {
				ok = true
				break
			}
		}
		if !ok {
			return verr(ErrNameConstraint, ca, "%q is not within the permitted e-mail domains", addr)
		}
	}
	return nil
}

func emailMatches(constraint, addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	local, domain := addr[:at], strings.ToLower(addr[at+1:])
	if strings.Contains(constraint, "@") {
		ci := strings.LastIndexByte(constraint, '@')
		return local == constraint[:ci] && domain == strings.ToLower(constraint[ci+1:])
	}
	c := strings.ToLower(constraint)
	if strings.HasPrefix(c, ".") {
		return strings.HasSuffix(domain, c)
	}
	return domain == c
}

// linkCacheSize bounds the number of certificate links (a certificate and the
// certificate whose key verified its signature) that a [Trust] remembers, so
// that the messages of a known provider cost one public-key operation (the CMS
// signature) instead of one per link of the path. When the cache is full an
// arbitrary entry is dropped.
//
// Only the signature check of a link is remembered, and only when it succeeded;
// validity periods, anchor windows, CA and key-usage constraints, name constraints
// and key sizes are checked on every path. An entry is keyed by the exact DER of
// both certificates (compared byte for byte, not by a hash), and keeps a copy of
// both, so at most a few MiB are held (about 3 KiB per entry for the RSA-2048
// certificates of PEC).
const linkCacheSize = 1024

// certCacheSize bounds the parsed certificates a [Trust] keeps (internal/cms).
const certCacheSize = 256

// maxCachedLinkBytes is the largest pair of certificates (DER bytes together) that
// the link cache keeps.
const maxCachedLinkBytes = 32 << 10

// linkCache is a bounded set of verified (child, issuer) DER pairs, safe for
// concurrent use.
type linkCache struct {
	seed maphash.Seed
	max  int
	mu   sync.RWMutex
	m    map[uint64]linkEntry
}

// linkEntry holds copies of the two DER encodings of a verified link.
type linkEntry struct {
	child, issuer []byte
}

func newLinkCache(max int) *linkCache {
	return &linkCache{seed: maphash.MakeSeed(), max: max, m: make(map[uint64]linkEntry)}
}

func (c *linkCache) key(child, issuer []byte) uint64 {
	return maphash.Bytes(c.seed, child) ^ bits.RotateLeft64(maphash.Bytes(c.seed, issuer), 29)
}

// verified reports whether the signature of child was verified with issuer's key
// before. Empty encodings are never found.
func (c *linkCache) verified(child, issuer []byte) bool {
	if c == nil || len(child) == 0 || len(issuer) == 0 {
		return false
	}
	k := c.key(child, issuer)
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	return ok && bytes.Equal(e.child, child) && bytes.Equal(e.issuer, issuer)
}

// add records that child's signature verifies with issuer's key.
func (c *linkCache) add(child, issuer []byte) {
	if c == nil || len(child) == 0 || len(issuer) == 0 || len(child)+len(issuer) > maxCachedLinkBytes {
		return
	}
	k := c.key(child, issuer)
	e := linkEntry{child: bytes.Clone(child), issuer: bytes.Clone(issuer)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok {
		for old := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, old)
		}
	}
	c.m[k] = e
}

// len returns the number of cached links.
func (c *linkCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
