package envelope

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/sigillo/sigillo/internal/cms"
)

// SignWith signs d and returns the complete message: the outer header, then
// MIME-Version and a multipart/signed Content-Type, the preamble "This is an
// S/MIME signed message", d.Content exactly as built, and smime.p7s, a
// detached CMS SignedData by key over those bytes with signingTime d.Time
// and the certificates cert and chain embedded.
//
// digest 0 means SHA-256, announced as protocol
// "application/pkcs7-signature" with micalg "sha-256"; crypto.SHA1 (for
// compatibility with the OpenPEC platforms) is announced as
// "application/x-pkcs7-signature" with "sha1" as those providers write it.
// With an RSA key the output is a pure function of its inputs.
//
// TEMPORARY ADAPTER: this assembles multipart/signed itself on
// internal/cms.Sign until the package's signing wrapper lands; it will
// then delegate to it.
func (d *Draft) SignWith(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, digest crypto.Hash) ([]byte, error) {
	if d == nil || len(d.Content) == 0 {
		return nil, fmt.Errorf("%w: empty draft", ErrBuild)
	}
	if digest == 0 {
		digest = crypto.SHA256
	}
	protocol, micalg := "application/pkcs7-signature", "sha-256"
	switch digest {
	case crypto.SHA256:
	case crypto.SHA1:
		protocol, micalg = "application/x-pkcs7-signature", "sha1"
	case crypto.SHA384:
		micalg = "sha-384"
	case crypto.SHA512:
		micalg = "sha-512"
	default:
		return nil, fmt.Errorf("%w: unsupported digest %v", ErrBuild, digest)
	}
	h := digest.New()
	h.Write(d.Content)
	sum := h.Sum(nil)
	p7s, err := cms.Sign(sum, cms.SignOptions{Cert: cert, Chain: chain, Key: key, Digest: digest, SigningTime: d.Time})
	if err != nil {
		return nil, fmt.Errorf("envelope: sign: %w", err)
	}
	boundary := "----" + strings.ToUpper(hex.EncodeToString(sum[:16]))

	var b bytes.Buffer
	b.Grow(len(d.Content) + len(p7s)*4/3 + 2048)
	for _, f := range d.Header {
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Value)
		b.WriteString("\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/signed; protocol=\"" + protocol + "\"; micalg=\"" + micalg + "\"; boundary=\"" + boundary + "\"\r\n")
	b.WriteString("\r\nThis is an S/MIME signed message\r\n\r\n")
	b.WriteString("--" + boundary + "\r\n")
	b.Write(d.Content)
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: " + protocol + "; name=\"smime.p7s\"\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\n")
	b.WriteString("Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(p7s)
	for len(enc) > 64 {
		b.WriteString(enc[:64])
		b.WriteString("\r\n")
		enc = enc[64:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n\r\n--" + boundary + "--\r\n")
	return b.Bytes(), nil
}
