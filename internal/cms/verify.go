package cms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/asn1"
	"fmt"
)

var (
	oidRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA1WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	oidSHA256WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECPublicKey   = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidECDSAWithSHA1 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	oidECDSAWithSHA2 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA3 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA5 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

type sigKind int

const (
	sigRSA sigKind = iota + 1
	sigECDSA
)

// signatureAlgorithms maps a SignerInfo signatureAlgorithm to the key type and, for
// the combined OIDs, the hash they imply (0: taken from digestAlgorithm).
var signatureAlgorithms = []struct {
	oid  asn1.ObjectIdentifier
	kind sigKind
	hash crypto.Hash
}{
	{oidRSAEncryption, sigRSA, 0},
	{oidSHA1WithRSA, sigRSA, crypto.SHA1},
	{oidSHA256WithRSA, sigRSA, crypto.SHA256},
	{oidSHA384WithRSA, sigRSA, crypto.SHA384},
	{oidSHA512WithRSA, sigRSA, crypto.SHA512},
	{oidECPublicKey, sigECDSA, 0},
	{oidECDSAWithSHA1, sigECDSA, crypto.SHA1},
	{oidECDSAWithSHA2, sigECDSA, crypto.SHA256},
	{oidECDSAWithSHA3, sigECDSA, crypto.SHA384},
	{oidECDSAWithSHA5, sigECDSA, crypto.SHA512},
}

// Verify checks this signer against contentDigest, the digest of the (detached)
// content computed with s.Digest. In order it checks:
//
//  1. the digest algorithm is supported (else ErrUnsupportedAlgorithm);
//  2. signed attributes are present (else ErrMissingAttribute: PEC signatures
//     always carry them, and signing the bare content is not accepted);
//  3. the contentType attribute is present (else ErrMissingAttribute) and equals
//     the encapsulated content type, which must be id-data (else ErrMalformed);
//  4. the messageDigest attribute is present (else ErrMissingAttribute) and equals
//     contentDigest, compared in constant time (else ErrDigestMismatch);
//  5. the signer certificate was found (else ErrSignerNotFound);
//  6. the signature over RawSignedAttrs verifies with the certificate's public key:
//     RSA PKCS#1 v1.5 (signatureAlgorithm rsaEncryption or shaNWithRSAEncryption)
//     or ECDSA (ecdsa-with-SHAn or id-ecPublicKey), hashed with s.Digest (else
//     ErrBadSignature; an unknown signatureAlgorithm, or one naming a different
//     hash than digestAlgorithm, gives ErrUnsupportedAlgorithm).
//
// SHA-1 is accepted. Verify makes no trust decision: chain, key usage, validity
// period and revocation are the caller's policy.
func (s *Signer) Verify(contentDigest []byte) error {
	if s.Digest == 0 {
		return fmt.Errorf("%w: digest algorithm %v", ErrUnsupportedAlgorithm, s.DigestAlgorithm)
	}
	if s.RawSignedAttrs == nil {
		return fmt.Errorf("%w: signer has no signed attributes", ErrMissingAttribute)
	}
	if s.ContentType == nil {
		return fmt.Errorf("%w: contentType", ErrMissingAttribute)
	}
	if !s.ContentType.Equal(s.eContentType) || !s.ContentType.Equal(oidData) {
		return malformed("content type %v, want id-data", s.ContentType)
	}
	if s.MessageDigest == nil {
		return fmt.Errorf("%w: messageDigest", ErrMissingAttribute)
	}
	if subtle.ConstantTimeCompare(s.MessageDigest, contentDigest) != 1 {
		return ErrDigestMismatch
	}
	if s.Cert == nil {
		return ErrSignerNotFound
	}
	var kind sigKind
	for _, a := range signatureAlgorithms {
		if a.oid.Equal(s.SignatureAlgorithm) {
			if a.hash != 0 && a.hash != s.Digest {
				return fmt.Errorf("%w: signature algorithm %v with digest %s", ErrUnsupportedAlgorithm, s.SignatureAlgorithm, s.DigestName())
			}
			kind = a.kind
		}
	}
	if kind == 0 {
		return fmt.Errorf("%w: signature algorithm %v", ErrUnsupportedAlgorithm, s.SignatureAlgorithm)
	}
	h := s.Digest.New()
	h.Write(s.RawSignedAttrs)
	sum := h.Sum(nil)
	switch pub := s.Cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if kind != sigRSA {
			return fmt.Errorf("%w: RSA key with signature algorithm %v", ErrBadSignature, s.SignatureAlgorithm)
		}
		if err := rsa.VerifyPKCS1v15(pub, s.Digest, sum, s.Signature); err != nil {
			return fmt.Errorf("%w: %v", ErrBadSignature, err)
		}
	case *ecdsa.PublicKey:
		if kind != sigECDSA {
			return fmt.Errorf("%w: ECDSA key with signature algorithm %v", ErrBadSignature, s.SignatureAlgorithm)
		}
		if !ecdsa.VerifyASN1(pub, sum, s.Signature) {
			return ErrBadSignature
		}
	default:
		return fmt.Errorf("%w: public key %T", ErrUnsupportedAlgorithm, pub)
	}
	return nil
}
