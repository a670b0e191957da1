package mime

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"
)

// NewDecoder is the one transfer decoder of the module: it returns a reader of r
// with the Content-Transfer-Encoding cte (case-insensitive) removed, in
// constant memory. base64 (RFC 2045 section 6.8) ignores line breaks, spaces and
// tabs, accepts a missing final padding, and fails on any other byte outside the
// alphabet and on data after the padding; quoted-printable is the standard
// library's reader; 7bit, 8bit, binary and "" give r itself. Another encoding is
// an ErrMalformed error. Decoding errors are returned by the reader and match
// ErrMalformed.
func NewDecoder(cte string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
		return r, nil
	case "base64":
		return &b64Reader{r: r}, nil
	case "quoted-printable":
		return &qpReader{r: quotedprintable.NewReader(r)}, nil
	}
	return nil, malformed(0, "unknown content-transfer-encoding %q", clip(cte))
}

// Decode is [NewDecoder] on a body in memory. Identity encodings return body
// itself, not a copy.
func Decode(cte string, body []byte) ([]byte, error) {
	d, err := NewDecoder(cte, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if br, ok := d.(*bytes.Reader); ok && br != nil {
		return body, nil
	}
	// The decoded form is never longer than the body: one allocation.
	out := make([]byte, 0, len(body)+1)
	for {
		n, err := d.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
	}
}

// qpReader maps the errors of mime/quotedprintable to ErrMalformed.
type qpReader struct{ r io.Reader }

func (q *qpReader) Read(p []byte) (int, error) {
	n, err := q.r.Read(p)
	if err != nil && err != io.EOF {
		err = &Error{Msg: "quoted-printable: " + err.Error(), Err: ErrMalformed}
	}
	return n, err
}

// b64Reader decodes base64 with a fixed buffer.
type b64Reader struct {
	r      io.Reader
	in     [4096]byte // raw input
	q      [4096]byte // cleaned alphabet characters not yet decoded
	nq     int
	out    [3072]byte
	pend   []byte // decoded bytes not yet returned
	padded bool   // a padded quantum was decoded: only white space may follow
	off    int64  // cleaned characters consumed, for errors
	err    error
}

func (b *b64Reader) Read(p []byte) (int, error) {
	for len(b.pend) == 0 {
		if b.err != nil {
			return 0, b.err
		}
		b.fill()
	}
	n := copy(p, b.pend)
	b.pend = b.pend[n:]
	return n, nil
}

func (b *b64Reader) fail(msg string) {
	b.err = &Error{Offset: b.off, Msg: "base64: " + msg, Err: ErrMalformed}
}

func (b *b64Reader) fill() {
	n, rerr := b.r.Read(b.in[:len(b.q)-b.nq])
	for _, c := range b.in[:n] {
		switch c {
		case '\r', '\n', ' ', '\t':
			continue
		}
		if b.padded {
			b.fail("data after the padding")
			return
		}
		b.q[b.nq] = c
		b.nq++
		if c == '=' {
			// Padding ends the data once the quantum is complete.
			if b.nq%4 == 0 {
				b.padded = true
			}
		} else if b.nq%4 != 0 && b.nq > 0 && bytes.IndexByte(b.q[b.nq-b.nq%4:b.nq-1], '=') >= 0 {
			b.fail("data after the padding")
			return
		}
	}
	full := b.nq - b.nq%4
	if full > 0 {
		k, err := base64.StdEncoding.Decode(b.out[:], b.q[:full])
		if err != nil {
			b.fail("invalid input")
			return
		}
		b.off += int64(full)
		b.pend = b.out[:k]
		copy(b.q[:], b.q[full:b.nq])
		b.nq -= full
	}
	switch {
	case rerr == io.EOF:
		if b.nq > 0 {
			// A missing final padding, which some producers emit.
			if b.padded || b.nq == 1 || bytes.IndexByte(b.q[:b.nq], '=') >= 0 {
				b.fail("truncated quantum")
				return
			}
			k, err := base64.RawStdEncoding.Decode(b.out[len(b.pend):], b.q[:b.nq])
			if err != nil {
				b.fail("invalid input")
				return
			}
			b.pend = b.out[:len(b.pend)+k]
			b.nq = 0
		}
		b.err = io.EOF
	case rerr != nil:
		b.err = rerr
	}
}
