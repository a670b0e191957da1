package cms

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math"
	"math/big"
	"time"
)

// Default limits (see the package doc, # Limits).
const (
	// DefaultMaxBytes caps the size of the p7s input. Real PEC signatures are
	// detached and hold two or three certificates: about 5 KiB.
	DefaultMaxBytes = 256 << 10
	// DefaultMaxDepth caps the nesting depth of BER/DER elements (the outermost
	// ContentInfo has depth 1). A CMS SignedData with certificates needs about 12.
	DefaultMaxDepth = 32
	// DefaultMaxCertificates caps the number of embedded certificates (PEC: 1-3).
	DefaultMaxCertificates = 16
	// DefaultMaxSigners caps the number of SignerInfos (PEC: exactly 1).
	DefaultMaxSigners = 4
)

// Limits bounds the resources Parse may spend on one input. A nil *Limits, or a
// zero (or negative) field, means the default for that field.
type Limits struct {
	MaxBytes        int // input size; default DefaultMaxBytes
	MaxDepth        int // BER/DER nesting depth; default DefaultMaxDepth
	MaxCertificates int // embedded certificates; default DefaultMaxCertificates
	MaxSigners      int // SignerInfos; default DefaultMaxSigners
	// Cache, when not nil, is the parsed-certificate cache of the caller.
	Cache *CertCache
}

func (l *Limits) withDefaults() Limits {
	var out Limits
	if l != nil {
		out = *l
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&out.MaxBytes, DefaultMaxBytes)
	def(&out.MaxDepth, DefaultMaxDepth)
	def(&out.MaxCertificates, DefaultMaxCertificates)
	def(&out.MaxSigners, DefaultMaxSigners)
	return out
}

// SignedData is a parsed CMS SignedData (RFC 5652 section 5).
type SignedData struct {
	// Certificates are the embedded certificates, in the order found. With
	// Limits.Cache they come from the caller's cache and may be shared with other
	// results: they must not be modified.
	Certificates []*x509.Certificate
	// Signers are all SignerInfos, in the order found (at least one). How many
	// are acceptable is the caller's policy.
	Signers []*Signer
	// ContentType is the encapsulated content type (eContentType), id-data for PEC.
	ContentType asn1.ObjectIdentifier
	// Detached is true when the encapsulated content is absent.
	Detached bool
	// Content is the encapsulated content when not detached, else nil.
	Content []byte
}

// Attribute is a raw CMS attribute.
type Attribute struct {
	Type asn1.ObjectIdentifier
	// Values is the DER of the attribute's SET OF values, tag included.
	Values []byte
}

// Signer is one SignerInfo, decoded. Parse fills every field it can; Verify
// decides whether the signer is acceptable.
type Signer struct {
	// Cert is the signer certificate found by issuer and serial number among the
	// embedded certificates, or nil when absent. It is shared: do not modify it.
	Cert *x509.Certificate
	// Issuer (DER Name) and SerialNumber identify the signer certificate
	// (IssuerAndSerialNumber).
	Issuer       []byte
	SerialNumber *big.Int
	// DigestAlgorithm is the digestAlgorithm OID; Digest is the matching hash
	// (SHA-1, SHA-256, SHA-384 or SHA-512), or 0 when unsupported.
	DigestAlgorithm asn1.ObjectIdentifier
	Digest          crypto.Hash
	// SignatureAlgorithm is the signatureAlgorithm OID (rsaEncryption,
	// shaNWithRSAEncryption, ecdsa-with-SHAn, ...).
	SignatureAlgorithm asn1.ObjectIdentifier
	// Signature is the signature value.
	Signature []byte
	// ContentType is the contentType signed attribute, nil when absent.
	ContentType asn1.ObjectIdentifier
	// MessageDigest is the messageDigest signed attribute, nil when absent.
	MessageDigest []byte
	// SigningTime is the signingTime signed attribute (UTCTime or
	// GeneralizedTime, in UTC), zero when absent.
	SigningTime time.Time
	// SignedAttrs are the signed attributes in the order received, nil when the
	// signer has none.
	SignedAttrs []Attribute
	// RawSignedAttrs is the DER SET OF (tag 0x31) that the signature covers: the
	// received [0] IMPLICIT signedAttrs with the tag replaced. Nil when absent.
	RawSignedAttrs []byte
	// UnsignedAttrs are the unsigned attributes in the order received.
	UnsignedAttrs []Attribute

	eContentType asn1.ObjectIdentifier
}

// DigestName returns the lower-case name of the digest algorithm as used in the
// S/MIME micalg parameter ("sha1", "sha256", "sha384", "sha512"), or the dotted
// OID when unsupported.
func (s *Signer) DigestName() string {
	if n := hashName(s.Digest); n != "" {
		return n
	}
	return s.DigestAlgorithm.String()
}

// OIDs used by this package.
var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
)

// Parse decodes a CMS ContentInfo holding a SignedData, in DER or BER (including
// indefinite lengths). It enforces lim (nil means defaults) before any ASN.1
// decoding, and never panics. On error the result is nil.
func Parse(p7s []byte, lim *Limits) (*SignedData, error) {
	l := lim.withDefaults()
	if len(p7s) > l.MaxBytes {
		return nil, &LimitError{Limit: LimitBytes, Max: l.MaxBytes}
	}
	if len(p7s) == 0 {
		return nil, malformed("empty input")
	}
	der, err := berToDER(p7s, l.MaxDepth)
	if err != nil {
		return nil, err
	}
	sk, err := parseSkeleton(der)
	if err != nil {
		return nil, err
	}
	if len(sk.certs) > l.MaxCertificates {
		return nil, &LimitError{Limit: LimitCertificates, Max: l.MaxCertificates}
	}
	if len(sk.signers) > l.MaxSigners {
		return nil, &LimitError{Limit: LimitSigners, Max: l.MaxSigners}
	}
	if len(sk.signers) == 0 {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, ErrNoSigner)
	}
	// The SignedData without its certificates (which go through the
	// parsed-certificate cache instead) is decoded here, by encoding/asn1 with
	// the ASN.1 shapes go.mozilla.org/pkcs7 v0.10.0 uses (see signedFields).
	p7, err := decodeSignedFields(sk.reduced)
	if err != nil {
		return nil, err
	}
	if len(p7.SignerInfos) != len(sk.signers) {
		return nil, malformed("inconsistent signed data")
	}
	sd := &SignedData{
		ContentType: sk.eContentType,
		Detached:    sk.detached,
	}
	if len(sk.certs) > 0 {
		sd.Certificates = make([]*x509.Certificate, len(sk.certs))
		for i, der := range sk.certs {
			c, err := l.Cache.parse(der)
			if err != nil {
				return nil, malformed("certificate %d: %v", i, err)
			}
			sd.Certificates[i] = c
		}
	}
	if !sk.detached {
		sd.Content = p7.Content
	}
	for i, si := range p7.SignerInfos {
		s := &Signer{
			Issuer:             si.IssuerAndSerialNumber.IssuerName.FullBytes,
			SerialNumber:       si.IssuerAndSerialNumber.SerialNumber,
			DigestAlgorithm:    si.DigestAlgorithm.Algorithm,
			Digest:             hashForOID(si.DigestAlgorithm.Algorithm),
			SignatureAlgorithm: si.DigestEncryptionAlgorithm.Algorithm,
			Signature:          si.EncryptedDigest,
			RawSignedAttrs:     sk.signers[i],
			eContentType:       sk.eContentType,
		}
		if s.SerialNumber == nil || len(s.Issuer) == 0 {
			return nil, malformed("signer %d: no issuer and serial number", i)
		}
		if (len(si.AuthenticatedAttributes) > 0) != (s.RawSignedAttrs != nil) {
			return nil, malformed("signer %d: inconsistent signed attributes", i)
		}
		if n := len(si.AuthenticatedAttributes); n > 0 {
			s.SignedAttrs = make([]Attribute, 0, n)
		}
		for _, a := range si.AuthenticatedAttributes {
			s.SignedAttrs = append(s.SignedAttrs, Attribute{Type: a.Type, Values: a.Value.FullBytes})
		}
		for _, a := range si.UnauthenticatedAttributes {
			s.UnsignedAttrs = append(s.UnsignedAttrs, Attribute{Type: a.Type, Values: a.Value.FullBytes})
		}
		if err := s.decodeSignedAttrs(); err != nil {
			return nil, err
		}
		for _, c := range sd.Certificates {
			if c.SerialNumber.Cmp(s.SerialNumber) == 0 && bytes.Equal(c.RawIssuer, s.Issuer) {
				s.Cert = c
				break
			}
		}
		sd.Signers = append(sd.Signers, s)
	}
	return sd, nil
}

// decodeSignedAttrs fills ContentType, MessageDigest and SigningTime. Each may
// appear at most once, with exactly one value (RFC 5652 sections 5.3 and 11).
func (s *Signer) decodeSignedAttrs() error {
	var seen [3]bool // contentType, messageDigest, signingTime
	for _, a := range s.SignedAttrs {
		var dst any
		var i int
		switch {
		case a.Type.Equal(oidContentType):
			dst, i = &s.ContentType, 0
		case a.Type.Equal(oidMessageDigest):
			dst, i = &s.MessageDigest, 1
		case a.Type.Equal(oidSigningTime):
			dst, i = &s.SigningTime, 2
		default:
			continue
		}
		if seen[i] {
			return malformed("duplicate %v attribute", a.Type)
		}
		seen[i] = true
		var set asn1.RawValue
		if _, err := asn1.Unmarshal(a.Values, &set); err != nil {
			return malformed("attribute %v: %v", a.Type, err)
		}
		rest, err := asn1.Unmarshal(set.Bytes, dst)
		if err != nil {
			return malformed("attribute %v: %v", a.Type, err)
		}
		if len(rest) != 0 {
			return malformed("attribute %v has more than one value", a.Type)
		}
		if i == 2 {
			if err := checkTimeEncoding(set.Bytes, s.SigningTime); err != nil {
				return err
			}
		}
	}
	if !s.SigningTime.IsZero() {
		s.SigningTime = s.SigningTime.UTC()
	}
	return nil
}

// checkTimeEncoding enforces RFC 5652 section 11.3 on the signingTime value der
// (decoded as t): dates from 1950 through 2049 must be UTCTime, others
// GeneralizedTime.
func checkTimeEncoding(der []byte, t time.Time) error {
	if len(der) == 0 {
		return nil
	}
	utc := der[0] == asn1.TagUTCTime
	if y := t.UTC().Year(); (y >= 1950 && y <= 2049) != utc {
		return malformed("signingTime of year %d encoded as tag %d; RFC 5652 requires UTCTime for 1950-2049 and GeneralizedTime otherwise", y, der[0])
	}
	return nil
}

// skeleton is what parseSkeleton learns from the DER before pkcs7 sees it.
type skeleton struct {
	eContentType asn1.ObjectIdentifier
	detached     bool
	certs        [][]byte // DER of each embedded certificate (sub-slices of the input)
	signers      [][]byte // per SignerInfo: signedAttrs retagged as SET, or nil
	// reduced is the DER SignedData with its certificates left out: version,
	// digestAlgorithms, encapContentInfo, the CRLs when present (malformed ones
	// are refused) and signerInfos, the fields decodeSignedFields decodes.
	reduced []byte
}

// parseSkeleton walks ContentInfo / SignedData / SignerInfo at the level of
// elements: it checks the shape, counts certificates and signers, and keeps the
// exact signed-attribute bytes.
func parseSkeleton(der []byte) (*skeleton, error) {
	ci, err := children(der, "content info")
	if err != nil {
		return nil, err
	}
	if len(ci) != 1 || !isUniversal(ci[0], asn1.TagSequence, true) {
		return nil, malformed("content info is not a sequence")
	}
	f, err := children(ci[0].Bytes, "content info")
	if err != nil {
		return nil, err
	}
	if len(f) != 2 || !isContext(f[1], 0) {
		return nil, malformed("content info has no content")
	}
	var ct asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(f[0].FullBytes, &ct); err != nil || !ct.Equal(oidSignedData) {
		return nil, malformed("content type is not signed-data")
	}
	inner, err := children(f[1].Bytes, "signed data")
	if err != nil {
		return nil, err
	}
	if len(inner) != 1 || !isUniversal(inner[0], asn1.TagSequence, true) {
		return nil, malformed("signed data is not a sequence")
	}
	sd, err := children(inner[0].Bytes, "signed data")
	if err != nil {
		return nil, err
	}
	// version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
	if len(sd) < 4 || !isUniversal(sd[0], asn1.TagInteger, false) ||
		!isUniversal(sd[1], asn1.TagSet, true) || !isUniversal(sd[2], asn1.TagSequence, true) ||
		!isUniversal(sd[len(sd)-1], asn1.TagSet, true) {
		return nil, malformed("signed data fields")
	}
	sk := &skeleton{}
	enc, err := children(sd[2].Bytes, "encapsulated content info")
	if err != nil {
		return nil, err
	}
	if len(enc) < 1 || len(enc) > 2 || (len(enc) == 2 && !isContext(enc[1], 0)) {
		return nil, malformed("encapsulated content info fields")
	}
	if rest, err := asn1.Unmarshal(enc[0].FullBytes, &sk.eContentType); err != nil || len(rest) != 0 {
		return nil, malformed("encapsulated content type")
	}
	sk.detached = len(enc) == 1
	opt := sd[3 : len(sd)-1]
	if len(opt) > 0 && isContext(opt[0], 0) {
		certs, err := children(opt[0].Bytes, "certificates")
		if err != nil {
			return nil, err
		}
		sk.certs = make([][]byte, len(certs))
		for i, c := range certs {
			sk.certs[i] = c.FullBytes
		}
		opt = opt[1:]
	}
	var crls []byte
	if len(opt) > 0 && isContext(opt[0], 1) {
		crls = opt[0].FullBytes
		opt = opt[1:]
	}
	if len(opt) != 0 {
		return nil, malformed("unexpected signed data field")
	}
	sis, err := children(sd[len(sd)-1].Bytes, "signer infos")
	if err != nil {
		return nil, err
	}
	for i, si := range sis {
		if !isUniversal(si, asn1.TagSequence, true) {
			return nil, malformed("signer %d is not a sequence", i)
		}
		sf, err := children(si.Bytes, "signer info")
		if err != nil {
			return nil, err
		}
		// version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1] unsignedAttrs
		if len(sf) < 5 {
			return nil, malformed("signer %d: missing fields", i)
		}
		if !isUniversal(sf[1], asn1.TagSequence, true) {
			return nil, malformed("signer %d: only issuerAndSerialNumber signer identifiers are supported", i)
		}
		var attrs []byte
		if isContext(sf[3], 0) {
			if len(sf[3].Bytes) == 0 {
				return nil, malformed("signer %d: empty signed attributes", i)
			}
			attrs = bytes.Clone(sf[3].FullBytes)
			attrs[0] = 0x31 // [0] IMPLICIT SET OF -> SET OF
		}
		sk.signers = append(sk.signers, attrs)
	}
	last := sd[len(sd)-1].FullBytes
	n := len(sd[0].FullBytes) + len(sd[1].FullBytes) + len(sd[2].FullBytes) + len(crls) + len(last)
	fields := make([]byte, 0, n)
	fields = append(append(append(fields, sd[0].FullBytes...), sd[1].FullBytes...), sd[2].FullBytes...)
	fields = append(append(fields, crls...), last...)
	sk.reduced = appendTLV(make([]byte, 0, n+8), []byte{0x30}, fields)
	return sk, nil
}

// children splits b into its consecutive DER elements, by the rule
// asn1.Unmarshal applies to an asn1.RawValue (readElement), without reflection.
func children(b []byte, what string) ([]asn1.RawValue, error) {
	var out []asn1.RawValue
	for len(b) > 0 {
		v, rest, err := readElement(b)
		if err != nil {
			return nil, malformed("%s: %v", what, err)
		}
		if out == nil {
			out = make([]asn1.RawValue, 0, 8)
		}
		out = append(out, v)
		b = rest
	}
	return out, nil
}

// readElement reads the DER element at the start of b as asn1.Unmarshal reads
// it into an asn1.RawValue (encoding/asn1, Go 1.26: parseTagAndLength, then the
// length checked against the input), with the same errors; FuzzReadElement
// compares the two.
func readElement(b []byte) (asn1.RawValue, []byte, error) {
	var v asn1.RawValue
	if len(b) == 0 {
		return v, nil, asn1.SyntaxError{Msg: "sequence truncated"}
	}
	off := 1
	v.Class = int(b[0] >> 6)
	v.IsCompound = b[0]&0x20 == 0x20
	v.Tag = int(b[0] & 0x1f)
	if v.Tag == 0x1f {
		var t int64
		for shifted := 0; ; shifted++ {
			if off >= len(b) {
				return v, nil, asn1.SyntaxError{Msg: "truncated base 128 integer"}
			}
			if shifted == 5 {
				return v, nil, asn1.StructuralError{Msg: "base 128 integer too large"}
			}
			c := b[off]
			if shifted == 0 && c == 0x80 {
				return v, nil, asn1.SyntaxError{Msg: "integer is not minimally encoded"}
			}
			t = t<<7 | int64(c&0x7f)
			off++
			if c&0x80 == 0 {
				break
			}
		}
		if t > math.MaxInt32 {
			return v, nil, asn1.StructuralError{Msg: "base 128 integer too large"}
		}
		if v.Tag = int(t); v.Tag < 0x1f {
			return v, nil, asn1.SyntaxError{Msg: "non-minimal tag"}
		}
	}
	if off >= len(b) {
		return v, nil, asn1.SyntaxError{Msg: "truncated tag or length"}
	}
	c := b[off]
	off++
	length := int(c & 0x7f)
	if c&0x80 != 0 {
		n := length
		if n == 0 {
			return v, nil, asn1.SyntaxError{Msg: "indefinite length found (not DER)"}
		}
		length = 0
		for range n {
			if off >= len(b) {
				return v, nil, asn1.SyntaxError{Msg: "truncated tag or length"}
			}
			c = b[off]
			off++
			if length >= 1<<23 {
				return v, nil, asn1.StructuralError{Msg: "length too large"}
			}
			if length = length<<8 | int(c); length == 0 {
				return v, nil, asn1.StructuralError{Msg: "superfluous leading zeros in length"}
			}
		}
		if length < 0x80 {
			return v, nil, asn1.StructuralError{Msg: "non-minimal length"}
		}
	}
	if off+length < off || off+length > len(b) {
		return v, nil, asn1.SyntaxError{Msg: "data truncated"}
	}
	v.Bytes = b[off : off+length]
	v.FullBytes = b[:off+length]
	return v, b[off+length:], nil
}

func isUniversal(v asn1.RawValue, tag int, compound bool) bool {
	return v.Class == asn1.ClassUniversal && v.Tag == tag && v.IsCompound == compound
}

func isContext(v asn1.RawValue, tag int) bool {
	return v.Class == asn1.ClassContextSpecific && v.Tag == tag && v.IsCompound
}
