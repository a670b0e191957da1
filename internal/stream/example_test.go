package stream_test

import (
	"crypto"
	"fmt"
	"strings"

	"github.com/sigillo/sigillo/internal/stream"
)

func ExampleScan() {
	msg := strings.Join([]string{
		`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary=S`,
		``,
		`--S`,
		`Content-Type: multipart/mixed; boundary=M`,
		``,
		`--M`,
		`Content-Type: text/plain`,
		``,
		`Messaggio di posta certificata`,
		`--M`,
		`Content-Type: application/xml; name="daticert.xml"`,
		``,
		`<postacert tipo="posta-certificata"/>`,
		`--M--`,
		`--S`,
		`Content-Type: application/pkcs7-signature; name="smime.p7s"`,
		`Content-Transfer-Encoding: base64`,
		``,
		`MIIB`,
		`--S--`,
		``,
	}, "\n") // bare LF: canonicalised to CRLF for hashing

	res, err := stream.Scan(strings.NewReader(msg), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("signed entity: %d bytes at [%d, %d), %d bytes hashed, LF=%v\n",
		res.EntityEnd-res.EntityOff, res.EntityOff, res.EntityEnd, res.EntitySize, res.LF)
	fmt.Printf("sha256: %x...\n", res.Digests[crypto.SHA256][:4])
	fmt.Printf("daticert: %s\n", res.Daticert)
	fmt.Printf("signature: % x\n", res.Signature)
	for _, p := range res.Parts {
		fmt.Printf("%v %s [%d, %d)\n", p.Path, p.ContentType, p.BodyOff, p.End)
	}
	// Output:
	// signed entity: 203 bytes at [104, 307), 213 bytes hashed, LF=true
	// sha256: 7f84254e...
	// daticert: <postacert tipo="posta-certificata"/>
	// signature: 30 82 01
	// [] multipart/signed [100, 418)
	// [0] multipart/mixed [147, 307)
	// [0 0] text/plain [177, 207)
	// [0 1] application/xml [264, 301)
	// [1] application/pkcs7-signature [407, 411)
}
