package envelope_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testpki"
	"github.com/sigillo/sigillo/internal/testutil"
)

func TestSignRoundTrip(t *testing.T) {
	t.Parallel()
	w := world()
	ec := w.CA.NewProvider("EC PEC S.p.A.", "posta-certificata@pec.ec.example.it", testpki.KeyECDSAP256(0))
	p384 := w.CA.NewProvider("EC PEC S.p.A.", "posta-certificata@pec.ec.example.it", testpki.KeyECDSAP384())
	tests := []struct {
		name   string
		id     *testpki.Identity
		digest crypto.Hash
		micalg string
	}{
		{"rsa default", w.Provider, 0, "sha-256"},
		{"rsa sha1", w.Provider, crypto.SHA1, "sha1"},
		{"rsa sha-256", w.Provider, crypto.SHA256, "sha-256"},
		{"rsa sha-384", w.Provider, crypto.SHA384, "sha-384"},
		{"rsa sha-512", w.Provider, crypto.SHA512, "sha-512"},
		{"ecdsa p-256 sha-256", ec, crypto.SHA256, "sha-256"},
		{"ecdsa p-256 sha1", ec, crypto.SHA1, "sha1"},
		{"ecdsa p-384 sha-384", p384, crypto.SHA384, "sha-384"},
		{"ecdsa p-384 sha-512", p384, crypto.SHA512, "sha-512"},
	}
	for _, tc := range tests {
		for _, legacy := range []bool{false, true} {
			t.Run(tc.name+"/legacy="+strconv.FormatBool(legacy), func(t *testing.T) {
				raw := build(t, msg{id: tc.id, digest: tc.digest, legacy: legacy})
				r := envelope.Verify(raw, &envelope.VerifyOptions{Trust: trustRoot(w)})
				require.Equal(t, envelope.StatusValid, r.Status, "err: %v", r.Err)
				assert.Equal(t, tc.micalg, r.DigestName)
				assert.Equal(t, tc.micalg, r.Signed.Micalg)
				assert.False(t, r.HasFinding(envelope.FindingMicalgMismatch))
				want := envelope.ProtocolPKCS7
				if legacy {
					want = envelope.ProtocolXPKCS7
				}
				assert.Equal(t, want, r.Signed.Protocol)
				assert.Equal(t, want, r.Signed.SignatureType)
			})
		}
	}
}

func TestSignOutput(t *testing.T) {
	t.Parallel()
	w := world()
	s := &envelope.Signer{Cert: w.Provider.Cert, Chain: []*x509.Certificate{w.CA.Cert}, Key: w.Provider.Key}
	entity := pecEntity(signTime)
	a, err := envelope.Sign(entity, s, &envelope.SignOptions{Time: signTime})
	require.NoError(t, err)
	b, err := envelope.Sign(entity, s, &envelope.SignOptions{Time: signTime})
	require.NoError(t, err)
	assert.Equal(t, a.Body, b.Body, "deterministic with an RSA key")
	assert.Equal(t, a.ContentType, b.ContentType)
	assert.Equal(t, entity, a.Entity)
	assert.True(t, bytes.HasPrefix(a.Body, []byte(envelope.SignPreamble+"\r\n\r\n--")))
	assert.False(t, bytes.Contains(toLF(a.Body), []byte("\r")), "CRLF only")

	// The located entity is exactly the entity given.
	located, err := envelope.Locate(outer(testpki.ProviderEmail, signTime, "", a.ContentType, a.Body), nil)
	require.NoError(t, err)
	assert.Equal(t, entity, located.Entity)

	// Another entity gives another boundary; a given boundary is used as is.
	c, err := envelope.Sign(pecEntity(signTime.Add(time.Second)), s, &envelope.SignOptions{Time: signTime.Add(time.Second)})
	require.NoError(t, err)
	assert.NotEqual(t, a.ContentType, c.ContentType)
	d, err := envelope.Sign(entity, s, &envelope.SignOptions{Time: signTime, Boundary: "my-boundary"})
	require.NoError(t, err)
	assert.Contains(t, d.ContentType, `boundary="my-boundary"`)

	// LF input is signed as CRLF.
	e, err := envelope.Sign(toLF(entity), s, &envelope.SignOptions{Time: signTime})
	require.NoError(t, err)
	assert.Equal(t, a.Body, e.Body)
}

func TestSignErrors(t *testing.T) {
	t.Parallel()
	w := world()
	s := &envelope.Signer{Cert: w.Provider.Cert, Key: w.Provider.Key}
	entity := pecEntity(signTime)
	tests := []struct {
		name   string
		entity []byte
		s      *envelope.Signer
		opts   *envelope.SignOptions
	}{
		{"nil signer", entity, nil, &envelope.SignOptions{Time: signTime}},
		{"no key", entity, &envelope.Signer{Cert: w.Provider.Cert}, &envelope.SignOptions{Time: signTime}},
		{"no time", entity, s, nil},
		{"empty entity", nil, s, &envelope.SignOptions{Time: signTime}},
		{"md5", entity, &envelope.Signer{Cert: w.Provider.Cert, Key: w.Provider.Key, Digest: crypto.MD5}, &envelope.SignOptions{Time: signTime}},
		{"boundary in entity", entity, s, &envelope.SignOptions{Time: signTime, Boundary: "----------=_mix"}},
		{"boundary too long", entity, s, &envelope.SignOptions{Time: signTime, Boundary: string(bytes.Repeat([]byte("a"), 71))}},
		{"boundary bad character", entity, s, &envelope.SignOptions{Time: signTime, Boundary: "a\"b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sb, err := envelope.Sign(tc.entity, tc.s, tc.opts)
			require.ErrorIs(t, err, envelope.ErrSign)
			assert.Nil(t, sb)
		})
	}
}

// TestSignOpenSSL checks that openssl accepts what Sign produces, for each digest
// and key type, at the signing time (skipped when openssl is not on PATH).
func TestSignOpenSSL(t *testing.T) {
	t.Parallel()
	w := world()
	ec := w.CA.NewProvider("EC PEC S.p.A.", "posta-certificata@pec.ec.example.it", testpki.KeyECDSAP256(0))
	for _, tc := range []struct {
		name   string
		id     *testpki.Identity
		digest crypto.Hash
	}{
		{"rsa-sha1", w.Provider, crypto.SHA1},
		{"rsa-sha256", w.Provider, crypto.SHA256},
		{"rsa-sha384", w.Provider, crypto.SHA384},
		{"rsa-sha512", w.Provider, crypto.SHA512},
		{"ecdsa-sha256", ec, crypto.SHA256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := build(t, msg{id: tc.id, digest: tc.digest, legacy: tc.digest == crypto.SHA1})
			testutil.OpenSSLVerify(t, raw, w.Root.PEM(), signTime, "-purpose", "smimesign")
		})
	}
}
