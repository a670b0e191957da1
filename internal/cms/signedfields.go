package cms

import (
	"crypto/x509/pkix"
	"encoding/asn1"
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
	var sd signedFields
	if _, err := asn1.Unmarshal(der, &sd); err != nil {
		return &decodedSigned{}, nil
	}
	out := &decodedSigned{SignerInfos: sd.SignerInfos}
	var compound asn1.RawValue
	if b := sd.ContentInfo.Content.Bytes; len(b) > 0 {
		if _, err := asn1.Unmarshal(b, &compound); err != nil {
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
