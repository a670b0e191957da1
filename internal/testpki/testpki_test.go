package testpki_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testpki"
)

func verifyOpts(w *testpki.World, at time.Time) x509.VerifyOptions {
	return x509.VerifyOptions{
		Roots:         w.Roots(),
		Intermediates: w.Intermediates(),
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
}

func TestDefaultWorldVerifies(t *testing.T) {
	t.Parallel()
	w := testpki.Default()
	require.Same(t, w, testpki.Default(), "memoised")
	for _, p := range []*testpki.Identity{w.Provider, w.OtherProvider} {
		chains, err := p.Cert.Verify(verifyOpts(w, testpki.ReferenceTime()))
		require.NoError(t, err)
		require.Len(t, chains, 1)
		assert.Equal(t, []*x509.Certificate{p.Cert, w.CA.Cert, w.Root.Cert}, chains[0])
	}
	// Outside the leaf validity.
	_, err := w.Provider.Cert.Verify(verifyOpts(w, time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC)))
	var inv x509.CertificateInvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, x509.Expired, inv.Reason)
}

func TestProviderProfile(t *testing.T) {
	t.Parallel()
	w := testpki.Default()
	c := w.Provider.Cert
	assert.Equal(t, "Posta Certificata "+testpki.ProviderOrg, c.Subject.CommonName)
	assert.Equal(t, []string{testpki.ProviderOrg}, c.Subject.Organization)
	assert.Equal(t, []string{"IT"}, c.Subject.Country)
	assert.Equal(t, []string{testpki.ProviderEmail}, c.EmailAddresses)
	assert.Equal(t, x509.KeyUsageDigitalSignature, c.KeyUsage)
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, c.ExtKeyUsage)
	assert.False(t, c.BasicConstraintsValid, "no basicConstraints")
	assert.NotEmpty(t, c.SubjectKeyId)
	assert.Equal(t, w.CA.Cert.SubjectKeyId, c.AuthorityKeyId)
	require.Len(t, c.Policies, 1)
	assert.Equal(t, "1.3.76.16.3.1.1", c.Policies[0].String())
	oidKU := asn1.ObjectIdentifier{2, 5, 29, 15}
	oidBC := asn1.ObjectIdentifier{2, 5, 29, 19}
	var sawKU bool
	for _, e := range c.Extensions {
		assert.False(t, e.Id.Equal(oidBC), "basicConstraints present")
		if e.Id.Equal(oidKU) {
			sawKU = true
			assert.True(t, e.Critical, "keyUsage critical")
		}
	}
	assert.True(t, sawKU)
	assert.Equal(t, x509.SHA256WithRSA, c.SignatureAlgorithm)

	ca := w.CA.Cert
	assert.True(t, ca.IsCA)
	assert.True(t, ca.MaxPathLenZero)
	assert.Equal(t, 0, ca.MaxPathLen)
	assert.Equal(t, x509.KeyUsageCertSign|x509.KeyUsageCRLSign, ca.KeyUsage)
	assert.Equal(t, w.Root.Cert.SubjectKeyId, ca.AuthorityKeyId)
	assert.Equal(t, []*x509.Certificate{c, ca}, w.Provider.Chain())
	assert.Empty(t, w.Root.Chain())
	assert.Same(t, w.Root, w.Provider.Root())
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, b := testpki.NewWorld(), testpki.NewWorld()
	for _, p := range [][2]*testpki.Identity{{a.Root, b.Root}, {a.CA, b.CA}, {a.Provider, b.Provider}, {a.OtherProvider, b.OtherProvider}} {
		assert.Equal(t, p[0].Cert.Raw, p[1].Cert.Raw, p[0].Cert.Subject.CommonName)
	}
	assert.NotEqual(t, a.Provider.Cert.SerialNumber, a.OtherProvider.Cert.SerialNumber)
	// SHA-1 legacy certificates are deterministic too.
	l1 := a.Root.NewProvider("Legacy", "x@pec.legacy.it", testpki.SignatureSHA1(), testpki.KeyRSA1024(0))
	l2 := b.Root.NewProvider("Legacy", "x@pec.legacy.it", testpki.SignatureSHA1(), testpki.KeyRSA1024(0))
	assert.Equal(t, l1.Cert.Raw, l2.Cert.Raw)
	// ECDSA issuers too (RFC 6979).
	e1 := testpki.NewRoot("EC", testpki.KeyECDSAP384()).NewCA("EC CA", testpki.KeyECDSAP256(0))
	e2 := testpki.NewRoot("EC", testpki.KeyECDSAP384()).NewCA("EC CA", testpki.KeyECDSAP256(0))
	assert.Equal(t, e1.Cert.Raw, e2.Cert.Raw)
	assert.Equal(t, e1.NewProvider("P", "a@b.it").Cert.Raw, e2.NewProvider("P", "a@b.it").Cert.Raw)
}

func TestSHA1Legacy(t *testing.T) {
	t.Parallel()
	root := testpki.NewRoot("Legacy Root", testpki.SignatureSHA1())
	ca := root.NewCA("Legacy CA1", testpki.SignatureSHA1())
	leaf := ca.NewProvider("ARUBA PEC S.p.A.", "posta-certificata@pec.legacy.it",
		testpki.KeyRSA1024(0), testpki.SignatureSHA1(),
		testpki.Validity(time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)))

	for _, id := range []*testpki.Identity{root, ca, leaf} {
		reparsed, err := x509.ParseCertificate(id.Cert.Raw)
		require.NoError(t, err)
		assert.Equal(t, x509.SHA1WithRSA, reparsed.SignatureAlgorithm)
		issuer := id.Parent
		if issuer == nil {
			issuer = id
		}
		require.NoError(t, issuer.Cert.CheckSignature(x509.SHA1WithRSA, id.Cert.RawTBSCertificate, id.Cert.Signature))
	}
	assert.Equal(t, 1024, leaf.Cert.PublicKey.(*rsa.PublicKey).N.BitLen())
	// Go refuses SHA-1 in chain building: the point of the legacy chain.
	_, err := leaf.Cert.Verify(x509.VerifyOptions{
		Roots: pool(root.Cert), Intermediates: pool(ca.Cert),
		CurrentTime: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	require.Error(t, err)
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

func TestKeysAndOptions(t *testing.T) {
	t.Parallel()
	root := testpki.NewRoot("Opt Root", testpki.KeyECDSAP384())
	ca := root.NewCA("Opt CA", testpki.KeyECDSAP256(0), testpki.PermittedEmailDomains("pec.ok.it"))
	ok := ca.NewProvider("OK", "posta-certificata@pec.ok.it", testpki.KeyECDSAP256(1), testpki.Serial(42))
	bad := ca.NewProvider("Bad", "posta-certificata@pec.bad.it", testpki.KeyRSA2048(4))

	assert.Equal(t, elliptic.P384(), root.Cert.PublicKey.(*ecdsa.PublicKey).Curve)
	assert.Equal(t, x509.ECDSAWithSHA384, ca.Cert.SignatureAlgorithm)
	assert.Equal(t, int64(42), ok.Cert.SerialNumber.Int64())
	opts := x509.VerifyOptions{
		Roots: pool(root.Cert), Intermediates: pool(ca.Cert),
		CurrentTime: testpki.ReferenceTime(),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	_, err := ok.Cert.Verify(opts)
	require.NoError(t, err)
	_, err = bad.Cert.Verify(opts)
	var inv x509.CertificateInvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, x509.CANotAuthorizedForThisName, inv.Reason)

	noEKU := ca.NewProvider("N", "a@pec.ok.it", testpki.NoEKU(), testpki.NoSAN(), testpki.KeyUsage(x509.KeyUsageKeyEncipherment))
	assert.Empty(t, noEKU.Cert.ExtKeyUsage)
	assert.Empty(t, noEKU.Cert.EmailAddresses)
	assert.Equal(t, x509.KeyUsageKeyEncipherment, noEKU.Cert.KeyUsage)
	ekuSrv := ca.NewProvider("S", "a@pec.ok.it", testpki.ExtKeyUsage(x509.ExtKeyUsageServerAuth))
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, ekuSrv.Cert.ExtKeyUsage)

	nb, na := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	v := ca.NewProvider("V", "a@pec.ok.it", testpki.Validity(nb, na))
	assert.True(t, v.Cert.NotBefore.Equal(nb))
	assert.True(t, v.Cert.NotAfter.Equal(na))

	assert.Panics(t, func() { testpki.KeyRSA2048(testpki.NumRSA2048) })
	assert.Panics(t, func() { root.NewCA("x", testpki.SignatureSHA1()) }, "ECDSA issuer cannot SHA-1-RSA sign")
}

func TestSelfSignedLookalike(t *testing.T) {
	t.Parallel()
	w := testpki.Default()
	fake := w.Provider.SelfSignedLookalike()
	assert.Equal(t, w.Provider.Cert.RawSubject, fake.Cert.RawSubject)
	assert.Equal(t, w.Provider.Cert.EmailAddresses, fake.Cert.EmailAddresses)
	assert.Equal(t, fake.Cert.RawSubject, fake.Cert.RawIssuer)
	assert.NotEqual(t, w.Provider.Cert.PublicKey, fake.Cert.PublicKey)
	assert.Nil(t, fake.Parent)
	_, err := fake.Cert.Verify(verifyOpts(w, testpki.ReferenceTime()))
	var ua x509.UnknownAuthorityError
	require.ErrorAs(t, err, &ua)
}

func TestPEM(t *testing.T) {
	t.Parallel()
	w := testpki.Default()
	b, _ := pem.Decode(w.Provider.PEM())
	require.NotNil(t, b)
	assert.Equal(t, "CERTIFICATE", b.Type)
	assert.Equal(t, w.Provider.Cert.Raw, b.Bytes)
	k, _ := pem.Decode(w.Provider.KeyPEM())
	require.NotNil(t, k)
	key, err := x509.ParsePKCS8PrivateKey(k.Bytes)
	require.NoError(t, err)
	assert.True(t, key.(*rsa.PrivateKey).PublicKey.Equal(w.Provider.Cert.PublicKey))
}
