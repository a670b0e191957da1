package stream

import (
	"bytes"
	"mime"
	"strings"
)

// partHeader is what the scanner needs from a header block.
type partHeader struct {
	mediaType string            // lowercased; "" when absent or unparsable
	params    map[string]string // Content-Type parameters (keys lowercased)
	cte       string            // Content-Transfer-Encoding, lowercased and trimmed
	filename  string            // Content-Disposition filename, else Content-Type name
}

var wordDecoder mime.WordDecoder

// parseHeader extracts Content-Type, Content-Transfer-Encoding and the file name from
// a raw header block. It is lenient: malformed fields are ignored, as if absent.
func parseHeader(block []byte) partHeader {
	var h partHeader
	var ctype, disp string
	for len(block) > 0 {
		// One logical field: a line plus its continuation lines.
		end := 0
		for {
			nl := bytes.IndexByte(block[end:], '\n')
			if nl < 0 {
				end = len(block)
				break
			}
			end += nl + 1
			if end >= len(block) || (block[end] != ' ' && block[end] != '\t') {
				break
			}
		}
		field := block[:end]
		block = block[end:]
		colon := bytes.IndexByte(field, ':')
		if colon <= 0 {
			continue
		}
		name := bytes.TrimSpace(field[:colon])
		var dst *string
		switch {
		case asciiEqualFold(name, "content-type"):
			dst = &ctype
		case asciiEqualFold(name, "content-transfer-encoding"):
			dst = &h.cte
		case asciiEqualFold(name, "content-disposition"):
			dst = &disp
		default:
			continue
		}
		if *dst != "" {
			continue // the first occurrence wins
		}
		*dst = unfold(field[colon+1:])
	}
	h.cte = strings.ToLower(h.cte)
	if ctype != "" {
		mt, params, err := mime.ParseMediaType(ctype)
		if err == nil || err == mime.ErrInvalidMediaParameter {
			h.mediaType, h.params = mt, params
		}
	}
	if disp != "" && containsFold(disp, "filename") {
		if _, params, err := mime.ParseMediaType(disp); err == nil {
			h.filename = params["filename"]
		}
	}
	if h.filename == "" {
		h.filename = h.params["name"]
	}
	if strings.Contains(h.filename, "=?") {
		if dec, err := wordDecoder.DecodeHeader(h.filename); err == nil {
			h.filename = dec
		}
	}
	return h
}

// unfold joins continuation lines (dropping CR and LF) and trims the value.
func unfold(v []byte) string {
	v = bytes.TrimSpace(v)
	if bytes.IndexByte(v, '\n') < 0 {
		return string(v)
	}
	out := make([]byte, 0, len(v))
	for len(v) > 0 {
		i := bytes.IndexAny(v, "\r\n")
		if i < 0 {
			out = append(out, v...)
			break
		}
		out = append(out, v[:i]...)
		v = v[i+1:]
	}
	return string(out)
}

// containsFold reports whether s contains the lower-case ASCII word sub, ignoring
// ASCII case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
