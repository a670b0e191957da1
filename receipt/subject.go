package receipt

import (
	"io"
	"mime"
	"sort"
	"strings"

	imime "github.com/sigillo/sigillo/internal/mime"
)

// SubjectInfo is what [ParseSubject] read from a subject.
type SubjectInfo struct {
	// Kind is the kind named by the outermost prefix, "" when the subject
	// starts with no known prefix.
	Kind Kind
	// Virus reports whether the prefix names a virus variant ("... PER
	// VIRUS: ") or the virus detection notice ("PROBLEMA DI SICUREZZA: ").
	Virus bool
	// Standard reports whether the prefix has the wording of the technical
	// rules (DM 2 novembre 2005 annex; RFC 6109 section 3), compared case-insensitively and
	// ignoring the amount of white space. It is false for the wordings
	// found in provider manuals and third-party code, such as "Avvenuta
	// consegna: " or "Mancata consegna: ", and when no prefix matched.
	Standard bool
	// Exact reports whether the prefix is byte for byte the one
	// [StandardSubjectPrefix] returns: standard wording, upper case, single
	// spaces, a colon and exactly one space. Exact implies Standard.
	Exact bool
	// Prefix is the outermost prefix as it appears in the subject, including
	// its colon and the white space after it; "" when none matched.
	Prefix string
	// Original is the rest of the subject after Prefix: the subject of the
	// original message (for an anomaly envelope wrapping a transport
	// envelope that is itself prefixed, "POSTA CERTIFICATA: ..."). When no
	// prefix matched it is the whole subject, unchanged.
	Original string
	// Tags are the leading bracketed tags that precede the prefix, such as
	// "list" and "SPAM" in "[list] [SPAM] POSTA CERTIFICATA: x", without
	// their brackets, in order.
	Tags []string
	// Nested are the kinds of further standard prefixes that follow the
	// outermost one, outermost first: [KindPostaCertificata] for "ANOMALIA
	// MESSAGGIO: POSTA CERTIFICATA: x" and for the doubled prefix of
	// "POSTA CERTIFICATA: POSTA CERTIFICATA: x". They describe the text,
	// not the message: a user subject may start with a word like
	// "Consegna:".
	Nested []Kind
}

// subjectPrefix is one recognised subject prefix.
type subjectPrefix struct {
	words    []string // upper case, without the colon
	exact    string   // the standard text, words joined by one space, plus ": "
	kind     Kind
	virus    bool
	standard bool
}

// prefixTable lists every recognised prefix, longest first, so that a longer
// prefix is tried before a shorter one that is its head.
var prefixTable = buildPrefixTable()

func buildPrefixTable() []subjectPrefix {
	type def struct {
		text     string
		kind     Kind
		virus    bool
		standard bool
	}
	defs := []def{
		// The standard forms of the technical rules (RFC 6109 section 3).
		{"POSTA CERTIFICATA", KindPostaCertificata, false, true},
		{"ANOMALIA MESSAGGIO", KindAnomalia, false, true},
		{"ACCETTAZIONE", KindAccettazione, false, true},
		{"AVVISO DI NON ACCETTAZIONE", KindNonAccettazione, false, true},
		{"AVVISO DI NON ACCETTAZIONE PER VIRUS", KindNonAccettazione, true, true},
		{"PRESA IN CARICO", KindPresaInCarico, false, true},
		{"CONSEGNA", KindAvvenutaConsegna, false, true},
		{"AVVISO DI MANCATA CONSEGNA", KindErroreConsegna, false, true},
		{"AVVISO DI MANCATA CONSEGNA PER VIRUS", KindErroreConsegna, true, true},
		{"AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO", KindPreavvisoErroreConsegna, false, true},
		{"PROBLEMA DI SICUREZZA", KindRilevazioneVirus, true, true},
		// Wordings of provider manuals and third-party code: recognised, but
		// not standard.
		{"AVVENUTA CONSEGNA", KindAvvenutaConsegna, false, false},
		{"RICEVUTA DI AVVENUTA CONSEGNA", KindAvvenutaConsegna, false, false},
		{"RICEVUTA DI ACCETTAZIONE", KindAccettazione, false, false},
		{"NON ACCETTAZIONE", KindNonAccettazione, false, false},
		{"NON ACCETTAZIONE PER VIRUS", KindNonAccettazione, true, false},
		{"MANCATA CONSEGNA", KindErroreConsegna, false, false},
		{"MANCATA CONSEGNA PER VIRUS", KindErroreConsegna, true, false},
		{"ERRORE CONSEGNA", KindErroreConsegna, false, false},
		{"ERRORE DI CONSEGNA", KindErroreConsegna, false, false},
		{"PREAVVISO DI MANCATA CONSEGNA", KindPreavvisoErroreConsegna, false, false},
		{"MANCATA CONSEGNA PER SUP. TEMPO MASSIMO", KindPreavvisoErroreConsegna, false, false},
		{"RILEVAZIONE VIRUS", KindRilevazioneVirus, true, false},
	}
	t := make([]subjectPrefix, 0, len(defs))
	for _, d := range defs {
		t = append(t, subjectPrefix{
			words:    strings.Fields(d.text),
			exact:    d.text + ": ",
			kind:     d.kind,
			virus:    d.virus,
			standard: d.standard,
		})
	}
	sort.SliceStable(t, func(i, j int) bool { return len(t[i].exact) > len(t[j].exact) })
	return t
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// skipSpace returns the index of the first non-white-space byte of s at or
// after i.
func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// hasFoldPrefix reports whether s[i:] starts with upper, comparing ASCII
// letters case-insensitively and nothing else (no Unicode folding: the long
// s or the Kelvin sign never match).
func hasFoldPrefix(s string, i int, upper string) bool {
	if len(s)-i < len(upper) {
		return false
	}
	for j := 0; j < len(upper); j++ {
		c := s[i+j]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[j] {
			return false
		}
	}
	return true
}

// match returns the end of p at the start of s (after the colon and the
// white space that follows it), or -1. Words may be separated by runs of
// white space and the colon may be preceded by white space.
func (p *subjectPrefix) match(s string) int {
	i := 0
	for n, w := range p.words {
		if n > 0 {
			j := skipSpace(s, i)
			if j == i {
				return -1
			}
			i = j
		}
		if !hasFoldPrefix(s, i, w) {
			return -1
		}
		i += len(w)
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != ':' {
		return -1
	}
	return skipSpace(s, i+1)
}

// matchPrefix finds the longest prefix of the table that starts s, or nil.
func matchPrefix(s string, standardOnly bool) (*subjectPrefix, int) {
	for n := range prefixTable {
		p := &prefixTable[n]
		if standardOnly && !p.standard {
			continue
		}
		if end := p.match(s); end >= 0 {
			return p, end
		}
	}
	return nil, -1
}

// ParseSubject reads the PEC prefix of a subject that has already been
// decoded from RFC 2047 (see [DecodeSubject]).
//
// It skips leading white space and leading bracketed tags such as "[list]"
// or "[SPAM]", which mailing lists and filters prepend, then matches the
// known prefixes, longest first, comparing ASCII letters case-insensitively
// and accepting runs of white space between words, white space before the
// colon and none or several spaces after it (the RFC prints "SUP.  TEMPO"
// with two spaces). The prefixes are the eleven standard ones of the technical
// rules (RFC 6109 section 3) and the wordings of provider manuals and third-party code
// ("Avvenuta consegna: ", "Mancata consegna: ", "Non accettazione: ",
// "Errore consegna: ", "Preavviso di mancata consegna: ", ...), which are
// recognised with Standard false. After the outermost prefix, further
// standard prefixes are recorded in Nested.
//
// Reply and forward markers are not skipped: "POSTA CERTIFICATA: Re: x" is
// the subject of a transport envelope carrying a reply, while "Re: CONSEGNA:
// x" is a user's reply to a receipt, an ordinary message, and yields no Kind.
//
// ParseSubject never fails; a subject without a known prefix yields a
// SubjectInfo with an empty Kind and Original equal to subject. It runs in
// time linear in the length of subject.
func ParseSubject(subject string) SubjectInfo {
	info := SubjectInfo{Original: subject}
	i := skipSpace(subject, 0)
	for i < len(subject) && subject[i] == '[' {
		end := strings.IndexByte(subject[i:], ']')
		if end < 0 {
			break
		}
		info.Tags = append(info.Tags, subject[i+1:i+end])
		i = skipSpace(subject, i+end+1)
	}
	rest := subject[i:]
	p, end := matchPrefix(rest, false)
	if p == nil {
		return info
	}
	info.Kind = p.kind
	info.Virus = p.virus
	info.Standard = p.standard
	info.Prefix = rest[:end]
	info.Exact = p.standard && info.Prefix == p.exact
	info.Original = rest[end:]
	for r := info.Original; ; {
		q, e := matchPrefix(r, true)
		if q == nil {
			break
		}
		info.Nested = append(info.Nested, q.kind)
		r = r[e:]
	}
	return info
}

// wordDecoder decodes RFC 2047 encoded words in any charset known to
// golang.org/x/text (ISO-8859-15, Windows-1252, ...) besides the UTF-8,
// ISO-8859-1 and US-ASCII that mime handles itself.
var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	return imime.CharsetReader(charset, input)
}

// DecodeSubject decodes the RFC 2047 encoded words of a raw Subject header
// value (such as "=?iso-8859-1?Q?CONSEGNA:_perch=E8?="). Charsets other than
// UTF-8, ISO-8859-1 and US-ASCII are converted with golang.org/x/text. When
// the value cannot be decoded (an unknown charset), DecodeSubject returns it
// unchanged: a subject is never a reason to fail.
func DecodeSubject(raw string) string {
	if !strings.Contains(raw, "=?") {
		return raw
	}
	s, err := wordDecoder.DecodeHeader(raw)
	if err != nil {
		return raw
	}
	return s
}
