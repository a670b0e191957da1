package envelope

import (
	"bytes"
	"crypto"
	"fmt"
)

// Sign signs d with s and returns the complete message: the outer header
// (d.Header), MIME-Version, the multipart/signed Content-Type, and the body
// produced by [Sign] over d.Content exactly as built, with signingTime
// d.Time, so that Date, daticert, the text and the signature share one
// instant. SHA-1 signatures announce the legacy protocol
// "application/x-pkcs7-signature" with micalg "sha1", as the OpenPEC
// platforms do; the others "application/pkcs7-signature". With an RSA key
// the output is a pure function of d and s.
func (d *Draft) Sign(s *Signer) ([]byte, error) {
	if d == nil || len(d.Content) == 0 {
		return nil, fmt.Errorf("%w: empty draft", ErrBuild)
	}
	legacy := s != nil && s.Digest == crypto.SHA1
	sb, err := Sign(d.Content, s, &SignOptions{Time: d.Time, LegacyProtocol: legacy})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(sb.Body) + 1024)
	for _, f := range d.Header {
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Value)
		b.WriteString("\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: " + sb.ContentType + "\r\n\r\n")
	b.Write(sb.Body)
	return b.Bytes(), nil
}
