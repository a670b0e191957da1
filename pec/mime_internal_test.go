package pec

import (
	"bufio"
	"bytes"
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oldFilename is the file name as newEntity computed it through go-message before
// entityFilename reused the parsed parameters.
func oldFilename(e *entity) string {
	ah := mail.AttachmentHeader{Header: e.fullHeader()}
	if name, err := ah.Filename(); err == nil && name != "" {
		return name
	}
	if name := e.params["name"]; name != "" {
		return decodeWords(name)
	}
	return ""
}

// checkDecode compares the fast paths with go-message on one part: same bytes,
// same findings, for both decode modes, and the filename.
func checkDecode(t *testing.T, raw []byte) {
	p := &parser{opts: (*Options)(nil).withDefaults()}
	e, err := p.newEntity(raw, "1")
	if err != nil {
		return
	}
	assert.Equal(t, oldFilename(e), e.filename, "filename of %q", raw)
	full := e.fullHeader()
	assert.Equal(t, full.Get("Content-Transfer-Encoding"), e.cte)
	for _, charset := range []bool{false, true} {
		slow := &parser{opts: p.opts}
		want := slow.decodeMessage(e, charset)
		fast := &parser{opts: p.opts}
		got, ok := fastDecode(e, charset)
		if !ok {
			got = fast.decodeMessage(e, charset)
		}
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		assert.Equal(t, want, got, "charset %v, part %q", charset, raw)
		assert.Equal(t, slow.findings, fast.findings)
	}
}

func decodeSeeds() []string {
	return []string{
		"Content-Type: text/plain; charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nIl messaggio =E8 stato consegnato=\r\n al destinatario.\r\n",
		"Content-Type: text/plain; charset=iso-8859-15\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsolo ASCII=20qui\r\n",
		"Content-Type: text/plain; charset=iso-8859-15\r\nContent-Transfer-Encoding: 8bit\r\n\r\nnon ASCII \xa4\r\n",
		"Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+Y2lhbzwvYj4=\r\n",
		"Content-Type: text/plain; charset=koi8-r\r\n\r\n\xf0\xd2\xc9\r\n",
		"Content-Type: text/plain; charset=unknown-x\r\n\r\nabc\r\n",
		"Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nplain\r\n",
		"Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"\r\nContent-Transfer-Encoding: base64\r\n\r\nPD94bWwgdmVyc2lvbj0iMS4wIj8+\r\nPGEvPg==\r\n",
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nQQ==QQ==\r\n",
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJD\r\n RE\tVG\r\n",
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJ\r\n",
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nQU*D\r\n",
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbad =ZZ escape\r\n",
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin\r\n",
		"Content-Type: message/rfc822; name=\"postacert.eml\"\r\nContent-Disposition: inline; filename=\"postacert.eml\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\nSubject: x\r\n\r\nbody\r\n",
		"Content-Type: multipart/mixed\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJD\r\n",
		"Content-Type: text/plain; charset=\"iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=E8\r\n",
		"Content-Type: text/plain; charset=iso-8859-1; charset=utf-8\r\n\r\n\xe8\r\n",
		"Content-Type: application/pdf; name=\"=?iso-8859-1?q?f=E8.pdf?=\"\r\nContent-Disposition: attachment; filename=\"\"\r\n\r\n%PDF\r\n",
		"Content-Type: application/pdf; name=a.pdf\r\nContent-Disposition: attachment; filename=\"=?utf-8?b?w6g=?=.pdf\"\r\n\r\n%PDF\r\n",
		"Content-Type: application/pdf; name=a.pdf\r\nContent-Disposition: attachment; filename*=UTF-8''%C3%A8.pdf\r\n\r\n%PDF\r\n",
		"Content-Type: application/pdf; name=a.pdf\r\nContent-Disposition: attachment; filename=\"b.pdf\"; x\r\n\r\n%PDF\r\n",
		"Content-Type: application/pdf; name=\"a.pdf\"; bad\r\nContent-Disposition: inline\r\n\r\n%PDF\r\n",
		"Content-Disposition: attachment; filename=\"=?x-bogus?q?a?=\"\r\n\r\nabc\r\n",
		"Content-Transfer-Encoding: QUOTED-PRINTABLE\r\n\r\nx=3Dy\r\n",
		"\r\nno header at all\r\n",
	}
}

func TestFastDecodeMatchesGoMessage(t *testing.T) {
	for _, s := range decodeSeeds() {
		checkDecode(t, []byte(s))
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, s := range decodeSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDecode(t, raw)
	})
}

func TestDecodeMemoised(t *testing.T) {
	p := &parser{opts: (*Options)(nil).withDefaults()}
	e, err := p.newEntity([]byte("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-bogus\r\n\r\nabc\r\n"), "2")
	require.NoError(t, err)
	a := p.decode(e, false)
	require.Len(t, p.findings, 1)
	b := p.decode(e, false)
	assert.Equal(t, a, b)
	assert.Len(t, p.findings, 1, "the finding of a memoised decode is not repeated")
}

func TestASCIICompatibleCharsets(t *testing.T) {
	var ascii []byte
	for c := range 0x80 {
		ascii = append(ascii, byte(c))
	}
	for cs := range asciiCompatible {
		r, err := message.CharsetReader(cs, bytes.NewReader(ascii))
		require.NoError(t, err, cs)
		out, err := io.ReadAll(r)
		require.NoError(t, err, cs)
		assert.Equal(t, ascii, out, cs)
	}
	var all []byte
	for c := range 0x100 {
		all = append(all, byte(c))
	}
	r, err := message.CharsetReader("iso-8859-1", bytes.NewReader(all))
	require.NoError(t, err)
	want, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, want, latin1ToUTF8(all))
}

func TestReadHeaderReuse(t *testing.T) {
	long := "X-Long: " + string(bytes.Repeat([]byte("a"), 9000)) + "\r\n"
	blocks := []string{
		"From: a@example.it\r\nSubject: uno\r\n",
		long + "Subject: due\r\n",
		"Subject: tre\r\n folded\r\n",
		"Subject: quattro",
		" leading space\r\nSubject: x\r\n",
		"",
	}
	for range 3 {
		for _, b := range blocks {
			h, err := readHeader([]byte(b))
			want, wantErr := oldReadHeader([]byte(b))
			assert.Equal(t, wantErr, err, "%q", b)
			assert.Equal(t, want.Get("Subject"), h.Get("Subject"))
			assert.Equal(t, want.Get("X-Long"), h.Get("X-Long"))
			assert.Equal(t, want.Len(), h.Len())
		}
	}
}

// oldReadHeader is readHeader as it was before the reader was pooled.
func oldReadHeader(hdr []byte) (message.Header, error) {
	buf := append(append([]byte(nil), hdr...), '\r', '\n')
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(buf)))
	return message.Header{Header: h}, err
}

// checkScanHeader: when scanHeader accepts a block, go-message reads it without
// error and gives the same three values.
func checkScanHeader(t *testing.T, hdr []byte) {
	ct, cd, cte, ok := scanHeader(hdr)
	h, err := readHeader(hdr)
	if !ok {
		return
	}
	require.NoError(t, err, "%q", hdr)
	assert.Equal(t, h.Get("Content-Type"), ct, "%q", hdr)
	assert.Equal(t, h.Get("Content-Disposition"), cd, "%q", hdr)
	assert.Equal(t, h.Get("Content-Transfer-Encoding"), cte, "%q", hdr)
}

func scanHeaderSeeds() []string {
	return []string{
		"Content-Type: text/plain;\r\n charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: base64\r\n",
		"content-type:   a/b  \r\n\t; x=y\n \r\nCONTENT-DISPOSITION: inline\n",
		"Content-Type: a/b\r\nContent-Type: c/d\r\n",
		"X-A: 1\r\n: empty key\r\nContent-Type: a/b",
		"Content-Type: a\rb\r\n",
		"Content-Type: a/b\r",
		" Content-Type: a/b\r\n",
		"Content-Type a/b\r\n",
		"Con tent-Type: a/b\r\n",
		"Content-Type: a/b\r\n\r\nContent-Transfer-Encoding: base64\r\n",
		"Content-Type: a/b\r\n\r\n x\r\n",
		"Content-Type:\r\n\r\n",
		"Content-Type : a/b\r\n",
		"Foo\r\n bar: x\r\n",
		"\rX: y\r\n",
		"Content-Transfer-Encoding: \r\n 7bit \r\n\t\r\n",
	}
}

func TestScanHeader(t *testing.T) {
	for _, s := range scanHeaderSeeds() {
		checkScanHeader(t, []byte(s))
	}
	for _, s := range []string{" Content-Type: a/b\r\n", "Content-Type a/b\r\n", "Con tent-Type: a/b\r\n", "Foo\r\n bar: x\r\n", "\rX: y\r\n"} {
		_, _, _, ok := scanHeader([]byte(s))
		assert.False(t, ok, "%q is left to go-message", s)
		_, err := readHeader([]byte(s))
		assert.Error(t, err, "%q", s)
	}
	ct, cd, cte, ok := scanHeader([]byte(scanHeaderSeeds()[1]))
	require.True(t, ok)
	assert.Equal(t, "a/b ; x=y", ct)
	assert.Equal(t, "inline", cd)
	assert.Empty(t, cte)
}

func FuzzScanHeader(f *testing.F) {
	for _, s := range scanHeaderSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, hdr []byte) {
		checkScanHeader(t, hdr)
	})
}

// checkQP compares decodeQP with mime/quotedprintable: same output whenever
// decodeQP accepts, and decodeQP accepts whenever the reader succeeds.
func checkQP(t *testing.T, in []byte) {
	want, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(in)))
	got, ok := decodeQP(in)
	assert.Equal(t, err == nil, ok, "%q: reader error %v", in, err)
	if ok && err == nil {
		assert.Equal(t, want, got, "%q", in)
	}
}

func qpSeeds() []string {
	return []string{
		"Il messaggio =E8 stato=\r\n consegnato.\r\n", "a=\nb\n", "a = \t\r\nb  \r\n", "=\r\n", "a=", "=",
		"a=4", "a=4g\r\n", "a=zz", "a=\r", "x=\rb\r\n", "caf=c3=a9\n", "tab\there\x01\r\n", "\x80\xff\r\n",
		"a=  x\r\n", "a=\r\r\n", "no newline at end", "=41=42=43", "line\r\n\r\n\r\n", "a==41\r\n",
		strings.Repeat("a", 4095) + "\n", strings.Repeat("a", 4096) + "\n", strings.Repeat("a", 4095),
		strings.Repeat("a", 4096), "x\n" + strings.Repeat("b", 4096),
	}
}

func TestDecodeQP(t *testing.T) {
	for _, s := range qpSeeds() {
		checkQP(t, []byte(s))
	}
}

func FuzzDecodeQP(f *testing.F) {
	for _, s := range qpSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkQP(t, in)
	})
}
