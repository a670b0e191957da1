package cms

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"math"
	"math/big"
)

// The SignedData fields that Parse takes from the ASN.1 decoder, with the shapes
// and tags of go.mozilla.org/pkcs7 v0.10.0 (sign.go), which Parse called before:
// the same encoding/asn1 rules accept and refuse the same inputs. Sigillo
// decodes them itself because pkcs7.Parse re-encodes its whole input through
// its own BER converter first, after parseSkeleton and berToDER have already
// produced DER: that second conversion was about a third of the parse. Nothing
// in the module imports pkcs7 any more (Sign was always hand-written).
type signedFields struct {
	Version                    int                        `asn1:"default:1"`
	DigestAlgorithmIdentifiers []pkix.AlgorithmIdentifier `asn1:"set"`
	ContentInfo                encapContent
	Certificates               asn1.RawValue          `asn1:"optional,tag:0"` // left out by parseSkeleton
	CRLs                       []pkix.CertificateList `asn1:"optional,tag:1"`
	SignerInfos                []signerFields         `asn1:"set"`
}

type encapContent struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signerFields struct {
	Version                   int `asn1:"default:1"`
	IssuerAndSerialNumber     issuerAndSerial
	DigestAlgorithm           pkix.AlgorithmIdentifier
	AuthenticatedAttributes   []attributeFields `asn1:"optional,omitempty,tag:0"`
	DigestEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedDigest           []byte
	UnauthenticatedAttributes []attributeFields `asn1:"optional,omitempty,tag:1"`
}

type issuerAndSerial struct {
	IssuerName   asn1.RawValue
	SerialNumber *big.Int
}

type attributeFields struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

// decodedSigned is what decodeSignedFields gives: the signer infos and the
// encapsulated content, as pkcs7.Parse gave them.
type decodedSigned struct {
	SignerInfos []signerFields
	Content     []byte
}

// decodeSignedFields decodes the DER SignedData reduced by parseSkeleton. A
// decoding error leaves no signer (pkcs7 ignored it and returned none, which
// Parse refused as inconsistent); the content is read as pkcs7 read it: an
// OCTET STRING, or the first OCTET STRING of a constructed one.
func decodeSignedFields(der []byte) (*decodedSigned, error) {
	sd, ok := fastSignedFields(der)
	if !ok {
		if _, err := asn1.Unmarshal(der, &sd); err != nil {
			return &decodedSigned{}, nil
		}
	}
	out := &decodedSigned{SignerInfos: sd.SignerInfos}
	var compound asn1.RawValue
	if b := sd.ContentInfo.Content.Bytes; len(b) > 0 {
		var err error
		if compound, _, err = readElement(b); err != nil {
			return nil, malformed("%v", err)
		}
	}
	out.Content = compound.Bytes
	if compound.IsCompound && compound.Tag == 4 {
		var content []byte
		if _, err := asn1.Unmarshal(compound.Bytes, &content); err != nil {
			return nil, malformed("%v", err)
		}
		out.Content = content
	}
	return out, nil
}

// fastSignedFields decodes the usual shape of the reduced SignedData without
// reflection: one-byte versions, no CRLs, an optional encapsulated content,
// signer infos with issuerAndSerialNumber, a non-negative serial number,
// optional signed and unsigned attributes. It answers only when the shape is
// that one, and then gives what asn1.Unmarshal gives (FuzzSignedFields compares
// the two); on any other shape ok is false and the caller uses asn1.Unmarshal.
func fastSignedFields(der []byte) (sd signedFields, ok bool) {
	top, rest, err := readElement(der)
	if err != nil || len(rest) != 0 || !isUniversal(top, asn1.TagSequence, true) {
		return sd, false
	}
	e, ok := elements(top.Bytes)
	if !ok || len(e) != 4 {
		return sd, false
	}
	if sd.Version, ok = smallInt(e[0]); !ok {
		return sd, false
	}
	if !isUniversal(e[1], asn1.TagSet, true) {
		return sd, false
	}
	algs, ok := elements(e[1].Bytes)
	if !ok {
		return sd, false
	}
	sd.DigestAlgorithmIdentifiers = make([]pkix.AlgorithmIdentifier, len(algs))
	for i, a := range algs {
		if sd.DigestAlgorithmIdentifiers[i], ok = algorithm(a); !ok {
			return sd, false
		}
	}
	if sd.ContentInfo, ok = encapsulated(e[2]); !ok {
		return sd, false
	}
	if !isUniversal(e[3], asn1.TagSet, true) {
		return sd, false
	}
	sis, ok := elements(e[3].Bytes)
	if !ok {
		return sd, false
	}
	sd.SignerInfos = make([]signerFields, len(sis))
	for i, si := range sis {
		if sd.SignerInfos[i], ok = signer(si); !ok {
			return sd, false
		}
	}
	return sd, true
}

// elements is children without the error, in one allocation.
func elements(b []byte) ([]asn1.RawValue, bool) {
	n := 0
	for rest := b; len(rest) > 0; n++ {
		var err error
		if _, rest, err = readElement(rest); err != nil {
			return nil, false
		}
	}
	out := make([]asn1.RawValue, n)
	for i := range out {
		out[i], b, _ = readElement(b)
	}
	return out, true
}

// smallInt reads an INTEGER of one octet, 0 to 127.
func smallInt(v asn1.RawValue) (int, bool) {
	if !isUniversal(v, asn1.TagInteger, false) || len(v.Bytes) != 1 || v.Bytes[0] >= 0x80 {
		return 0, false
	}
	return int(v.Bytes[0]), true
}

// oid reads an OBJECT IDENTIFIER as encoding/asn1 does (parseObjectIdentifier).
func oid(v asn1.RawValue) (asn1.ObjectIdentifier, bool) {
	b := v.Bytes
	if !isUniversal(v, asn1.TagOID, false) || len(b) == 0 {
		return nil, false
	}
	s := make(asn1.ObjectIdentifier, len(b)+1)
	i, off := 0, 0
	for off < len(b) {
		var n int64
		for shifted := 0; ; shifted++ {
			if off >= len(b) || shifted == 5 || shifted == 0 && b[off] == 0x80 {
				return nil, false
			}
			c := b[off]
			n = n<<7 | int64(c&0x7f)
			off++
			if c&0x80 == 0 {
				break
			}
		}
		if n > math.MaxInt32 {
			return nil, false
		}
		if i == 0 {
			if n < 80 {
				s[0], s[1] = int(n)/40, int(n)%40
			} else {
				s[0], s[1] = 2, int(n)-80
			}
			i = 2
			continue
		}
		s[i] = int(n)
		i++
	}
	return s[:i], true
}

// algorithm reads an AlgorithmIdentifier (parameters optional, any element).
func algorithm(v asn1.RawValue) (pkix.AlgorithmIdentifier, bool) {
	var a pkix.AlgorithmIdentifier
	if !isUniversal(v, asn1.TagSequence, true) {
		return a, false
	}
	f, ok := elements(v.Bytes)
	if !ok || len(f) < 1 || len(f) > 2 {
		return a, false
	}
	if a.Algorithm, ok = oid(f[0]); !ok {
		return a, false
	}
	if len(f) == 2 {
		a.Parameters = f[1]
	}
	return a, true
}

// encapsulated reads the EncapsulatedContentInfo, content absent or a non-empty
// [0].
func encapsulated(v asn1.RawValue) (encapContent, bool) {
	var c encapContent
	if !isUniversal(v, asn1.TagSequence, true) {
		return c, false
	}
	f, ok := elements(v.Bytes)
	if !ok || len(f) < 1 || len(f) > 2 {
		return c, false
	}
	if c.ContentType, ok = oid(f[0]); !ok {
		return c, false
	}
	if len(f) == 2 {
		if !isContext(f[1], 0) || len(f[1].Bytes) == 0 {
			return c, false
		}
		c.Content = f[1]
	}
	return c, true
}

// signer reads one SignerInfo.
func signer(v asn1.RawValue) (signerFields, bool) {
	var s signerFields
	if !isUniversal(v, asn1.TagSequence, true) {
		return s, false
	}
	f, ok := elements(v.Bytes)
	if !ok || len(f) < 5 {
		return s, false
	}
	if s.Version, ok = smallInt(f[0]); !ok {
		return s, false
	}
	if !isUniversal(f[1], asn1.TagSequence, true) {
		return s, false
	}
	ias, ok := elements(f[1].Bytes)
	if !ok || len(ias) != 2 || !isUniversal(ias[1], asn1.TagInteger, false) {
		return s, false
	}
	n := ias[1].Bytes
	if len(n) == 0 || n[0]&0x80 != 0 || len(n) > 1 && n[0] == 0 && n[1]&0x80 == 0 {
		return s, false
	}
	s.IssuerAndSerialNumber = issuerAndSerial{IssuerName: ias[0], SerialNumber: new(big.Int).SetBytes(n)}
	if s.DigestAlgorithm, ok = algorithm(f[2]); !ok {
		return s, false
	}
	f = f[3:]
	if isContext(f[0], 0) {
		if s.AuthenticatedAttributes, ok = attributes(f[0]); !ok {
			return s, false
		}
		f = f[1:]
	}
	if len(f) < 2 {
		return s, false
	}
	if s.DigestEncryptionAlgorithm, ok = algorithm(f[0]); !ok {
		return s, false
	}
	if !isUniversal(f[1], asn1.TagOctetString, false) {
		return s, false
	}
	s.EncryptedDigest = append(make([]byte, 0, len(f[1].Bytes)), f[1].Bytes...)
	switch f = f[2:]; {
	case len(f) == 0:
	case len(f) == 1 && isContext(f[0], 1):
		if s.UnauthenticatedAttributes, ok = attributes(f[0]); !ok {
			return s, false
		}
	default:
		return s, false
	}
	return s, true
}

// attributes reads a [n] IMPLICIT SET OF Attribute.
func attributes(v asn1.RawValue) ([]attributeFields, bool) {
	f, ok := elements(v.Bytes)
	if !ok {
		return nil, false
	}
	out := make([]attributeFields, len(f))
	for i, a := range f {
		if !isUniversal(a, asn1.TagSequence, true) {
			return nil, false
		}
		tv, ok := elements(a.Bytes)
		if !ok || len(tv) != 2 {
			return nil, false
		}
		if out[i].Type, ok = oid(tv[0]); !ok {
			return nil, false
		}
		out[i].Value = tv[1]
	}
	return out, true
}
