package receipt

import (
	"github.com/sigillo/sigillo/daticert"
)

// Source names the evidence that decided a classification.
type Source string

// The sources of a classification, in order of authority.
const (
	// SourceDaticert: the tipo (and errore) of the signed daticert.xml.
	SourceDaticert Source = "daticert"
	// SourceHeaders: X-Trasporto or X-Ricevuta (and X-VerificaSicurezza).
	SourceHeaders Source = "headers"
	// SourceSubject: the subject prefix alone (see [FindingSubjectOnly]).
	SourceSubject Source = "subject"
	// SourceNone: no evidence; the kind is [KindNotPEC].
	SourceNone Source = "none"
)

// String returns the source as a string, such as "daticert".
func (s Source) String() string { return string(s) }

// Input is the evidence [Classify] weighs.
type Input struct {
	// Header is the outer header of the message, nil when unknown. It
	// supplies the PEC fields and, when Subject is empty, the Subject.
	Header Header
	// Subject is the raw Subject value (RFC 2047 encoded words are
	// decoded). When empty, the first Subject field of Header is used.
	Subject string
	// Body describes the signed body; nil means it was not examined (only
	// the header and subject are classified, no body finding is reported
	// and Result.Form stays empty).
	Body *Body
}

// Body describes the parts of a message's signed multipart/mixed body
// (RFC 6109 sections 2 and 3). Checking the signature is the caller's
// business: Classify weighs the evidence it is given.
type Body struct {
	// Cert is the parsed daticert.xml of this message's own body, nil when
	// the body has none. Never pass the daticert of a message nested in
	// postacert.eml (an anomaly envelope may wrap a transport envelope that
	// has one).
	Cert *daticert.Cert
	// Original reports whether the body carries the original message, the
	// message/rfc822 part (postacert.eml).
	Original bool
	// OriginalHashed reports whether that original has its attachments
	// replaced by "*.hash" text parts, which makes a delivery receipt a
	// breve.
	OriginalHashed bool
}

// Result is the outcome of [Classify].
type Result struct {
	// Kind is the kind of the message, never empty: [KindNotPEC] when no
	// evidence names a kind.
	Kind Kind
	// Virus reports the virus variant of [KindNonAccettazione] or
	// [KindErroreConsegna], as the deciding evidence says; it is always
	// true for [KindRilevazioneVirus] and false for the other kinds.
	Virus bool
	// Form is the form of a delivery receipt as its parts show it: no
	// original is a sintetica, an original with hashed attachments a
	// breve, any other original a completa. It is empty for other kinds
	// and when Input.Body is nil.
	Form Form
	// RequestedForm is the form the sender asked for: daticert
	// ricevuta/@tipo when known, else X-TipoRicevuta when known, else
	// empty (which the spec reads as completa). Set for every kind that
	// states it, the transport envelope included.
	RequestedForm Form
	// Source names the evidence that decided Kind.
	Source Source
	// Header is what [FromHeaders] read from Input.Header.
	Header HeaderInfo
	// Subject is what [ParseSubject] read from the decoded subject.
	Subject SubjectInfo
	// Findings are every disagreement and oddity, in a stable order:
	// header findings, the daticert tipo, subject wording, kind and virus
	// disagreements, missing evidence, body structure, forms.
	Findings []Finding
}

// certKind returns the kind and virus flag a daticert states, "" when its
// tipo is unknown.
func certKind(c *daticert.Cert) (Kind, bool) {
	k := KindFromType(c.Type)
	switch {
	case k == KindRilevazioneVirus:
		return k, true
	case k.HasVirusVariant():
		return k, c.Error == daticert.ErrorVirus
	}
	return k, false
}

// Classify decides the kind of a message from its evidence, in order of
// authority (only the body of a PEC message is signed, RFC 6109 section 2):
//
//  1. the tipo and errore of the signed daticert.xml (Input.Body.Cert);
//  2. X-Trasporto, then X-Ricevuta, and X-VerificaSicurezza (see
//     [FromHeaders]);
//  3. the prefix of the RFC 2047-decoded subject (see [ParseSubject]).
//
// The first that names a known kind decides; with none, the kind is
// [KindNotPEC]. Every disagreement between two pieces of evidence is a
// [Finding], as are unusual subject wordings, missing evidence, a body whose
// parts do not fit the kind, and delivery receipt forms that differ from the
// requested one. The anomaly envelope has no daticert, so it is decided by
// X-Trasporto: errore (or its subject).
//
// A classification decided by the subject alone ([SourceSubject]) is weak:
// an ordinary message titled "Consegna: documenti" gets
// [KindAvvenutaConsegna] with [FindingSubjectOnly]. Callers that know the
// message carries no valid provider signature should treat it as not PEC.
//
// Classify never fails and never panics on any input.
func Classify(in Input) Result {
	var r Result
	r.Header = FromHeaders(in.Header)
	raw := in.Subject
	if raw == "" && in.Header != nil {
		if vs := in.Header.Values("Subject"); len(vs) > 0 {
			raw = vs[0]
		}
	}
	r.Subject = ParseSubject(DecodeSubject(raw))
	fs := append([]Finding(nil), r.Header.Findings...)
	add := func(code, detail string) { fs = append(fs, Finding{code, detail}) }

	var cert *daticert.Cert
	if in.Body != nil {
		cert = in.Body.Cert
	}
	var dKind Kind
	var dVirus bool
	if cert != nil {
		dKind, dVirus = certKind(cert)
		if dKind == "" {
			add(FindingUnknownDaticertTipo, "daticert tipo "+quote(string(cert.Type))+" is not a value of the DTD")
		}
	}
	hKind, hVirus := r.Header.Kind, r.Header.Virus
	sKind, sVirus := r.Subject.Kind, r.Subject.Virus

	if sKind != "" {
		switch {
		case !r.Subject.Standard:
			add(FindingNonstandardSubjectPrefix, "subject prefix "+quote(r.Subject.Prefix)+" is not the standard "+quote(StandardSubjectPrefix(sKind, sVirus)))
		case !r.Subject.Exact:
			add(FindingSubjectPrefixVariant, "subject prefix "+quote(r.Subject.Prefix)+" is not exactly "+quote(StandardSubjectPrefix(sKind, sVirus)))
		}
	}

	switch {
	case dKind != "":
		r.Kind, r.Virus, r.Source = dKind, dVirus, SourceDaticert
	case hKind != "":
		r.Kind, r.Virus, r.Source = hKind, hVirus, SourceHeaders
	case sKind != "":
		r.Kind, r.Virus, r.Source = sKind, sVirus, SourceSubject
	default:
		r.Kind, r.Source = KindNotPEC, SourceNone
	}
	if !r.Kind.HasVirusVariant() && r.Kind != KindRilevazioneVirus {
		r.Virus = false
	}

	// Kind disagreements, every pair.
	if dKind != "" && hKind != "" && dKind != hKind && hKind != KindAnomalia {
		add(FindingHeaderDaticertMismatch, "headers say "+string(hKind)+", daticert says "+string(dKind))
	}
	if cert != nil && hKind == KindAnomalia {
		add(FindingAnomalyWithDaticert, "X-Trasporto: errore (anomaly envelope) but the body carries a daticert.xml")
	}
	if dKind != "" && sKind != "" && dKind != sKind {
		add(FindingSubjectDaticertMismatch, "subject says "+string(sKind)+", daticert says "+string(dKind))
	}
	if hKind != "" && sKind != "" && hKind != sKind {
		add(FindingSubjectHeaderMismatch, "subject says "+string(sKind)+", headers say "+string(hKind))
	}

	// Virus disagreements, every pair that agrees on the kind.
	if r.Kind.HasVirusVariant() {
		type ev struct {
			name  string
			kind  Kind
			virus bool
		}
		evs := []ev{{"daticert", dKind, dVirus}, {"headers", hKind, hVirus}, {"subject", sKind, sVirus}}
		for i := range evs {
			for j := i + 1; j < len(evs); j++ {
				a, b := evs[i], evs[j]
				if a.kind == r.Kind && b.kind == r.Kind && a.virus != b.virus {
					add(FindingVirusFlagMismatch, a.name+" says virus="+boolString(a.virus)+", "+b.name+" says virus="+boolString(b.virus))
				}
			}
		}
	}

	// Missing evidence.
	if r.Kind != KindNotPEC {
		if r.Source == SourceSubject {
			add(FindingSubjectOnly, "only the subject prefix names the kind")
		}
		if dKind != "" && r.Header.Trasporto == "" && r.Header.Ricevuta == "" {
			add(FindingHeaderMissing, "neither X-Trasporto nor X-Ricevuta is present")
		}
		if sKind == "" {
			add(FindingSubjectPrefixMissing, "the subject has no PEC prefix; expected "+quote(StandardSubjectPrefix(r.Kind, r.Virus)))
		}
	}

	// Body structure.
	if in.Body != nil && r.Kind != KindNotPEC {
		if cert == nil && r.Kind != KindAnomalia {
			add(FindingDaticertMissing, "a "+string(r.Kind)+" must carry daticert.xml")
		}
		switch {
		case r.Kind.IsEnvelope():
			if !in.Body.Original {
				add(FindingOriginalMissing, "a "+string(r.Kind)+" must carry the original message")
			}
		case r.Kind != KindAvvenutaConsegna:
			if in.Body.Original {
				add(FindingOriginalUnexpected, "a "+string(r.Kind)+" must not carry the original message")
			}
		}
	}

	// Forms.
	var dForm Form
	if cert != nil && cert.Receipt.Known() {
		dForm = cert.Receipt
	}
	hForm := r.Header.RequestedForm
	r.RequestedForm = dForm
	if r.RequestedForm == "" {
		r.RequestedForm = hForm
	}
	if dForm != "" && hForm != "" && dForm != hForm {
		add(FindingRequestedFormMismatch, "daticert asks for "+string(dForm)+", X-TipoRicevuta for "+string(hForm))
	}
	if r.Kind == KindAvvenutaConsegna && in.Body != nil {
		switch {
		case !in.Body.Original:
			r.Form = FormSintetica
		case in.Body.OriginalHashed:
			r.Form = FormBreve
		default:
			r.Form = FormCompleta
		}
		if r.RequestedForm != "" && r.RequestedForm != r.Form {
			add(FindingFormMismatch, string(r.RequestedForm)+" requested, the parts show a "+string(r.Form))
		}
	}

	r.Findings = fs
	return r
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
