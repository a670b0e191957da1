package envelope

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sigillo/sigillo/internal/mime"
)

// Default limits (see the package doc, # Limits).
const (
	// DefaultMaxMessageBytes caps the size of the raw message given to [Locate] and
	// [Verify].
	DefaultMaxMessageBytes = 256 << 20
	// DefaultMaxEntityHeaderBytes caps one header block (the message's or a
	// part's) when a message is located or verified.
	DefaultMaxEntityHeaderBytes = mime.DefaultMaxHeaderBytes
	// DefaultMaxParts caps the number of parts of one multipart body.
	DefaultMaxParts = mime.DefaultMaxParts
	// DefaultMaxDepth caps MIME nesting when the signed entity is walked (to find
	// daticert.xml).
	DefaultMaxDepth = mime.DefaultMaxDepth
	// DefaultMaxSignatureBytes caps the decoded smime.p7s. Real PEC signatures are
	// about 5 KiB.
	DefaultMaxSignatureBytes = 256 << 10
	// DefaultMaxCertificates caps the certificates embedded in the signature.
	DefaultMaxCertificates = 16
	// DefaultMaxChainLength caps the length of a certification path (leaf and
	// anchor included) and bounds the path search.
	DefaultMaxChainLength = 8
	// DefaultMaxBufferedBytes is the largest message that the streaming verifiers
	// ([VerifyReaderAt], [VerifyReader], [VerifyFile]) read into memory to hand it
	// to [Verify] when the one-pass scan cannot locate the signed entity (a signed
	// message inside a message/rfc822 part, or a structure the scan rejects).
	DefaultMaxBufferedBytes = 8 << 20
)

// Limits bounds the work done on an untrusted message. A zero field means the
// default constant of the same name.
type Limits struct {
	MaxMessageBytes   int // whole message; DefaultMaxMessageBytes
	MaxHeaderBytes    int // one header block; DefaultMaxEntityHeaderBytes
	MaxParts          int // parts per multipart body; DefaultMaxParts
	MaxDepth          int // MIME nesting inside the signed entity; DefaultMaxDepth
	MaxSignatureBytes int // decoded smime.p7s; DefaultMaxSignatureBytes
	MaxCertificates   int // certificates in the signature; DefaultMaxCertificates
	MaxChainLength    int // certification path length; DefaultMaxChainLength
	MaxBufferedBytes  int // in-memory fallback of the streaming verifiers; DefaultMaxBufferedBytes
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxMessageBytes, DefaultMaxMessageBytes)
	def(&l.MaxHeaderBytes, DefaultMaxEntityHeaderBytes)
	def(&l.MaxParts, DefaultMaxParts)
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxSignatureBytes, DefaultMaxSignatureBytes)
	def(&l.MaxCertificates, DefaultMaxCertificates)
	def(&l.MaxChainLength, DefaultMaxChainLength)
	def(&l.MaxBufferedBytes, DefaultMaxBufferedBytes)
	return l
}

func (l Limits) mime() *mime.Limits {
	return &mime.Limits{MaxHeaderBytes: l.MaxHeaderBytes, MaxParts: l.MaxParts, MaxDepth: l.MaxDepth}
}

// LocateOptions configures [Locate]. A nil *LocateOptions means defaults.
type LocateOptions struct {
	// Limits bounds the input; zero fields mean defaults.
	Limits Limits
	// NoUnwrap disables the search one level down in a multipart/mixed message
	// (relay wrapping): only a top-level multipart/signed is accepted.
	NoUnwrap bool
}

// Signature protocols accepted in multipart/signed (pec-spec.md section 2.1).
const (
	// ProtocolPKCS7 is the S/MIME v3 signature protocol (RFC 5751).
	ProtocolPKCS7 = "application/pkcs7-signature"
	// ProtocolXPKCS7 is the legacy name still used by OpenPEC-derived providers.
	ProtocolXPKCS7 = "application/x-pkcs7-signature"
)

// Wrapping kinds reported in [Signed.Wrapping].
const (
	// WrapNone: the message itself is multipart/signed.
	WrapNone = ""
	// WrapMultipart: the multipart/signed entity is a direct part of a top-level
	// multipart/mixed (a mailing list adding a footer part, for example).
	WrapMultipart = "multipart"
	// WrapMessage: the signed message is a message/rfc822 part of a top-level
	// multipart/mixed (forwarded as an attachment by a gateway).
	WrapMessage = "message/rfc822"
)

// Signed is a located multipart/signed message: the signed entity and its
// detached signature, sliced from the raw message.
type Signed struct {
	// Header is the header block (exact bytes, blank line excluded) of the message
	// the signature belongs to: the top-level message, or the embedded message
	// when Wrapping is WrapMessage. From and Date are read from it.
	Header []byte
	// Entity is the signed entity, the first body part of multipart/signed with its
	// MIME headers, exactly as transmitted but with bare LF converted to CRLF. When
	// the message already uses CRLF (and is not re-encoded by a wrapper) it is a
	// sub-slice of the raw message, not a copy.
	Entity []byte
	// EntityStart and EntityEnd are the offsets of the signed entity as transmitted
	// in the raw message, before canonicalisation. They are -1 when the signed
	// message had to be decoded out of a transfer-encoded message/rfc822 part.
	EntityStart, EntityEnd int
	// EntitySize is the size of the canonical signed entity: the number of bytes
	// hashed (len(Entity) when Entity is set).
	EntitySize int64
	// CanonicalisedLF is true when the transmitted entity had bare LF line ends
	// that were converted to CRLF.
	CanonicalisedLF bool
	// Signature is the decoded smime.p7s.
	Signature []byte
	// SignatureType is the media type of the signature part (lower case).
	SignatureType string
	// Protocol and Micalg are the multipart/signed parameters as written (lower
	// case); either may be empty. Verification ignores Micalg except to report a
	// disagreement with the real digest.
	Protocol, Micalg string
	// Boundary is the multipart/signed boundary.
	Boundary string
	// Wrapped is true when the signed message was found one level down in a
	// multipart/mixed; Wrapping says how (WrapMultipart or WrapMessage).
	Wrapped  bool
	Wrapping string
	// Findings are structural oddities that do not prevent verification (see the
	// Finding* constants).
	Findings []Finding

	// Parts lists every MIME part of the message met in one pass, in input order,
	// with its offsets in the input, when the message was verified by
	// [VerifyReaderAt], [VerifyReader] or [VerifyFile] (Entity is then nil: the
	// signed entity is reached through the offsets). Parts inside the signed
	// entity include those of a message/rfc822 part such as postacert.eml (see
	// [Part.Embedded]). Nil after [Locate] and [Verify].
	Parts []Part
	// EntityPart indexes Parts: the signed entity. Meaningful only when Parts is
	// not nil.
	EntityPart int
}

// Locate finds the multipart/signed entity in raw and slices its signed first part
// and its signature, without re-serialising anything. It returns an error wrapping
// [ErrNotSigned] when the message is not an S/MIME multipart/signed message (not
// even one level down), [ErrMalformed] when the structure is broken, or
// [ErrTooLarge] when a limit is exceeded.
func Locate(raw []byte, opts *LocateOptions) (*Signed, error) {
	var o LocateOptions
	if opts != nil {
		o = *opts
	}
	l := o.Limits.withDefaults()
	if len(raw) > l.MaxMessageBytes {
		return nil, fmt.Errorf("envelope: message of %d bytes: %w (MaxMessageBytes %d)", len(raw), ErrTooLarge, l.MaxMessageBytes)
	}
	h, bodyOff, err := mime.ReadHeader(raw, l.mime())
	if err != nil {
		return nil, mimeErr("message header", err)
	}
	mt, params, err := h.ContentType()
	if err != nil {
		return nil, mimeErr("message header", err)
	}
	switch {
	case mt == "multipart/signed":
		return locateSigned(raw, h.Raw, params, bodyOff, len(raw), l)
	case mt == "multipart/mixed" && !o.NoUnwrap:
		s, err := locateWrapped(raw, h.Raw, params, bodyOff, l)
		if err != nil {
			return nil, err
		}
		if s != nil {
			s.Findings = append(s.Findings, Finding{Code: FindingWrapped, Detail: "signed message found inside a multipart/mixed (" + s.Wrapping + ")"})
			return s, nil
		}
		return nil, fmt.Errorf("envelope: multipart/mixed without a signed part: %w", ErrNotSigned)
	default:
		return nil, fmt.Errorf("envelope: content type %q: %w", mt, ErrNotSigned)
	}
}

// locateWrapped looks one level down in a multipart/mixed body for a
// multipart/signed part or a message/rfc822 part that is itself multipart/signed.
// It returns nil, nil when there is none.
func locateWrapped(raw, header []byte, params map[string]string, bodyOff int, l Limits) (*Signed, error) {
	body := raw[bodyOff:]
	mp, err := mime.SplitMultipart(body, params["boundary"], l.mime())
	if err != nil {
		return nil, mimeErr("multipart/mixed", err)
	}
	for _, p := range mp.Parts {
		start, end := bodyOff+p.Start, bodyOff+p.End
		ph, pbody, err := mime.ReadHeader(raw[start:end], l.mime())
		if err != nil {
			continue
		}
		pmt, pparams, err := ph.ContentType()
		if err != nil {
			continue
		}
		switch pmt {
		case "multipart/signed":
			s, err := locateSigned(raw, header, pparams, start+pbody, end, l)
			if err != nil {
				return nil, err
			}
			s.Wrapped, s.Wrapping = true, WrapMultipart
			return s, nil
		case "message/rfc822":
			inner := raw[start+pbody : end]
			offset := start + pbody
			cte := ph.TransferEncoding()
			if cte != "7bit" && cte != "8bit" && cte != "binary" {
				dec, err := mime.Decode(cte, inner)
				if err != nil {
					continue
				}
				inner, offset = dec, -1
			}
			ih, ibody, err := mime.ReadHeader(inner, l.mime())
			if err != nil {
				continue
			}
			imt, iparams, err := ih.ContentType()
			if err != nil || imt != "multipart/signed" {
				continue
			}
			s, err := locateSigned(inner, ih.Raw, iparams, ibody, len(inner), l)
			if err != nil {
				return nil, err
			}
			if offset < 0 {
				s.EntityStart, s.EntityEnd = -1, -1
			} else {
				s.EntityStart += offset
				s.EntityEnd += offset
			}
			s.Wrapped, s.Wrapping = true, WrapMessage
			return s, nil
		}
	}
	return nil, nil
}

// locateSigned slices the multipart/signed body raw[start:end].
func locateSigned(raw, header []byte, params map[string]string, start, end int, l Limits) (*Signed, error) {
	s := &Signed{
		Header:   header,
		Protocol: strings.ToLower(params["protocol"]),
		Micalg:   strings.ToLower(params["micalg"]),
		Boundary: params["boundary"],
	}
	switch s.Protocol {
	case ProtocolPKCS7, ProtocolXPKCS7:
	case "":
		s.Findings = append(s.Findings, Finding{Code: FindingProtocolMissing, Detail: "multipart/signed without a protocol parameter"})
	default:
		return nil, fmt.Errorf("envelope: multipart/signed protocol %q: %w", s.Protocol, ErrNotSigned)
	}
	if s.Boundary == "" {
		return nil, fmt.Errorf("envelope: multipart/signed without a boundary: %w", ErrMalformed)
	}
	body := raw[start:end]
	mp, err := mime.SplitMultipart(body, s.Boundary, l.mime())
	if err != nil {
		return nil, mimeErr("multipart/signed", err)
	}
	if len(mp.Parts) < 2 {
		return nil, fmt.Errorf("envelope: multipart/signed has %d part(s), the signature part is missing: %w", len(mp.Parts), ErrMalformed)
	}
	if len(mp.Parts) > 2 {
		s.Findings = append(s.Findings, Finding{Code: FindingExtraParts, Detail: fmt.Sprintf("multipart/signed has %d parts; parts after the second are ignored", len(mp.Parts))})
	}
	if !mp.Closed {
		s.Findings = append(s.Findings, Finding{Code: FindingUnterminated, Detail: "multipart/signed has no close delimiter"})
	}

	// The signature part.
	sp := mp.Parts[1]
	sh, sbody, err := mime.ReadHeader(sp.Of(body), l.mime())
	if err != nil {
		return nil, mimeErr("signature part", err)
	}
	smt, _, err := sh.ContentType()
	if err != nil {
		return nil, mimeErr("signature part", err)
	}
	if smt != ProtocolPKCS7 && smt != ProtocolXPKCS7 {
		return nil, fmt.Errorf("envelope: signature part has content type %q: %w", smt, ErrMalformed)
	}
	s.SignatureType = smt
	if s.Protocol != "" && smt != s.Protocol {
		s.Findings = append(s.Findings, Finding{Code: FindingProtocolMismatch, Detail: fmt.Sprintf("protocol %q but signature part %q", s.Protocol, smt)})
	}
	enc := sp.Of(body)[sbody:]
	if len(enc) > 2*l.MaxSignatureBytes+1024 {
		return nil, fmt.Errorf("envelope: signature part of %d bytes: %w (MaxSignatureBytes %d)", len(enc), ErrTooLarge, l.MaxSignatureBytes)
	}
	sig, err := mime.Decode(sh.TransferEncoding(), enc)
	if err != nil {
		return nil, mimeErr("signature part", err)
	}
	if len(sig) > l.MaxSignatureBytes {
		return nil, fmt.Errorf("envelope: signature of %d bytes: %w (MaxSignatureBytes %d)", len(sig), ErrTooLarge, l.MaxSignatureBytes)
	}
	if len(sig) == 0 {
		return nil, fmt.Errorf("envelope: empty signature part: %w", ErrMalformed)
	}
	s.Signature = sig

	// The signed entity, exactly as transmitted, then CRLF-canonicalised.
	ep := mp.Parts[0]
	s.EntityStart, s.EntityEnd = start+ep.Start, start+ep.End
	entity := ep.Of(body)
	if mime.HasBareLF(entity) {
		s.CanonicalisedLF = true
		entity = mime.CanonicalCRLF(entity)
	}
	s.Entity = entity
	s.EntitySize = int64(len(entity))
	return s, nil
}

func mimeErr(where string, err error) error {
	if errors.Is(err, mime.ErrTooLarge) {
		return fmt.Errorf("envelope: %s: %w: %w", where, ErrTooLarge, err)
	}
	return fmt.Errorf("envelope: %s: %w: %w", where, ErrMalformed, err)
}
