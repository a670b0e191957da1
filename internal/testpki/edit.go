package testpki

import (
	"encoding/asn1"
	"fmt"
)

// WithSigners returns the DER ContentInfo p7s with its signerInfos SET replaced
// by n copies of its first SignerInfo: a SignedData with n signers, for limit
// tests. p7s must be DER (as [cms.Sign] produces).
func WithSigners(p7s []byte, n int) ([]byte, error) {
	var ci struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue // [0] EXPLICIT SignedData
	}
	if _, err := asn1.Unmarshal(p7s, &ci); err != nil {
		return nil, fmt.Errorf("testpki: content info: %w", err)
	}
	var sd asn1.RawValue
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("testpki: signed data: %w", err)
	}
	var fields [][]byte
	for rest := sd.Bytes; len(rest) > 0; {
		var f asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &f); err != nil {
			return nil, fmt.Errorf("testpki: signed data field: %w", err)
		}
		fields = append(fields, f.FullBytes)
	}
	var set, first asn1.RawValue
	if _, err := asn1.Unmarshal(fields[len(fields)-1], &set); err != nil {
		return nil, fmt.Errorf("testpki: signer infos: %w", err)
	}
	if _, err := asn1.Unmarshal(set.Bytes, &first); err != nil {
		return nil, fmt.Errorf("testpki: signer info: %w", err)
	}
	var sis []byte
	for range n {
		sis = append(sis, first.FullBytes...)
	}
	var body []byte
	for _, f := range fields[:len(fields)-1] {
		body = append(body, f...)
	}
	body = append(body, mustMarshal(asn1.RawValue{Tag: asn1.TagSet, IsCompound: true, Bytes: sis})...)
	inner := mustMarshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	ci.Content = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner}
	out, err := asn1.Marshal(struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue
	}{ci.Type, ci.Content})
	if err != nil {
		return nil, fmt.Errorf("testpki: %w", err)
	}
	return out, nil
}

// DERDepth returns the nesting depth of the DER element b (a primitive element
// has depth 1), or an error when b is not one well-formed DER element.
func DERDepth(b []byte) (int, error) {
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(b, &v)
	if err != nil {
		return 0, err
	}
	if len(rest) != 0 {
		return 0, fmt.Errorf("testpki: trailing data")
	}
	d := 1
	if !v.IsCompound {
		return d, nil
	}
	for c := v.Bytes; len(c) > 0; {
		var e asn1.RawValue
		if c, err = asn1.Unmarshal(c, &e); err != nil {
			return 0, err
		}
		cd, err := DERDepth(e.FullBytes)
		if err != nil {
			return 0, err
		}
		d = max(d, cd+1)
	}
	return d, nil
}

func mustMarshal(v asn1.RawValue) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
