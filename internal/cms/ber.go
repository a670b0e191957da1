package cms

import "fmt"

// berToDER is the bounds-checked pre-scan that every input goes through before
// any ASN.1 decoding. It reads exactly one BER element covering all of b
// and returns its definite-length encoding:
//
//   - every length is rewritten in minimal definite form; indefinite lengths (0x80,
//     constructed only) are resolved by matching end-of-contents octets;
//   - a constructed OCTET STRING (the streaming form of eContent) is flattened to a
//     primitive one, as DER requires; other constructed string types are kept as they
//     are (the ASN.1 decoder rejects them later where a primitive is expected);
//   - SET OF order is left as received: signed attributes must be verified over the
//     bytes the signer produced.
//
// On DER input the output equals the input. Nesting deeper than maxDepth (the
// outermost element has depth 1) is rejected with a *LimitError; truncation,
// bad lengths, stray end-of-contents octets and trailing data with ErrMalformed. The
// work is linear in len(b) times the nesting depth, and the recursion is bounded by
// maxDepth.
//
// DER input (the common case: every PEC provider signs in DER) is recognised by
// [isDER], a scan that allocates nothing, and returned as is, not copied.
func berToDER(b []byte, maxDepth int) ([]byte, error) {
	if n, ok := isDER(b, 1, maxDepth); ok && n == len(b) {
		return b, nil
	}
	out, n, err := convertElement(b, 1, maxDepth)
	if err != nil {
		return nil, err
	}
	if n != len(b) {
		return nil, malformed("%d bytes of trailing data", len(b)-n)
	}
	return out, nil
}

// Tag number of the universal OCTET STRING type and the constructed bit.
const (
	tagOctetString = 0x04
	bitConstructed = 0x20
)

// maxLengthOctets bounds long-form lengths: four octets cover any input we accept.
const maxLengthOctets = 4

// readHeader parses the identifier and length octets at the start of b.
// length is -1 for the indefinite form.
func readHeader(b []byte) (id []byte, constructed bool, length, hdrLen int, err error) {
	if len(b) < 2 {
		return nil, false, 0, 0, malformed("truncated header")
	}
	i := 1
	if b[0]&0x1f == 0x1f { // high-tag-number form
		for {
			if i >= len(b) {
				return nil, false, 0, 0, malformed("truncated tag")
			}
			if i == 1 && b[i] == 0x80 {
				return nil, false, 0, 0, malformed("non-minimal tag")
			}
			if i > 4 {
				return nil, false, 0, 0, malformed("tag number too large")
			}
			c := b[i]
			i++
			if c&0x80 == 0 {
				break
			}
		}
	}
	id = b[:i]
	constructed = b[0]&bitConstructed != 0
	if i >= len(b) {
		return nil, false, 0, 0, malformed("truncated length")
	}
	l := b[i]
	i++
	switch {
	case l < 0x80:
		length = int(l)
	case l == 0x80:
		if !constructed {
			return nil, false, 0, 0, malformed("indefinite length on a primitive element")
		}
		length = -1
	case l == 0xff:
		return nil, false, 0, 0, malformed("reserved length octet")
	default:
		n := int(l & 0x7f)
		if n > maxLengthOctets {
			return nil, false, 0, 0, malformed("length of %d octets", n)
		}
		if len(b)-i < n {
			return nil, false, 0, 0, malformed("truncated length")
		}
		for _, c := range b[i : i+n] {
			length = length<<8 | int(c)
		}
		i += n
	}
	if length > len(b)-i {
		return nil, false, 0, 0, malformed("element of %d bytes overruns input", length)
	}
	return id, constructed, length, i, nil
}

// isDER reports whether the element at the start of b, at the given depth, is one
// that convertElement would return unchanged: definite minimal lengths throughout,
// no constructed OCTET STRING, no end-of-contents octets, nesting within maxDepth.
// It also returns the element's length. It allocates nothing, and on any doubt
// (including every error convertElement would report) it returns false, so that
// convertElement runs and reports the error.
func isDER(b []byte, depth, maxDepth int) (int, bool) {
	if depth > maxDepth {
		return 0, false
	}
	id, constructed, length, hdr, err := readHeader(b)
	if err != nil || length < 0 || id[0] == 0x00 || !minimalLength(b[len(id):hdr], length) {
		return 0, false
	}
	if !constructed {
		return hdr + length, true
	}
	if len(id) == 1 && id[0] == tagOctetString|bitConstructed {
		return 0, false
	}
	content := b[hdr : hdr+length]
	for off := 0; off < len(content); {
		n, ok := isDER(content[off:], depth+1, maxDepth)
		if !ok {
			return 0, false
		}
		off += n
	}
	return hdr + length, true
}

// minimalLength reports whether the length octets enc are the minimal definite
// encoding of length (what appendLength writes).
func minimalLength(enc []byte, length int) bool {
	if length < 0x80 {
		return len(enc) == 1
	}
	return len(enc) > 1 && enc[1] != 0
}

// convertElement converts the element at the start of b, at the given depth, and
// returns its DER form and the number of input bytes it used.
func convertElement(b []byte, depth, maxDepth int) ([]byte, int, error) {
	if depth > maxDepth {
		return nil, 0, &LimitError{Limit: LimitDepth, Max: maxDepth}
	}
	id, constructed, length, hdr, err := readHeader(b)
	if err != nil {
		return nil, 0, err
	}
	if id[0] == 0x00 {
		return nil, 0, malformed("unexpected end-of-contents")
	}
	if !constructed {
		return appendTLV(nil, id, b[hdr:hdr+length]), hdr + length, nil
	}
	var inner []byte
	octets := len(id) == 1 && id[0] == tagOctetString|bitConstructed
	appendChild := func(child []byte) error {
		if !octets {
			inner = append(inner, child...)
			return nil
		}
		// Constructed OCTET STRING: each segment must be an OCTET STRING, and
		// the segments are concatenated (they are primitive once converted).
		if child[0] != tagOctetString {
			return malformed("constructed octet string holds a non-octet-string segment")
		}
		_, _, l, h, err := readHeader(child)
		if err != nil {
			return err
		}
		inner = append(inner, child[h:h+l]...)
		return nil
	}
	var used int
	if length >= 0 {
		content := b[hdr : hdr+length]
		for off := 0; off < len(content); {
			child, n, err := convertElement(content[off:], depth+1, maxDepth)
			if err != nil {
				return nil, 0, err
			}
			if err := appendChild(child); err != nil {
				return nil, 0, err
			}
			off += n
		}
		used = hdr + length
	} else {
		off := hdr
		for {
			if len(b)-off < 2 {
				return nil, 0, malformed("missing end-of-contents")
			}
			if b[off] == 0 && b[off+1] == 0 {
				off += 2
				break
			}
			child, n, err := convertElement(b[off:], depth+1, maxDepth)
			if err != nil {
				return nil, 0, err
			}
			if err := appendChild(child); err != nil {
				return nil, 0, err
			}
			off += n
		}
		used = off
	}
	if octets {
		return appendTLV(nil, []byte{tagOctetString}, inner), used, nil
	}
	return appendTLV(nil, id, inner), used, nil
}

// appendTLV appends identifier id, the minimal definite length of content, and content.
func appendTLV(dst, id, content []byte) []byte {
	dst = append(dst, id...)
	dst = appendLength(dst, len(content))
	return append(dst, content...)
}

func appendLength(dst []byte, n int) []byte {
	if n < 0x80 {
		return append(dst, byte(n))
	}
	var tmp [8]byte
	i := len(tmp)
	for v := n; v > 0; v >>= 8 {
		i--
		tmp[i] = byte(v)
	}
	dst = append(dst, 0x80|byte(len(tmp)-i))
	return append(dst, tmp[i:]...)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
