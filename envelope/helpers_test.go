package envelope_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testpki"
)

// signTime is the pinned signing time of built messages (inside every testpki
// default validity).
var signTime = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

var rome = time.FixedZone("+0100", 3600)

// daticertXML returns a minimal daticert.xml whose data is t (in +0100).
func daticertXML(t time.Time) string {
	lt := t.In(rome)
	return `<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="accettazione" errore="nessuno">
  <intestazione>
    <mittente>mittente@pec.example.it</mittente>
    <destinatari tipo="certificato">destinatario@pec.example.org</destinatari>
    <risposte>mittente@pec.example.it</risposte>
    <oggetto>prova</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>Example PEC S.p.A.</gestore-emittente>
    <data zona="+0100">
      <giorno>` + lt.Format("02/01/2006") + `</giorno>
      <ora>` + lt.Format("15:04:05") + `</ora>
    </data>
    <identificativo>opec.20250314.1@pec.example.it</identificativo>
    <msgid>&lt;original.1@example.it&gt;</msgid>
  </dati>
</postacert>
`
}

// pecEntity returns a signed entity shaped like a PEC receipt body: multipart/mixed
// with a text part and a base64 daticert.xml whose data is t.
func pecEntity(t time.Time) []byte {
	x := base64.StdEncoding.EncodeToString([]byte(daticertXML(t)))
	var wrapped strings.Builder
	for len(x) > 76 {
		wrapped.WriteString(x[:76] + "\r\n")
		x = x[76:]
	}
	wrapped.WriteString(x + "\r\n")
	return []byte("Content-Type: multipart/mixed; boundary=\"----------=_mix\"\r\n" +
		"Content-Transfer-Encoding: binary\r\nMIME-Version: 1.0\r\n\r\n" +
		"------------=_mix\r\nContent-Type: text/plain; charset=\"iso-8859-1\"\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Ricevuta di accettazione: il messaggio =E8 stato accettato.\r\n\r\n" +
		"------------=_mix\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\n" +
		"Content-Disposition: inline; filename=\"daticert.xml\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		wrapped.String() + "\r\n------------=_mix--\r\n")
}

// msg describes a test message to build.
type msg struct {
	id       *testpki.Identity // signer (default: world provider)
	chain    []*x509.Certificate
	noChain  bool
	digest   crypto.Hash
	entity   []byte
	from     string    // default: the signer's first SAN
	date     time.Time // Date header; default signTime
	signed   time.Time // signingTime; default signTime
	legacy   bool
	header   string // extra outer header lines (CRLF-terminated)
	editP7S  func([]byte) []byte
	editBody func([]byte) []byte // edits the multipart/signed body after signing
	ctParams string              // replaces the Content-Type value
}

func world() *testpki.World { return testpki.Default() }

// build signs m and returns a complete CRLF message.
func build(t testing.TB, m msg) []byte {
	t.Helper()
	w := world()
	if m.id == nil {
		m.id = w.Provider
	}
	if m.entity == nil {
		m.entity = pecEntity(signTime)
	}
	if m.signed.IsZero() {
		m.signed = signTime
	}
	if m.date.IsZero() {
		m.date = m.signed
	}
	if m.from == "" && len(m.id.Cert.EmailAddresses) > 0 {
		m.from = m.id.Cert.EmailAddresses[0]
	}
	if m.chain == nil && !m.noChain {
		m.chain = m.id.Chain()[1:]
	}
	sb, err := envelope.Sign(m.entity, &envelope.Signer{Cert: m.id.Cert, Chain: m.chain, Key: m.id.Key, Digest: m.digest},
		&envelope.SignOptions{Time: m.signed, LegacyProtocol: m.legacy})
	require.NoError(t, err)
	body := sb.Body
	if m.editP7S != nil {
		body = replaceP7S(t, body, m.editP7S)
	}
	if m.editBody != nil {
		body = m.editBody(bytes.Clone(body))
	}
	ct := sb.ContentType
	if m.ctParams != "" {
		ct = m.ctParams
	}
	return outer(m.from, m.date, m.header, ct, body)
}

func outer(from string, date time.Time, extra, contentType string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: destinatario@pec.example.org\r\nDate: %s\r\nSubject: ACCETTAZIONE: prova\r\nX-Ricevuta: accettazione\r\n%sMIME-Version: 1.0\r\nContent-Type: %s\r\n\r\n",
		from, date.In(rome).Format("Mon, 2 Jan 2006 15:04:05 -0700"), extra, contentType)
	b.Write(body)
	return b.Bytes()
}

// p7sOf extracts the decoded smime.p7s of a built multipart/signed body.
func p7sOf(t testing.TB, raw []byte) []byte {
	t.Helper()
	s, err := envelope.Locate(raw, nil)
	require.NoError(t, err)
	return s.Signature
}

// replaceP7S re-encodes the smime.p7s of a Sign body after edit.
func replaceP7S(t testing.TB, body []byte, edit func([]byte) []byte) []byte {
	t.Helper()
	i := bytes.LastIndex(body, []byte("pkcs7-signature"))
	require.Positive(t, i)
	start := i + bytes.Index(body[i:], []byte("\r\n\r\n")) + 4
	end := start + bytes.Index(body[start:], []byte("\r\n--"))
	require.GreaterOrEqual(t, end, start)
	der, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body[start:end]), "\r\n", ""))
	require.NoError(t, err)
	enc := base64.StdEncoding.EncodeToString(edit(der))
	out := append([]byte{}, body[:start]...)
	out = append(out, enc...)
	return append(out, body[end:]...)
}

// withP7S returns raw with its signature replaced by p7s (base64, one line).
func withP7S(t testing.TB, raw, p7s []byte) []byte {
	t.Helper()
	return replaceP7S(t, raw, func([]byte) []byte { return p7s })
}

// signedData is the SignedData SEQUENCE split into raw fields (RFC 5652 5.1).
type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo asn1.RawValue
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	SignerInfos      asn1.RawValue
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // [0] EXPLICIT, kept whole
}

func splitP7S(t testing.TB, der []byte) *signedData {
	t.Helper()
	var ci contentInfo
	_, err := asn1.Unmarshal(der, &ci)
	require.NoError(t, err)
	var sd signedData
	_, err = asn1.Unmarshal(ci.Content.Bytes, &sd)
	require.NoError(t, err)
	return &sd
}

func joinP7S(t testing.TB, sd *signedData) []byte {
	t.Helper()
	inner, err := asn1.Marshal(*sd)
	require.NoError(t, err)
	out, err := asn1.Marshal(contentInfo{
		ContentType: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2},
		Content:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner},
	})
	require.NoError(t, err)
	return out
}

// setOf re-wraps elems (DER encodings) as a SET with the given class/tag.
func setOf(class, tag int, elems ...[]byte) asn1.RawValue {
	return asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: bytes.Join(elems, nil)}
}

func elements(t testing.TB, v asn1.RawValue) [][]byte {
	t.Helper()
	var out [][]byte
	rest := v.Bytes
	for len(rest) > 0 {
		var e asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &e)
		require.NoError(t, err)
		out = append(out, e.FullBytes)
	}
	return out
}

// certsField builds the [0] IMPLICIT certificates field.
func certsField(certs ...*x509.Certificate) asn1.RawValue {
	var raws [][]byte
	for _, c := range certs {
		raws = append(raws, c.Raw)
	}
	return setOf(asn1.ClassContextSpecific, 0, raws...)
}

// signerInfo is a SignerInfo split into raw fields (RFC 5652 5.3).
type signerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    asn1.RawValue
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm asn1.RawValue
	Signature          []byte
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue
}

// resign rewrites the signed attributes of the only signer with edit and signs
// them again with key (so the signature stays valid over the new attributes).
func resign(t testing.TB, der []byte, key crypto.Signer, digest crypto.Hash, edit func([]attribute) []attribute) []byte {
	t.Helper()
	sd := splitP7S(t, der)
	sis := elements(t, sd.SignerInfos)
	require.Len(t, sis, 1)
	var si signerInfo
	_, err := asn1.Unmarshal(sis[0], &si)
	require.NoError(t, err)
	var attrs []attribute
	for _, e := range elements(t, si.SignedAttrs) {
		var a attribute
		_, err := asn1.Unmarshal(e, &a)
		require.NoError(t, err)
		attrs = append(attrs, a)
	}
	attrs = edit(attrs)
	var encs [][]byte
	for _, a := range attrs {
		b, err := asn1.Marshal(a)
		require.NoError(t, err)
		encs = append(encs, b)
	}
	// DER SET OF: sorted encodings.
	for i := range encs {
		for j := i + 1; j < len(encs); j++ {
			if bytes.Compare(encs[j], encs[i]) < 0 {
				encs[i], encs[j] = encs[j], encs[i]
			}
		}
	}
	set, err := asn1.Marshal(setOf(asn1.ClassUniversal, asn1.TagSet, encs...))
	require.NoError(t, err)
	h := digest.New()
	h.Write(set)
	sig, err := key.Sign(rand.Reader, h.Sum(nil), digest)
	require.NoError(t, err)
	si.SignedAttrs = setOf(asn1.ClassContextSpecific, 0, encs...)
	si.Signature = sig
	b, err := asn1.Marshal(si)
	require.NoError(t, err)
	sd.SignerInfos = setOf(asn1.ClassUniversal, asn1.TagSet, b)
	return joinP7S(t, sd)
}

var oidSigningTime = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}

// trustRoot trusts the world's root certificate.
func trustRoot(w *testpki.World) *envelope.Trust {
	tr := envelope.NewTrust()
	tr.AddCert(w.Root.Cert)
	return tr
}

// toLF converts every CRLF of b to LF (a message stored by an LF tool).
func toLF(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }

// dropAttr returns an edit for resign that removes the attribute of type oid.
func dropAttr(oid asn1.ObjectIdentifier) func([]attribute) []attribute {
	return func(as []attribute) []attribute {
		var out []attribute
		for _, a := range as {
			if !a.Type.Equal(oid) {
				out = append(out, a)
			}
		}
		return out
	}
}
