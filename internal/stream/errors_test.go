package stream

import (
	"bytes"
	"crypto"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func crlfMsg(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n")) }

const sigCT = `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary=B`

func TestScanErrors(t *testing.T) {
	tests := []struct {
		name string
		msg  []byte
		want error
	}{
		{"plain text", crlfMsg("Subject: x", "", "hello"), ErrNotSigned},
		{"no content type", crlfMsg("Subject: x", "", "--B"), ErrNotSigned},
		{"header only", crlfMsg("Subject: x"), ErrNotSigned},
		{"empty", nil, ErrNotSigned},
		{"mixed without signed", crlfMsg("Content-Type: multipart/mixed; boundary=M", "", "--M", "", "x", "--M--"), ErrNotSigned},
		{"signed nested too deep for wrapping", crlfMsg("Content-Type: multipart/mixed; boundary=M", "", "--M",
			"Content-Type: multipart/mixed; boundary=N", "", "--N", sigCT, "", "--B", "", "x", "--B", "", "eA==", "--B--", "--N--", "--M--"), ErrNotSigned},
		{"signed without boundary", crlfMsg(`Content-Type: multipart/signed; micalg=sha1`, "", "x"), ErrMalformed},
		{"no parts", crlfMsg(sigCT, "", "preamble only"), ErrMalformed},
		{"entity not terminated", crlfMsg(sigCT, "", "--B", "", "signed text"), ErrMalformed},
		{"no signature part", crlfMsg(sigCT, "", "--B", "", "signed text", "--B--"), ErrMalformed},
		{"empty signature", crlfMsg(sigCT, "", "--B", "", "x", "--B", "Content-Transfer-Encoding: base64", "", "", "--B--"), ErrMalformed},
		{"bad base64 signature", crlfMsg(sigCT, "", "--B", "", "x", "--B", "Content-Transfer-Encoding: base64", "", "!!!!", "--B--"), ErrMalformed},
		{"signature is multipart", crlfMsg(sigCT, "", "--B", "", "x", "--B", "Content-Type: multipart/mixed; boundary=C", "", "--C", "", "y", "--C--", "--B--"), ErrMalformed},
		{"wrapped signed cut by outer delimiter", crlfMsg("Content-Type: multipart/mixed; boundary=M", "", "--M", sigCT, "", "--B", "", "x", "--M--"), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ScanBytes(tt.msg, nil)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, res)
			_, err = Scan(bytes.NewReader(tt.msg), &Options{BufferSize: MinBufferSize})
			require.ErrorIs(t, err, tt.want)
			if errors.Is(tt.want, ErrMalformed) {
				var se *SyntaxError
				require.ErrorAs(t, err, &se)
			}
		})
	}
}

func TestScanLenient(t *testing.T) {
	tests := []struct {
		name   string
		msg    []byte
		entity string
		sig    string
	}{
		{"minimal", crlfMsg(sigCT, "", "--B", "", "x", "--B", "", "sig", "--B--"), "\r\nx", "sig"},
		{"no close delimiter", crlfMsg(sigCT, "", "--B", "", "x", "--B", "", "sig"), "\r\nx", "sig"},
		{"close delimiter at EOF without line end", crlfMsg(sigCT, "", "--B", "H: v", "", "x", "", "--B", "Content-Transfer-Encoding: base64", "", "c2ln", "--B--"), "H: v\r\n\r\nx\r\n", "sig"},
		{"empty entity", crlfMsg(sigCT, "", "--B", "--B", "", "sig", "--B--"), "", "sig"},
		{"entity without header end", crlfMsg(sigCT, "", "--B", "H: v", "--B", "", "sig", "--B--"), "H: v", "sig"},
		{"padding and stray CR", crlfMsg(sigCT, "", "--B \t", "", "x", "--B\r \t", "", "sig", "--B-- "), "\r\nx", "sig"},
		{"third part ignored", crlfMsg(sigCT, "", "--B", "", "x", "--B", "", "sig", "--B", "", "extra", "--B--"), "\r\nx", "sig"},
		{"not a delimiter: suffix", crlfMsg(sigCT, "", "--B", "", "--Bx", "--B-x", "--B", "", "sig", "--B--"), "\r\n--Bx\r\n--B-x", "sig"},
		{"bare CR kept", crlfMsg(sigCT, "", "--B", "", "a\rb\r\r", "--B", "", "sig", "--B--"), "\r\na\rb\r\r", "sig"},
		{"header first line empty", crlfMsg("", "--B", "", "x", "--B", "", "sig", "--B--")[2:], "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sig == "" {
				_, err := ScanBytes(tt.msg, nil)
				require.ErrorIs(t, err, ErrNotSigned)
				return
			}
			res := scanAll(t, tt.msg, nil)
			assert.Equal(t, tt.sig, string(res.Signature))
			assert.Equal(t, int64(len(tt.entity)), res.EntitySize)
			assert.Equal(t, digestOf(sha256, []byte(tt.entity)), res.Digests[sha256])
			assert.Equal(t, tt.entity, string(canonical(tt.msg[res.EntityOff:res.EntityEnd])))
		})
	}
}

func TestScanLimits(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	msg, _, err := genMessage(rng, genOpts{attach: 2000})
	require.NoError(t, err)
	res, err := ScanBytes(msg, nil)
	require.NoError(t, err)
	hdrLen := len(res.Header) - 2 // the blank line is not counted against the limit
	sigLen := int(res.Parts[len(res.Parts)-1].End - res.Parts[len(res.Parts)-1].BodyOff)
	datPart := res.Parts[res.DaticertPart]
	datLen := int(datPart.End - datPart.BodyOff)
	nParts := len(res.Parts)

	tests := []struct {
		name  string
		opts  Options
		limit string // "" = must succeed
	}{
		{"header at limit", Options{MaxHeaderBytes: hdrLen}, ""},
		{"header over limit", Options{MaxHeaderBytes: hdrLen - 1}, "MaxHeaderBytes"},
		{"signature at limit", Options{MaxSignatureBytes: sigLen}, ""},
		{"signature over limit", Options{MaxSignatureBytes: sigLen - 1}, "MaxSignatureBytes"},
		{"daticert at limit", Options{MaxDaticertBytes: datLen}, ""},
		{"daticert over limit", Options{MaxDaticertBytes: datLen - 1}, "MaxDaticertBytes"},
		{"parts at limit", Options{MaxParts: nParts}, ""},
		{"parts over limit", Options{MaxParts: nParts - 1}, "MaxParts"},
		{"depth at limit", Options{MaxDepth: 3}, ""},
		{"depth over limit", Options{MaxDepth: 2}, "MaxDepth"},
		{"message at limit", Options{MaxMessageBytes: int64(len(msg))}, ""},
		{"message over limit", Options{MaxMessageBytes: int64(len(msg) - 1)}, "MaxMessageBytes"},
		{"message unlimited", Options{MaxMessageBytes: -1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, buf := range []int{0, MinBufferSize} {
				o := tt.opts
				o.BufferSize = buf
				for _, scan := range []func() (*Result, error){
					func() (*Result, error) { return ScanBytes(msg, &o) },
					func() (*Result, error) { return Scan(bytes.NewReader(msg), &o) },
				} {
					res, err := scan()
					if tt.limit == "" {
						require.NoError(t, err)
						assert.NotNil(t, res)
						continue
					}
					require.ErrorIs(t, err, ErrTooLarge)
					var le *LimitError
					require.ErrorAs(t, err, &le)
					assert.Equal(t, tt.limit, le.Limit)
					assert.Nil(t, res)
				}
			}
		})
	}
}

const sha256 = crypto.SHA256

func TestScanDaticertChoice(t *testing.T) {
	part := func(ct, name, body string) []string {
		h := []string{"--M", "Content-Type: " + ct}
		if name != "" {
			h = append(h, `Content-Disposition: inline; filename="`+name+`"`)
		}
		return append(h, "", body)
	}
	msg := func(parts ...[]string) []byte {
		l := []string{sigCT, "", "--B", "Content-Type: multipart/mixed; boundary=M", ""}
		for _, p := range parts {
			l = append(l, p...)
		}
		return crlfMsg(append(l, "--M--", "--B", "", "sig", "--B--")...)
	}
	tests := []struct {
		name string
		msg  []byte
		want string // "" = none
	}{
		{"named xml", msg(part("text/plain", "", "t"), part("application/xml", "daticert.xml", "D")), "D"},
		{"named octet-stream", msg(part("application/octet-stream", "daticert.xml", "D")), "D"},
		{"unnamed application/xml", msg(part("application/xml", "", "X")), "X"},
		{"unnamed text/xml ignored", msg(part("text/xml", "", "X")), ""},
		{"named wins over earlier unnamed", msg(part("application/xml", "", "X"), part("text/xml", "DATICERT.XML", "D")), "D"},
		{"first named wins", msg(part("application/xml", "daticert.xml", "D"), part("application/xml", "daticert.xml", "E")), "D"},
		{"named with other type is a fallback", msg(part("text/plain", "daticert.xml", "P"), part("application/xml", "", "X")), "P"},
		{"nested xml ignored", msg([]string{"--M", "Content-Type: multipart/mixed; boundary=N", "", "--N", "Content-Type: application/xml", "", "X", "--N--"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := scanAll(t, tt.msg, nil)
			if tt.want == "" {
				assert.Nil(t, res.Daticert)
				assert.Equal(t, -1, res.DaticertPart)
				return
			}
			assert.Equal(t, tt.want, string(res.Daticert))
			assert.Equal(t, tt.want, string(tt.msg[res.Parts[res.DaticertPart].BodyOff:res.Parts[res.DaticertPart].End]))
		})
	}
}
