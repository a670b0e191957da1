package cms

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// SignOptions configures [Sign].
type SignOptions struct {
	// Cert is the signer certificate (required). It is embedded first.
	Cert *x509.Certificate
	// Chain holds further certificates to embed (typically the issuing CA).
	Chain []*x509.Certificate
	// Key is the private key of Cert (required): RSA or ECDSA.
	Key crypto.Signer
	// Digest is the digest algorithm: SHA-256 when 0; SHA-1, SHA-384 and SHA-512
	// are also accepted. The content digest passed to Sign must use it.
	Digest crypto.Hash
	// SigningTime is the signingTime attribute (required). It is encoded in UTC,
	// truncated to the second, as UTCTime for years 1950-2049 and GeneralizedTime
	// otherwise (RFC 5652 section 11.3).
	SigningTime time.Time
	// Rand is passed to Key.Sign. When nil and Key is an *rsa.PrivateKey or
	// *ecdsa.PrivateKey, nil is passed, which makes the signature deterministic
	// (PKCS#1 v1.5 always is; ECDSA then follows RFC 6979); for other keys
	// crypto/rand.Reader is used.
	Rand io.Reader

	// Test hooks: sigAlg overrides the signatureAlgorithm OID; attrs edits the
	// signed attributes before they are sorted and signed.
	sigAlg asn1.ObjectIdentifier
	attrs  func([][]byte) [][]byte
}

// Sign returns a DER-encoded ContentInfo holding a detached SignedData over
// content whose digest is contentDigest (computed with opts.Digest; see [NewHash]
// for hashing streamed content). The structure is: version 1, one digestAlgorithm,
// encapContentInfo id-data without content, the certificates opts.Cert and
// opts.Chain, and one SignerInfo (version 1, IssuerAndSerialNumber) with the
// signed attributes contentType, signingTime and messageDigest and the
// signatureAlgorithm rsaEncryption (as PEC providers use) or ecdsa-with-SHAn.
// Every SET OF is sorted as DER requires. With the same inputs and an RSA key the
// output is byte-identical.
func Sign(contentDigest []byte, opts SignOptions) ([]byte, error) {
	if opts.Cert == nil || opts.Key == nil {
		return nil, errors.New("cms: sign: certificate and key are required")
	}
	if opts.Cert.SerialNumber == nil || len(opts.Cert.RawIssuer) == 0 || len(opts.Cert.Raw) == 0 {
		return nil, errors.New("cms: sign: certificate is not a parsed certificate")
	}
	if opts.SigningTime.IsZero() {
		return nil, errors.New("cms: sign: signing time is required")
	}
	h := opts.Digest
	if h == 0 {
		h = crypto.SHA256
	}
	digestOID := oidForHash(h)
	if digestOID == nil {
		return nil, fmt.Errorf("%w: digest %v", ErrUnsupportedAlgorithm, h)
	}
	if len(contentDigest) != h.Size() {
		return nil, fmt.Errorf("cms: sign: content digest is %d bytes, %v needs %d", len(contentDigest), h, h.Size())
	}
	type publicKey interface{ Equal(crypto.PublicKey) bool }
	if pk, ok := opts.Key.Public().(publicKey); !ok || !pk.Equal(opts.Cert.PublicKey) {
		return nil, errors.New("cms: sign: key does not match certificate")
	}
	var sigAlg []byte // DER AlgorithmIdentifier
	switch opts.Key.Public().(type) {
	case *rsa.PublicKey:
		sigAlg = algorithmIdentifier(oidRSAEncryption, true)
	case *ecdsa.PublicKey:
		sigAlg = algorithmIdentifier(map[crypto.Hash]asn1.ObjectIdentifier{
			crypto.SHA1: oidECDSAWithSHA1, crypto.SHA256: oidECDSAWithSHA2,
			crypto.SHA384: oidECDSAWithSHA3, crypto.SHA512: oidECDSAWithSHA5,
		}[h], false)
	default:
		return nil, fmt.Errorf("%w: key type %T", ErrUnsupportedAlgorithm, opts.Key.Public())
	}
	if opts.sigAlg != nil {
		sigAlg = algorithmIdentifier(opts.sigAlg, true)
	}
	digestAlg := algorithmIdentifier(digestOID, false)

	signingTime, err := asn1.Marshal(opts.SigningTime.UTC().Truncate(time.Second))
	if err != nil {
		return nil, fmt.Errorf("cms: sign: signing time: %w", err)
	}
	attrList := [][]byte{
		attribute(oidContentType, mustMarshal(oidData)),
		attribute(oidSigningTime, signingTime),
		attribute(oidMessageDigest, tlv(asn1.TagOctetString, contentDigest)),
	}
	if opts.attrs != nil {
		attrList = opts.attrs(attrList)
	}
	attrs := sortedSet(attrList...)
	signedAttrs := tlv(0x31, attrs...) // what the signature covers
	hh := h.New()
	hh.Write(signedAttrs)
	rnd := opts.Rand
	if rnd == nil {
		switch opts.Key.(type) {
		case *rsa.PrivateKey, *ecdsa.PrivateKey:
		default:
			rnd = rand.Reader
		}
	}
	sig, err := opts.Key.Sign(rnd, hh.Sum(nil), h)
	if err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}

	si := [][]byte{
		mustMarshal(1),
		tlv(0x30, opts.Cert.RawIssuer, mustMarshal(opts.Cert.SerialNumber)),
		digestAlg,
	}
	if len(attrs) > 0 { // always, except through the test hook
		si = append(si, tlv(0xa0, attrs...)) // [0] IMPLICIT SET OF Attribute
	}
	si = append(si, sigAlg, tlv(asn1.TagOctetString, sig))
	signerInfo := tlv(0x30, si...)
	certs := [][]byte{opts.Cert.Raw}
	for _, c := range opts.Chain {
		certs = append(certs, c.Raw)
	}
	signedData := tlv(0x30,
		mustMarshal(1),
		tlv(0x31, digestAlg),
		tlv(0x30, mustMarshal(oidData)),
		tlv(0xa0, sortedSet(certs...)...), // [0] IMPLICIT CertificateSet
		tlv(0x31, signerInfo),
	)
	return tlv(0x30, mustMarshal(oidSignedData), tlv(0xa0, signedData)), nil
}

// tlv returns the DER element with the one-byte identifier id and the
// concatenation of content as contents.
func tlv(id byte, content ...[]byte) []byte {
	return appendTLV(nil, []byte{id}, bytes.Join(content, nil))
}

func attribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	return tlv(0x30, mustMarshal(oid), tlv(0x31, value))
}

// algorithmIdentifier encodes an AlgorithmIdentifier with NULL or absent parameters.
func algorithmIdentifier(oid asn1.ObjectIdentifier, null bool) []byte {
	if null {
		return tlv(0x30, mustMarshal(oid), []byte{0x05, 0x00})
	}
	return tlv(0x30, mustMarshal(oid))
}

// sortedSet returns the elements in DER SET OF order (X.690 section 11.6): ascending
// as octet strings, the shorter padded with trailing zero octets.
func sortedSet(elems ...[]byte) [][]byte {
	out := slices.Clone(elems)
	slices.SortStableFunc(out, func(a, b []byte) int {
		n := min(len(a), len(b))
		if c := bytes.Compare(a[:n], b[:n]); c != 0 {
			return c
		}
		// Equal prefix: the longer one is larger unless its tail is all zeros.
		tail := a[n:]
		sign := 1
		if len(b) > n {
			tail, sign = b[n:], -1
		}
		for _, c := range tail {
			if c != 0 {
				return sign
			}
		}
		return 0
	})
	return out
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("cms: marshal %T: %v", v, err)) // only fixed, valid values reach here
	}
	return b
}
