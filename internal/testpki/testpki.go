package testpki

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Default validity periods (see the package doc).
var (
	defaultCANotBefore   = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	defaultCANotAfter    = time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC)
	defaultLeafNotBefore = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	defaultLeafNotAfter  = time.Date(2044, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ReferenceTime returns a fixed instant, 2025-03-14 10:00:00 UTC, that lies inside
// every default validity period. Tests that need "some valid time" pin it.
func ReferenceTime() time.Time { return time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC) }

// Policy OIDs of the PEC circuit, as the AgID and DigitPA CA certificates and
// the provider certificates issued under them carry them (read only).
var (
	// oidPolicyPECCA is the AgID/DigitPA CA policy 1.3.76.16.3.1.
	oidPolicyPECCA = asn1.ObjectIdentifier{1, 3, 76, 16, 3, 1}
	// oidPolicyPECProvider is the provider certificate policy 1.3.76.16.3.1.1.
	oidPolicyPECProvider = asn1.ObjectIdentifier{1, 3, 76, 16, 3, 1, 1}
)

var oidSHA1WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}

// Identity is a certificate with its private key and its issuer.
type Identity struct {
	Cert   *x509.Certificate
	Key    crypto.Signer
	Parent *Identity // nil for a self-signed certificate
}

// Chain returns the certificate of id followed by those of its ancestors, leaf first,
// excluding the self-signed root. For a root it returns an empty slice.
func (id *Identity) Chain() []*x509.Certificate {
	var out []*x509.Certificate
	for c := id; c != nil && c.Parent != nil; c = c.Parent {
		out = append(out, c.Cert)
	}
	return out
}

// Root returns the topmost ancestor of id (id itself for a root).
func (id *Identity) Root() *Identity {
	c := id
	for c.Parent != nil {
		c = c.Parent
	}
	return c
}

// PEM returns the certificate of id as a PEM "CERTIFICATE" block.
func (id *Identity) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Cert.Raw})
}

// KeyPEM returns the private key of id as an unencrypted PKCS#8 "PRIVATE KEY" block.
func (id *Identity) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(id.Key)
	if err != nil {
		panic(fmt.Sprintf("testpki: marshal key: %v", err))
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// Option changes how a certificate is built.
type Option func(*config)

type config struct {
	notBefore, notAfter time.Time
	key                 crypto.Signer
	sha1                bool
	ku                  *x509.KeyUsage
	eku                 []x509.ExtKeyUsage
	ekuSet              bool
	noSAN               bool
	serial              *big.Int
	permitted           []string
}

// Validity sets NotBefore and NotAfter.
func Validity(notBefore, notAfter time.Time) Option {
	return func(c *config) { c.notBefore, c.notAfter = notBefore, notAfter }
}

// KeyRSA2048 uses embedded RSA-2048 key n (see keys/README.md) for the new certificate.
func KeyRSA2048(n int) Option { return WithKey(RSA2048(n)) }

// KeyRSA1024 uses embedded RSA-1024 key n, like the 2014 DigitPA-era provider leaves.
func KeyRSA1024(n int) Option { return WithKey(RSA1024(n)) }

// KeyECDSAP256 uses embedded ECDSA P-256 key n.
func KeyECDSAP256(n int) Option { return WithKey(P256(n)) }

// KeyECDSAP384 uses the embedded ECDSA P-384 key.
func KeyECDSAP384() Option { return WithKey(P384()) }

// WithKey uses k as the key of the new certificate. When it issues certificates,
// k.Sign is called with a nil random source (deterministic for the standard RSA and
// ECDSA keys).
func WithKey(k crypto.Signer) Option { return func(c *config) { c.key = k } }

// SignatureSHA1 makes the issuer sign the certificate with sha1WithRSAEncryption, as
// in the 2014 DigitPA chains. The issuer key must be RSA. Go's x509.Verify refuses
// such certificates; Certificate.CheckSignature(x509.SHA1WithRSA, ...) accepts them.
func SignatureSHA1() Option { return func(c *config) { c.sha1 = true } }

// KeyUsage replaces the keyUsage of the new certificate (0 omits the extension).
func KeyUsage(ku x509.KeyUsage) Option { return func(c *config) { c.ku = &ku } }

// ExtKeyUsage replaces the extended key usages of the new certificate.
func ExtKeyUsage(eku ...x509.ExtKeyUsage) Option {
	return func(c *config) { c.eku, c.ekuSet = eku, true }
}

// NoEKU omits the extendedKeyUsage extension.
func NoEKU() Option { return ExtKeyUsage() }

// NoSAN omits the subjectAltName of a provider certificate.
func NoSAN() Option { return func(c *config) { c.noSAN = true } }

// Serial sets the serial number (it must be positive).
func Serial(n int64) Option {
	if n <= 0 {
		panic("testpki: serial must be positive")
	}
	return func(c *config) { c.serial = big.NewInt(n) }
}

// PermittedEmailDomains adds non-critical rfc822Name permitted-subtree name
// constraints, as on AgID CA1. Each entry follows crypto/x509 semantics: "pec.example.it"
// permits mailboxes on exactly that host, ".example.it" any subdomain of it.
func PermittedEmailDomains(domains ...string) Option {
	return func(c *config) { c.permitted = append(c.permitted, domains...) }
}

func newConfig(defKey crypto.Signer, nb, na time.Time, opts []Option) *config {
	c := &config{notBefore: nb, notAfter: na}
	for _, o := range opts {
		o(c)
	}
	if c.key == nil {
		c.key = defKey
	}
	return c
}

func testName(cn string) pkix.Name {
	return pkix.Name{Country: []string{"IT"}, Organization: []string{"Sigillo Test"}, CommonName: cn}
}

// NewRoot returns a self-signed root CA "C=IT, O=Sigillo Test, CN=<name>" with key
// rsa2048-0 unless an option picks another.
func NewRoot(name string, opts ...Option) *Identity {
	c := newConfig(RSA2048(0), defaultCANotBefore, defaultCANotAfter, opts)
	tmpl := &x509.Certificate{
		Subject:               testName(name),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	return issue(nil, tmpl, c)
}

// NewCA returns a PEC signing CA "C=IT, O=Sigillo Test, CN=<name>" issued by id, with
// key rsa2048-1 unless an option picks another (see the package doc for the profile).
func (id *Identity) NewCA(name string, opts ...Option) *Identity {
	c := newConfig(RSA2048(1), defaultCANotBefore, defaultCANotAfter, opts)
	tmpl := &x509.Certificate{
		Subject:               testName(name),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection},
		Policies:              []x509.OID{mustOID(oidPolicyPECCA)},
	}
	return issue(id, tmpl, c)
}

// NewProvider returns a provider signing certificate issued by id:
// "C=IT, O=<org>, CN=Posta Certificata <org>" with SAN rfc822Name email, and key
// rsa2048-2 unless an option picks another (see the package doc for the profile).
func (id *Identity) NewProvider(org, email string, opts ...Option) *Identity {
	c := newConfig(RSA2048(2), defaultLeafNotBefore, defaultLeafNotAfter, opts)
	tmpl := &x509.Certificate{
		Subject: pkix.Name{
			Country:      []string{"IT"},
			Organization: []string{org},
			CommonName:   "Posta Certificata " + org,
		},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		Policies:    []x509.OID{mustOID(oidPolicyPECProvider)},
	}
	if !c.noSAN {
		tmpl.EmailAddresses = []string{email}
	}
	return issue(id, tmpl, c)
}

// SelfSignedLookalike returns a self-signed certificate with the same subject, SAN,
// key usages, policies and validity as id, but its own key (rsa2048-5 unless an
// option picks another) and no issuer: an impostor that only a chain check catches.
func (id *Identity) SelfSignedLookalike(opts ...Option) *Identity {
	src := id.Cert
	c := newConfig(RSA2048(5), src.NotBefore, src.NotAfter, opts)
	tmpl := &x509.Certificate{
		Subject:               src.Subject,
		EmailAddresses:        src.EmailAddresses,
		KeyUsage:              src.KeyUsage,
		ExtKeyUsage:           src.ExtKeyUsage,
		Policies:              src.Policies,
		IsCA:                  src.IsCA,
		BasicConstraintsValid: src.BasicConstraintsValid,
		MaxPathLen:            src.MaxPathLen,
		MaxPathLenZero:        src.MaxPathLenZero,
	}
	// Keep the subject byte-identical to the original.
	tmpl.RawSubject = src.RawSubject
	return issue(nil, tmpl, c)
}

func mustOID(o asn1.ObjectIdentifier) x509.OID {
	ints := make([]uint64, len(o))
	for i, v := range o {
		ints[i] = uint64(v)
	}
	oid, err := x509.OIDFromInts(ints)
	if err != nil {
		panic(err)
	}
	return oid
}

// issue completes tmpl from c and signs it with parent (self-signed when nil).
func issue(parent *Identity, tmpl *x509.Certificate, c *config) *Identity {
	pub := c.key.Public()
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(fmt.Sprintf("testpki: %v", err))
	}
	tmpl.SubjectKeyId = subjectKeyID(spki)
	tmpl.NotBefore, tmpl.NotAfter = c.notBefore, c.notAfter
	if c.ku != nil {
		tmpl.KeyUsage = *c.ku
	}
	if c.ekuSet {
		tmpl.ExtKeyUsage = c.eku
	}
	if len(c.permitted) > 0 {
		tmpl.PermittedEmailAddresses = c.permitted
	}
	issuerCert, issuerKey := tmpl, c.key
	if parent != nil {
		issuerCert, issuerKey = parent.Cert, parent.Key
	}
	if c.serial != nil {
		tmpl.SerialNumber = c.serial
	} else {
		tmpl.SerialNumber = deriveSerial(issuerCert, tmpl, spki)
	}
	if c.sha1 {
		if _, ok := issuerKey.Public().(*rsa.PublicKey); !ok {
			panic("testpki: SignatureSHA1 needs an RSA issuer key")
		}
		tmpl.SignatureAlgorithm = x509.SHA256WithRSA
	}
	// A nil random source makes ECDSA signatures deterministic (RFC 6979); RSA
	// PKCS#1 v1.5 signatures always are. The serial is always set, so
	// CreateCertificate needs no randomness.
	der, err := x509.CreateCertificate(nil, tmpl, issuerCert, pub, issuerKey)
	if err != nil {
		panic(fmt.Sprintf("testpki: create certificate %q: %v", tmpl.Subject.CommonName, err))
	}
	if c.sha1 {
		der = resignSHA1(der, issuerKey)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(fmt.Sprintf("testpki: parse certificate: %v", err))
	}
	return &Identity{Cert: cert, Key: c.key, Parent: parent}
}

// subjectKeyID is RFC 5280 section 4.2.1.2 method (1): SHA-1 of the subjectPublicKey
// BIT STRING contents.
func subjectKeyID(spki []byte) []byte {
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &info); err != nil {
		panic(fmt.Sprintf("testpki: %v", err))
	}
	sum := sha1.Sum(info.PublicKey.Bytes)
	return sum[:]
}

// deriveSerial derives a fixed positive 127-bit serial from the issuer and subject
// names, the SAN and the subject key, so that distinct certificates get distinct
// serials and rebuilding gives the same one.
func deriveSerial(issuer, tmpl *x509.Certificate, spki []byte) *big.Int {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%v\x00", issuer.Subject.String(), tmpl.Subject.String(), tmpl.EmailAddresses)
	h.Write(spki)
	fmt.Fprintf(h, "\x00%d\x00%d", tmpl.NotBefore.Unix(), tmpl.NotAfter.Unix())
	sum := h.Sum(nil)[:16]
	sum[0] &= 0x7f
	sum[0] |= 0x40 // never zero, never negative
	return new(big.Int).SetBytes(sum)
}

// resignSHA1 rewrites a certificate made by x509.CreateCertificate so that both its
// TBS signature field and its outer signatureAlgorithm say sha1WithRSAEncryption, and
// signs the new TBS with SHA-1 (CreateCertificate refuses to sign with SHA-1).
func resignSHA1(der []byte, key crypto.Signer) []byte {
	var cert struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}
	if rest, err := asn1.Unmarshal(der, &cert); err != nil || len(rest) != 0 {
		panic(fmt.Sprintf("testpki: resign: %v", err))
	}
	algDER, err := asn1.Marshal(pkix.AlgorithmIdentifier{Algorithm: oidSHA1WithRSA, Parameters: asn1.NullRawValue})
	if err != nil {
		panic(err)
	}
	// Walk the TBS fields; replace the signature AlgorithmIdentifier (the field after
	// the optional [0] version and the serial number).
	var fields [][]byte
	rest := cert.TBS.Bytes
	for len(rest) > 0 {
		var f asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &f)
		if err != nil {
			panic(fmt.Sprintf("testpki: resign: %v", err))
		}
		fields = append(fields, f.FullBytes)
	}
	idx := 1
	if len(fields) > 0 && fields[0][0] == 0xa0 {
		idx = 2
	}
	fields[idx] = algDER
	tbs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: bytes.Join(fields, nil)})
	if err != nil {
		panic(err)
	}
	digest := sha1.Sum(tbs)
	sig, err := key.Sign(nil, digest[:], crypto.SHA1)
	if err != nil {
		panic(fmt.Sprintf("testpki: resign: %v", err))
	}
	out, err := asn1.Marshal(struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, asn1.RawValue{FullBytes: algDER}, asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}})
	if err != nil {
		panic(err)
	}
	return out
}
