package envelope

import (
	"errors"
	"fmt"

	"github.com/sigillo/sigillo/internal/mime"
)

// Default limits (see the package doc, # Limits): the one set of defaults of the
// module, shared with package pec.
const (
	// DefaultMaxMessageBytes caps the size of the message: 256 MiB.
	DefaultMaxMessageBytes = mime.DefaultMaxMessageBytes
	// DefaultMaxEntityHeaderBytes caps one header block (the message's or a
	// part's): 1 MiB.
	DefaultMaxEntityHeaderBytes = mime.DefaultMaxHeaderBytes
	// DefaultMaxParts caps the MIME parts of the whole message: 2000.
	DefaultMaxParts = mime.DefaultMaxParts
	// DefaultMaxDepth caps the multipart nesting of the whole message: 32.
	DefaultMaxDepth = mime.DefaultMaxDepth
	// DefaultMaxSignatureBytes caps the smime.p7s body as transmitted: 256 KiB.
	// Real PEC signatures are about 5 KiB.
	DefaultMaxSignatureBytes = mime.DefaultMaxSignatureBytes
	// DefaultMaxCertificates caps the certificates embedded in the signature.
	DefaultMaxCertificates = mime.DefaultMaxCertificates
	// DefaultMaxChainLength caps the length of a certification path (leaf and
	// anchor included) and bounds the path search.
	DefaultMaxChainLength = mime.DefaultMaxChainLength
	// DefaultMaxBERDepth caps the BER/DER nesting of the signature: 32.
	DefaultMaxBERDepth = mime.DefaultMaxBERDepth
	// DefaultMaxSigners caps the SignerInfos of the signature: 4 (one is accepted).
	DefaultMaxSigners = mime.DefaultMaxSigners
)

// Limits bounds the work done on an untrusted message. A zero field means the
// default constant of the same name (MaxHeaderBytes: [DefaultMaxEntityHeaderBytes]).
// It is the one limits type of the module: pec.Limits is the same type.
type Limits = mime.Limits

// Part locates one MIME part of a verified message (see [Report.Parts]). Offsets
// are byte offsets in the input as read, before any line-end canonicalisation, so
// that an io.ReaderAt over the same bytes reaches any part without loading the
// message: the header block is [HeaderOff, BodyOff) and the body, still
// transfer-encoded, is [BodyOff, End). [Part.Open] reads the body decoded.
type Part = mime.Part

// LocateOptions configures [Locate]. A nil *LocateOptions means defaults.
type LocateOptions struct {
	// Limits bounds the input; zero fields mean defaults.
	Limits Limits
	// NoUnwrap disables the search one level down in a multipart/mixed message
	// (relay wrapping): only a top-level multipart/signed is accepted.
	NoUnwrap bool
}

// Signature protocols accepted in multipart/signed (RFC 5751 section 3.5).
const (
	// ProtocolPKCS7 is the S/MIME v3 signature protocol (RFC 5751).
	ProtocolPKCS7 = "application/pkcs7-signature"
	// ProtocolXPKCS7 is the legacy name still used by OpenPEC-derived providers.
	ProtocolXPKCS7 = "application/x-pkcs7-signature"
)

// Wrapping tells where the multipart/signed entity was found ([Signed.Wrapping]).
type Wrapping string

// Wrapping kinds.
const (
	// WrapNone: the message itself is multipart/signed.
	WrapNone Wrapping = ""
	// WrapMultipart: the multipart/signed entity is a direct part of a top-level
	// multipart/mixed (a mailing list adding a footer part, for example).
	WrapMultipart Wrapping = "multipart"
)

// Signed is a located multipart/signed message: the signed entity and its
// detached signature, sliced from the raw message.
type Signed struct {
	// Header is the message header block (exact bytes, blank line excluded).
	// From and Date are read from it.
	Header []byte
	// Entity is the signed entity, the first body part of multipart/signed with its
	// MIME headers, exactly as transmitted but with bare LF converted to CRLF. When
	// the message already uses CRLF it is a sub-slice of the raw message, not a
	// copy. It is nil after the streaming verifiers ([VerifyReaderAt],
	// [VerifyReader], [VerifyFile]): the entity is reached through the offsets.
	Entity []byte
	// EntityStart and EntityEnd are the offsets of the signed entity as transmitted
	// in the raw message, before canonicalisation.
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
	// Wrapped is true when the signed message was found one level down; Wrapping
	// says where: the message itself, or a direct part of a top-level
	// multipart/mixed.
	Wrapped  bool
	Wrapping Wrapping
	// Findings are structural oddities that do not prevent verification (see the
	// Finding* constants).
	Findings []Finding
	// SignedPart and EntityPart index the part table ([Report.Parts]): the
	// multipart/signed and the signed entity.
	SignedPart, EntityPart int
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
	l := o.Limits.WithDefaults()
	sc, err := mime.ScanBytes(raw, &mime.Options{Limits: l, NoUnwrap: o.NoUnwrap})
	if err != nil {
		return nil, mimeErr("scan", err)
	}
	s, err := signedFromScan(sc, l)
	if err != nil {
		return nil, err
	}
	s.Entity = mime.CanonicalCRLF(raw[s.EntityStart:s.EntityEnd])
	return s, nil
}

// signedFromScan checks the multipart/signed that the scan found and builds its
// Signed. The error wraps ErrNotSigned, ErrMalformed or ErrTooLarge.
func signedFromScan(sc *mime.Scan, l Limits) (*Signed, error) {
	if sc.Signed < 0 {
		top := &sc.Parts[0]
		if top.ContentType == "multipart/mixed" {
			return nil, fmt.Errorf("envelope: multipart/mixed without a signed part: %w", ErrNotSigned)
		}
		return nil, fmt.Errorf("envelope: content type %q: %w", top.ContentType, ErrNotSigned)
	}
	sp := &sc.Parts[sc.Signed]
	s := &Signed{
		Header:          sc.Header,
		EntityStart:     int(sc.EntityOff),
		EntityEnd:       int(sc.EntityEnd),
		EntitySize:      sc.EntitySize,
		CanonicalisedLF: sc.EntitySize > sc.EntityEnd-sc.EntityOff,
		Protocol:        sc.Protocol,
		Micalg:          sc.Micalg,
		Boundary:        sc.Boundary,
		SignedPart:      sc.Signed,
		EntityPart:      sc.Entity,
	}
	if sc.Wrapped {
		s.Wrapped, s.Wrapping = true, WrapMultipart
	}
	if sp.ContentTypes > 1 {
		return nil, fmt.Errorf("envelope: multipart/signed header with %d Content-Type fields: %w", sp.ContentTypes, ErrMalformed)
	}
	switch s.Protocol {
	case ProtocolPKCS7, ProtocolXPKCS7:
	case "":
		s.Findings = append(s.Findings, Finding{Code: FindingProtocolMissing, Detail: "multipart/signed without a protocol parameter"})
	default:
		return nil, fmt.Errorf("envelope: multipart/signed protocol %q: %w", s.Protocol, ErrNotSigned)
	}
	if sc.SignedErr != nil {
		return nil, fmt.Errorf("envelope: multipart/signed: %w: %w", ErrMalformed, sc.SignedErr)
	}
	children := sc.Children(sc.Signed)
	if len(children) > 2 {
		s.Findings = append(s.Findings, Finding{Code: FindingExtraParts, Detail: fmt.Sprintf("multipart/signed has %d parts; parts after the second are ignored", len(children))})
	}
	if !sp.Closed {
		s.Findings = append(s.Findings, Finding{Code: FindingUnterminated, Detail: "multipart/signed has no close delimiter"})
	}
	sig := &sc.Parts[sc.SignaturePart]
	if sig.ContentTypeErr {
		return nil, fmt.Errorf("envelope: signature part: unparsable Content-Type: %w", ErrMalformed)
	}
	smt := sig.ContentType
	if smt != ProtocolPKCS7 && smt != ProtocolXPKCS7 {
		return nil, fmt.Errorf("envelope: signature part has content type %q: %w", smt, ErrMalformed)
	}
	s.SignatureType = smt
	if s.Protocol != "" && smt != s.Protocol {
		s.Findings = append(s.Findings, Finding{Code: FindingProtocolMismatch, Detail: fmt.Sprintf("protocol %q but signature part %q", s.Protocol, smt)})
	}
	s.Signature = sc.Signature
	if s.Wrapping != WrapNone {
		s.Findings = append(s.Findings, Finding{Code: FindingWrapped, Detail: "signed message found inside a multipart/mixed (" + string(s.Wrapping) + ")"})
	}
	return s, nil
}

func mimeErr(where string, err error) error {
	if errors.Is(err, mime.ErrTooLarge) {
		return fmt.Errorf("envelope: %s: %w: %w", where, ErrTooLarge, err)
	}
	if errors.Is(err, mime.ErrMalformed) || errors.Is(err, mime.ErrUnsupportedHash) {
		return fmt.Errorf("envelope: %s: %w: %w", where, ErrMalformed, err)
	}
	return &readError{err}
}

// readError marks an error of the input.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }
