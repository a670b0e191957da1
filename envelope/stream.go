package envelope

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sigillo/sigillo/internal/mime"
)

// VerifyReaderAt is [Verify] over the first size bytes of ra (for example an
// *os.File), in one streaming pass with a fixed amount of memory, whatever the
// size of the message: the signed entity is hashed as it is read, bare LF turned
// into CRLF on the fly, with the digest the micalg parameter names; when the
// SignerInfo needs another digest the entity range is read again from ra. It is
// the same scan, checks and decision as Verify: the two give the same report but
// for Signed.Entity, which is nil here (the entity is reached through the
// offsets of [Report.Parts]). ra must not change until the call returns, nor
// afterwards while parts are read.
//
// The error is nil unless reading ra fails; the report is then nil.
func VerifyReaderAt(ra io.ReaderAt, size int64, opts *VerifyOptions) (*Report, error) {
	o, l := resolveVerifyOptions(opts)
	sc, err := mime.ScanReaderAt(ra, size, &mime.Options{Limits: l, NoUnwrap: o.NoUnwrap})
	return verifyScan(sc, err, o, l)
}

// VerifyReader is [VerifyReaderAt] for input that can be read only once: it reads
// r to the end in one pass. Since the digest the signature needs is known only
// after the signed entity, the entity is hashed with the micalg digest plus SHA-1
// and SHA-256 (every digest seen in PEC practice); a signature with another digest
// fails with ErrUnsupportedAlgorithm (status invalid) and a reason saying so, where
// VerifyReaderAt would have re-read the entity. Report.Parts gives the offsets of
// the parts in the stream, for a caller that kept a copy.
//
// The error is nil unless reading r fails; the report is then nil.
func VerifyReader(r io.Reader, opts *VerifyOptions) (*Report, error) {
	o, l := resolveVerifyOptions(opts)
	sc, err := mime.ScanReader(r, &mime.Options{Limits: l, NoUnwrap: o.NoUnwrap})
	return verifyScan(sc, err, o, l)
}

// VerifyFile is [VerifyReaderAt] on the named file. The error is nil unless the
// file cannot be opened, examined or read; the report is then nil.
func VerifyFile(name string, opts *VerifyOptions) (*Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	return VerifyReaderAt(f, st.Size(), opts)
}

// verifyScan is the one decision path of every entry point: the scan's error
// (a limit, malformed input or I/O), then the located signed message, then
// steps 2 to 6 of the package doc.
func verifyScan(sc *mime.Scan, err error, o VerifyOptions, l Limits) (*Report, error) {
	r := &Report{}
	if err != nil {
		me := mimeErr("scan", err)
		var re *readError
		if errors.As(me, &re) {
			return nil, fmt.Errorf("envelope: read: %w", err)
		}
		return r.fail(locateError(me)), nil
	}
	r.Parts = sc.Parts
	if sc.BOM {
		r.note(FindingBOM, "a UTF-8 byte order mark before the message was skipped")
	}
	s, err := signedFromScan(sc, l)
	if err != nil {
		return r.fail(locateError(err)), nil
	}
	return verifySigned(r, s, sc.Digest, o, l), nil
}

// VerifyParts is [Verify] for a message already scanned, whose part table
// (offsets relative to the message) shows no multipart/signed where Verify looks
// for one (Part.SignedMessage false on the message of a message/rfc822 part):
// the report Verify gives such a message, from the same decision code, without
// reading it again. A table with a multipart/signed where one is looked for gets
// ErrMalformed: verify the bytes instead.
func VerifyParts(parts []Part, opts *VerifyOptions) *Report {
	o, l := resolveVerifyOptions(opts)
	for i := range parts {
		if parts[i].ContentType == "multipart/signed" && (parts[i].Parent < 0 ||
			parts[i].Parent == 0 && parts[0].ContentType == "multipart/mixed" && !o.NoUnwrap) {
			return (&Report{Parts: parts}).fail(&VerifyError{Reason: ErrMalformed, Detail: "locate",
				Err: fmt.Errorf("envelope: the part table has a multipart/signed: %w", ErrMalformed)})
		}
	}
	r, _ := verifyScan(&mime.Scan{Parts: parts, Signed: -1, Entity: -1, SignaturePart: -1}, nil, o, l)
	return r
}
