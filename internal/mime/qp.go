package mime

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// qpLine is the line buffer of mime/quotedprintable's reader (bufio's default
// size): a longer line without a line end is refused with bufio.ErrBufferFull.
const qpLine = 4096

// decodeQP is the []byte form of the quoted-printable reader of NewDecoder
// (mime/quotedprintable.Reader, Go 1.26, whose Read it follows step by step on
// the lines of body), without its reader and buffer: the same output and the
// same errors (FuzzDecode compares them), in one allocation.
func decodeQP(body []byte) ([]byte, error) {
	out := make([]byte, 0, len(body))
	for {
		// bufio.Reader.ReadSlice('\n') over body.
		var line []byte
		var rerr error
		win := body[:min(len(body), qpLine)]
		switch i := bytes.IndexByte(win, '\n'); {
		case i >= 0:
			line, body = body[:i+1], body[i+1:]
		case len(body) >= qpLine:
			line, body, rerr = win, body[len(win):], bufio.ErrBufferFull
		default:
			line, body, rerr = body, nil, io.EOF
		}
		hasLF := bytes.HasSuffix(line, []byte("\n"))
		hasCR := bytes.HasSuffix(line, []byte("\r\n"))
		whole := line
		line = bytes.TrimRight(whole, "\n\r \t")
		eol := ""
		if bytes.HasSuffix(line, []byte("=")) {
			rightStripped := bytes.TrimLeft(whole[len(line):], " \t")
			line = line[:len(line)-1]
			if !bytes.HasPrefix(rightStripped, []byte("\n")) && !bytes.HasPrefix(rightStripped, []byte("\r\n")) &&
				!(len(rightStripped) == 0 && len(line) > 0 && rerr == io.EOF) {
				rerr = fmt.Errorf("quotedprintable: invalid bytes after =: %q", rightStripped)
			}
		} else if hasLF {
			if hasCR {
				eol = "\r\n"
			} else {
				eol = "\n"
			}
		}
		var err error
		if out, err = qpChars(out, line); err != nil {
			return nil, err
		}
		out = append(out, eol...)
		switch {
		case rerr == io.EOF:
			return out, nil
		case rerr != nil:
			return nil, &Error{Msg: "quoted-printable: " + rerr.Error(), Err: ErrMalformed}
		}
	}
}

// qpChars decodes the characters of one line, line end removed.
func qpChars(out, line []byte) ([]byte, error) {
	for len(line) > 0 {
		b := line[0]
		switch {
		case b == '=':
			v, err := readHex(line[1:])
			if err != nil {
				if len(line) >= 2 && line[1] != '\r' && line[1] != '\n' {
					break // the = as a literal =
				}
				return out, &Error{Msg: "quoted-printable: " + err.Error(), Err: ErrMalformed}
			}
			b = v
			line = line[2:]
		case b == '\t' || b == '\r' || b == '\n' || b >= 0x80:
		case b < ' ' || b > '~':
			return out, &Error{Msg: fmt.Sprintf("quoted-printable: quotedprintable: invalid unescaped byte 0x%02x in body", b), Err: ErrMalformed}
		}
		out = append(out, b)
		line = line[1:]
	}
	return out, nil
}

func readHex(v []byte) (byte, error) {
	if len(v) < 2 {
		return 0, io.ErrUnexpectedEOF
	}
	hi, err := fromHex(v[0])
	if err != nil {
		return 0, err
	}
	lo, err := fromHex(v[1])
	if err != nil {
		return 0, err
	}
	return hi<<4 | lo, nil
}

func fromHex(b byte) (byte, error) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', nil
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, nil
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, nil
	}
	return 0, fmt.Errorf("quotedprintable: invalid hex byte 0x%02x", b)
}
