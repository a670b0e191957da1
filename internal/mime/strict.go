package mime

import "strings"

// DecodeStrict is [Decode] for a body that must decode cleanly, such as the
// signed daticert.xml: on top of what Decode refuses, a quoted-printable body
// whose '=' is followed neither by two hexadecimal digits nor by a line end
// (after optional white space: a soft line break, RFC 2045 section 6.7 rule 5) is
// refused with an ErrMalformed error. The standard library's reader, which
// Decode uses, passes such an '=' through as it is, for robustness with mail
// (a second reader would decode it otherwise).
func DecodeStrict(cte string, body []byte) ([]byte, error) {
	if strings.EqualFold(strings.TrimSpace(cte), "quoted-printable") {
		if off := badQPEscape(body); off >= 0 {
			return nil, malformed(off, "quoted-printable: '=' not followed by two hexadecimal digits or a line end")
		}
	}
	return Decode(cte, body)
}

// badQPEscape returns the offset of the first '=' in b that starts neither an
// escape "=XX" (hexadecimal digits, either case) nor a soft line break, -1 when
// there is none. An '=' followed by white space up to the end of b is a soft
// line break too.
func badQPEscape(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '=' {
			continue
		}
		if i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			i += 2
			continue
		}
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j == len(b) || b[j] == '\n' || (b[j] == '\r' && j+1 < len(b) && b[j+1] == '\n') {
			continue
		}
		return i
	}
	return -1
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
