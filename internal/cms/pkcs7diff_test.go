package cms_test

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mozilla.org/pkcs7"

	"github.com/sigillo/sigillo/internal/cms"
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/internal/testpki"
	"github.com/sigillo/sigillo/internal/testutil"
)

// go.mozilla.org/pkcs7 v0.10.0 parsed the SignedData here before internal/cms
// decoded it itself; it stays, in tests only, as the independent reference
// reader: FuzzParseLikePKCS7 compares the two on the same input.
//
// The property, on any input:
//
//   - when both accept, they read the same certificates (raw DER, in order), the
//     same signers (issuer and serial number, digest and signature algorithms,
//     signed and unsigned attributes byte for byte, the signed-attribute SET the
//     signature covers, the signature value) and the same content;
//   - when pkcs7 accepts, cms accepts too, except for the inputs cms refuses on
//     purpose, which pkcs7.Parse lets through:
//     1. over one of cms's Limits (ErrTooLarge): pkcs7 has none;
//     2. no SignerInfo: a SignedData without signers is never a signature
//     (ErrNoSigner), and pkcs7 ignores the error of decoding the SignedData
//     itself (verify.go, parseSignedData), so that anything whose ContentInfo
//     decodes comes back with no signers; enveloped and encrypted data too;
//     3. data after the outermost element: pkcs7's ber2der stops at the end of
//     the first element and drops the rest unread, cms refuses trailing data;
//     4. a component that overruns the definite length of the constructed
//     element holding it (X.690 section 8.1.1): pkcs7's ber2der checks each
//     element's end against the end of the whole input only, and re-encodes
//     the lengths from what it read; likewise end-of-contents octets where no
//     indefinite length ends (X.690 section 8.1.5), which pkcs7 reads as an
//     element of tag 0; cms refuses such malformed BER (both found by this
//     fuzz target in a few minutes).
//     5. a contentType, messageDigest or signingTime signed attribute that is
//     repeated, has other than one value, a value that does not decode, or a
//     signingTime in the wrong time type (RFC 5652 sections 5.3, 11.1-11.3):
//     pkcs7.Parse keeps the attributes undecoded (its Verify looks at them
//     later), cms.Parse decodes them and refuses these (found by this fuzz
//     target).
//
// berElementEnd, a BER walker of the test's own, tells 3 and 4 from other
// refusals; signedAttrsWellFormed, the test's own reading of RFC 5652, tells 5.
func FuzzParseLikePKCS7(f *testing.F) {
	for _, s := range pkcs7Seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		comparePKCS7(t, in)
	})
}

// TestParseLikePKCS7 runs the property on every seed, corpus included, so that
// plain go test checks it on the real signatures.
func TestParseLikePKCS7(t *testing.T) {
	t.Parallel()
	seeds := pkcs7Seeds(t)
	require.NotEmpty(t, seeds)
	t.Logf("%d seeds", len(seeds))
	for _, s := range seeds {
		comparePKCS7(t, s)
	}
}

func comparePKCS7(t *testing.T, in []byte) {
	t.Helper()
	pk, perr := pkcs7Parse(in)
	sd, err := cms.Parse(in, nil)
	if perr != nil {
		return // cms may accept what pkcs7 refuses; FuzzParse checks cms alone
	}
	if err != nil {
		switch {
		case errors.Is(err, cms.ErrTooLarge): // 1.
		case len(pk.Signers) == 0: // 2.
			require.ErrorIs(t, err, cms.ErrMalformed)
		case !signedAttrsWellFormed(pk): // 5.
			require.ErrorIs(t, err, cms.ErrMalformed)
		case berElementEnd(in) < 0: // 4.
			require.ErrorIs(t, err, cms.ErrMalformed)
		case berElementEnd(in) != len(in): // 3.
			require.ErrorIs(t, err, cms.ErrMalformed)
		default:
			t.Fatalf("pkcs7 accepts, cms refuses: %v", err)
		}
		return
	}
	require.Len(t, sd.Certificates, len(pk.Certificates), "certificates")
	for i, c := range pk.Certificates {
		require.Equal(t, c.Raw, sd.Certificates[i].Raw, "certificate %d", i)
	}
	if sd.Detached {
		require.Empty(t, pk.Content, "content")
	} else {
		require.Equal(t, []byte(pk.Content), sd.Content, "content")
	}
	require.Len(t, sd.Signers, len(pk.Signers), "signers")
	for i, ps := range pk.Signers {
		s := sd.Signers[i]
		require.Equal(t, ps.IssuerAndSerialNumber.IssuerName.FullBytes, s.Issuer, "signer %d issuer", i)
		require.Zero(t, ps.IssuerAndSerialNumber.SerialNumber.Cmp(s.SerialNumber), "signer %d serial", i)
		require.True(t, ps.DigestAlgorithm.Algorithm.Equal(s.DigestAlgorithm), "signer %d digest algorithm", i)
		require.True(t, ps.DigestEncryptionAlgorithm.Algorithm.Equal(s.SignatureAlgorithm), "signer %d signature algorithm", i)
		require.Equal(t, ps.EncryptedDigest, s.Signature, "signer %d signature", i)
		require.Len(t, s.SignedAttrs, len(ps.AuthenticatedAttributes), "signer %d signed attributes", i)
		var set []byte
		for j, a := range ps.AuthenticatedAttributes {
			require.True(t, a.Type.Equal(s.SignedAttrs[j].Type), "signer %d signed attribute %d", i, j)
			require.Equal(t, a.Value.FullBytes, s.SignedAttrs[j].Values, "signer %d signed attribute %d", i, j)
			der, err := asn1.Marshal(struct {
				Type  asn1.ObjectIdentifier
				Value asn1.RawValue
			}{a.Type, a.Value})
			require.NoError(t, err)
			set = append(set, der...)
		}
		if len(ps.AuthenticatedAttributes) == 0 {
			require.Nil(t, s.RawSignedAttrs, "signer %d", i)
		} else {
			want, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSet, IsCompound: true, Bytes: set})
			require.NoError(t, err)
			require.Equal(t, want, s.RawSignedAttrs, "signer %d signed attributes as signed", i)
		}
		require.Len(t, s.UnsignedAttrs, len(ps.UnauthenticatedAttributes), "signer %d unsigned attributes", i)
		for j, a := range ps.UnauthenticatedAttributes {
			require.True(t, a.Type.Equal(s.UnsignedAttrs[j].Type), "signer %d unsigned attribute %d", i, j)
			require.Equal(t, a.Value.FullBytes, s.UnsignedAttrs[j].Values, "signer %d unsigned attribute %d", i, j)
		}
	}
}

// pkcs7Parse is pkcs7.Parse, with a panic (pkcs7 has a few on hostile input)
// reported as a refusal.
func pkcs7Parse(in []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p7, err = nil, errors.New("pkcs7 panicked")
		}
	}()
	return pkcs7.Parse(in)
}

// berElementEnd returns the end of the first BER element of b (definite or
// indefinite length), or -1 when it cannot be delimited, a component of a
// constructed element overruns it or end-of-contents octets stand where no
// indefinite length ends. It is a reading of X.690 section 8.1 of its
// own (primitive contents are not looked into), to tell exclusions 3 and 4
// from other refusals.
func berElementEnd(b []byte) int {
	return berEnd(b, 0, 0)
}

func berEnd(b []byte, off, depth int) int {
	if depth > 64 || off+2 > len(b) || b[off] == 0 {
		// Universal tag 0 is end-of-contents, which only ends an indefinite
		// length (X.690 section 8.1.5), tested by the caller.
		return -1
	}
	constructed := b[off]&0x20 != 0
	p := off + 1
	if b[off]&0x1f == 0x1f {
		for p < len(b) && b[p]&0x80 != 0 {
			p++
		}
		p++
	}
	if p >= len(b) {
		return -1
	}
	l := int(b[p])
	p++
	if l == 0x80 {
		if !constructed {
			return -1
		}
		for {
			if p+2 <= len(b) && b[p] == 0 && b[p+1] == 0 {
				return p + 2
			}
			if p = berEnd(b, p, depth+1); p < 0 {
				return -1
			}
		}
	}
	if l > 0x80 {
		n := l & 0x7f
		if n > 4 || p+n > len(b) {
			return -1
		}
		l = 0
		for _, c := range b[p : p+n] {
			l = l<<8 | int(c)
		}
		p += n
	}
	if l > len(b)-p {
		return -1
	}
	end := p + l
	if constructed {
		// X.690 section 8.1.1: the contents are the complete encodings of the
		// components, so each one ends within its parent.
		for q := p; q < end; {
			if q = berEnd(b[:end], q, depth+1); q < 0 {
				return -1
			}
		}
	}
	return end
}

// pkcs7Seeds: the fixtures of testdata, signatures made by Sign, the signatures
// of the module's testdata/messages and, when present, of the real-message
// corpus (read in place, never copied).
func pkcs7Seeds(t testing.TB) [][]byte {
	t.Helper()
	var seeds [][]byte
	entries, err := os.ReadDir("testdata")
	require.NoError(t, err)
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext == ".ber" || ext == ".der" {
			seeds = append(seeds, readFile(t, e.Name()))
		}
	}
	for _, kc := range keyCases() {
		for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
			p7s, err := cms.Sign(sum(t, h, []byte("x")), signOpts(kc.id, h))
			require.NoError(t, err)
			seeds = append(seeds, p7s)
		}
	}
	dirs := []string{testutil.Testdata(t, "messages")}
	if c, ok := testutil.FindCorpus(t); ok {
		dirs = append(dirs, c)
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".eml") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if s, err := mime.ScanBytes(b, nil); err == nil && len(s.Signature) > 0 {
				seeds = append(seeds, bytes.Clone(s.Signature))
			}
			return nil
		})
		require.NoError(t, err)
	}
	return seeds
}

// TestPKCS7Differences: each input class FuzzParseLikePKCS7 excludes is one
// pkcs7.Parse accepts and cms.Parse refuses, with the error kind the property
// expects.
func TestPKCS7Differences(t *testing.T) {
	t.Parallel()
	der := readFile(t, "rsa-sha256.der")
	five, err := testpki.WithSigners(der, cms.DefaultMaxSigners+1)
	require.NoError(t, err)
	none, err := testpki.WithSigners(der, 0)
	require.NoError(t, err)
	// The outer SEQUENCE declares 5 bytes less than its [0] component takes.
	require.Equal(t, []byte{0x30, 0x82}, der[:2])
	overrun := bytes.Clone(der)
	binary.BigEndian.PutUint16(overrun[2:], binary.BigEndian.Uint16(der[2:])-5)
	// The messageDigest value as a UTF8String instead of an OCTET STRING.
	mdAttr := []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04, 0x31}
	i := bytes.Index(der, mdAttr)
	require.Positive(t, i)
	badDigest := bytes.Clone(der)
	require.Equal(t, byte(asn1.TagOctetString), badDigest[i+len(mdAttr)+1])
	badDigest[i+len(mdAttr)+1] = asn1.TagUTF8String
	// End-of-contents octets appended inside the outer SEQUENCE, whose definite
	// length grows by 2.
	eoc := append(bytes.Clone(der), 0x00, 0x00)
	binary.BigEndian.PutUint16(eoc[2:], binary.BigEndian.Uint16(der[2:])+2)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"end-of-contents in a definite length", eoc, cms.ErrMalformed},
		{"messageDigest of the wrong type", badDigest, cms.ErrMalformed},
		{"component overruns its parent", overrun, cms.ErrMalformed},
		{"over a limit (signers)", five, cms.ErrTooLarge},
		{"no signer", none, cms.ErrNoSigner},
		{"trailing data", append(bytes.Clone(der), 0x05, 0x00), cms.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := pkcs7Parse(tc.in)
			require.NoError(t, err, "pkcs7 accepts")
			_, err = cms.Parse(tc.in, nil)
			assert.ErrorIs(t, err, tc.want)
			comparePKCS7(t, tc.in) // and the property allows it
		})
	}
}

// signedAttrsWellFormed reports whether, in every signer of p7, the
// contentType, messageDigest and signingTime signed attributes appear at most
// once, each with exactly one value of its type, and signingTime is a UTCTime
// for 1950-2049 and a GeneralizedTime otherwise (RFC 5652 sections 5.3, 11).
func signedAttrsWellFormed(p7 *pkcs7.PKCS7) bool {
	for _, si := range p7.Signers {
		seen := map[string]bool{}
		for _, a := range si.AuthenticatedAttributes {
			var dst any
			var oid asn1.ObjectIdentifier
			var md []byte
			var st time.Time
			switch a.Type.String() {
			case "1.2.840.113549.1.9.3":
				dst = &oid
			case "1.2.840.113549.1.9.4":
				dst = &md
			case "1.2.840.113549.1.9.5":
				dst = &st
			default:
				continue
			}
			if seen[a.Type.String()] {
				return false
			}
			seen[a.Type.String()] = true
			rest, err := asn1.Unmarshal(a.Value.Bytes, dst)
			if err != nil || len(rest) != 0 {
				return false
			}
			if dst == &st {
				y := st.UTC().Year()
				if (y >= 1950 && y <= 2049) != (a.Value.Bytes[0] == asn1.TagUTCTime) {
					return false
				}
			}
		}
	}
	return true
}
