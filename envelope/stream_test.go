package envelope_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/pec/pectest"
)

// streamMode is one streaming entry point, run over raw.
type streamMode struct {
	name string
	run  func(t *testing.T, raw []byte, o *envelope.VerifyOptions) *envelope.Report
}

var streamModes = []streamMode{
	{"ReaderAt", func(t *testing.T, raw []byte, o *envelope.VerifyOptions) *envelope.Report {
		r, err := envelope.VerifyReaderAt(bytes.NewReader(raw), int64(len(raw)), o)
		require.NoError(t, err)
		return r
	}},
	{"Reader", func(t *testing.T, raw []byte, o *envelope.VerifyOptions) *envelope.Report {
		r, err := envelope.VerifyReader(iotest.HalfReader(bytes.NewReader(raw)), o)
		require.NoError(t, err)
		return r
	}},
	{"File", func(t *testing.T, raw []byte, o *envelope.VerifyOptions) *envelope.Report {
		name := filepath.Join(t.TempDir(), "m.eml")
		require.NoError(t, os.WriteFile(name, raw, 0o600))
		r, err := envelope.VerifyFile(name, o)
		require.NoError(t, err)
		return r
	}},
}

// reasonOf returns the sentinel reason of a report, nil when valid.
func reasonOf(t *testing.T, r *envelope.Report) error {
	t.Helper()
	if r.Err == nil {
		return nil
	}
	var ve *envelope.VerifyError
	require.ErrorAs(t, r.Err, &ve)
	return ve.Reason
}

func codes(fs []envelope.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// assertSameReport checks that a streamed report says what Verify said.
func assertSameReport(t *testing.T, want, got *envelope.Report) {
	t.Helper()
	require.NotNil(t, got)
	assert.Equal(t, want.Status, got.Status, "status; err %v, want err %v", got.Err, want.Err)
	assert.Equal(t, reasonOf(t, want), reasonOf(t, got))
	assert.Equal(t, codes(want.Findings), codes(got.Findings))
	assert.Equal(t, want.DigestName, got.DigestName)
	assert.Equal(t, want.Sender, got.Sender)
	assert.True(t, want.SigningTime.Equal(got.SigningTime))
	assert.Equal(t, want.Anchor, got.Anchor)
	assert.Equal(t, want.Legacy, got.Legacy)
	assert.Equal(t, want.Signer, got.Signer)
	assert.Equal(t, len(want.Parts), len(got.Parts), "parts")
	if assert.Equal(t, want.Signed == nil, got.Signed == nil, "signed") && want.Signed != nil {
		assert.Equal(t, want.Signed.Wrapping, got.Signed.Wrapping)
		assert.Equal(t, want.Signed.Signature, got.Signed.Signature)
		assert.Equal(t, want.Signed.EntitySize, got.Signed.EntitySize)
		assert.Equal(t, want.Signed.Header, got.Signed.Header)
		if got.Signed.Entity == nil {
			assert.Nil(t, got.Signed.Entity)
			assert.Equal(t, want.Signed.EntityStart, got.Signed.EntityStart)
			assert.Equal(t, want.Signed.EntityEnd, got.Signed.EntityEnd)
		}
	}
}

// TestVerifyStreamingCases runs the verification case table through
// VerifyReaderAt, VerifyReader and VerifyFile: same status, reason, findings,
// signer and daticert as Verify (the same decision code).
func TestVerifyStreamingCases(t *testing.T) {
	t.Parallel()
	w := world()
	for _, tc := range verifyCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := tc.raw(t)
			o := &envelope.VerifyOptions{Trust: trustRoot(w)}
			if tc.opts != nil {
				tc.opts(o)
			}
			want := envelope.Verify(raw, o)
			for _, m := range streamModes {
				t.Run(m.name, func(t *testing.T) {
					got := m.run(t, raw, o)
					if tc.onceReason != nil && m.name == "Reader" {
						require.ErrorIs(t, got.Err, tc.onceReason)
						assert.Equal(t, envelope.StatusInvalid, got.Status)
						return
					}
					assertSameReport(t, want, got)
					if tc.check != nil {
						tc.check(t, got)
					}
				})
			}
		})
	}
}

// bundledMessages returns the messages of ../testdata/messages with the trust
// that verifies them.
func bundledMessages(t *testing.T) (map[string][]byte, *envelope.Trust) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("..", "testdata", "messages", "*", "*.eml"))
	require.NoError(t, err)
	require.NotEmpty(t, names)
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		require.NoError(t, err)
		out[filepath.Base(filepath.Dir(n))+"/"+filepath.Base(n)] = b
	}
	pemData, err := os.ReadFile(filepath.Join("..", "testdata", "trust.pem"))
	require.NoError(t, err)
	tr := envelope.NewTrust()
	_, err = tr.AddPEM(pemData)
	require.NoError(t, err)
	return out, tr
}

// relayWrap puts raw, a multipart/signed message, as the first part of a
// multipart/mixed with a footer, as a mailing list does.
func relayWrap(raw []byte) []byte {
	i := bytes.Index(raw, []byte("\r\n\r\n"))
	hdr, body := raw[:i+2], raw[i+4:]
	var ct string
	for _, line := range strings.Split(strings.ReplaceAll(string(hdr), "\r\n\t", " "), "\r\n") {
		if strings.HasPrefix(strings.ToLower(line), "content-type:") {
			ct = strings.TrimSpace(line[len("content-type:"):])
		}
	}
	var b bytes.Buffer
	for _, line := range strings.Split(strings.ReplaceAll(string(hdr), "\r\n\t", "\r\n\t"), "\r\n") {
		if line == "" || strings.HasPrefix(strings.ToLower(line), "content-type:") {
			continue
		}
		b.WriteString(line + "\r\n")
	}
	b.WriteString("Content-Type: multipart/mixed; boundary=\"relay-b\"\r\n\r\n--relay-b\r\nContent-Type: " + ct + "\r\n\r\n")
	b.Write(body)
	b.WriteString("\r\n--relay-b\r\nContent-Type: text/plain\r\n\r\nfooter\r\n--relay-b--\r\n")
	return b.Bytes()
}

// TestVerifyStreamingTestdata: on every bundled message, as stored, with LF line
// ends, wrapped by a relay and with a changed byte, the streaming verifiers agree
// with Verify.
func TestVerifyStreamingTestdata(t *testing.T) {
	t.Parallel()
	msgs, tr := bundledMessages(t)
	o := &envelope.VerifyOptions{Trust: tr}
	for name, raw := range msgs {
		tampered := bytes.Clone(raw)
		tampered[len(tampered)*2/5] ^= 0x20
		variants := map[string][]byte{"stored": raw, "lf": toLF(raw), "relay": relayWrap(raw), "tampered": tampered}
		for vname, v := range variants {
			t.Run(name+"/"+vname, func(t *testing.T) {
				want := envelope.Verify(v, o)
				if vname != "tampered" {
					require.True(t, want.Valid(), "%v", want.Err)
				}
				for _, m := range streamModes {
					t.Run(m.name, func(t *testing.T) {
						got := m.run(t, v, o)
						assertSameReport(t, want, got)
					})
				}
			})
		}
	}
}

// TestVerifyStreamingCorpus: the same agreement on the real messages (skipped
// without shared/corpus).
func TestVerifyStreamingCorpus(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	names, err := filepath.Glob(filepath.Join(dir, "real", "*.eml"))
	require.NoError(t, err)
	for _, n := range names {
		raw, err := os.ReadFile(n)
		require.NoError(t, err)
		for _, at := range []time.Time{{}, today} {
			o := &envelope.VerifyOptions{At: at}
			t.Run(filepath.Base(n)+"/"+at.Format("2006"), func(t *testing.T) {
				want := envelope.Verify(raw, o)
				for _, m := range streamModes {
					t.Run(m.name, func(t *testing.T) { assertSameReport(t, want, m.run(t, raw, o)) })
				}
			})
		}
	}
}

// largeMessage returns a transport envelope carrying n random bytes as a
// base64 attachment of the original, the attachment, and the trust.
func largeMessage(t testing.TB, n int) ([]byte, []byte, *envelope.Trust) {
	t.Helper()
	w := pectest.NewWorld(nil)
	p := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	att := make([]byte, n)
	_, err := rand.Read(att)
	require.NoError(t, err)
	var b bytes.Buffer
	b.WriteString("From: alice@pec.example.it\r\nTo: bob@pec.example.org\r\nSubject: grande\r\n" +
		"Date: Fri, 14 Mar 2025 11:00:00 +0100\r\nMessage-ID: <large.1@client.example.it>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"orig\"\r\n\r\n--orig\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIn allegato.\r\n" +
		"--orig\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	enc := make([]byte, 57*4/3)
	for i := 0; i < len(att); i += 57 {
		chunk := att[i:min(i+57, len(att))]
		k := base64Encode(enc, chunk)
		b.Write(enc[:k])
		b.WriteString("\r\n")
	}
	b.WriteString("--orig--\r\n")
	x, err := p.Send(b.Bytes(), nil)
	require.NoError(t, err)
	for _, m := range x.Messages {
		if strings.Contains(m.Name, "posta-certificata") {
			return m.Raw, att, w.Trust()
		}
	}
	t.Fatal("no transport envelope")
	return nil, nil, nil
}

// TestVerifyReaderAtLarge verifies a 20 MB transport envelope through every
// streaming entry point and reaches its attachment through the part offsets.
func TestVerifyReaderAtLarge(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("large message")
	}
	raw, att, tr := largeMessage(t, 20<<20)
	o := &envelope.VerifyOptions{Trust: tr}
	want := envelope.Verify(raw, o)
	require.True(t, want.Valid(), "%v", want.Err)
	for _, m := range streamModes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			got := m.run(t, raw, o)
			assertSameReport(t, want, got)
			require.NotNil(t, got.Parts)
			entity := got.Parts[got.Signed.EntityPart]
			assert.True(t, entity.Signed)
			assert.Equal(t, int64(got.Signed.EntityStart), entity.HeaderOff)
			var post, big *envelope.Part
			for i := range got.Parts {
				p := &got.Parts[i]
				switch p.Filename {
				case envelope.PostacertName:
					post = p
				case "big.bin":
					big = p
				}
			}
			require.NotNil(t, post)
			require.NotNil(t, big)
			assert.Equal(t, "message/rfc822", post.ContentType)
			assert.True(t, big.Signed)
			assert.Greater(t, big.HeaderOff, post.BodyOff)
			assert.Less(t, big.End, post.End)
			got2, err := io.ReadAll(big.Open(bytes.NewReader(raw)))
			require.NoError(t, err)
			assert.True(t, bytes.Equal(att, got2), "decoded attachment differs")
		})
	}
}

// TestVerifyStreamingForwarded: a signed message forwarded as message/rfc822 is
// not the outer message's signature, in every mode.
func TestVerifyStreamingForwarded(t *testing.T) {
	t.Parallel()
	inner := build(t, msg{})
	body := "--fwd\r\nContent-Type: message/rfc822\r\n\r\n" + string(inner) + "\r\n--fwd--\r\n"
	raw := outer("gateway@example.org", signTime, "", `multipart/mixed; boundary="fwd"`, []byte(body))
	want := envelope.Verify(raw, nil)
	require.ErrorIs(t, want.Err, envelope.ErrNotSigned)
	for _, m := range streamModes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			r := m.run(t, raw, nil)
			assert.Equal(t, envelope.StatusAbsent, r.Status)
			require.ErrorIs(t, r.Err, envelope.ErrNotSigned)
		})
	}
}

// TestVerifyStreamingIOErrors: only I/O gives an error.
func TestVerifyStreamingIOErrors(t *testing.T) {
	t.Parallel()
	raw := build(t, msg{})
	errBoom := errors.New("boom")
	r, err := envelope.VerifyReader(io.MultiReader(bytes.NewReader(raw[:100]), iotest.ErrReader(errBoom)), nil)
	require.ErrorIs(t, err, errBoom)
	assert.Nil(t, r)

	r, err = envelope.VerifyReaderAt(errReaderAt{errBoom}, 1000, nil)
	require.ErrorIs(t, err, errBoom)
	assert.Nil(t, r)

	r, err = envelope.VerifyFile(filepath.Join(t.TempDir(), "missing.eml"), nil)
	require.ErrorIs(t, err, fs.ErrNotExist)
	assert.Nil(t, r)
}

type errReaderAt struct{ err error }

func (e errReaderAt) ReadAt([]byte, int64) (int, error) { return 0, e.err }

// TestPartOpen decodes the transfer encodings.
func TestPartOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, enc, body, want string
	}{
		{"base64 with line ends and padding", "base64", "aGVs\r\nbG8g d29y\tbGQ=\r\n", "hello world"},
		{"quoted-printable", "quoted-printable", "caf=C3=A8 =\r\nlungo\r\n", "cafè lungo\r\n"},
		{"8bit as is", "8bit", "riga\nriga\r\n", "riga\nriga\r\n"},
		{"no encoding", "", "x", "x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := "HEADER\r\n\r\n" + tc.body + "TRAILER"
			p := envelope.Part{HeaderOff: 0, BodyOff: 10, End: int64(10 + len(tc.body)), Encoding: tc.enc}
			assert.Equal(t, int64(len(tc.body)), p.Size())
			got, err := io.ReadAll(p.Open(strings.NewReader(src)))
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
}

func base64Encode(dst, src []byte) int {
	const enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	n := 0
	for i := 0; i < len(src); i += 3 {
		var v uint
		k := min(3, len(src)-i)
		for j := 0; j < 3; j++ {
			v <<= 8
			if j < k {
				v |= uint(src[i+j])
			}
		}
		dst[n], dst[n+1] = enc[v>>18&63], enc[v>>12&63]
		dst[n+2], dst[n+3] = '=', '='
		if k > 1 {
			dst[n+2] = enc[v>>6&63]
		}
		if k > 2 {
			dst[n+3] = enc[v&63]
		}
		n += 4
	}
	return n
}

// TestVerifyParts: the report of an unsigned part table is Verify's, and a table
// with a multipart/signed where one is looked for is refused.
func TestVerifyParts(t *testing.T) {
	t.Parallel()
	plain := []byte("Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nciao\r\n--b--\r\n")
	want := envelope.Verify(plain, nil)
	got := envelope.VerifyParts(want.Parts, nil)
	assert.Equal(t, want.Status, got.Status)
	require.ErrorIs(t, got.Err, envelope.ErrNotSigned)
	assert.Equal(t, want.Err.Error(), got.Err.Error())
	assert.Equal(t, want.Parts, got.Parts)

	signed := envelope.Verify(build(t, msg{}), nil)
	require.NotNil(t, signed.Signed)
	r := envelope.VerifyParts(signed.Parts, nil)
	require.ErrorIs(t, r.Err, envelope.ErrMalformed)
}
