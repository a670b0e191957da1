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
// constant memory. base64 (RFC 2045 section 6.8) follows [b64State]: line
// breaks, spaces and tabs ignored, a missing final padding accepted, any other
// byte outside the alphabet and data after the padding refused; quoted-printable is the standard
// library's reader; 7bit, 8bit, binary and "" give r itself. Another encoding is
// an ErrMalformed error. Decoding errors are returned by the reader and match
// ErrMalformed.
func NewDecoder(cte string, r io.Reader) (io.Reader, error) {
	if identity(cte) {
		return r, nil
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return &b64Reader{r: r}, nil
	case "quoted-printable":
		return &qpReader{r: quotedprintable.NewReader(r)}, nil
	}
	return nil, malformed(0, "unknown content-transfer-encoding %q", clip(cte))
}

// identity reports whether cte leaves the body as it is: 7bit, 8bit, binary or
// none (case-insensitive).
func identity(cte string) bool {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
		return true
	}
	return false
}

// isBase64 reports whether cte is base64 (case-insensitive).
func isBase64(cte string) bool { return strings.EqualFold(strings.TrimSpace(cte), "base64") }

// Decode is [NewDecoder] on a body in memory. Identity encodings return body
// itself, not a copy.
func Decode(cte string, body []byte) ([]byte, error) {
	if isBase64(cte) {
		return decodeBase64(body)
	}
	if strings.EqualFold(strings.TrimSpace(cte), "quoted-printable") {
		return decodeQP(body)
	}
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

// b64State is the one base64 rule, shared by the streaming and the []byte
// decoder so that both accept and refuse the same bodies with the same errors:
// line breaks, spaces and tabs are skipped; "=" may only fill the last one or
// two characters of a quantum, and only white space may follow the padding; any
// other byte outside the alphabet is an error. Offsets count the characters
// kept.
type b64State struct {
	nq     int   // characters of the current quantum, 0 to 3
	pad    int   // "=" in the current quantum
	padded bool  // a padded quantum was completed
	k      int64 // characters kept so far
}

func (st *b64State) fail(msg string) error {
	return &Error{Offset: st.k, Msg: "base64: " + msg, Err: ErrMalformed}
}

// b64Alphabet has 1 at the index of every character of the base64 alphabet.
const b64Alphabet = "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

func isB64(c byte) bool { return b64Alphabet[c] == 1 }

// plain reports whether line holds only alphabet characters; eight at a time,
// without a branch per character.
func plain(line []byte) bool {
	ok := byte(1)
	for len(line) >= 8 && ok == 1 {
		ok &= b64Alphabet[line[0]] & b64Alphabet[line[1]] & b64Alphabet[line[2]] & b64Alphabet[line[3]] &
			b64Alphabet[line[4]] & b64Alphabet[line[5]] & b64Alphabet[line[6]] & b64Alphabet[line[7]]
		line = line[8:]
	}
	for _, c := range line {
		ok &= b64Alphabet[c]
	}
	return ok == 1
}

// line checks and counts one line (or a piece of one) without its line end:
// the rule of run, without copying.
func (st *b64State) line(line []byte) error {
	if !st.padded && st.pad == 0 && plain(line) {
		st.k += int64(len(line))
		st.nq = (st.nq + len(line)) % 4
		return nil
	}
	_, err := st.chars(nil, line, true)
	return err
}

// clean appends the alphabet characters of in to dst, checking the rule; with
// count only, it checks and counts without copying.
func (st *b64State) clean(dst, in []byte) ([]byte, error) { return st.run(dst, in, false) }

func (st *b64State) run(dst, in []byte, count bool) ([]byte, error) {
	for len(in) > 0 {
		line := in
		if i := bytes.IndexByte(in, '\n'); i >= 0 {
			line, in = in[:i], in[i+1:]
		} else {
			in = nil
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		// The common line: alphabet characters only, no padding seen. The rule
		// then only keeps and counts them.
		if !st.padded && st.pad == 0 && plain(line) {
			if !count {
				dst = append(dst, line...)
			}
			st.k += int64(len(line))
			st.nq = (st.nq + len(line)) % 4
			continue
		}
		var err error
		if dst, err = st.chars(dst, line, count); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// chars applies the rule to each character of a line.
func (st *b64State) chars(dst, in []byte, count bool) ([]byte, error) {
	for _, c := range in {
		switch c {
		case '\r', '\n', ' ', '\t':
			continue
		}
		switch {
		case st.padded:
			return dst, st.fail("data after the padding")
		case c == '=':
			if st.nq < 2 {
				return dst, st.fail("misplaced padding")
			}
			st.pad++
		case !isB64(c):
			return dst, st.fail("invalid character")
		case st.pad > 0:
			return dst, st.fail("data after the padding")
		}
		if !count {
			dst = append(dst, c)
		}
		st.k++
		if st.nq = (st.nq + 1) % 4; st.nq == 0 && st.pad > 0 {
			st.padded = true
		}
	}
	return dst, nil
}

// end checks the end of the data: a quantum of one character, or a padded one
// cut short, is truncated; two or three characters are a missing final padding,
// which some producers emit.
func (st *b64State) end() error {
	if st.nq == 1 || st.nq > 0 && st.pad > 0 {
		return st.fail("truncated quantum")
	}
	return nil
}

// size is the decoded size of the characters checked so far, at the end.
func (st *b64State) size() int64 {
	n := st.k / 4 * 3
	if st.padded {
		return n - int64(st.pad)
	}
	return n + [4]int64{0, 0, 1, 2}[st.k%4]
}

// DecodedSize returns the size of r's content once the transfer encoding cte
// is removed, reading r in small pieces; the errors are those of [NewDecoder].
// base64 is checked and counted without being decoded.
func DecodedSize(cte string, r io.Reader) (int64, error) {
	if !isBase64(cte) {
		d, err := NewDecoder(cte, r)
		if err != nil {
			return 0, err
		}
		return io.Copy(io.Discard, d)
	}
	var st b64State
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if _, cerr := st.run(nil, buf[:n], true); cerr != nil {
			return 0, cerr
		}
		if err == io.EOF {
			if err := st.end(); err != nil {
				return 0, err
			}
			return st.size(), nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// decodeClean decodes cleaned, checked characters: full quanta, then a tail of
// two or three characters at the end of the data.
func decodeClean(dst, q []byte) []byte {
	full := len(q) - len(q)%4
	n, _ := base64.StdEncoding.Decode(dst[len(dst):cap(dst)], q[:full])
	dst = dst[:len(dst)+n]
	if tail := q[full:]; len(tail) > 0 {
		n, _ = base64.RawStdEncoding.Decode(dst[len(dst):cap(dst)], tail)
		dst = dst[:len(dst)+n]
	}
	return dst
}

// decodeBase64 is the []byte form: the same rule, in two allocations.
func decodeBase64(body []byte) ([]byte, error) {
	var st b64State
	q, err := st.clean(make([]byte, 0, len(body)), body)
	if err == nil {
		err = st.end()
	}
	if err != nil {
		return nil, err
	}
	return decodeClean(make([]byte, 0, len(q)/4*3+3), q), nil
}

// b64Reader decodes base64 with a fixed buffer.
type b64Reader struct {
	r    io.Reader
	st   b64State
	in   []byte // raw input
	q    []byte // checked characters not yet decoded (fewer than 4 between fills)
	out  []byte
	pend []byte // decoded bytes not yet returned
	err  error
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

func (b *b64Reader) fill() {
	if b.in == nil {
		b.in = make([]byte, 4096)
		b.q = make([]byte, 0, 4096+4)
		b.out = make([]byte, 0, 3*(4096+4)/4+3)
	}
	n, rerr := b.r.Read(b.in)
	q, err := b.st.clean(b.q, b.in[:n])
	if err != nil {
		b.err = err
		return
	}
	eof := rerr == io.EOF
	if eof {
		if err := b.st.end(); err != nil {
			b.err = err
			return
		}
	}
	use := len(q) - len(q)%4
	if eof {
		use = len(q)
	}
	b.pend = decodeClean(b.out[:0], q[:use])
	b.q = append(q[:0], q[use:]...)
	switch {
	case eof:
		b.err = io.EOF
	case rerr != nil:
		b.err = rerr
	}
}
