package envelope_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testpki"
)

// verifyCase is one row of the verification case table.
type verifyCase struct {
	name     string
	raw      func(t *testing.T) []byte
	opts     func(o *envelope.VerifyOptions) // edits the options (Trust = world root by default)
	status   envelope.Status
	reason   error    // nil for valid
	findings []string // codes that must be present
	check    func(t *testing.T, r *envelope.Report)
	// onceReason, when set, is the reason VerifyReader gives instead (a digest it
	// cannot compute in one pass).
	onceReason error
}

// verifyCases is the verification case table, shared by TestVerifyCases (Verify)
// and TestVerifyStreamingCases (the streaming verifiers).
func verifyCases(t *testing.T) []verifyCase {
	w := world()
	ecLeaf := w.CA.NewProvider("EC PEC S.p.A.", "posta-certificata@pec.ec.example.it", testpki.KeyECDSAP256(0))
	p384Leaf := w.CA.NewProvider("EC PEC S.p.A.", "posta-certificata@pec.ec.example.it", testpki.KeyECDSAP384())
	ecCA := w.Root.NewCA("Sigillo Test EC CA", testpki.KeyECDSAP256(1))
	ecUnderEC := ecCA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.KeyECDSAP256(0))
	lookalikeCA := w.CA.SelfSignedLookalike()
	lookalikeLeaf := lookalikeCA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail)
	selfSignedLeaf := w.Provider.SelfSignedLookalike()
	expiredLeaf := w.CA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail,
		testpki.Validity(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)))
	wrongKU := w.CA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.KeyUsage(x509.KeyUsageKeyEncipherment))
	noKU := w.CA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.KeyUsage(0))
	wrongEKU := w.CA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.ExtKeyUsage(x509.ExtKeyUsageServerAuth))
	noEKU := w.CA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.NoEKU())
	noSAN := w.CA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.NoSAN())
	constrainedCA := w.Root.NewCA("Sigillo Test Constrained CA", testpki.PermittedEmailDomains("pec.example.org"))
	outsideNC := constrainedCA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail)
	insideNC := constrainedCA.NewProvider(testpki.OtherProviderOrg, testpki.OtherProviderEmail, testpki.KeyRSA2048(3))
	underLeaf := w.OtherProvider.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail)
	legacyCA := w.Root.NewCA("Sigillo Test Legacy CA", testpki.SignatureSHA1())
	legacyLeaf := legacyCA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.KeyRSA1024(0), testpki.SignatureSHA1(), testpki.NoEKU())

	// A DigitPA-era world: SHA-1 certificate signatures and an RSA-1024 leaf,
	// valid 2014-2019 so that signatures on either side of the era end verify.
	eraRoot := testpki.NewRoot("Sigillo Test Era Root", testpki.Validity(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	eraCA := eraRoot.NewCA("Sigillo Test Era CA", testpki.SignatureSHA1(), testpki.Validity(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	eraLeaf := eraCA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.KeyRSA1024(0), testpki.SignatureSHA1(), testpki.NoEKU(),
		testpki.Validity(time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)))
	// A modern CA whose leaf alone has a short RSA key.
	shortLeaf := w.CA.NewProvider(testpki.ProviderOrg, testpki.ProviderEmail, testpki.KeyRSA1024(0),
		testpki.Validity(time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	trustEra := func(o *envelope.VerifyOptions) {
		tr := envelope.NewTrust()
		tr.AddCert(eraRoot.Cert)
		o.Trust = tr
	}
	eraMsg := func(at time.Time) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			return build(t, msg{id: eraLeaf, digest: crypto.SHA1, legacy: true, signed: at, entity: pecEntity(at)})
		}
	}
	pinNow := func(now time.Time) func(o *envelope.VerifyOptions) {
		return func(o *envelope.VerifyOptions) { o.Now = func() time.Time { return now } }
	}
	leafFrom := w.Provider.Cert.NotBefore

	other := pecEntity(signTime.Add(time.Hour))
	otherP7S := func(t *testing.T) []byte { return p7sOf(t, build(t, msg{entity: other})) }
	pinAt := func(at time.Time) func(o *envelope.VerifyOptions) {
		return func(o *envelope.VerifyOptions) { o.At = at }
	}
	trustCA := func(o *envelope.VerifyOptions) {
		tr := envelope.NewTrust()
		tr.AddCert(w.CA.Cert)
		o.Trust = tr
	}
	cmsFixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "internal", "cms", "testdata", name))
		if err != nil {
			t.Skipf("internal/cms fixture %s: %v", name, err)
		}
		return b
	}
	// berMessage builds a message around a detached BER signature of
	// internal/cms/testdata/content.txt.
	berMessage := func(sig, from string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			content := cmsFixture("content.txt")
			body := append([]byte("--b\r\n"), content...)
			body = append(body, "\r\n--b\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\nAA==\r\n--b--\r\n"...)
			raw := outer(from, signTime, "", `multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b"`, body)
			return withP7S(t, raw, cmsFixture(sig))
		}
	}
	berAt := func(o *envelope.VerifyOptions) { o.TimeTolerance = 100 * 365 * 24 * time.Hour }

	tests := []verifyCase{
		// Digests and key types.
		{name: "rsa sha-256", raw: func(t *testing.T) []byte { return build(t, msg{}) }, status: envelope.StatusValid,
			check: func(t *testing.T, r *envelope.Report) {
				assert.Equal(t, crypto.SHA256, r.Digest)
				assert.Equal(t, "sha-256", r.DigestName)
				assert.Equal(t, testpki.ProviderOrg, r.Provider)
				assert.Equal(t, testpki.ProviderEmail, r.Sender)
				assert.Equal(t, signTime, r.SigningTime.UTC())
				assert.Equal(t, signTime, r.EvaluatedAt.UTC())
				require.Len(t, r.Chain, 3)
				assert.Equal(t, w.Provider.Cert, r.Signer)
				assert.Equal(t, testpki.RootName, r.Anchor)
				assert.False(t, r.Legacy)
				assert.Empty(t, r.Findings)
				assert.NoError(t, r.Err)
			}},
		{name: "rsa sha1 x-pkcs7 (weak digest)", raw: func(t *testing.T) []byte { return build(t, msg{digest: crypto.SHA1, legacy: true}) },
			status: envelope.StatusValid, findings: []string{envelope.FindingWeakDigest},
			check: func(t *testing.T, r *envelope.Report) {
				assert.Equal(t, "sha1", r.DigestName)
				assert.Equal(t, envelope.ProtocolXPKCS7, r.Signed.Protocol)
			}},
		{name: "rsa sha-384", raw: func(t *testing.T) []byte { return build(t, msg{digest: crypto.SHA384}) }, status: envelope.StatusValid},
		{name: "rsa sha-512", raw: func(t *testing.T) []byte { return build(t, msg{digest: crypto.SHA512}) }, status: envelope.StatusValid},
		{name: "ecdsa p-256 leaf", raw: func(t *testing.T) []byte { return build(t, msg{id: ecLeaf}) }, status: envelope.StatusValid},
		{name: "ecdsa p-384 leaf sha-384", raw: func(t *testing.T) []byte { return build(t, msg{id: p384Leaf, digest: crypto.SHA384}) }, status: envelope.StatusValid},
		{name: "ecdsa leaf under ecdsa ca", raw: func(t *testing.T) []byte { return build(t, msg{id: ecUnderEC, digest: crypto.SHA512}) }, status: envelope.StatusValid},
		{name: "ber indefinite rsa sha-256", raw: berMessage("rsa-sha256-detached.ber", testpki.ProviderEmail), opts: berAt, status: envelope.StatusValid},
		{name: "ber indefinite rsa sha1", raw: berMessage("rsa-sha1-detached.ber", testpki.ProviderEmail), opts: berAt, status: envelope.StatusValid,
			findings: []string{envelope.FindingWeakDigest, envelope.FindingMicalgMismatch}},
		{name: "ber indefinite ecdsa sha-256", raw: berMessage("ecdsa-sha256-detached.ber", "posta-certificata@pec.ec.example.it"), opts: berAt, status: envelope.StatusValid},
		{name: "der openssl sha-512", raw: berMessage("rsa-sha512.der", testpki.ProviderEmail), opts: berAt, status: envelope.StatusValid,
			findings: []string{envelope.FindingMicalgMismatch}, onceReason: envelope.ErrUnsupportedAlgorithm},
		{name: "openssl multipart/signed with mixed line ends", raw: func(t *testing.T) []byte {
			b, err := os.ReadFile(filepath.Join("testdata", "openssl-sha256-mixed-eol.eml"))
			require.NoError(t, err)
			return b
		}, status: envelope.StatusValid},
		{name: "stored with LF", raw: func(t *testing.T) []byte { return toLF(build(t, msg{})) }, status: envelope.StatusValid,
			findings: []string{envelope.FindingLFLineEndings},
			check:    func(t *testing.T, r *envelope.Report) { assert.True(t, r.Signed.CanonicalisedLF) }},

		// Signers.
		{name: "second signer", raw: func(t *testing.T) []byte {
			a := build(t, msg{})
			b := p7sOf(t, build(t, msg{id: w.OtherProvider}))
			sda, sdb := splitP7S(t, p7sOf(t, a)), splitP7S(t, b)
			sda.SignerInfos = setOf(asn1.ClassUniversal, asn1.TagSet, append(elements(t, sda.SignerInfos), elements(t, sdb.SignerInfos)...)...)
			sda.Certificates = certsField(w.Provider.Cert, w.OtherProvider.Cert, w.CA.Cert)
			return withP7S(t, a, joinP7S(t, sda))
		}, status: envelope.StatusInvalid, reason: envelope.ErrSignerCount},
		{name: "no signer", raw: func(t *testing.T) []byte {
			a := build(t, msg{})
			sd := splitP7S(t, p7sOf(t, a))
			sd.SignerInfos = setOf(asn1.ClassUniversal, asn1.TagSet)
			return withP7S(t, a, joinP7S(t, sd))
		}, status: envelope.StatusInvalid, reason: envelope.ErrSignerCount},
		{name: "wrong signer (certificate not embedded)", raw: func(t *testing.T) []byte {
			return build(t, msg{editP7S: func(der []byte) []byte {
				sd := splitP7S(t, der)
				sd.Certificates = certsField(w.OtherProvider.Cert, w.CA.Cert)
				return joinP7S(t, sd)
			}})
		}, status: envelope.StatusInvalid, reason: envelope.ErrSignerNotFound},
		{name: "signer certificate swapped for another with the same issuer and serial", raw: func(t *testing.T) []byte {
			return build(t, msg{id: w.Provider, editP7S: func(der []byte) []byte {
				// Sign with OtherProvider's key but name Provider's certificate.
				return resign(t, der, w.OtherProvider.Key, crypto.SHA256, func(a []attribute) []attribute { return a })
			}})
		}, status: envelope.StatusInvalid, reason: envelope.ErrBadSignature},
		{name: "no signingTime", raw: func(t *testing.T) []byte {
			return build(t, msg{editP7S: func(der []byte) []byte {
				return resign(t, der, w.Provider.Key, crypto.SHA256, dropAttr(oidSigningTime))
			}})
		}, status: envelope.StatusUntrusted, reason: envelope.ErrNoSigningTime},
		{name: "no signingTime, evaluation time given", raw: func(t *testing.T) []byte {
			return build(t, msg{editP7S: func(der []byte) []byte {
				return resign(t, der, w.Provider.Key, crypto.SHA256, dropAttr(oidSigningTime))
			}})
		}, opts: pinAt(signTime), status: envelope.StatusValid},
		{name: "missing messageDigest", raw: func(t *testing.T) []byte {
			return build(t, msg{editP7S: func(der []byte) []byte {
				return resign(t, der, w.Provider.Key, crypto.SHA256, dropAttr(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}))
			}})
		}, status: envelope.StatusInvalid, reason: envelope.ErrBadSignature},

		// Integrity.
		{name: "tampered header inside the signed entity", raw: func(t *testing.T) []byte {
			return build(t, msg{editBody: func(b []byte) []byte {
				return bytes.Replace(b, []byte("charset=\"iso-8859-1\""), []byte("charset=\"iso-8859-2\""), 1)
			}})
		}, status: envelope.StatusInvalid, reason: envelope.ErrDigestMismatch},
		{name: "tampered attachment", raw: func(t *testing.T) []byte {
			return build(t, msg{editBody: func(b []byte) []byte {
				i := bytes.Index(b, []byte("filename=\"daticert.xml\""))
				j := i + bytes.Index(b[i:], []byte("\r\n\r\n")) + 10
				b[j] ^= 0x01
				return b
			}})
		}, status: envelope.StatusInvalid, reason: envelope.ErrDigestMismatch},
		{name: "trailing space stripped from the signed entity", raw: func(t *testing.T) []byte {
			return build(t, msg{entity: append(pecEntity(signTime), "trailer   "...), editBody: func(b []byte) []byte {
				return bytes.Replace(b, []byte("trailer   "), []byte("trailer"), 1)
			}})
		}, status: envelope.StatusInvalid, reason: envelope.ErrDigestMismatch},
		{name: "swapped smime.p7s from another message", raw: func(t *testing.T) []byte {
			return withP7S(t, build(t, msg{}), otherP7S(t))
		}, status: envelope.StatusInvalid, reason: envelope.ErrDigestMismatch},
		{name: "truncated smime.p7s", raw: func(t *testing.T) []byte {
			return build(t, msg{editP7S: func(der []byte) []byte { return der[:len(der)/2] }})
		}, status: envelope.StatusMalformed, reason: envelope.ErrMalformed},

		// Trust.
		{name: "anchor at the PEC CA", raw: func(t *testing.T) []byte { return build(t, msg{}) }, opts: trustCA, status: envelope.StatusValid,
			check: func(t *testing.T, r *envelope.Report) { assert.Len(t, r.Chain, 2) }},
		{name: "anchor by key only, CA certificate from the signature", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: func(o *envelope.VerifyOptions) {
				tr := envelope.NewTrust()
				tr.AddAnchor(envelope.Anchor{Name: "test CA key", SPKISHA256: envelope.SPKIHash(w.CA.Cert)})
				o.Trust = tr
			}, status: envelope.StatusValid},
		{name: "intermediate from the trust, not embedded", raw: func(t *testing.T) []byte { return build(t, msg{noChain: true}) },
			opts: func(o *envelope.VerifyOptions) {
				tr := trustRoot(w)
				tr.AddIntermediate(w.CA.Cert)
				o.Trust = tr
			}, status: envelope.StatusValid},
		{name: "intermediate missing", raw: func(t *testing.T) []byte { return build(t, msg{noChain: true}) },
			status: envelope.StatusUntrusted, reason: envelope.ErrUnknownAuthority},
		{name: "root pool (crypto/x509 path building)", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: func(o *envelope.VerifyOptions) {
				tr := envelope.NewTrust()
				tr.AddPool(w.Roots())
				o.Trust = tr
			}, status: envelope.StatusValid},
		{name: "default trust does not know the test PKI", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: func(o *envelope.VerifyOptions) { o.Trust = nil }, status: envelope.StatusUntrusted, reason: envelope.ErrUnknownAuthority},
		{name: "empty trust", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: func(o *envelope.VerifyOptions) { o.Trust = envelope.NewTrust() }, status: envelope.StatusUntrusted, reason: envelope.ErrUnknownAuthority},
		{name: "lookalike CA (same name, other key)", raw: func(t *testing.T) []byte {
			return build(t, msg{id: lookalikeLeaf, chain: []*x509.Certificate{lookalikeCA.Cert}})
		}, status: envelope.StatusUntrusted, reason: envelope.ErrUnknownAuthority},
		{name: "lookalike CA, real CA also embedded", raw: func(t *testing.T) []byte {
			return build(t, msg{id: lookalikeLeaf, chain: []*x509.Certificate{lookalikeCA.Cert, w.CA.Cert}})
		}, opts: trustCA, status: envelope.StatusUntrusted, reason: envelope.ErrUnknownAuthority},
		{name: "self-signed lookalike signer", raw: func(t *testing.T) []byte {
			return build(t, msg{id: selfSignedLeaf, chain: []*x509.Certificate{w.CA.Cert}})
		}, status: envelope.StatusUntrusted, reason: envelope.ErrUnknownAuthority},
		{name: "certificate from another CA", raw: func(t *testing.T) []byte { return build(t, msg{id: ecUnderEC}) },
			opts: trustCA, status: envelope.StatusUntrusted, reason: envelope.ErrUnknownAuthority},
		{name: "issuer is not a CA", raw: func(t *testing.T) []byte {
			return build(t, msg{id: underLeaf, chain: []*x509.Certificate{w.OtherProvider.Cert, w.CA.Cert}})
		}, status: envelope.StatusUntrusted, reason: envelope.ErrCAConstraint},
		{name: "name constraints exclude the signer address", raw: func(t *testing.T) []byte { return build(t, msg{id: outsideNC}) },
			status: envelope.StatusUntrusted, reason: envelope.ErrNameConstraint},
		{name: "name constraints permit the signer address", raw: func(t *testing.T) []byte { return build(t, msg{id: insideNC}) },
			status: envelope.StatusValid},
		{name: "legacy chain on a 2025 signature: out of era", raw: func(t *testing.T) []byte {
			return build(t, msg{id: legacyLeaf, digest: crypto.SHA1, legacy: true})
		}, status: envelope.StatusUntrusted, reason: envelope.ErrLegacyCryptoOutOfEra, findings: []string{envelope.FindingLegacyChain, envelope.FindingWeakDigest},
			check: func(t *testing.T, r *envelope.Report) { assert.True(t, r.Legacy) }},
		{name: "legacy chain in the DigitPA era (2016)", raw: eraMsg(time.Date(2016, 5, 2, 9, 0, 0, 0, time.UTC)), opts: trustEra,
			status: envelope.StatusValid, findings: []string{envelope.FindingLegacyChain, envelope.FindingWeakDigest},
			check: func(t *testing.T, r *envelope.Report) { assert.True(t, r.Legacy) }},
		{name: "legacy chain signed at the end of the era", raw: eraMsg(envelope.DigitPACA1NotAfter()), opts: trustEra,
			status: envelope.StatusValid, findings: []string{envelope.FindingLegacyChain}},
		{name: "legacy chain signed one second after the era", raw: eraMsg(envelope.DigitPACA1NotAfter().Add(time.Second)), opts: trustEra,
			status: envelope.StatusUntrusted, reason: envelope.ErrLegacyCryptoOutOfEra},
		{name: "RSA-1024 leaf under a SHA-256 CA in 2025", raw: func(t *testing.T) []byte { return build(t, msg{id: shortLeaf}) },
			status: envelope.StatusUntrusted, reason: envelope.ErrLegacyCryptoOutOfEra},
		{name: "RSA-1024 leaf under a SHA-256 CA in 2016", raw: func(t *testing.T) []byte {
			at := time.Date(2016, 5, 2, 9, 0, 0, 0, time.UTC)
			return build(t, msg{id: shortLeaf, signed: at, entity: pecEntity(at)})
		}, opts: func(o *envelope.VerifyOptions) {
			// The CA's own validity starts in 2020: trust it by key only.
			tr := envelope.NewTrust()
			tr.AddAnchor(envelope.Anchor{Name: "CA key", SPKISHA256: envelope.SPKIHash(w.CA.Cert)})
			o.Trust = tr
		}, status: envelope.StatusValid, findings: []string{envelope.FindingLegacyChain}},
		{name: "anchor window ends before the signing time (DigitPA after 2018-01-14)", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: func(o *envelope.VerifyOptions) {
				tr := envelope.NewTrust()
				tr.AddAnchor(envelope.Anchor{Name: "old CA key", SPKISHA256: envelope.SPKIHash(w.CA.Cert), NotAfter: signTime.Add(-time.Hour)})
				o.Trust = tr
			}, status: envelope.StatusUntrusted, reason: envelope.ErrAnchorNotValidAt},

		// Time.
		{name: "expired at signing time", raw: func(t *testing.T) []byte { return build(t, msg{id: expiredLeaf}) },
			status: envelope.StatusUntrusted, reason: envelope.ErrCertExpired,
			check: func(t *testing.T, r *envelope.Report) {
				var ve *envelope.VerifyError
				require.ErrorAs(t, r.Err, &ve)
				assert.Equal(t, expiredLeaf.Cert, ve.Cert)
			}},
		{name: "not yet valid at signing time", raw: func(t *testing.T) []byte {
			return build(t, msg{signed: time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), entity: pecEntity(time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC))})
		}, status: envelope.StatusUntrusted, reason: envelope.ErrCertNotYetValid},
		{name: "evaluated at a later time (leaf expired)", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: pinAt(time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC)), status: envelope.StatusUntrusted, reason: envelope.ErrCertExpired},
		{name: "signingTime as GeneralizedTime for 2025 (RFC 5652 11.3)", raw: func(t *testing.T) []byte {
			return build(t, msg{editP7S: func(der []byte) []byte {
				return resign(t, der, w.Provider.Key, crypto.SHA256, func(as []attribute) []attribute {
					for i := range as {
						if as[i].Type.Equal(oidSigningTime) {
							v, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagGeneralizedTime, Bytes: []byte("20250314100000Z")})
							require.NoError(t, err)
							as[i].Values = setOf(asn1.ClassUniversal, asn1.TagSet, v)
						}
					}
					return as
				})
			}})
		}, status: envelope.StatusMalformed, reason: envelope.ErrMalformed},
		{name: "signingTime in the future", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: pinNow(signTime.Add(-time.Hour)), status: envelope.StatusUntrusted, reason: envelope.ErrSigningTimeInFuture},
		{name: "signingTime ahead of the clock by the tolerance", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: pinNow(signTime.Add(-envelope.DefaultTimeTolerance)), status: envelope.StatusValid},
		{name: "signingTime ahead of the clock by the tolerance and one second", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: pinNow(signTime.Add(-envelope.DefaultTimeTolerance - time.Second)), status: envelope.StatusUntrusted, reason: envelope.ErrSigningTimeInFuture},
		{name: "signingTime later than the evaluation time", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: pinAt(signTime.Add(-time.Hour)), status: envelope.StatusUntrusted, reason: envelope.ErrSigningTimeInFuture},
		{name: "signingTime later than the evaluation time by the tolerance", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts: pinAt(signTime.Add(-envelope.DefaultTimeTolerance)), status: envelope.StatusValid},
		{name: "signingTime before the signer validity, evaluated at a valid time", raw: func(t *testing.T) []byte {
			return build(t, msg{signed: time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), date: signTime, entity: pecEntity(time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC))})
		}, opts: pinAt(signTime), status: envelope.StatusUntrusted, reason: envelope.ErrKeyOutsideValidity},
		{name: "Date header before the signer validity", raw: func(t *testing.T) []byte {
			return build(t, msg{date: time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)})
		}, status: envelope.StatusUntrusted, reason: envelope.ErrKeyOutsideValidity},
		{name: "Date header before the signer validity by the tolerance", raw: func(t *testing.T) []byte {
			return build(t, msg{signed: leafFrom.Add(time.Minute), date: leafFrom.Add(-envelope.DefaultTimeTolerance), entity: pecEntity(leafFrom.Add(time.Minute))})
		}, status: envelope.StatusValid},
		{name: "Date header before the signer validity by the tolerance and one second", raw: func(t *testing.T) []byte {
			return build(t, msg{signed: leafFrom.Add(time.Minute), date: leafFrom.Add(-envelope.DefaultTimeTolerance - time.Second), entity: pecEntity(leafFrom.Add(time.Minute))})
		}, status: envelope.StatusUntrusted, reason: envelope.ErrKeyOutsideValidity},
		// Time cross-checks (Date, daticert) are package pec's: envelope reports none.
		{name: "Date header skew is not envelope's", raw: func(t *testing.T) []byte { return build(t, msg{date: signTime.Add(time.Hour)}) },
			status: envelope.StatusValid, check: func(t *testing.T, r *envelope.Report) {
				assert.False(t, r.HasFinding(envelope.FindingTimeSkewDate))
			}},

		// Key usage and identity.
		{name: "wrong key usage", raw: func(t *testing.T) []byte { return build(t, msg{id: wrongKU}) }, status: envelope.StatusUntrusted, reason: envelope.ErrKeyUsage},
		{name: "no key usage", raw: func(t *testing.T) []byte { return build(t, msg{id: noKU}) }, status: envelope.StatusUntrusted, reason: envelope.ErrKeyUsage},
		{name: "wrong extended key usage", raw: func(t *testing.T) []byte { return build(t, msg{id: wrongEKU}) }, status: envelope.StatusUntrusted, reason: envelope.ErrExtKeyUsage},
		{name: "no extended key usage (2014 profile)", raw: func(t *testing.T) []byte { return build(t, msg{id: noEKU}) }, status: envelope.StatusValid},
		{name: "SAN does not match From", raw: func(t *testing.T) []byte { return build(t, msg{from: "posta-certificata@pec.impostor.it"}) },
			status: envelope.StatusUntrusted, reason: envelope.ErrSenderMismatch},
		{name: "signed by another provider than From", raw: func(t *testing.T) []byte { return build(t, msg{id: w.OtherProvider, from: testpki.ProviderEmail}) },
			status: envelope.StatusUntrusted, reason: envelope.ErrSenderMismatch},
		{name: "Sender option overrides From", raw: func(t *testing.T) []byte { return build(t, msg{from: "someone@example.it"}) },
			opts: func(o *envelope.VerifyOptions) { o.Sender = testpki.ProviderEmail }, status: envelope.StatusValid},
		{name: "no SAN", raw: func(t *testing.T) []byte { return build(t, msg{id: noSAN, from: testpki.ProviderEmail}) },
			status: envelope.StatusUntrusted, reason: envelope.ErrSenderMismatch},
		{name: "envelope From: Per conto di", raw: func(t *testing.T) []byte {
			return build(t, msg{from: `"Per conto di: mittente@pec.example.it" <` + testpki.ProviderEmail + `>`})
		}, status: envelope.StatusValid,
			check: func(t *testing.T, r *envelope.Report) { assert.Equal(t, testpki.ProviderEmail, r.Sender) }},
		{name: "From with unquoted address as display name", raw: func(t *testing.T) []byte {
			return build(t, msg{from: testpki.ProviderEmail + " <" + testpki.ProviderEmail + ">"})
		}, status: envelope.StatusValid},

		// Structure.
		{name: "micalg disagrees with the digest", raw: func(t *testing.T) []byte {
			m := msg{}
			raw := build(t, m)
			return bytes.Replace(raw, []byte(`micalg="sha-256"`), []byte(`micalg="sha-512"`), 1)
		}, status: envelope.StatusValid, findings: []string{envelope.FindingMicalgMismatch}},
		{name: "wrapped by a relay in multipart/mixed", raw: func(t *testing.T) []byte {
			inner := build(t, msg{})
			s, err := envelope.Locate(inner, nil)
			require.NoError(t, err)
			ct := "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=\"sha-256\"; boundary=\"" + s.Boundary + "\""
			body := "--relay\r\nContent-Type: " + ct + "\r\n\r\n" + string(inner[bytes.Index(inner, []byte("\r\n\r\n"))+4:]) +
				"\r\n--relay\r\nContent-Type: text/plain\r\n\r\nList footer\r\n--relay--\r\n"
			return outer(testpki.ProviderEmail, signTime, "", `multipart/mixed; boundary="relay"`, []byte(body))
		}, status: envelope.StatusValid, findings: []string{envelope.FindingWrapped},
			check: func(t *testing.T, r *envelope.Report) {
				assert.True(t, r.Signed.Wrapped)
				assert.Equal(t, envelope.WrapMultipart, r.Signed.Wrapping)
			}},
		{name: "forwarded as message/rfc822 attachment: not this message's signature", raw: func(t *testing.T) []byte {
			inner := build(t, msg{})
			body := "--fwd\r\nContent-Type: text/plain\r\n\r\nForwarded PEC\r\n--fwd\r\nContent-Type: message/rfc822\r\n\r\n" + string(inner) + "\r\n--fwd--\r\n"
			return outer("gateway@example.org", signTime, "", `multipart/mixed; boundary="fwd"`, []byte(body))
		}, status: envelope.StatusAbsent, reason: envelope.ErrNotSigned},
		{name: "wrapped, unwrapping disabled", raw: func(t *testing.T) []byte {
			inner := build(t, msg{})
			body := "--fwd\r\nContent-Type: message/rfc822\r\n\r\n" + string(inner) + "\r\n--fwd--\r\n"
			return outer("gateway@example.org", signTime, "", `multipart/mixed; boundary="fwd"`, []byte(body))
		}, opts: func(o *envelope.VerifyOptions) { o.NoUnwrap = true }, status: envelope.StatusAbsent, reason: envelope.ErrNotSigned},
		{name: "plain message", raw: func(t *testing.T) []byte {
			return outer(testpki.ProviderEmail, signTime, "", "text/plain", []byte("hello\r\n"))
		}, status: envelope.StatusAbsent, reason: envelope.ErrNotSigned},
		{name: "PGP multipart/signed", raw: func(t *testing.T) []byte {
			return bytes.Replace(build(t, msg{}), []byte(`protocol="application/pkcs7-signature"`), []byte(`protocol="application/pgp-signature"`), 1)
		}, status: envelope.StatusAbsent, reason: envelope.ErrNotSigned},
		{name: "signature part missing", raw: func(t *testing.T) []byte {
			raw := build(t, msg{})
			s, err := envelope.Locate(raw, nil)
			require.NoError(t, err)
			i := bytes.Index(raw, []byte("\r\n--"+s.Boundary+"\r\nContent-Type: application/pkcs7"))
			return append(raw[:i:i], "\r\n--"+s.Boundary+"--\r\n"...)
		}, status: envelope.StatusMalformed, reason: envelope.ErrMalformed},
		{name: "signature larger than the limit", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts:   func(o *envelope.VerifyOptions) { o.Limits.MaxSignatureBytes = 512 },
			status: envelope.StatusMalformed, reason: envelope.ErrTooLarge},
		{name: "message larger than the limit", raw: func(t *testing.T) []byte { return build(t, msg{}) },
			opts:   func(o *envelope.VerifyOptions) { o.Limits.MaxMessageBytes = 1024 },
			status: envelope.StatusMalformed, reason: envelope.ErrTooLarge},
	}
	return tests
}

func TestVerifyCases(t *testing.T) {
	t.Parallel()
	w := world()
	for _, tc := range verifyCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := tc.raw(t)
			o := &envelope.VerifyOptions{Trust: trustRoot(w)}
			if tc.opts != nil {
				tc.opts(o)
			}
			r := envelope.Verify(raw, o)
			require.NotNil(t, r)
			assert.Equal(t, tc.status, r.Status, "err: %v", r.Err)
			if tc.reason == nil {
				assert.NoError(t, r.Err)
			} else {
				require.ErrorIs(t, r.Err, tc.reason)
				var ve *envelope.VerifyError
				require.ErrorAs(t, r.Err, &ve)
				assert.Equal(t, tc.reason, ve.Reason)
			}
			assert.Equal(t, envelope.ReasonCode(tc.reason), r.Code)
			for _, code := range tc.findings {
				assert.True(t, r.HasFinding(code), "finding %s missing from %v", code, r.Findings)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}
