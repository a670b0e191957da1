package cms

import (
	"crypto"
	_ "crypto/sha1" // register crypto.SHA1
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
	"fmt"
	"hash"
)

var (
	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

var supportedHashes = []struct {
	h    crypto.Hash
	oid  asn1.ObjectIdentifier
	name string
}{
	{crypto.SHA1, oidSHA1, "sha1"},
	{crypto.SHA256, oidSHA256, "sha256"},
	{crypto.SHA384, oidSHA384, "sha384"},
	{crypto.SHA512, oidSHA512, "sha512"},
}

// hashForOID maps a digestAlgorithm OID to its hash, 0 when unsupported.
func hashForOID(oid asn1.ObjectIdentifier) crypto.Hash {
	for _, s := range supportedHashes {
		if s.oid.Equal(oid) {
			return s.h
		}
	}
	return 0
}

func oidForHash(h crypto.Hash) asn1.ObjectIdentifier {
	for _, s := range supportedHashes {
		if s.h == h {
			return s.oid
		}
	}
	return nil
}

func hashName(h crypto.Hash) string {
	for _, s := range supportedHashes {
		if s.h == h {
			return s.name
		}
	}
	return ""
}

// NewHash returns a new hash.Hash for h, which must be SHA-1, SHA-256, SHA-384 or
// SHA-512; anything else gives ErrUnsupportedAlgorithm. Use it to hash content as
// it streams and pass the sum to [Sign] or [Signer.Verify].
func NewHash(h crypto.Hash) (hash.Hash, error) {
	if oidForHash(h) == nil {
		return nil, fmt.Errorf("%w: digest %v", ErrUnsupportedAlgorithm, h)
	}
	return h.New(), nil
}

// Sum returns the digest of data with h (see [NewHash] for the accepted hashes).
func Sum(h crypto.Hash, data []byte) ([]byte, error) {
	hh, err := NewHash(h)
	if err != nil {
		return nil, err
	}
	hh.Write(data)
	return hh.Sum(nil), nil
}
