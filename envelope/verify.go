package envelope

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/sigillo/sigillo/internal/cms"
	"github.com/sigillo/sigillo/internal/mime"
)

// DefaultTimeTolerance is the largest difference accepted between signingTime and
// the Date header or the daticert.xml data before a time-skew finding is reported
// (by package pec, which makes those cross-checks).
const DefaultTimeTolerance = 5 * time.Minute

// OIDPolicyPECProvider returns the certificate policy of PEC provider signing
// certificates, 1.3.76.16.3.1.1 (observed on every real one; its absence is a
// finding, not a failure). It returns a fresh value on each call, so that no
// importer can change the policy the verifier looks for.
func OIDPolicyPECProvider() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 3, 76, 16, 3, 1, 1}
}

// VerifyOptions configures [Verify], [VerifyReaderAt], [VerifyReader] and
// [VerifyFile]. A nil *VerifyOptions means defaults.
type VerifyOptions struct {
	// Trust holds the anchors; nil means DefaultTrust().
	Trust *Trust
	// At is the evaluation time for certificate validity and anchor windows; the
	// zero value means the signingTime of the signature (PEC certificates live
	// about three years, so archived messages only verify as of their signing).
	At time.Time
	// Sender overrides the address the signer certificate must carry; "" means
	// the addr-spec of the From header (for envelopes, the address inside the
	// angle brackets of "Per conto di: ..." <posta-certificata@...>).
	Sender string
	// TimeTolerance is the largest skew between signingTime and the Date header or
	// daticert.xml before a finding, for the cross-checks of package pec (this
	// package checks the signature only); 0 means DefaultTimeTolerance.
	TimeTolerance time.Duration
	// Limits bounds the input; zero fields mean defaults.
	Limits Limits
	// NoUnwrap disables the search for a signed message one level down in a
	// multipart/mixed (relay wrapping).
	NoUnwrap bool
	// Now is the verification clock: a signingTime later than Now() plus
	// TimeTolerance (or than At plus TimeTolerance, when At is set) fails with
	// ErrSigningTimeInFuture. nil means time.Now; tests and replays pin it.
	Now func() time.Time
}

// Report is the outcome of [Verify] (and of the streaming verifiers). Fields are filled as far as verification
// got, whatever the status.
type Report struct {
	// Status is the verdict; only StatusValid means integrity, trust, identity and
	// time all hold.
	Status Status
	// Err is nil when Status is StatusValid, else a *VerifyError whose Reason is
	// one of this package's sentinels.
	Err error
	// Code is the stable code of Err's reason ([ReasonCode]), "" when Err is nil.
	Code string
	// Signed is the located signed message (nil when absent or malformed MIME).
	Signed *Signed
	// Signer is the signer certificate. It may be shared with other reports
	// (parsed certificates are cached): do not modify it.
	Signer *x509.Certificate
	// Chain is the certification path, signer first, ending with the certificate
	// that carries the anchor key; nil when no path was accepted. Its
	// certificates may be shared with other reports: do not modify them.
	Chain []*x509.Certificate
	// Anchor names the trust anchor that ends Chain.
	Anchor string
	// Provider is the signer's organisation (O), else its common name (CN).
	Provider string
	// Sender is the address checked against the signer certificate.
	Sender string
	// SigningTime is the signingTime signed attribute (zero when absent).
	SigningTime time.Time
	// EvaluatedAt is the time at which validity was evaluated.
	EvaluatedAt time.Time
	// Digest is the message digest algorithm of the signer; DigestName its
	// micalg-style name ("sha1", "sha-256", "sha-384", "sha-512").
	Digest     crypto.Hash
	DigestName string
	// Legacy is true when the path has SHA-1 certificate signatures or RSA keys
	// under 2048 bits (the pre-2018 DigitPA chains).
	Legacy bool
	// Parts is the part table of the message, every MIME part met in the one
	// pass over it, in input order (Parts[0] is the message); nil only when the
	// scan stopped on a limit. Package pec reads the message from it.
	Parts []Part
	// Findings lists noteworthy facts that do not decide the status by themselves.
	Findings []Finding
}

// Valid reports whether the status is StatusValid.
func (r *Report) Valid() bool { return r.Status == StatusValid }

// HasFinding reports whether a finding with the given code was recorded.
func (r *Report) HasFinding(code string) bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Code == code })
}

func (r *Report) fail(e *VerifyError) *Report {
	r.Status = statusFor(e.Reason)
	r.Err = e
	r.Code = ReasonCode(e)
	return r
}

func (r *Report) note(code, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{Code: code, Detail: fmt.Sprintf(format, args...)})
}

// Verify answers "did an accredited PEC provider sign exactly these bytes, and
// when?". It never returns nil. See the package doc for what is checked. It is
// the scan and decision of [VerifyReaderAt] over raw, with Signed.Entity set.
func Verify(raw []byte, opts *VerifyOptions) *Report {
	o, l := resolveVerifyOptions(opts)
	sc, err := mime.ScanBytes(raw, &mime.Options{Limits: l, NoUnwrap: o.NoUnwrap})
	r, _ := verifyScan(sc, err, o, l) // no I/O error on a slice
	if r.Signed != nil {
		r.Signed.Entity = mime.CanonicalCRLF(raw[r.Signed.EntityStart:r.Signed.EntityEnd])
	}
	return r
}

// resolveVerifyOptions copies opts and fills in the defaults.
func resolveVerifyOptions(opts *VerifyOptions) (VerifyOptions, Limits) {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	if o.Trust == nil {
		o.Trust = DefaultTrust()
	}
	if o.TimeTolerance <= 0 {
		o.TimeTolerance = DefaultTimeTolerance
	}
	return o, o.Limits.WithDefaults()
}

// locateError maps an error of Locate to the VerifyError of the report.
func locateError(err error) *VerifyError {
	reason := ErrMalformed
	switch {
	case errors.Is(err, ErrNotSigned):
		reason = ErrNotSigned
	case errors.Is(err, ErrTooLarge):
		reason = ErrTooLarge
	}
	return &VerifyError{Reason: reason, Detail: "locate", Err: err}
}

// verifySigned is the decision shared by every entry point ([Verify],
// [VerifyReaderAt], [VerifyReader]): given the located signed message s, a
// function computing the digest of its canonical signed entity with a hash, it
// runs steps 2 to 6 of the package doc and fills r.
func verifySigned(r *Report, s *Signed, digest func(crypto.Hash) ([]byte, error), o VerifyOptions, l Limits) *Report {
	r.Signed = s
	r.Findings = append(r.Findings, s.Findings...)
	// The outer header, parsed once with the module's one header rule
	// (mime.Fields, the rule pec reads the header with): From and Date come from it.
	oh := mime.Header{Raw: s.Header}
	oh.Fields, _ = mime.Fields(s.Header)
	if s.CanonicalisedLF {
		r.note(FindingLFLineEndings, "signed entity stored with LF line ends, verified as CRLF")
	}
	// 2. CMS.
	sd, err := cms.Parse(s.Signature, &cms.Limits{MaxBytes: l.MaxSignatureBytes, MaxDepth: l.MaxBERDepth, MaxCertificates: l.MaxCertificates, MaxSigners: l.MaxSigners, Cache: o.Trust.certs})
	if err != nil {
		reason := ErrMalformed
		switch {
		case errors.Is(err, cms.ErrNoSigner):
			return r.fail(verr(ErrSignerCount, nil, "0 signers, want exactly 1"))
		case errors.Is(err, cms.ErrTooLarge):
			reason = ErrTooLarge
		case errors.Is(err, cms.ErrUnsupportedAlgorithm):
			reason = ErrUnsupportedAlgorithm
		}
		return r.fail(&VerifyError{Reason: reason, Detail: "smime.p7s", Err: err})
	}
	if !sd.Detached {
		return r.fail(verr(ErrMalformed, nil, "smime.p7s encapsulates content; multipart/signed needs a detached signature"))
	}
	if len(sd.Signers) != 1 {
		return r.fail(verr(ErrSignerCount, nil, "%d signers, want exactly 1", len(sd.Signers)))
	}
	sg := sd.Signers[0]
	r.Digest, r.DigestName = sg.Digest, micalgName(sg.Digest)
	r.Signer = sg.Cert
	r.SigningTime = sg.SigningTime
	if sg.Cert != nil {
		r.Provider = providerName(sg.Cert)
	}
	if r.DigestName == "" {
		return r.fail(verr(ErrUnsupportedAlgorithm, sg.Cert, "digest algorithm %v", sg.DigestAlgorithm))
	}
	sum, err := digest(sg.Digest)
	if err != nil {
		if errors.Is(err, mime.ErrDigestUnavailable) {
			return r.fail(&VerifyError{Reason: ErrUnsupportedAlgorithm, Cert: sg.Cert, Err: err,
				Detail: fmt.Sprintf("the signature needs a %s digest, not computed while reading a one-pass stream (use VerifyReaderAt or VerifyFile)", r.DigestName)})
		}
		return r.fail(&VerifyError{Reason: ErrMalformed, Cert: sg.Cert, Detail: "re-reading the signed entity", Err: err})
	}
	if err := sg.Verify(sum); err != nil {
		reason := ErrBadSignature
		switch {
		case errors.Is(err, cms.ErrDigestMismatch):
			reason = ErrDigestMismatch
		case errors.Is(err, cms.ErrSignerNotFound):
			reason = ErrSignerNotFound
		case errors.Is(err, cms.ErrUnsupportedAlgorithm):
			reason = ErrUnsupportedAlgorithm
		}
		return r.fail(&VerifyError{Reason: reason, Cert: sg.Cert, Detail: "signer", Err: err})
	}
	if sg.Cert == nil { // defensive: Verify requires the certificate
		return r.fail(verr(ErrSignerNotFound, nil, "signer certificate not embedded"))
	}
	if sg.Digest == crypto.SHA1 {
		r.note(FindingWeakDigest, "message digest is SHA-1")
	}
	if s.Micalg != "" && !micalgMatches(s.Micalg, sg.Digest) {
		r.note(FindingMicalgMismatch, "micalg %q but the digest is %s", s.Micalg, r.DigestName)
	}
	if len(sg.UnsignedAttrs) > 0 {
		r.note(FindingUnsignedAttributes, "%d unsigned attribute(s) ignored", len(sg.UnsignedAttrs))
	}

	// 3. Time.
	at := o.At
	if at.IsZero() {
		if r.SigningTime.IsZero() {
			return r.fail(verr(ErrNoSigningTime, sg.Cert, "no signingTime attribute and no evaluation time given"))
		}
		at = r.SigningTime
	}
	r.EvaluatedAt = at

	// 4. Path to an anchor.
	res, perr := o.Trust.buildPath(sg.Cert, sd.Certificates, at, l.MaxChainLength)
	if perr != nil {
		var ve *VerifyError
		if !errors.As(perr, &ve) {
			ve = &VerifyError{Reason: ErrUnknownAuthority, Err: perr}
		}
		return r.fail(ve)
	}
	r.Chain, r.Anchor = res.chain, res.anchor.Name
	r.Findings = append(r.Findings, res.findings...)
	if len(res.legacy) > 0 {
		r.Legacy = true
		r.note(FindingLegacyChain, "%s", strings.Join(res.legacy, "; "))
	}
	if e := checkSignerTimes(r, s, &oh, res, at, o, l); e != nil {
		return r.fail(e)
	}

	// 5. Signer profile.
	leaf := sg.Cert
	if leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return r.fail(verr(ErrKeyUsage, leaf, "keyUsage lacks digitalSignature"))
	}
	if leaf.BasicConstraintsValid && leaf.IsCA {
		return r.fail(verr(ErrKeyUsage, leaf, "signer certificate is a CA certificate"))
	}
	if len(leaf.ExtKeyUsage) > 0 || len(leaf.UnknownExtKeyUsage) > 0 {
		if !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageEmailProtection) && !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageAny) {
			return r.fail(verr(ErrExtKeyUsage, leaf, "extendedKeyUsage %v lacks emailProtection", leaf.ExtKeyUsage))
		}
	}
	if !slices.ContainsFunc(leaf.PolicyIdentifiers, func(p asn1.ObjectIdentifier) bool { return p.Equal(OIDPolicyPECProvider()) }) {
		r.note(FindingPolicyOIDMissing, "signer certificate lacks policy %s", OIDPolicyPECProvider())
	}

	// 6. Identity: the sender address must be a SAN rfc822Name of the signer.
	sender := o.Sender
	if sender == "" {
		sender = fromAddress(&oh)
	}
	r.Sender = sender
	if sender == "" {
		return r.fail(verr(ErrSenderMismatch, leaf, "message has no usable From address"))
	}
	if !slices.ContainsFunc(leaf.EmailAddresses, func(e string) bool { return strings.EqualFold(e, sender) }) {
		return r.fail(verr(ErrSenderMismatch, leaf, "sender %q not among the certificate addresses %q", sender, leaf.EmailAddresses))
	}

	r.Status = StatusValid
	return r
}

func providerName(c *x509.Certificate) string {
	if len(c.Subject.Organization) > 0 && c.Subject.Organization[0] != "" {
		return c.Subject.Organization[0]
	}
	return c.Subject.CommonName
}

// micalgName returns the RFC 5751 micalg name of h, with "sha1" as PEC providers
// write it; "" when h is not supported.
func micalgName(h crypto.Hash) string {
	switch h {
	case crypto.SHA1:
		return "sha1"
	case crypto.SHA256:
		return "sha-256"
	case crypto.SHA384:
		return "sha-384"
	case crypto.SHA512:
		return "sha-512"
	}
	return ""
}

func micalgMatches(micalg string, h crypto.Hash) bool {
	m := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(micalg)), "-", "")
	want := strings.ReplaceAll(micalgName(h), "-", "")
	return m == want
}

// fromAddress returns the addr-spec of the first From address of the outer
// header h (the first From field, the one pec's rule 3 counts), or "". It
// tolerates display names with unquoted specials ("a@b <a@b>") by falling back to
// the text between the last angle brackets.
func fromAddress(h *mime.Header) string {
	v := h.Get("From")
	if v == "" {
		return ""
	}
	if list, err := (&mail.AddressParser{}).ParseList(v); err == nil && len(list) > 0 {
		return list[0].Address
	}
	if i, j := strings.LastIndexByte(v, '<'), strings.LastIndexByte(v, '>'); i >= 0 && j > i {
		return strings.TrimSpace(v[i+1 : j])
	}
	if strings.Count(v, "@") == 1 && !strings.ContainsAny(v, " \t,;<>\"") {
		return v
	}
	return ""
}
