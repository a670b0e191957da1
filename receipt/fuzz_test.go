package receipt_test

import (
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/receipt"
)

// clsSubjectSeeds are the seeds of both fuzz targets: every standard prefix,
// the variants the parser tolerates, and its traps.
func clsSubjectSeeds() []string {
	seeds := []string{
		"", "CONSEGNA:", "CONSEGNA: x", "consegna:x", "Re: CONSEGNA: x",
		"[list] [SPAM] POSTA CERTIFICATA: x", "[unclosed POSTA CERTIFICATA: x",
		"ANOMALIA MESSAGGIO: POSTA CERTIFICATA: x", "POSTA CERTIFICATA: POSTA CERTIFICATA: EXAMPLE",
		"AVVISO DI MANCATA CONSEGNA PER SUP.  TEMPO MASSIMO: x", "Avvenuta consegna: x",
		"Mancata consegna per virus: x", "PRE\u017fA IN CARICO: x", "CONSEGNA :\t x",
		"=?iso-8859-1?Q?CONSEGNA:_perch=E8?=", "=?utf-8?B?UE9TVEEgQ0VSVElGSUNBVEE6IGNhZmbDqA==?=",
		"=?x-unknown?Q?CONSEGNA:_x?=",
	}
	for _, k := range receipt.Kinds() {
		seeds = append(seeds, receipt.StandardSubjectPrefix(k, false)+"x", receipt.StandardSubjectPrefix(k, true)+"x")
	}
	return seeds
}

// clsCorpusSubjects returns the outer Subject values of the shared corpus, or
// nothing when it is absent (seeding is optional).
func clsCorpusSubjects(f *testing.F) []string {
	dir, ok := testutil.FindCorpus(f, "real")
	if !ok {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	var out []string
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			continue
		}
		if msg, err := mail.ReadMessage(fh); err == nil {
			out = append(out, msg.Header.Get("Subject"))
		}
		fh.Close()
	}
	return out
}

// FuzzParseSubject checks that ParseSubject never panics and that its
// reading is consistent: Original is a suffix of the subject, Prefix sits
// right before it, Exact implies Standard, and rebuilding the subject with
// the standard prefix gives back the same kind, variant, original and
// nesting, exactly.
func FuzzParseSubject(f *testing.F) {
	for _, s := range append(clsSubjectSeeds(), clsCorpusSubjects(f)...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		decoded := receipt.DecodeSubject(s)
		for _, subject := range []string{s, decoded} {
			info := receipt.ParseSubject(subject)
			if !strings.HasSuffix(subject, info.Original) {
				t.Fatalf("Original %q is not a suffix of %q", info.Original, subject)
			}
			if info.Kind == "" {
				if info.Prefix != "" || info.Standard || info.Exact || info.Virus || info.Nested != nil || info.Original != subject {
					t.Fatalf("no kind but %+v", info)
				}
				continue
			}
			if !info.Kind.Known() || info.Kind == receipt.KindNotPEC {
				t.Fatalf("kind %q", info.Kind)
			}
			if !strings.HasSuffix(subject, info.Prefix+info.Original) {
				t.Fatalf("Prefix %q does not precede Original in %q", info.Prefix, subject)
			}
			if info.Exact && !info.Standard {
				t.Fatalf("Exact without Standard: %+v", info)
			}
			std := receipt.StandardSubjectPrefix(info.Kind, info.Virus)
			again := receipt.ParseSubject(std + info.Original)
			if again.Kind != info.Kind || again.Virus != info.Virus || !again.Exact ||
				again.Original != info.Original || !reflect.DeepEqual(again.Nested, info.Nested) {
				t.Fatalf("rebuilt %q reads %+v, first read %+v", std+info.Original, again, info)
			}
		}
	})
}

// FuzzClassifyHeaders checks that Classify never panics on any header
// values and subject, always returns a known kind and source, and that the
// result does not depend on the case of header names and values.
func FuzzClassifyHeaders(f *testing.F) {
	values := [][4]string{
		{"posta-certificata", "", "completa", ""},
		{"errore", "", "", ""},
		{"", "accettazione", "", ""},
		{"", "non-accettazione", "", "errore"},
		{"", "errore-consegna", "", "errore"},
		{"", "preavviso-errore-consegna", "", ""},
		{"", "rilevazione-virus", "", ""},
		{"posta-certificata", "avvenuta-consegna", "complet", "ok"},
		{" ACCETTAZIONE ", "", "", ""},
	}
	seeds := clsSubjectSeeds()
	for i, v := range values {
		f.Add(v[0], v[1], v[2], v[3], seeds[i%len(seeds)])
	}
	for _, s := range clsCorpusSubjects(f) {
		f.Add("", "", "", "", s)
	}
	f.Fuzz(func(t *testing.T, trasporto, ricevuta, tipo, verifica, subject string) {
		build := func(upper bool) receipt.MapHeader {
			h := receipt.MapHeader{}
			set := func(name, v string) {
				if v == "" {
					return
				}
				if upper {
					name, v = strings.ToLower(name), clsASCIIUpper(v)
				}
				h[name] = []string{v}
			}
			set("X-Trasporto", trasporto)
			set("X-Ricevuta", ricevuta)
			set("X-Tiporicevuta", tipo)
			set("X-VerificaSicurezza", verifica)
			return h
		}
		r := receipt.Classify(receipt.Input{Header: build(false), Subject: subject})
		if !r.Kind.Known() {
			t.Fatalf("unknown kind %q", r.Kind)
		}
		switch r.Source {
		case receipt.SourceHeaders:
			if r.Kind != r.Header.Kind {
				t.Fatalf("source headers but kind %q != %q", r.Kind, r.Header.Kind)
			}
		case receipt.SourceSubject:
			if r.Kind != r.Subject.Kind || r.Header.Kind != "" {
				t.Fatalf("source subject: %+v", r)
			}
		case receipt.SourceNone:
			if r.Kind != receipt.KindNotPEC || r.Header.Kind != "" || r.Subject.Kind != "" {
				t.Fatalf("source none: %+v", r)
			}
		default:
			t.Fatalf("source %q without a daticert", r.Source)
		}
		if r.Form != "" {
			t.Fatalf("form %q without a body", r.Form)
		}
		u := receipt.Classify(receipt.Input{Header: build(true), Subject: subject})
		if u.Kind != r.Kind || u.Virus != r.Virus || u.Source != r.Source || u.RequestedForm != r.RequestedForm ||
			!reflect.DeepEqual(clsCodes(u.Findings), clsCodes(r.Findings)) {
			t.Fatalf("case changed the result:\n%+v\n%+v", r, u)
		}
	})
}

// clsASCIIUpper upper-cases ASCII letters only, as a sender might.
func clsASCIIUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}
