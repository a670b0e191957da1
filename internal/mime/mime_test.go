package mime

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadHeader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		fields  []string // name=value
		raw     string
		body    string
		wantErr error
	}{
		{name: "crlf", in: "A: 1\r\nB: two\r\n\r\nbody", fields: []string{"A=1", "B=two"}, raw: "A: 1\r\nB: two\r\n", body: "body"},
		{name: "lf", in: "A: 1\nB: two\n\nbody\n", fields: []string{"A=1", "B=two"}, raw: "A: 1\nB: two\n", body: "body\n"},
		{name: "continuation", in: "Content-Type: multipart/mixed;\r\n\tboundary=\"x\"\r\nC: 3\r\n\r\n", fields: []string{"Content-Type=multipart/mixed;\tboundary=\"x\"", "C=3"}, raw: "Content-Type: multipart/mixed;\r\n\tboundary=\"x\"\r\nC: 3\r\n", body: ""},
		{name: "no blank line", in: "A: 1\r\nB: 2", fields: []string{"A=1", "B=2"}, raw: "A: 1\r\nB: 2", body: ""},
		{name: "empty header", in: "\r\nbody", raw: "", body: "body"},
		{name: "mbox from line", in: "From someone Mon Jan 1\nA: 1\n\nx", fields: []string{"A=1"}, raw: "A: 1\n", body: "x"},
		{name: "space before colon", in: "Subject : hi\n\n", fields: []string{"Subject=hi"}, raw: "Subject : hi\n", body: ""},
		{name: "no colon", in: "A: 1\nbogus line\n\n", wantErr: ErrMalformed},
		{name: "leading continuation", in: " A: 1\n\n", wantErr: ErrMalformed},
		{name: "bad name", in: "A\x01: 1\n\n", wantErr: ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, off, err := ReadHeader([]byte(tc.in), nil)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				var me *Error
				require.ErrorAs(t, err, &me)
				return
			}
			require.NoError(t, err)
			var got []string
			for _, f := range h.Fields {
				got = append(got, f.Name+"="+f.Value())
			}
			assert.Equal(t, tc.fields, got)
			assert.Equal(t, tc.raw, string(h.Raw))
			assert.Equal(t, tc.body, tc.in[off:])
		})
	}
}

func TestReadHeaderLimit(t *testing.T) {
	lim := &Limits{MaxHeaderBytes: 64}
	field := "X: " + strings.Repeat("a", 59) + "\n" // 63 bytes
	_, _, err := ReadHeader([]byte(field+"\nbody"), lim)
	require.NoError(t, err, "at the limit")
	_, _, err = ReadHeader([]byte(field+"Y: 12\n\nbody"), lim)
	require.ErrorIs(t, err, ErrTooLarge, "one field past the limit")
	_, _, err = ReadHeader([]byte(strings.Repeat("Z: 1234567\n", 100)), lim)
	require.ErrorIs(t, err, ErrTooLarge, "unterminated header past the limit")
}

func TestHeaderAccessors(t *testing.T) {
	h, _, err := ReadHeader([]byte("content-type: Application/XML; name=\"daticert.xml\"\r\n"+
		"Content-Transfer-Encoding: BASE64\r\nX: 1\r\nx: 2\r\n\r\n"), nil)
	require.NoError(t, err)
	mt, params, err := h.ContentType()
	require.NoError(t, err)
	assert.Equal(t, "application/xml", mt)
	assert.Equal(t, "daticert.xml", params["name"])
	assert.Equal(t, "base64", h.TransferEncoding())
	assert.Equal(t, "daticert.xml", h.Filename())
	assert.Equal(t, []string{"1", "2"}, h.Values("X"))
	assert.True(t, h.Has("CONTENT-TYPE"))
	assert.False(t, h.Has("Date"))

	empty := Header{}
	mt, _, err = empty.ContentType()
	require.NoError(t, err)
	assert.Equal(t, "text/plain", mt)
	assert.Equal(t, "7bit", empty.TransferEncoding())

	bad, _, err := ReadHeader([]byte("Content-Type: /\n\n"), nil)
	require.NoError(t, err)
	_, _, err = bad.ContentType()
	require.ErrorIs(t, err, ErrMalformed)

	trailing, _, err := ReadHeader([]byte("Content-Type: multipart/mixed; boundary=\"b\"; \n\n"), nil)
	require.NoError(t, err)
	mt, params, err = trailing.ContentType()
	require.NoError(t, err, "trailing semicolon is tolerated")
	assert.Equal(t, "multipart/mixed", mt)
	assert.Equal(t, "b", params["boundary"])
}

func TestMatchDelimiter(t *testing.T) {
	tests := []struct {
		line         string
		delim, close bool
	}{
		{"--b", true, false},
		{"--b--", true, true},
		{"--b \t", true, false},
		{"--b--  ", true, true},
		{"--b\r", true, false},
		{"--bc", false, false},
		{"--b-", false, false},
		{"--b---", false, false},
		{"-b", false, false},
		{"--", false, false},
		{" --b", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			d, c := MatchDelimiter([]byte(tc.line), "b")
			assert.Equal(t, tc.delim, d)
			assert.Equal(t, tc.close, c)
		})
	}
}

func TestSplitMultipart(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		parts    []string
		preamble string
		epilogue string
		closed   bool
		wantErr  error
	}{
		{
			name: "crlf", in: "pre\r\n--b\r\nA: 1\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\nepi\r\n",
			parts: []string{"A: 1\r\n\r\none", "\r\ntwo"}, preamble: "pre", epilogue: "epi\r\n", closed: true,
		},
		{
			name: "lf", in: "pre\n--b\nA: 1\n\none\n--b\n\ntwo\n--b--\n",
			parts: []string{"A: 1\n\none", "\ntwo"}, preamble: "pre", closed: true,
		},
		{
			name: "delimiter at start and transport padding", in: "--b  \r\nX: y\r\n\r\nbody\r\n--b-- \t\r\n",
			parts: []string{"X: y\r\n\r\nbody"}, closed: true,
		},
		{
			name: "boundary prefix of longer line is content", in: "--b\n\nline\n--bc\nmore\n--b--",
			parts: []string{"\nline\n--bc\nmore"}, closed: true,
		},
		{
			name: "boundary not at line start is content", in: "--b\n\nx --b\n--b--\n",
			parts: []string{"\nx --b"}, closed: true,
		},
		{
			name: "trailing blank line belongs to part", in: "--b\n\nx\n\n--b--\n",
			parts: []string{"\nx\n"}, closed: true,
		},
		{
			name: "unclosed", in: "--b\n\none\n--b\n\ntwo\n",
			parts: []string{"\none", "\ntwo\n"}, closed: false,
		},
		{
			name: "empty part", in: "--b\n--b--",
			parts: []string{""}, closed: true,
		},
		{name: "no delimiter", in: "just text\n", wantErr: ErrMalformed},
		{name: "close delimiter first", in: "pre\n--b--\n--b\n\nx\n", wantErr: ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(tc.in)
			m, err := SplitMultipart(b, "b", nil)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, m)
				return
			}
			require.NoError(t, err)
			var got []string
			for _, p := range m.Parts {
				got = append(got, string(p.Of(b)))
			}
			assert.Equal(t, tc.parts, got)
			assert.Equal(t, tc.preamble, string(m.Preamble.Of(b)))
			assert.Equal(t, tc.epilogue, string(m.Epilogue.Of(b)))
			assert.Equal(t, tc.closed, m.Closed)
		})
	}
	_, err := SplitMultipart([]byte("--\n"), "", nil)
	require.ErrorIs(t, err, ErrMalformed)
}

func TestSplitMultipartMaxParts(t *testing.T) {
	build := func(n int) []byte {
		var buf bytes.Buffer
		for range n {
			buf.WriteString("--b\r\n\r\nx\r\n")
		}
		buf.WriteString("--b--\r\n")
		return buf.Bytes()
	}
	lim := &Limits{MaxParts: 3}
	m, err := SplitMultipart(build(3), "b", lim)
	require.NoError(t, err)
	assert.Len(t, m.Parts, 3)
	_, err = SplitMultipart(build(4), "b", lim)
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = SplitMultipart(bytes.TrimSuffix(build(4), []byte("--b--\r\n")), "b", lim)
	require.ErrorIs(t, err, ErrTooLarge, "unclosed")
}

func nested(depth int) []byte {
	var open, close strings.Builder
	for i := range depth {
		fmt.Fprintf(&open, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
		close.WriteString("") // placeholder keeps the order readable
	}
	s := open.String() + "Content-Type: text/plain\r\n\r\nleaf"
	for i := depth - 1; i >= 0; i-- {
		s += fmt.Sprintf("\r\n--b%d--", i)
	}
	return []byte(s)
}

func TestWalk(t *testing.T) {
	b := []byte("Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n" +
		"--i\r\nContent-Type: text/plain\r\n\r\nt\r\n--i\r\nContent-Type: text/html\r\n\r\nh\r\n--i--\r\n" +
		"--o\r\nContent-Type: application/xml; name=daticert.xml\r\nContent-Transfer-Encoding: base64\r\n\r\nPHgvPg==\r\n--o--\r\n")
	var seen []string
	err := Walk(b, nil, func(e *Entity) error {
		seen = append(seen, fmt.Sprintf("%v %s", e.Path, e.MediaType))
		if e.MediaType == "application/xml" {
			d, err := Decode(e.Header.TransferEncoding(), e.Body.Of(b))
			require.NoError(t, err)
			assert.Equal(t, "<x/>", string(d))
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"[] multipart/mixed", "[0] multipart/alternative", "[0 0] text/plain", "[0 1] text/html", "[1] application/xml"}, seen)

	lim := &Limits{MaxDepth: 3}
	require.NoError(t, Walk(nested(3), lim, func(*Entity) error { return nil }), "at the limit")
	err = Walk(nested(4), lim, func(*Entity) error { return nil })
	require.ErrorIs(t, err, ErrTooLarge)

	stop := fmt.Errorf("stop")
	require.ErrorIs(t, Walk(b, nil, func(*Entity) error { return stop }), stop)
	err = Walk([]byte("Content-Type: multipart/mixed\r\n\r\nx"), nil, func(*Entity) error { return nil })
	require.ErrorIs(t, err, ErrMalformed, "multipart without boundary")
}

func TestDecode(t *testing.T) {
	tests := []struct {
		cte, in, out string
		wantErr      bool
	}{
		{"base64", "aGVs\r\nbG8=\r\n", "hello", false},
		{"BASE64", " aGVsbG8 ", "hello", false}, // missing padding tolerated
		{"quoted-printable", "caf=C3=A9=\r\n!", "café!", false},
		{"7bit", "as is", "as is", false},
		{"", "as is", "as is", false},
		{"binary", "\x00\xff", "\x00\xff", false},
		{"base64", "!!!!", "", true},
		{"x-uuencode", "x", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.cte+"/"+tc.in, func(t *testing.T) {
			got, err := Decode(tc.cte, []byte(tc.in))
			if tc.wantErr {
				require.ErrorIs(t, err, ErrMalformed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.out, string(got))
		})
	}
}

func TestCanonicalCRLF(t *testing.T) {
	tests := []struct{ in, out string }{
		{"a\r\nb\r\n", "a\r\nb\r\n"},
		{"a\nb\n", "a\r\nb\r\n"},
		{"\n", "\r\n"},
		{"a\r\nb\nc", "a\r\nb\r\nc"},
		{"", ""},
		{"a\rb", "a\rb"},
	}
	for _, tc := range tests {
		in := []byte(tc.in)
		got := CanonicalCRLF(in)
		assert.Equal(t, tc.out, string(got))
		assert.Equal(t, tc.in != tc.out, HasBareLF(in), "%q", tc.in)
		if tc.in == tc.out && len(in) > 0 {
			assert.Same(t, &in[0], &got[0], "no copy when already canonical")
		}
	}
}
