package envelope_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
)

func TestLocate(t *testing.T) {
	t.Parallel()
	const sigPart = "Content-Type: application/x-pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIB\r\n"
	tests := []struct {
		name     string
		raw      string
		entity   string
		findings []string
		wantErr  error
	}{
		{
			name:   "basic, transport padding after the boundary",
			raw:    "From: a@b.it\r\nContent-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; micalg=sha1; boundary=\"S\"\r\n\r\npreamble\r\n--S \t\r\nContent-Type: text/plain\r\n\r\nsigned \r\n\r\n--S\r\n" + sigPart + "--S--\r\nepilogue\r\n",
			entity: "Content-Type: text/plain\r\n\r\nsigned \r\n",
		},
		{
			name:   "LF message",
			raw:    "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\n\n--S\nContent-Type: text/plain\n\nline\n--S\nContent-Type: application/pkcs7-signature\nContent-Transfer-Encoding: base64\n\nMIIB\n--S--\n",
			entity: "Content-Type: text/plain\r\n\r\nline",
		},
		{
			name:     "no protocol, no close delimiter, three parts",
			raw:      "Content-Type: multipart/signed; boundary=S\r\n\r\n--S\r\n\r\nx\r\n--S\r\n" + sigPart + "--S\r\n\r\nextra\r\n",
			entity:   "\r\nx",
			findings: []string{envelope.FindingProtocolMissing, envelope.FindingUnterminated, envelope.FindingExtraParts},
		},
		{
			name:     "protocol and signature part disagree",
			raw:      "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\n--S\r\n\r\nx\r\n--S\r\n" + sigPart + "--S--\r\n",
			entity:   "\r\nx",
			findings: []string{envelope.FindingProtocolMismatch},
		},
		{name: "not multipart", raw: "Content-Type: text/plain\r\n\r\nhi\r\n", wantErr: envelope.ErrNotSigned},
		{name: "no content type", raw: "Subject: x\r\n\r\nhi\r\n", wantErr: envelope.ErrNotSigned},
		{name: "pgp", raw: "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=S\r\n\r\n--S\r\n\r\nx\r\n--S--\r\n", wantErr: envelope.ErrNotSigned},
		{name: "no boundary", raw: "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"\r\n\r\nx\r\n", wantErr: envelope.ErrMalformed},
		{name: "boundary never used", raw: "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\nx\r\n", wantErr: envelope.ErrMalformed},
		{name: "one part", raw: "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\n--S\r\n\r\nx\r\n--S--\r\n", wantErr: envelope.ErrMalformed},
		{name: "second part not a signature", raw: "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\n--S\r\n\r\nx\r\n--S\r\nContent-Type: text/plain\r\n\r\ny\r\n--S--\r\n", wantErr: envelope.ErrMalformed},
		{name: "empty signature", raw: "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\n--S\r\n\r\nx\r\n--S\r\nContent-Type: application/pkcs7-signature\r\n\r\n--S--\r\n", wantErr: envelope.ErrMalformed},
		{name: "bad base64", raw: "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\n--S\r\n\r\nx\r\n--S\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nMII...\r\n--S--\r\n", wantErr: envelope.ErrMalformed},
		// A line without a colon is skipped: no Content-Type, so not signed.
		{name: "broken header", raw: "no colon here\r\n\r\n", wantErr: envelope.ErrNotSigned},
		{name: "mixed without a signed part", raw: "Content-Type: multipart/mixed; boundary=M\r\n\r\n--M\r\nContent-Type: text/plain\r\n\r\nx\r\n--M--\r\n", wantErr: envelope.ErrNotSigned},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := []byte(tc.raw)
			s, err := envelope.Locate(raw, nil)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, s)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.entity, string(s.Entity))
			assert.Equal(t, []byte{0x30, 0x82, 0x01}, s.Signature)
			var codes []string
			for _, f := range s.Findings {
				codes = append(codes, f.Code)
			}
			assert.ElementsMatch(t, tc.findings, codes)
		})
	}
}

func TestLocateLimits(t *testing.T) {
	t.Parallel()
	raw := build(t, msg{})
	_, err := envelope.Locate(raw, &envelope.LocateOptions{Limits: envelope.Limits{MaxMessageBytes: int64(len(raw))}})
	require.NoError(t, err, "at the limit")
	_, err = envelope.Locate(raw, &envelope.LocateOptions{Limits: envelope.Limits{MaxMessageBytes: int64(len(raw)) - 1}})
	require.ErrorIs(t, err, envelope.ErrTooLarge)
	_, err = envelope.Locate(raw, &envelope.LocateOptions{Limits: envelope.Limits{MaxHeaderBytes: 64}})
	require.ErrorIs(t, err, envelope.ErrTooLarge)
	// MaxSignatureBytes caps the signature part's body as transmitted.
	var sigSize int
	for _, p := range envelope.Verify(raw, nil).Parts {
		if p.ContentType == envelope.ProtocolPKCS7 {
			sigSize = int(p.Size())
		}
	}
	require.NotZero(t, sigSize)
	_, err = envelope.Locate(raw, &envelope.LocateOptions{Limits: envelope.Limits{MaxSignatureBytes: sigSize}})
	require.NoError(t, err, "signature at the limit")
	_, err = envelope.Locate(raw, &envelope.LocateOptions{Limits: envelope.Limits{MaxSignatureBytes: sigSize - 1}})
	require.ErrorIs(t, err, envelope.ErrTooLarge)
}
