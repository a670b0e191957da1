package cms

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testpki"
)

var streamFixtures = []string{"rsa-sha256-stream.ber", "rsa-sha1-stream.ber", "ecdsa-sha256-stream.ber"}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// detachBER drops the eContent from an openssl -stream (attached, indefinite
// length) SignedData, keeping every other byte: the enclosing elements all have
// indefinite lengths, so no length needs fixing. The signature still verifies,
// since it covers the signed attributes only.
func detachBER(t testing.TB, ber []byte) []byte {
	t.Helper()
	const maxDepth = 64
	// ContentInfo: 30 80, OID, a0 80, SignedData 30 80, version, digestAlgorithms, encap
	require.Equal(t, []byte{0x30, 0x80}, ber[:2])
	off := 2
	_, n, err := convertElement(ber[off:], 2, maxDepth) // contentType OID
	require.NoError(t, err)
	off += n
	require.Equal(t, []byte{0xa0, 0x80, 0x30, 0x80}, ber[off:off+4])
	off += 4
	for range 2 { // version, digestAlgorithms
		_, n, err = convertElement(ber[off:], 4, maxDepth)
		require.NoError(t, err)
		off += n
	}
	encapStart := off
	require.Equal(t, []byte{0x30, 0x80}, ber[off:off+2])
	_, encapLen, err := convertElement(ber[off:], 4, maxDepth)
	require.NoError(t, err)
	_, oidLen, err := convertElement(ber[off+2:], 5, maxDepth)
	require.NoError(t, err)
	keep := ber[encapStart : encapStart+2+oidLen]
	var out []byte
	out = append(out, ber[:encapStart]...)
	out = append(out, keep...)
	out = append(out, 0x00, 0x00)
	return append(out, ber[encapStart+encapLen:]...)
}

// TestDetachedBERFixtures checks (and, with CMS_REGEN=1, rewrites) the detached BER
// fixtures derived from the openssl -stream ones.
func TestDetachedBERFixtures(t *testing.T) {
	for _, f := range streamFixtures {
		got := detachBER(t, testdata(t, f))
		name := strings.Replace(f, "-stream", "-detached", 1)
		if os.Getenv("CMS_REGEN") == "1" {
			require.NoError(t, os.WriteFile(filepath.Join("testdata", name), got, 0o644))
		}
		assert.Equal(t, testdata(t, name), got, name)
	}
}

func TestBERToDER(t *testing.T) {
	for _, f := range []string{"rsa-sha256.der", "rsa-sha512.der", "ecdsa-sha384.der"} {
		der := testdata(t, f)
		out, err := berToDER(der, DefaultMaxDepth)
		require.NoError(t, err)
		assert.Equal(t, der, out, "identity on DER: %s", f)
	}
	for _, f := range append(streamFixtures, "rsa-sha256-detached.ber") {
		ber := testdata(t, f)
		der, err := berToDER(ber, DefaultMaxDepth)
		require.NoError(t, err)
		assert.NotEqual(t, ber, der)
		again, err := berToDER(der, DefaultMaxDepth)
		require.NoError(t, err)
		assert.Equal(t, der, again, "idempotent: %s", f)
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(der, &v)
		require.NoError(t, err, "output is definite-length DER")
		assert.Empty(t, rest)
	}
	good := []struct{ in, out string }{
		{"\x05\x00", "\x05\x00"},
		{"\x30\x80\x05\x00\x00\x00", "\x30\x02\x05\x00"},
		{"\x30\x80\x00\x00", "\x30\x00"},
		{"\x04\x81\x01x", "\x04\x01x"},                                       // non-minimal length
		{"\x24\x80\x04\x01a\x24\x80\x04\x01b\x00\x00\x00\x00", "\x04\x02ab"}, // nested constructed octets
		{"\x24\x06\x04\x01a\x04\x01b", "\x04\x02ab"},
		{"\x1f\x81\x00\x00", "\x1f\x81\x00\x00"}, // high tag number
	}
	for _, g := range good {
		out, err := berToDER([]byte(g.in), 8)
		require.NoError(t, err, "%q", g.in)
		assert.Equal(t, []byte(g.out), out, "%q", g.in)
	}
	bad := []string{
		"", "\x30", "\x30\x84", "\x30\x85\x00\x00\x00\x00\x01", "\x1f\x80", "\x1f\x80\x01\x00",
		"\x1f\xff\xff\xff\xff\x7f\x00", "\x30\x80\x30\x80", "\x30\x80", "\x04\x80\x00\x00",
		"\x30\xff", "\x30\x02\x00\x00", "\x00\x00", "\x05\x01", "\x05\x00\x00",
		"\x24\x03\x02\x01\x01", "\x30\x81\x05\x05\x00", "\x30\x03\x05\x00",
	}
	for _, b := range bad {
		_, err := berToDER([]byte(b), 8)
		require.ErrorIs(t, err, ErrMalformed, "%q", b)
	}
}

// splice rebuilds a DER SignedData produced by Sign, letting edit change the
// SignedData fields.
func splice(t testing.TB, der []byte, edit func(fields [][]byte) [][]byte) []byte {
	t.Helper()
	ci, err := children(der, "")
	require.NoError(t, err)
	f, err := children(ci[0].Bytes, "")
	require.NoError(t, err)
	sd, err := children(f[1].Bytes, "")
	require.NoError(t, err)
	fields, err := children(sd[0].Bytes, "")
	require.NoError(t, err)
	var raw [][]byte
	for _, v := range fields {
		raw = append(raw, v.FullBytes)
	}
	raw = edit(raw)
	return tlv(0x30, f[0].FullBytes, tlv(0xa0, tlv(0x30, raw...)))
}

func world(t testing.TB) (*testpki.World, []byte) {
	t.Helper()
	w := testpki.Default()
	d, err := Sum(crypto.SHA256, []byte("content"))
	require.NoError(t, err)
	return w, d
}

func sign(t testing.TB, id *testpki.Identity, d []byte, edit func(*SignOptions)) []byte {
	t.Helper()
	o := SignOptions{Cert: id.Cert, Chain: id.Chain()[1:], Key: id.Key, SigningTime: testpki.ReferenceTime()}
	if edit != nil {
		edit(&o)
	}
	out, err := Sign(d, o)
	require.NoError(t, err)
	return out
}

func TestSignerCounts(t *testing.T) {
	w, d := world(t)
	a := sign(t, w.Provider, d, nil)
	b := sign(t, w.OtherProvider, d, nil)
	signerSet := func(der []byte) []byte {
		var fields [][]byte
		splice(t, der, func(f [][]byte) [][]byte { fields = f; return f })
		return fields[len(fields)-1]
	}
	setA, setB := signerSet(a), signerSet(b)
	inner := func(set []byte) []byte {
		var v asn1.RawValue
		_, err := asn1.Unmarshal(set, &v)
		require.NoError(t, err)
		return v.Bytes
	}

	t.Run("two signers", func(t *testing.T) {
		two := splice(t, a, func(f [][]byte) [][]byte {
			certs := f[3]
			var cv asn1.RawValue
			_, err := asn1.Unmarshal(certs, &cv)
			require.NoError(t, err)
			f[3] = tlv(0xa0, cv.Bytes, w.OtherProvider.Cert.Raw)
			f[len(f)-1] = tlv(0x31, inner(setA), inner(setB))
			return f
		})
		sd, err := Parse(two, nil)
		require.NoError(t, err)
		require.Len(t, sd.Signers, 2)
		for _, s := range sd.Signers {
			require.NotNil(t, s.Cert)
			require.NoError(t, s.Verify(d))
		}
		assert.Equal(t, w.Provider.Cert.Raw, sd.Signers[0].Cert.Raw)
		assert.Equal(t, w.OtherProvider.Cert.Raw, sd.Signers[1].Cert.Raw)

		_, err = Parse(two, &Limits{MaxSigners: 2})
		require.NoError(t, err)
		_, err = Parse(two, &Limits{MaxSigners: 1})
		var le *LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, LimitSigners, le.Limit)
	})
	t.Run("no signer", func(t *testing.T) {
		none := splice(t, a, func(f [][]byte) [][]byte {
			f[len(f)-1] = []byte{0x31, 0x00}
			return f
		})
		sd, err := Parse(none, nil)
		require.ErrorIs(t, err, ErrMalformed)
		require.ErrorIs(t, err, ErrNoSigner)
		require.Nil(t, sd)
	})
	t.Run("signer certificate missing", func(t *testing.T) {
		noCerts := splice(t, a, func(f [][]byte) [][]byte {
			return append(f[:3:3], f[4:]...)
		})
		sd, err := Parse(noCerts, nil)
		require.NoError(t, err)
		require.Empty(t, sd.Certificates)
		s := sd.Signers[0]
		require.Nil(t, s.Cert)
		require.ErrorIs(t, s.Verify(d), ErrSignerNotFound)

		onlyCA := sign(t, w.Provider, d, func(o *SignOptions) {
			o.Chain = nil
		})
		onlyCA = splice(t, onlyCA, func(f [][]byte) [][]byte {
			f[3] = tlv(0xa0, w.CA.Cert.Raw)
			return f
		})
		sd, err = Parse(onlyCA, nil)
		require.NoError(t, err)
		require.ErrorIs(t, sd.Signers[0].Verify(d), ErrSignerNotFound)
	})
	t.Run("pkcs7 partial parse is caught", func(t *testing.T) {
		// A certificate that x509 rejects makes pkcs7 fail; a CRL field that
		// asn1 rejects makes pkcs7 drop the signers silently.
		badCRL := splice(t, a, func(f [][]byte) [][]byte {
			out := append([][]byte{}, f[:4]...)
			out = append(out, tlv(0xa1, []byte{0x02, 0x01, 0x01}))
			return append(out, f[4:]...)
		})
		_, err := Parse(badCRL, nil)
		require.ErrorIs(t, err, ErrMalformed)
	})
}

func TestSignedAttributeRules(t *testing.T) {
	w, d := world(t)
	without := func(a [][]byte, oid asn1.ObjectIdentifier) [][]byte {
		var out [][]byte
		for _, x := range a {
			if !bytes.Contains(x, mustMarshal(oid)) {
				out = append(out, x)
			}
		}
		return out
	}
	drop := func(oid asn1.ObjectIdentifier) func(*SignOptions) {
		return func(o *SignOptions) {
			o.attrs = func(a [][]byte) [][]byte { return without(a, oid) }
		}
	}
	replace := func(oid asn1.ObjectIdentifier, attr []byte) func(*SignOptions) {
		return func(o *SignOptions) {
			o.attrs = func(a [][]byte) [][]byte { return append(without(a, oid), attr) }
		}
	}
	md := tlv(asn1.TagOctetString, d)
	tests := []struct {
		name     string
		edit     func(*SignOptions)
		parseErr error
		verify   error
	}{
		{"no signed attributes", func(o *SignOptions) {
			o.attrs = func([][]byte) [][]byte { return nil }
		}, nil, ErrMissingAttribute},
		{"no content type", drop(oidContentType), nil, ErrMissingAttribute},
		{"no message digest", drop(oidMessageDigest), nil, ErrMissingAttribute},
		{"no signing time", drop(oidSigningTime), nil, nil},
		{"content type not data", replace(oidContentType, attribute(oidContentType, mustMarshal(oidSignedData))), nil, ErrMalformed},
		{"duplicate message digest", func(o *SignOptions) {
			o.attrs = func(a [][]byte) [][]byte { return append(a, attribute(oidMessageDigest, md)) }
		}, ErrMalformed, nil},
		{"two message digest values", replace(oidMessageDigest, tlv(0x30, mustMarshal(oidMessageDigest), tlv(0x31, md, md))), ErrMalformed, nil},
		{"bad signing time", replace(oidSigningTime, attribute(oidSigningTime, tlv(asn1.TagUTCTime, []byte("nope")))), ErrMalformed, nil},
		{"generalized time for 2025 (RFC 5652 11.3 wants UTCTime)", replace(oidSigningTime, attribute(oidSigningTime, tlv(asn1.TagGeneralizedTime, []byte("20250314092653Z")))), ErrMalformed, nil},
		{"generalized time for 1950", replace(oidSigningTime, attribute(oidSigningTime, tlv(asn1.TagGeneralizedTime, []byte("19500101000000Z")))), ErrMalformed, nil},
		{"generalized time for 1949", replace(oidSigningTime, attribute(oidSigningTime, tlv(asn1.TagGeneralizedTime, []byte("19491231235959Z")))), nil, nil},
		{"utc time for 2049", replace(oidSigningTime, attribute(oidSigningTime, tlv(asn1.TagUTCTime, []byte("491231235959Z")))), nil, nil},
		{"extra attribute", func(o *SignOptions) {
			o.attrs = func(a [][]byte) [][]byte {
				return append(a, attribute(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 15}, tlv(0x30)))
			}
		}, nil, nil},
		{"generalized time", func(o *SignOptions) {
			o.SigningTime = time.Date(2051, 1, 2, 3, 4, 5, 0, time.UTC)
		}, nil, nil},
		{"sha256WithRSAEncryption", func(o *SignOptions) { o.sigAlg = oidSHA256WithRSA }, nil, nil},
		{"sha1WithRSAEncryption with sha256 digest", func(o *SignOptions) { o.sigAlg = oidSHA1WithRSA }, nil, ErrUnsupportedAlgorithm},
		{"ecdsa algorithm with RSA key", func(o *SignOptions) { o.sigAlg = oidECPublicKey }, nil, ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sd, err := Parse(sign(t, w.Provider, d, tt.edit), nil)
			if tt.parseErr != nil {
				require.ErrorIs(t, err, tt.parseErr)
				require.Nil(t, sd)
				return
			}
			require.NoError(t, err)
			err = sd.Signers[0].Verify(d)
			if tt.verify == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.verify)
			}
		})
	}
}

// TestRawSignedAttrsMatchReencoding checks that the bytes the signature is verified
// over are what pkcs7's marshalAttributes would produce: a SET (tag 0x31) of the
// attributes, for DER and BER input alike.
func TestRawSignedAttrsMatchReencoding(t *testing.T) {
	files := append([]string{"rsa-sha256.der", "ecdsa-sha384.der", "rsa-sha256-detached.ber"}, streamFixtures...)
	for _, f := range files {
		sd, err := Parse(testdata(t, f), nil)
		require.NoError(t, err)
		s := sd.Signers[0]
		type attr struct {
			Type  asn1.ObjectIdentifier
			Value asn1.RawValue `asn1:"set"`
		}
		var attrs []attr
		for _, a := range s.SignedAttrs {
			var v asn1.RawValue
			_, err := asn1.Unmarshal(a.Values, &v)
			require.NoError(t, err)
			attrs = append(attrs, attr{a.Type, v})
		}
		enc, err := asn1.Marshal(struct {
			A []attr `asn1:"set"`
		}{attrs})
		require.NoError(t, err)
		var outer asn1.RawValue
		_, err = asn1.Unmarshal(enc, &outer)
		require.NoError(t, err)
		assert.Equal(t, outer.Bytes, s.RawSignedAttrs, f)
	}
}

func TestSortedSet(t *testing.T) {
	in := [][]byte{{0x02, 0x01}, {0x01}, {0x02}, {0x02, 0x00}, {0x01, 0x05}}
	got := sortedSet(in...)
	assert.Equal(t, [][]byte{{0x01}, {0x01, 0x05}, {0x02}, {0x02, 0x00}, {0x02, 0x01}}, got)
}

func FuzzBERScan(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	require.NoError(f, err)
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext == ".ber" || ext == ".der" {
			f.Add(testdata(f, e.Name()))
		}
	}
	f.Add([]byte("\x30\x80\x24\x80\x04\x01a\x00\x00\x00\x00"))
	f.Add([]byte("\x1f\x81\x00\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		if n, ok := isDER(in, 1, 16); ok {
			// What the fast path accepts is exactly what the conversion leaves alone.
			conv, used, err := convertElement(in, 1, 16)
			require.NoError(t, err)
			require.Equal(t, n, used)
			require.Equal(t, in[:n], conv)
		}
		out, err := berToDER(in, 16)
		if err != nil {
			require.Nil(t, out)
			return
		}
		again, err := berToDER(out, 16)
		require.NoError(t, err)
		require.Equal(t, out, again, "idempotent")
	})
}

// FuzzReadElement: readElement reads what asn1.Unmarshal reads into an
// asn1.RawValue, with the same error, on any input.
func FuzzReadElement(f *testing.F) {
	for _, s := range []string{"\x30\x00", "\x30\x81\x80", "\x1f\x1f\x00", "\x1f\x80\x01\x00", "\x1f\x8f\xff\xff\xff\x7f\x00",
		"\x04\x82\x00\x80", "\x04\x80", "\x04\x81\x7f", "\xbf\x81\x00\x02ab", "\x02\x84\x7f\xff\xff\xff", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want asn1.RawValue
		wrest, werr := asn1.Unmarshal(b, &want)
		got, grest, gerr := readElement(b)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("asn1 %v, readElement %v", werr, gerr)
		}
		if werr != nil {
			if werr.Error() != gerr.Error() {
				t.Fatalf("asn1 %v, readElement %v", werr, gerr)
			}
			return
		}
		if !reflect.DeepEqual(want, got) || !bytes.Equal(wrest, grest) {
			t.Fatalf("asn1 %+v %x, readElement %+v %x", want, wrest, got, grest)
		}
	})
}

// FuzzSignedFields: whenever the reflection-free decoder answers, it gives what
// asn1.Unmarshal gives for the same reduced SignedData. The seeds are the
// reduced SignedData of every fixture.
func FuzzSignedFields(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	require.NoError(f, err)
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext != ".ber" && ext != ".der" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		require.NoError(f, err)
		der, err := berToDER(raw, DefaultMaxDepth)
		require.NoError(f, err)
		sk, err := parseSkeleton(der)
		require.NoError(f, err)
		_, ok := fastSignedFields(sk.reduced)
		require.True(f, ok, e.Name())
		f.Add(sk.reduced)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := fastSignedFields(b)
		if !ok {
			return
		}
		var want signedFields
		if _, err := asn1.Unmarshal(b, &want); err != nil {
			t.Fatalf("fast decoder answered, asn1: %v", err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("asn1 %+v\nfast %+v", want, got)
		}
	})
}
