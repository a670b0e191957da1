package receipt_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/receipt"
)

func TestKindStringsAreStable(t *testing.T) {
	t.Parallel()
	// These strings are a public JSON contract of the command-line tools.
	want := map[receipt.Kind]string{
		receipt.KindPostaCertificata:        "posta-certificata",
		receipt.KindAnomalia:                "anomalia",
		receipt.KindAccettazione:            "accettazione",
		receipt.KindNonAccettazione:         "non-accettazione",
		receipt.KindPresaInCarico:           "presa-in-carico",
		receipt.KindAvvenutaConsegna:        "avvenuta-consegna",
		receipt.KindErroreConsegna:          "errore-consegna",
		receipt.KindPreavvisoErroreConsegna: "preavviso-errore-consegna",
		receipt.KindRilevazioneVirus:        "rilevazione-virus",
		receipt.KindNotPEC:                  "not-pec",
	}
	assert.Len(t, receipt.Kinds(), len(want))
	for _, k := range receipt.Kinds() {
		assert.Equal(t, want[k], k.String())
	}
}

func TestKindPredicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind                             receipt.Kind
		known, envelope, receipt, virusV bool
		daticertType                     daticert.Type
	}{
		{receipt.KindPostaCertificata, true, true, false, false, daticert.TypePostaCertificata},
		{receipt.KindAnomalia, true, true, false, false, ""},
		{receipt.KindAccettazione, true, false, true, false, daticert.TypeAccettazione},
		{receipt.KindNonAccettazione, true, false, true, true, daticert.TypeNonAccettazione},
		{receipt.KindPresaInCarico, true, false, true, false, daticert.TypePresaInCarico},
		{receipt.KindAvvenutaConsegna, true, false, true, false, daticert.TypeAvvenutaConsegna},
		{receipt.KindErroreConsegna, true, false, true, true, daticert.TypeErroreConsegna},
		{receipt.KindPreavvisoErroreConsegna, true, false, true, false, daticert.TypePreavvisoErroreConsegna},
		{receipt.KindRilevazioneVirus, true, false, true, false, daticert.TypeRilevazioneVirus},
		{receipt.KindNotPEC, true, false, false, false, ""},
		{"", false, false, false, false, ""},
		{"consegna", false, false, false, false, ""},
		{"ACCETTAZIONE", false, false, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			assert.Equal(t, tt.known, tt.kind.Known(), "Known")
			assert.Equal(t, tt.envelope, tt.kind.IsEnvelope(), "IsEnvelope")
			assert.Equal(t, tt.receipt, tt.kind.IsReceipt(), "IsReceipt")
			assert.Equal(t, tt.virusV, tt.kind.HasVirusVariant(), "HasVirusVariant")
			assert.Equal(t, tt.daticertType, tt.kind.DaticertType(), "DaticertType")
			if tt.daticertType != "" {
				assert.Equal(t, tt.kind, receipt.KindFromType(tt.daticertType), "KindFromType")
			}
		})
	}
	assert.Equal(t, receipt.Kind(""), receipt.KindFromType("anomalia"))
	assert.Equal(t, receipt.Kind(""), receipt.KindFromType("Accettazione"))
}

func TestStandardSubjectPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind  receipt.Kind
		virus bool
		want  string
	}{
		{receipt.KindPostaCertificata, false, "POSTA CERTIFICATA: "},
		{receipt.KindPostaCertificata, true, "POSTA CERTIFICATA: "},
		{receipt.KindAnomalia, false, "ANOMALIA MESSAGGIO: "},
		{receipt.KindAccettazione, false, "ACCETTAZIONE: "},
		{receipt.KindNonAccettazione, false, "AVVISO DI NON ACCETTAZIONE: "},
		{receipt.KindNonAccettazione, true, "AVVISO DI NON ACCETTAZIONE PER VIRUS: "},
		{receipt.KindPresaInCarico, false, "PRESA IN CARICO: "},
		{receipt.KindAvvenutaConsegna, false, "CONSEGNA: "},
		{receipt.KindErroreConsegna, false, "AVVISO DI MANCATA CONSEGNA: "},
		{receipt.KindErroreConsegna, true, "AVVISO DI MANCATA CONSEGNA PER VIRUS: "},
		{receipt.KindPreavvisoErroreConsegna, false, "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: "},
		{receipt.KindRilevazioneVirus, false, "PROBLEMA DI SICUREZZA: "},
		{receipt.KindRilevazioneVirus, true, "PROBLEMA DI SICUREZZA: "},
		{receipt.KindNotPEC, false, ""},
		{"bogus", true, ""},
	}
	for _, tt := range tests {
		got := receipt.StandardSubjectPrefix(tt.kind, tt.virus)
		assert.Equal(t, tt.want, got, "%s virus=%v", tt.kind, tt.virus)
		if got == "" {
			continue
		}
		// Every standard prefix parses back to its kind, exactly.
		info := receipt.ParseSubject(got + "oggetto")
		assert.Equal(t, tt.kind, info.Kind)
		assert.True(t, info.Exact)
		assert.Equal(t, "oggetto", info.Original)
	}
}
