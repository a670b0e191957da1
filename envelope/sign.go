package envelope

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/sigillo/sigillo/internal/cms"
	"github.com/sigillo/sigillo/internal/mime"
)

// ErrSign reports invalid signing input (no key, no time, a bad boundary, an
// unsupported digest).
var ErrSign = errors.New("envelope: cannot sign")

// Signer is a provider signing identity.
type Signer struct {
	// Cert is the provider signing certificate.
	Cert *x509.Certificate
	// Chain holds the CA certificates to embed after Cert (PEC providers embed
	// the AgID CA1 certificate).
	Chain []*x509.Certificate
	// Key is the private key of Cert: RSA (signed as rsaEncryption, PKCS#1 v1.5,
	// as PEC providers do) or ECDSA.
	Key crypto.Signer
	// Digest is the message digest: crypto.SHA256 when 0; crypto.SHA1,
	// crypto.SHA384 and crypto.SHA512 are also accepted.
	Digest crypto.Hash
}

// SignOptions configures [Sign].
type SignOptions struct {
	// Time is the signingTime attribute (required: signing reads no clock).
	Time time.Time
	// Boundary is the multipart/signed boundary; "" derives one from the SHA-256
	// of the entity, so the output is a pure function of the input. A given
	// boundary must be 1 to 70 characters of the RFC 2046 bchars set and must not
	// appear as a delimiter inside the entity.
	Boundary string
	// LegacyProtocol announces protocol "application/x-pkcs7-signature" (as the
	// OpenPEC-derived providers do) instead of "application/pkcs7-signature".
	LegacyProtocol bool
}

// SignedBody is a multipart/signed entity body with its Content-Type value.
type SignedBody struct {
	// ContentType is the value of the Content-Type field, e.g.
	// `multipart/signed; protocol="application/pkcs7-signature"; micalg="sha-256"; boundary="..."`.
	ContentType string
	// Body is the multipart/signed body (CRLF line ends): a preamble, the entity
	// exactly as given (after CRLF canonicalisation), and the base64 smime.p7s part.
	Body []byte
	// Entity is the signed entity as embedded (a sub-slice of Body).
	Entity []byte
}

// SignPreamble is the preamble written before the first delimiter, as providers do.
const SignPreamble = "This is an S/MIME signed message"

// Sign wraps entity, a complete MIME entity (header fields, blank line, body),
// into a multipart/signed body with a detached CMS SignedData over exactly the
// entity bytes (RFC 1847, RFC 5751 section 3.5.3). Bare LF in entity is converted
// to CRLF first, since those are the bytes that will be transmitted and verified.
// The signer's certificate and chain are embedded; the micalg parameter matches
// the digest ("sha1" for SHA-1, as PEC providers write it, else "sha-256",
// "sha-384", "sha-512"). With an RSA key (and ECDSA keys per RFC 6979) the output
// is deterministic.
func Sign(entity []byte, s *Signer, opts *SignOptions) (*SignedBody, error) {
	var o SignOptions
	if opts != nil {
		o = *opts
	}
	if s == nil || s.Cert == nil || s.Key == nil {
		return nil, fmt.Errorf("%w: signer certificate and key are required", ErrSign)
	}
	if o.Time.IsZero() {
		return nil, fmt.Errorf("%w: signing time is required", ErrSign)
	}
	digest := s.Digest
	if digest == 0 {
		digest = crypto.SHA256
	}
	micalg := micalgName(digest)
	if micalg == "" {
		return nil, fmt.Errorf("%w: digest %v: %w", ErrSign, digest, ErrUnsupportedAlgorithm)
	}
	if len(entity) == 0 {
		return nil, fmt.Errorf("%w: empty entity", ErrSign)
	}
	entity = mime.CanonicalCRLF(entity)

	boundary := o.Boundary
	if boundary == "" {
		for i := 0; ; i++ {
			sum := sha256.Sum256(append(fmt.Appendf(nil, "%d\x00", i), entity...))
			boundary = "----=_sigillo_" + hex.EncodeToString(sum[:12])
			if !containsDelimiter(entity, boundary) {
				break
			}
		}
	} else if err := checkBoundary(boundary); err != nil {
		return nil, err
	} else if containsDelimiter(entity, boundary) {
		return nil, fmt.Errorf("%w: boundary %q occurs in the entity", ErrSign, boundary)
	}

	h := digest.New()
	h.Write(entity)
	p7s, err := cms.Sign(h.Sum(nil), cms.SignOptions{
		Cert: s.Cert, Chain: s.Chain, Key: s.Key, Digest: digest, SigningTime: o.Time,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSign, err)
	}

	protocol := ProtocolPKCS7
	if o.LegacyProtocol {
		protocol = ProtocolXPKCS7
	}
	var b bytes.Buffer
	b.Grow(len(entity) + len(p7s)*4/3 + 512)
	b.WriteString(SignPreamble + "\r\n\r\n--" + boundary + "\r\n")
	start := b.Len()
	b.Write(entity)
	end := b.Len()
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: " + protocol + "; name=\"smime.p7s\"\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\n")
	b.WriteString("Content-Disposition: attachment; filename=\"smime.p7s\"\r\n")
	b.WriteString("Content-Description: S/MIME Cryptographic Signature\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(p7s)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n\r\n--" + boundary + "--\r\n")
	body := b.Bytes()
	return &SignedBody{
		ContentType: fmt.Sprintf("multipart/signed; protocol=%q; micalg=%q; boundary=%q", protocol, micalg, boundary),
		Body:        body,
		Entity:      body[start:end:end],
	}, nil
}

// containsDelimiter reports whether a line of entity starts with "--"+boundary,
// which would end the signed part early.
func containsDelimiter(entity []byte, boundary string) bool {
	d := []byte("--" + boundary)
	for off := 0; ; {
		i := bytes.Index(entity[off:], d)
		if i < 0 {
			return false
		}
		at := off + i
		if at == 0 || entity[at-1] == '\n' {
			return true
		}
		off = at + 1
	}
}

func checkBoundary(b string) error {
	if len(b) == 0 || len(b) > 70 || b[len(b)-1] == ' ' {
		return fmt.Errorf("%w: boundary must be 1 to 70 characters, not ending in a space", ErrSign)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		ok := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || bytes.IndexByte([]byte("'()+_,-./:=? "), c) >= 0
		if !ok {
			return fmt.Errorf("%w: boundary character %q not allowed", ErrSign, c)
		}
	}
	return nil
}
