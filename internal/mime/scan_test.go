package mime

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"io"
	stdmime "mime"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const signedMsg = "From: a@b.it\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"S\"\r\n\r\n" +
	"--S\r\nContent-Type: multipart/mixed; boundary=\"M\"\r\n\r\n--M\r\nContent-Type: text/plain\r\n\r\nciao\r\n--M\r\n" +
	"Content-Type: application/xml; name=\"daticert.xml\"\r\n\r\n<postacert/>\r\n--M\r\nContent-Type: message/rfc822; name=\"postacert.eml\"\r\n\r\n" +
	"Subject: x\r\nContent-Type: multipart/mixed; boundary=\"I\"\r\n\r\n--I\r\n\r\ninner\r\n--I--\r\n--M--\r\n" +
	"--S\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIB\r\n--S--\r\n"

// scanEvery scans b with ScanBytes, ScanReaderAt and ScanReader (smallest
// buffer), checks that they agree and returns ScanBytes's result.
func scanEvery(t *testing.T, b []byte, o *Options) (*Scan, error) {
	t.Helper()
	want, err := ScanBytes(b, o)
	small := Options{}
	if o != nil {
		small = *o
	}
	small.BufferSize = minBufferSize
	at, aerr := ScanReaderAt(bytes.NewReader(b), int64(len(b)), &small)
	one, oerr := ScanReader(iotest.HalfReader(bytes.NewReader(b)), &small)
	require.Equal(t, err == nil, aerr == nil, "ScanReaderAt error %v, ScanBytes %v", aerr, err)
	require.Equal(t, err == nil, oerr == nil, "ScanReader error %v, ScanBytes %v", oerr, err)
	if err != nil {
		return nil, err
	}
	for _, got := range []*Scan{at, one} {
		// The streaming scans count base64 leaves; the count is what
		// DecodedSize gives for the body, and the rest of the table is the same.
		parts := slices.Clone(got.Parts)
		for i := range parts {
			p := &parts[i]
			if p.Counted {
				n, derr := DecodedSize(p.Encoding, bytes.NewReader(b[p.BodyOff:p.End]))
				assert.Equal(t, derr, p.DecodeErr, "part %d", i)
				assert.Equal(t, n, p.DecodedSize, "part %d", i)
				p.Counted, p.DecodedSize, p.DecodeErr = false, 0, nil
			}
		}
		assert.Equal(t, want.Parts, parts)
		assert.Equal(t, want.Header, got.Header)
		assert.Equal(t, want.Signature, got.Signature)
		assert.Equal(t, want.EntityOff, got.EntityOff)
		assert.Equal(t, want.EntityEnd, got.EntityEnd)
		assert.Equal(t, want.EntitySize, got.EntitySize)
		assert.Equal(t, want.SignedErr == nil, got.SignedErr == nil)
		for h, d := range want.Digests {
			g, err := got.Digest(h)
			require.NoError(t, err)
			assert.Equal(t, d, g)
		}
	}
	return want, nil
}

func TestScanSigned(t *testing.T) {
	t.Parallel()
	for name, raw := range map[string]string{"crlf": signedMsg, "lf": strings.ReplaceAll(signedMsg, "\r\n", "\n")} {
		t.Run(name, func(t *testing.T) {
			sc, err := scanEvery(t, []byte(raw), nil)
			require.NoError(t, err)
			require.NoError(t, sc.SignedErr)
			assert.Equal(t, 0, sc.Signed)
			assert.False(t, sc.Wrapped)
			assert.Equal(t, []byte{0x30, 0x82, 0x01}, sc.Signature)
			entity := raw[sc.EntityOff:sc.EntityEnd]
			assert.True(t, strings.HasPrefix(entity, "Content-Type: multipart/mixed"))
			assert.True(t, strings.HasSuffix(entity, "--M--"))
			sum := sha256.Sum256(CanonicalCRLF([]byte(entity)))
			d, err := sc.Digest(crypto.SHA256)
			require.NoError(t, err)
			assert.Equal(t, sum[:], d)
			d1, err := sc.Digest(crypto.SHA1) // not named by micalg: re-read
			require.NoError(t, err)
			assert.Len(t, d1, 20)
			var dat, emb *Part
			for i := range sc.Parts {
				p := &sc.Parts[i]
				if p.Filename == "daticert.xml" {
					dat = p
				}
				if p.Embedded {
					emb = p
				}
			}
			require.NotNil(t, dat)
			assert.Equal(t, "application/xml", dat.ContentType)
			assert.Equal(t, sc.Entity, dat.Parent)
			assert.True(t, dat.Signed)
			require.NotNil(t, emb)
			assert.Equal(t, "multipart/mixed", emb.ContentType)
			b, err := io.ReadAll(dat.Open(bytes.NewReader([]byte(raw))))
			require.NoError(t, err)
			assert.Equal(t, "<postacert/>", string(b))
		})
	}
}

func TestScanNotSigned(t *testing.T) {
	t.Parallel()
	sc, err := scanEvery(t, []byte("Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, -1, sc.Signed)
	assert.Len(t, sc.Parts, 2)
	assert.True(t, sc.Parts[0].Closed)
	_, err = sc.Digest(crypto.SHA256)
	require.ErrorIs(t, err, ErrDigestUnavailable)
}

func TestScanHeaderFields(t *testing.T) {
	t.Parallel()
	raw := "From x\nContent-Type: \r\nContent-Type: multipart/mixed;;\r\n\tboundary=\"b\"\r\nContent-Transfer-Encoding: 7BIT\r\n\r\n--b\r\n" +
		"Content-Type: text/plain; name=\"=?utf-8?q?caf=C3=A9.txt?=\"\r\nContent-Disposition: ATTACHMENT\r\n\r\nx\r\n--b--\r\n"
	sc, err := scanEvery(t, []byte(raw), nil)
	require.NoError(t, err)
	top := sc.Parts[0]
	assert.Equal(t, int64(len("From x\n")), top.HeaderOff, "mbox line skipped")
	assert.Equal(t, 2, top.ContentTypes)
	assert.True(t, top.ContentTypeErr, "the first, empty, field wins")
	assert.Equal(t, "text/plain", top.ContentType)
	assert.Equal(t, "7bit", top.Encoding)
	require.Len(t, sc.Parts, 1, "not a multipart: the first Content-Type is the one read")
	sc, err = scanEvery(t, []byte(strings.Replace(raw, "Content-Type: \r\n", "", 1)), nil)
	require.NoError(t, err)
	require.Len(t, sc.Parts, 2)
	assert.Equal(t, "multipart/mixed", sc.Parts[0].ContentType, "a stray ;; and a fold with a tab")
	assert.Equal(t, "b", sc.Parts[0].Boundary)
	assert.Equal(t, "café.txt", sc.Parts[1].Filename)
	assert.Equal(t, "attachment", sc.Parts[1].Disposition)
}

func TestScanLongDelimiterLine(t *testing.T) {
	t.Parallel()
	for _, pad := range []int{maxDelimiterLine - 5, maxDelimiterLine - 4, 300 << 10} {
		raw := "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b" + strings.Repeat(" ", pad) + "\r\n\r\ny\r\n--b--\r\n"
		sc, err := scanEvery(t, []byte(raw), nil)
		require.NoError(t, err)
		want := 3
		if pad+3 > maxDelimiterLine {
			want = 2
		}
		assert.Len(t, sc.Parts, want, "padding %d", pad)
	}
}

// TestScanLimits: every limit at its value and one past it.
func TestScanLimits(t *testing.T) {
	t.Parallel()
	raw := []byte(signedMsg)
	hdr := len("From: a@b.it\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"S\"\r\n")
	tests := []struct {
		name  string
		at    Limits
		limit string
	}{
		{"MaxMessageBytes", Limits{MaxMessageBytes: int64(len(raw))}, "MaxMessageBytes"},
		{"MaxHeaderBytes", Limits{MaxHeaderBytes: hdr}, "MaxHeaderBytes"},
		{"MaxParts", Limits{MaxParts: 8}, "MaxParts"},
		{"MaxDepth", Limits{MaxDepth: 3}, "MaxDepth"},
		{"MaxSignatureBytes", Limits{MaxSignatureBytes: 4}, "MaxSignatureBytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scanEvery(t, raw, &Options{Limits: tc.at})
			require.NoError(t, err, "at the limit")
			over := tc.at
			over.MaxMessageBytes -= min(over.MaxMessageBytes, 1)
			over.MaxHeaderBytes -= min(over.MaxHeaderBytes, 1)
			over.MaxParts -= min(over.MaxParts, 1)
			over.MaxDepth -= min(over.MaxDepth, 1)
			over.MaxSignatureBytes -= min(over.MaxSignatureBytes, 1)
			if over.MaxMessageBytes == 0 && tc.at.MaxMessageBytes != 0 || over.MaxHeaderBytes == 0 && tc.at.MaxHeaderBytes != 0 {
				t.Fatal("limit too small for the test")
			}
			_, err = scanEvery(t, raw, &Options{Limits: over})
			var le *LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tc.limit, le.Limit)
			require.ErrorIs(t, err, ErrTooLarge)
		})
	}
}

func TestDecodeStream(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cte, in, want string
		bad           bool
	}{
		{"base64", "Y2lh\r\nbw==\r\n", "ciao", false},
		{"BASE64", " Y2lhbw = = ", "ciao", false},
		{"base64", "Y2lhbw", "ciao", false},
		{"base64", "Y2lhbyE=", "ciao!", false},
		{"base64", "Y2lhbyE", "ciao!", false},
		{"base64", "", "", false},
		{"base64", "Y2lhbw==Y2lh", "", true},
		{"base64", "Y2l*bw==", "", true},
		{"base64", "Y", "", true},
		{"base64", "Y2=a", "", true},
		{"base64", "=Y2l", "", true},
		{"base64", "Y2lhbw=", "", true},
		{"quoted-printable", "caf=C3=A9=\r\n!", "café!", false},
		{"7bit", "as is", "as is", false},
		{"x-uuencode", "x", "", true},
	}
	for _, tc := range tests {
		got, err := Decode(tc.cte, []byte(tc.in))
		if tc.bad {
			require.ErrorIs(t, err, ErrMalformed, "%q", tc.in)
			// The streaming form refuses it with the same error.
			if d, derr := NewDecoder(tc.cte, iotest.OneByteReader(strings.NewReader(tc.in))); derr == nil {
				_, serr := io.ReadAll(d)
				require.Error(t, serr)
				assert.Equal(t, err.Error(), serr.Error())
				_, serr = DecodedSize(tc.cte, strings.NewReader(tc.in))
				require.Error(t, serr)
				assert.Equal(t, err.Error(), serr.Error())
			}
			continue
		}
		require.NoError(t, err, "%q", tc.in)
		assert.Equal(t, tc.want, string(got))
		n, err := DecodedSize(tc.cte, strings.NewReader(tc.in))
		require.NoError(t, err)
		assert.Equal(t, int64(len(tc.want)), n, "decoded size of %q", tc.in)
		// The streaming form, fed a byte at a time, gives the same.
		d, err := NewDecoder(tc.cte, iotest.OneByteReader(strings.NewReader(tc.in)))
		require.NoError(t, err)
		b, err := io.ReadAll(d)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(b))
	}
	big := bytes.Repeat([]byte("QUJD"), 1<<20) // 4 MiB on one line
	out, err := Decode("base64", big)
	require.NoError(t, err)
	assert.Len(t, out, 3<<20)
}

func TestCanonWriter(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := NewCanonWriter(&b)
	for _, s := range []string{"a\n", "b\r", "\nc", "\n\n"} {
		_, err := w.Write([]byte(s))
		require.NoError(t, err)
	}
	assert.Equal(t, "a\r\nb\r\nc\r\n\r\n", b.String())
	assert.Equal(t, int64(b.Len()), w.Written())
}

func TestCharsetReader(t *testing.T) {
	t.Parallel()
	r, err := CharsetReader("ISO-8859-1", strings.NewReader("caf\xe9"))
	require.NoError(t, err)
	b, _ := io.ReadAll(r)
	assert.Equal(t, "café", string(b))
	_, err = CharsetReader("x-unknown", strings.NewReader(""))
	require.ErrorIs(t, err, ErrMalformed)
	assert.Equal(t, "café", DecodeWords("=?iso-8859-1?q?caf=E9?="))
	// The shortcuts of DecodeCharset give what the decoders give.
	for _, cs := range []string{"ISO-8859-1", "latin1", "windows-1252", "iso-8859-15", "utf-8"} {
		for _, in := range []string{"plain ascii", "caf\xe9 \xa4"} {
			got, err := DecodeCharset(cs, []byte(in))
			require.NoError(t, err)
			if cs == "utf-8" {
				assert.Equal(t, in, string(got))
				continue
			}
			r, err := CharsetReader(cs, strings.NewReader(in))
			require.NoError(t, err)
			want, _ := io.ReadAll(r)
			assert.Equal(t, string(want), string(got), "%s %q", cs, in)
		}
	}
}

// FuzzScan: the three scanners agree whatever the input, and never panic.
func FuzzScan(f *testing.F) {
	f.Add([]byte(signedMsg))
	f.Add([]byte(strings.ReplaceAll(signedMsg, "\r\n", "\n")))
	f.Add([]byte(BOM + signedMsg))
	f.Add([]byte("From : a@b\r\n" + signedMsg))
	if files, err := filepath.Glob(filepath.Join("testdata", "*.eml")); err == nil {
		for _, n := range files {
			if b, err := os.ReadFile(n); err == nil {
				f.Add(b)
			}
		}
	}
	o := &Options{Limits: Limits{MaxMessageBytes: 1 << 20, MaxParts: 64, MaxDepth: 8}}
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := scanEvery(t, b, o)
		if err != nil {
			return
		}
		for _, p := range sc.Parts {
			if p.HeaderOff > p.BodyOff || p.BodyOff > p.End || p.End > int64(len(b)) {
				t.Fatalf("part %v offsets %d %d %d of %d", p.Path, p.HeaderOff, p.BodyOff, p.End, len(b))
			}
		}
	})
}

// FuzzDecode: the []byte decoder, the streaming decoder read a byte at a time
// and DecodedSize agree on every input, errors included.
func FuzzDecode(f *testing.F) {
	f.Add("base64", []byte("Y2lh\r\nbw==\r\n"))
	f.Add("base64", []byte("Y2lhbw==Y2lh"))
	f.Add("quoted-printable", []byte("caf=C3=A9=\r\n!"))
	f.Add("quoted-printable", []byte(strings.Repeat("x=41", qpLine/4)+"=\r\n\x01"))
	f.Add("Quoted-Printable ", []byte("a= \t\r\nb=zz=4"))
	f.Fuzz(func(t *testing.T, cte string, b []byte) {
		want, werr := Decode(cte, b)
		d, derr := NewDecoder(cte, iotest.OneByteReader(bytes.NewReader(b)))
		if derr != nil {
			if werr == nil {
				t.Fatalf("NewDecoder %v, Decode nil", derr)
			}
			return
		}
		got, gerr := io.ReadAll(d)
		n, serr := DecodedSize(cte, bytes.NewReader(b))
		if (werr == nil) != (gerr == nil) || (werr == nil) != (serr == nil) {
			t.Fatalf("errors: Decode %v, stream %v, size %v", werr, gerr, serr)
		}
		if werr != nil {
			if werr.Error() != gerr.Error() || werr.Error() != serr.Error() {
				t.Fatalf("errors differ: %v / %v / %v", werr, gerr, serr)
			}
			return
		}
		if !bytes.Equal(want, got) || int64(len(want)) != n {
			t.Fatalf("decoded %q, streamed %q, size %d", want, got, n)
		}
	})
}

// FuzzMediaType: the fast path of ParseMediaType gives what the standard
// library gives whenever it answers.
func FuzzMediaType(f *testing.F) {
	for _, v := range []string{"text/plain", "multipart/mixed; boundary=\"b\"", "Application/XML; name=daticert.xml;",
		"text/plain; charset=iso-8859-1; format=flowed", "inline; filename=\"a b.txt\"", "a/b; x=1; x=2", "a/b;;c=d", "a/b; c=\"d"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		mt, params, ok := fastMediaType(v)
		if !ok {
			return
		}
		smt, sparams, err := stdmime.ParseMediaType(v)
		if err != nil {
			t.Fatalf("%q: fast %q %v, standard library error %v", v, mt, params, err)
		}
		if mt != smt || len(params) != len(sparams) {
			t.Fatalf("%q: fast %q %v, standard library %q %v", v, mt, params, smt, sparams)
		}
		for k, x := range sparams {
			if params[k] != x {
				t.Fatalf("%q: fast %v, standard library %v", v, params, sparams)
			}
		}
	})
}

// TestScanCountsBase64: the streaming scans count every base64 leaf in the pass
// (scanEvery checks each count against DecodedSize), errors included.
func TestScanCountsBase64(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("QUJD", 3*minBufferSize)
	for name, tc := range map[string]struct {
		body string
		size int64
		bad  bool
	}{
		"lines":          {body: "Y2lh\r\nbw==\r\n", size: 4},
		"no padding":     {body: "Y2lhbw\r\n", size: 4},
		"spaces":         {body: "Y2 lh\tbw==\r\n", size: 4},
		"dashes":         {body: "--\r\n", bad: true},
		"bad char":       {body: "Y2lh\r\nb*==\r\n", bad: true},
		"after padding":  {body: "Y2lhbw==\r\nY2lh\r\n", bad: true},
		"truncated":      {body: "Y2lhb\r\n", bad: true},
		"over a buffer":  {body: long + "\r\n", size: int64(len(long)) / 4 * 3},
		"empty":          {body: "", size: 0},
		"padding at eof": {body: "Y2lhbw=", bad: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, closed := range []bool{true, false} {
				raw := "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Transfer-Encoding: base64\r\n\r\n" + tc.body
				if closed {
					raw += "\r\n--b--\r\n"
				}
				_, err := scanEvery(t, []byte(raw), nil)
				require.NoError(t, err)
				sc, err := ScanReader(strings.NewReader(raw), nil)
				require.NoError(t, err)
				require.Len(t, sc.Parts, 2)
				p := sc.Parts[1]
				assert.True(t, p.Counted)
				n, err := p.DecodedSizeAt(strings.NewReader(raw), 0)
				if tc.bad {
					assert.ErrorIs(t, err, ErrMalformed)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, tc.size, n)
			}
		})
	}
}

// TestDecodeQPLikeReader: the []byte quoted-printable decoder gives what the
// streaming one (mime/quotedprintable) gives, errors included, around its
// 4096-byte line buffer too.
func TestDecodeQPLikeReader(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", qpLine)
	for _, in := range []string{
		"", "caf=C3=A9=\r\n!", "a=\n", "=", "a=", "a= \t", "x=4", "x=4\r\n", "=zz", "=\r", "tab\t \r\nnext\n", "\x01",
		"soft = \r\nx", "\xe9 ok", "a\rb", long, long[1:], long[1:] + "\n", long + "\n", long[2:] + "=\n", long[1:] + "=",
		long + "\x01", "\x01" + long, long[3:] + "=\r\nmore", strings.Repeat(long[1:]+"\r\n", 3),
	} {
		want, werr := io.ReadAll(&qpReader{r: stdQP(strings.NewReader(in))})
		got, gerr := Decode("quoted-printable", []byte(in))
		require.Equal(t, werr == nil, gerr == nil, "%.20q: %v / %v", in, werr, gerr)
		if werr != nil {
			assert.Equal(t, werr.Error(), gerr.Error(), "%.20q", in)
			continue
		}
		assert.Equal(t, want, got, "%.20q", in)
	}
}

func stdQP(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }
