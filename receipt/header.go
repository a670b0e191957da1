package receipt

import (
	"net/textproto"
	"sort"
	"strings"
)

// Header is read access to a message header: Values returns every value of
// the field named key, in order, looking the name up case-insensitively.
//
// It is satisfied by net/textproto.MIMEHeader, net/http.Header and
// *github.com/emersion/go-message/textproto.Header (and the types that embed
// it, such as *mail.Header of go-message). For net/mail.Header and other
// plain maps use [MapHeader].
type Header interface {
	Values(key string) []string
}

// MapHeader adapts a map of header fields, such as a net/mail.Header, to
// [Header]: receipt.MapHeader(msg.Header).
type MapHeader map[string][]string

// Values returns the values of key: those stored under its canonical MIME
// form (as net/mail and net/textproto store them) followed by those stored
// under any other spelling of the same name, compared case-insensitively
// (ASCII only), in the byte order of those spellings.
func (h MapHeader) Values(key string) []string {
	ck := textproto.CanonicalMIMEHeaderKey(key)
	vs := h[ck]
	lk := asciiLower(ck)
	var others []string
	for k := range h {
		if k != ck && asciiLower(k) == lk {
			others = append(others, k)
		}
	}
	sort.Strings(others)
	for _, k := range others {
		vs = append(vs[:len(vs):len(vs)], h[k]...)
	}
	return vs
}

// The PEC header fields (RFC 6109 sections 2 and 3; DM 2 novembre 2005 annex).
const (
	headerTrasporto         = "X-Trasporto"
	headerRicevuta          = "X-Ricevuta"
	headerTipoRicevuta      = "X-TipoRicevuta"
	headerVerificaSicurezza = "X-VerificaSicurezza"
)

// HeaderInfo is what [FromHeaders] read from the PEC header fields. The raw
// fields keep the first value as written, trimmed; "" means absent.
type HeaderInfo struct {
	// Kind is the kind named by X-Trasporto or, failing that, by
	// X-Ricevuta; "" when neither holds a known value.
	Kind Kind
	// Virus reports X-VerificaSicurezza: errore on a kind with a virus
	// variant ([Kind.HasVirusVariant]), and is always true for
	// [KindRilevazioneVirus].
	Virus bool
	// RequestedForm is the known value of X-TipoRicevuta, "" when absent or
	// unknown.
	RequestedForm Form
	// Trasporto is the raw X-Trasporto value.
	Trasporto string
	// Ricevuta is the raw X-Ricevuta value.
	Ricevuta string
	// TipoRicevuta is the raw X-TipoRicevuta value (any spelling, such as
	// Aruba's X-Tiporicevuta).
	TipoRicevuta string
	// VerificaSicurezza is the raw X-VerificaSicurezza value.
	VerificaSicurezza string
	// Findings are the problems found in the PEC header fields alone
	// (codes [FindingUnknownHeaderValue], [FindingDuplicateHeader],
	// [FindingBothTrasportoAndRicevuta], [FindingVirusFlagMismatch]).
	Findings []Finding
}

// asciiLower lowers ASCII letters only.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// headerValue returns the first trimmed value of key, its normalised
// (ASCII-lowered) form, and a finding when the field is repeated with
// values that differ once normalised.
func headerValue(h Header, key string, fs *[]Finding) (raw, norm string) {
	vs := h.Values(key)
	if len(vs) == 0 {
		return "", ""
	}
	raw = strings.Trim(vs[0], " \t\r\n")
	norm = asciiLower(raw)
	for _, v := range vs[1:] {
		if asciiLower(strings.Trim(v, " \t\r\n")) != norm {
			*fs = append(*fs, Finding{FindingDuplicateHeader,
				key + " appears more than once with different values; the first, " + quote(raw) + ", is used"})
			break
		}
	}
	return raw, norm
}

func quote(s string) string {
	const maxQuoted = 80
	if len(s) > maxQuoted {
		s = s[:maxQuoted] + "..."
	}
	return `"` + strings.ToValidUTF8(s, "\uFFFD") + `"`
}

// ricevutaKind maps the seven X-Ricevuta values (RFC 6109 section 3).
func ricevutaKind(v string) Kind {
	switch k := Kind(v); k {
	case KindAccettazione, KindNonAccettazione, KindPresaInCarico, KindAvvenutaConsegna,
		KindErroreConsegna, KindPreavvisoErroreConsegna, KindRilevazioneVirus:
		return k
	}
	return ""
}

// trasportoKind maps the two X-Trasporto values (RFC 6109 section 3).
func trasportoKind(v string) Kind {
	switch v {
	case "posta-certificata":
		return KindPostaCertificata
	case "errore":
		return KindAnomalia
	}
	return ""
}

// FromHeaders reads the PEC header fields (RFC 6109 section 3) from h
// (a nil h reads as empty): X-Trasporto, X-Ricevuta, X-TipoRicevuta and
// X-VerificaSicurezza.
//
// Field names and values are compared case-insensitively (ASCII only),
// values after trimming white space, and always in full: a value matches
// exactly one of the values of the spec or none, so "non-accettazione" is
// never read as "accettazione" nor "preavviso-errore-consegna" as
// "errore-consegna". When a field is repeated the first value is used.
//
// X-Trasporto wins over X-Ricevuta: the spec gives the first to envelopes
// and the second to receipts and notices, and a message carrying both is
// malformed ([FindingBothTrasportoAndRicevuta]). X-Riferimento-Message-ID,
// which the transport envelope carries as well as every receipt, is never
// read as evidence of a kind.
func FromHeaders(h Header) HeaderInfo {
	var info HeaderInfo
	if h == nil {
		return info
	}
	fs := &info.Findings
	var tr, ri, ti, vs string
	info.Trasporto, tr = headerValue(h, headerTrasporto, fs)
	info.Ricevuta, ri = headerValue(h, headerRicevuta, fs)
	info.TipoRicevuta, ti = headerValue(h, headerTipoRicevuta, fs)
	info.VerificaSicurezza, vs = headerValue(h, headerVerificaSicurezza, fs)

	trKind, riKind := trasportoKind(tr), ricevutaKind(ri)
	if info.Trasporto != "" && trKind == "" {
		*fs = append(*fs, Finding{FindingUnknownHeaderValue, headerTrasporto + ": " + quote(info.Trasporto) + " is not a value of the spec"})
	}
	if info.Ricevuta != "" && riKind == "" {
		*fs = append(*fs, Finding{FindingUnknownHeaderValue, headerRicevuta + ": " + quote(info.Ricevuta) + " is not a value of the spec"})
	}
	if info.Trasporto != "" && info.Ricevuta != "" {
		*fs = append(*fs, Finding{FindingBothTrasportoAndRicevuta, "both X-Trasporto and X-Ricevuta are present; X-Trasporto wins when known"})
	}
	switch {
	case trKind != "":
		info.Kind = trKind
	case riKind != "":
		info.Kind = riKind
	}

	if info.TipoRicevuta != "" {
		if f := Form(ti); f.Known() {
			info.RequestedForm = f
		} else {
			*fs = append(*fs, Finding{FindingUnknownHeaderValue, headerTipoRicevuta + ": " + quote(info.TipoRicevuta) + " is not a value of the spec"})
		}
	}

	flag := false
	if info.VerificaSicurezza != "" {
		if vs == "errore" {
			flag = true
		} else {
			*fs = append(*fs, Finding{FindingUnknownHeaderValue, headerVerificaSicurezza + ": " + quote(info.VerificaSicurezza) + " is not a value of the spec"})
		}
	}
	switch {
	case info.Kind == KindRilevazioneVirus:
		info.Virus = true
	case info.Kind.HasVirusVariant():
		info.Virus = flag
	case flag && info.Kind != "":
		*fs = append(*fs, Finding{FindingVirusFlagMismatch, "X-VerificaSicurezza: errore on a " + string(info.Kind) + ", which has no virus variant"})
	}
	return info
}
