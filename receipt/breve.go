package receipt

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	stdmime "mime"
	"strings"

	"github.com/sigillo/sigillo/internal/mime"
)

// Default limits of [Breve] and [CheckBreve].
const (
	// DefaultBreveMaxDepth caps the MIME nesting of the original message.
	DefaultBreveMaxDepth = 16
	// DefaultBreveMaxParts caps the parts of one multipart body.
	DefaultBreveMaxParts = 1000
	// DefaultBreveMaxHeaderBytes caps one header block.
	DefaultBreveMaxHeaderBytes = 256 << 10
)

// BreveOptions bounds the MIME walk of [Breve] and [CheckBreve]. A zero
// field means the default.
type BreveOptions struct {
	// MaxDepth caps the nesting depth, default DefaultBreveMaxDepth.
	MaxDepth int
	// MaxParts caps the parts of a multipart body, default
	// DefaultBreveMaxParts.
	MaxParts int
	// MaxHeaderBytes caps a header block, default
	// DefaultBreveMaxHeaderBytes.
	MaxHeaderBytes int
}

func (o *BreveOptions) limits() *mime.Limits {
	l := &mime.Limits{MaxDepth: DefaultBreveMaxDepth, MaxParts: DefaultBreveMaxParts, MaxHeaderBytes: DefaultBreveMaxHeaderBytes}
	if o != nil {
		if o.MaxDepth > 0 {
			l.MaxDepth = o.MaxDepth
		}
		if o.MaxParts > 0 {
			l.MaxParts = o.MaxParts
		}
		if o.MaxHeaderBytes > 0 {
			l.MaxHeaderBytes = o.MaxHeaderBytes
		}
	}
	return l
}

// ErrBreve is the sentinel of the errors of [Breve] and [CheckBreve]: the
// message cannot be walked (malformed MIME structure or a limit exceeded;
// the wrapped error tells which).
var ErrBreve = errors.New("receipt: cannot walk the message for a breve receipt")

// HashSuffix is the suffix added to the name of an attachment replaced by
// its hash in a breve receipt.
const HashSuffix = ".hash"

// UnnamedMessageName is the name given to an attached message/rfc822 part
// that has neither a name nor a filename parameter.
const UnnamedMessageName = "messaggio.eml"

// Breve returns the original message as a breve delivery receipt carries it
// (RFC 6109 section 3.3, DM 2 novembre 2005 annex): the MIME
// structure and every byte outside the replaced parts are kept, and every
// part below the top level that has a name (Content-Type) or filename
// (Content-Disposition) parameter, or is a message/rfc822, is replaced by
//
//	Content-Type: text/plain; charset=us-ascii; name="<name>.hash"
//	Content-Disposition: <its disposition type, or attachment>; filename="<name>.hash"
//	Content-Transfer-Encoding: 7bit
//
// whose content is the SHA-1 of the part as 40 lower-case hexadecimal
// digits. An attached message is replaced whole (never entered). A top-level
// body with a filename is replaced the same way, keeping the header fields
// other than Content-*. The signature part of a multipart/signed original
// is kept (the user's signature will no longer verify), and an
// application/(x-)pkcs7-mime original is returned unchanged.
//
// # Which bytes are hashed
//
// The technical rules are ambiguous (one sentence says the base64-encoded
// part, another "the entire content of the part"). Breve hashes the decoded
// content: the bytes of the attachment as the recipient saves it, after
// removing the Content-Transfer-Encoding (base64 or quoted-printable; for
// 7bit, 8bit and binary the body as transmitted, CRLF line ends; the line
// break before the next delimiter belongs to the delimiter, RFC 2046, and is
// not hashed). So the
// sender can check a .hash file with any SHA-1 tool on the file they
// attached. When the encoding cannot be decoded (corrupt base64), the body
// as transmitted is hashed instead. [CheckBreve] accepts both inputs.
func Breve(original []byte, opts *BreveOptions) ([]byte, error) {
	lim := opts.limits()
	h, _, err := mime.ReadHeader(original, lim)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBreve, err)
	}
	if mt, _, err := h.ContentType(); err == nil && (mt == "application/pkcs7-mime" || mt == "application/x-pkcs7-mime") {
		return original, nil
	}
	var out bytes.Buffer
	out.Grow(len(original))
	if err := bldBreve(&out, original, true, 0, lim); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// bldAttachmentName returns the name under which a part is hashed, or ""
// when it is not an attachment.
func bldAttachmentName(h *mime.Header, mt string) string {
	name := h.Filename()
	if name != "" && strings.Contains(name, "=?") {
		if d, err := bldWordDecoder.DecodeHeader(name); err == nil {
			name = d
		}
	}
	if name == "" && mt == "message/rfc822" {
		name = UnnamedMessageName
	}
	return name
}

var bldWordDecoder = &stdmime.WordDecoder{CharsetReader: mime.CharsetReader}

// bldBreve writes the breve form of entity to out.
func bldBreve(out *bytes.Buffer, entity []byte, top bool, depth int, lim *mime.Limits) error {
	if depth > lim.MaxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrBreve, lim.MaxDepth)
	}
	h, bodyOff, err := mime.ReadHeader(entity, lim)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBreve, err)
	}
	mt, params, ctErr := h.ContentType()
	if ctErr != nil {
		mt = ""
	}
	if name := bldAttachmentName(&h, mt); name != "" && (!top || !strings.HasPrefix(mt, "multipart/")) {
		if top {
			// Keep the message header, minus the Content-* fields.
			for _, f := range h.Fields {
				if !strings.HasPrefix(strings.ToLower(f.Name), "content-") {
					out.Write(f.Raw)
					out.WriteString("\r\n")
				}
			}
		}
		body := entity[bodyOff:]
		sum := bldPartHash(h.TransferEncoding(), body)
		bldHashPart(out, &h, name, sum)
		if top {
			// The old body ended the message; keep a final line break.
			out.WriteString("\r\n")
		}
		return nil
	}
	if !strings.HasPrefix(mt, "multipart/") {
		out.Write(entity)
		return nil
	}
	mp, err := mime.SplitMultipart(entity[bodyOff:], params["boundary"], lim)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBreve, err)
	}
	last := 0
	for i, p := range mp.Parts {
		start, end := bodyOff+p.Start, bodyOff+p.End
		out.Write(entity[last:start])
		if mt == "multipart/signed" && i > 0 {
			out.Write(entity[start:end])
		} else if err := bldBreve(out, entity[start:end], false, depth+1, lim); err != nil {
			return err
		}
		last = end
	}
	out.Write(entity[last:])
	return nil
}

// bldPartHash returns the SHA-1 of the decoded body, or of the body as
// transmitted when it cannot be decoded.
func bldPartHash(cte string, body []byte) [sha1.Size]byte {
	dec, err := mime.Decode(cte, body)
	if err != nil {
		dec = body
	}
	return sha1.Sum(dec)
}

// bldHashPart writes the header and content of a .hash part.
func bldHashPart(out *bytes.Buffer, h *mime.Header, name string, sum [sha1.Size]byte) {
	disp := "attachment"
	if v := h.Get("Content-Disposition"); v != "" {
		if d, _, err := stdmime.ParseMediaType(v); err == nil && (d == "inline" || d == "attachment") {
			disp = d
		}
	}
	hashName := name + HashSuffix
	if bldQuotable(hashName) {
		out.WriteString("Content-Type: text/plain; charset=\"us-ascii\"; name=\"" + hashName + "\"\r\n")
		out.WriteString("Content-Disposition: " + disp + "; filename=\"" + hashName + "\"\r\n")
	} else {
		// RFC 2231 encoding for names outside printable ASCII.
		out.WriteString("Content-Type: " + stdmime.FormatMediaType("text/plain", map[string]string{"charset": "us-ascii", "name": hashName}) + "\r\n")
		out.WriteString("Content-Disposition: " + stdmime.FormatMediaType(disp, map[string]string{"filename": hashName}) + "\r\n")
	}
	out.WriteString("Content-Transfer-Encoding: 7bit\r\n\r\n")
	var hx [2 * sha1.Size]byte
	hex.Encode(hx[:], sum[:])
	out.Write(hx[:])
}

// bldQuotable reports whether s can be written as a quoted-string as is.
func bldQuotable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E || s[i] == '"' || s[i] == '\\' {
			return false
		}
	}
	return true
}

// HashStatus is the outcome of checking one attachment against a breve
// receipt.
type HashStatus string

// The outcomes of [CheckBreve].
const (
	// HashMatch: the .hash part holds the SHA-1 of the attachment.
	HashMatch HashStatus = "match"
	// HashMismatch: the .hash part holds another value.
	HashMismatch HashStatus = "mismatch"
	// HashMissing: the receipt has no .hash part for the attachment at
	// its place in the structure.
	HashMissing HashStatus = "missing"
)

// AttachmentCheck is the result of checking one attachment of the sender's
// original against a breve receipt.
type AttachmentCheck struct {
	// Path is the position of the part in the MIME tree of the original:
	// child indexes from the top, starting at 0.
	Path []int
	// Name is the attachment name (filename or name parameter).
	Name string
	// Hash is the content of the receipt's .hash part, "" when missing.
	Hash string
	// Status tells whether it matches.
	Status HashStatus
	// Encoded reports that the hash matched the body as transmitted
	// (Content-Transfer-Encoding applied) rather than the decoded content.
	Encoded bool
}

// CheckBreve checks the attachments of the sender's original message
// against a breve delivery receipt. receipt is either the whole receipt
// (its first message/rfc822 part is taken as the carried original) or the
// carried postacert.eml alone. For every attachment of original, found
// with the same rule as [Breve], it reports whether the .hash part at the
// same place holds its SHA-1, comparing hexadecimal digits case-insensitively
// and accepting a hash of the decoded content or of the body as
// transmitted. The signature is not verified here; verify the receipt
// first.
func CheckBreve(receipt, original []byte, opts *BreveOptions) ([]AttachmentCheck, error) {
	lim := opts.limits()
	carried, err := bldCarried(receipt, lim)
	if err != nil {
		return nil, err
	}
	type part struct {
		path []int
		name string
		cte  string
		body []byte
	}
	collect := func(data []byte) (map[string]part, []string, error) {
		found := map[string]part{}
		var order []string
		err := bldLeaves(data, nil, true, lim, func(path []int, h *mime.Header, name string, body []byte) {
			k := fmt.Sprint(path)
			order = append(order, k)
			found[k] = part{path: path, name: name, cte: h.TransferEncoding(), body: body}
		})
		return found, order, err
	}
	origParts, order, err := collect(mime.CanonicalCRLF(original))
	if err != nil {
		return nil, err
	}
	recParts, _, err := collect(carried)
	if err != nil {
		return nil, err
	}
	var out []AttachmentCheck
	for _, k := range order {
		o := origParts[k]
		c := AttachmentCheck{Path: o.path, Name: o.name, Status: HashMissing}
		r, ok := recParts[k]
		if ok && r.name == o.name+HashSuffix {
			dec, derr := mime.Decode(r.cte, r.body)
			if derr == nil {
				c.Hash = strings.TrimSpace(string(dec))
				c.Status = HashMismatch
				decoded, encoded := bldPartHash(o.cte, o.body), sha1.Sum(o.body)
				switch {
				case strings.EqualFold(c.Hash, hex.EncodeToString(decoded[:])):
					c.Status = HashMatch
				case strings.EqualFold(c.Hash, hex.EncodeToString(encoded[:])):
					c.Status, c.Encoded = HashMatch, true
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// bldCarried returns the original carried by a receipt: the body of its
// first message/rfc822 part, or data itself when it has none.
func bldCarried(data []byte, lim *mime.Limits) ([]byte, error) {
	data = mime.CanonicalCRLF(data)
	var carried []byte
	errFound := errors.New("found")
	err := mime.Walk(data, lim, func(e *mime.Entity) error {
		if e.MediaType == "message/rfc822" && len(e.Path) > 0 {
			b, err := mime.Decode(e.Header.TransferEncoding(), e.Body.Of(data))
			if err != nil {
				return err
			}
			carried = b
			return errFound
		}
		return nil
	})
	if err != nil && !errors.Is(err, errFound) {
		return nil, fmt.Errorf("%w: %w", ErrBreve, err)
	}
	if carried == nil {
		return data, nil
	}
	return carried, nil
}

// bldLeaves calls fn for every part that Breve would replace (or, in a
// breve message, has replaced), with its path, header, name and body.
func bldLeaves(entity []byte, path []int, top bool, lim *mime.Limits, fn func(path []int, h *mime.Header, name string, body []byte)) error {
	if len(path) > lim.MaxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrBreve, lim.MaxDepth)
	}
	h, bodyOff, err := mime.ReadHeader(entity, lim)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBreve, err)
	}
	mt, params, ctErr := h.ContentType()
	if ctErr != nil {
		mt = ""
	}
	if top && (mt == "application/pkcs7-mime" || mt == "application/x-pkcs7-mime") {
		return nil
	}
	if name := bldAttachmentName(&h, mt); name != "" && (!top || !strings.HasPrefix(mt, "multipart/")) {
		fn(path, &h, name, entity[bodyOff:])
		return nil
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	mp, err := mime.SplitMultipart(entity[bodyOff:], params["boundary"], lim)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBreve, err)
	}
	for i, p := range mp.Parts {
		if mt == "multipart/signed" && i > 0 {
			continue
		}
		child := append(append([]int(nil), path...), i)
		if err := bldLeaves(entity[bodyOff+p.Start:bodyOff+p.End], child, false, lim, fn); err != nil {
			return err
		}
	}
	return nil
}
