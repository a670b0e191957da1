package receipt_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sigillo/sigillo/receipt"
)

func TestParseSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		subject  string
		kind     receipt.Kind
		virus    bool
		standard bool
		exact    bool
		prefix   string
		original string
		tags     []string
		nested   []receipt.Kind
	}{
		// The eleven standard prefixes.
		{"posta-certificata", "POSTA CERTIFICATA: Re: archetipo", receipt.KindPostaCertificata, false, true, true, "POSTA CERTIFICATA: ", "Re: archetipo", nil, nil},
		{"anomalia", "ANOMALIA MESSAGGIO: ciao", receipt.KindAnomalia, false, true, true, "ANOMALIA MESSAGGIO: ", "ciao", nil, nil},
		{"accettazione", "ACCETTAZIONE: test", receipt.KindAccettazione, false, true, true, "ACCETTAZIONE: ", "test", nil, nil},
		{"non-accettazione", "AVVISO DI NON ACCETTAZIONE: test", receipt.KindNonAccettazione, false, true, true, "AVVISO DI NON ACCETTAZIONE: ", "test", nil, nil},
		{"non-accettazione virus", "AVVISO DI NON ACCETTAZIONE PER VIRUS: test", receipt.KindNonAccettazione, true, true, true, "AVVISO DI NON ACCETTAZIONE PER VIRUS: ", "test", nil, nil},
		{"presa-in-carico", "PRESA IN CARICO: test", receipt.KindPresaInCarico, false, true, true, "PRESA IN CARICO: ", "test", nil, nil},
		{"avvenuta-consegna", "CONSEGNA: test", receipt.KindAvvenutaConsegna, false, true, true, "CONSEGNA: ", "test", nil, nil},
		{"errore-consegna", "AVVISO DI MANCATA CONSEGNA: test", receipt.KindErroreConsegna, false, true, true, "AVVISO DI MANCATA CONSEGNA: ", "test", nil, nil},
		{"errore-consegna virus", "AVVISO DI MANCATA CONSEGNA PER VIRUS: test", receipt.KindErroreConsegna, true, true, true, "AVVISO DI MANCATA CONSEGNA PER VIRUS: ", "test", nil, nil},
		{"preavviso", "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: test", receipt.KindPreavvisoErroreConsegna, false, true, true, "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: ", "test", nil, nil},
		{"rilevazione-virus", "PROBLEMA DI SICUREZZA: test", receipt.KindRilevazioneVirus, true, true, true, "PROBLEMA DI SICUREZZA: ", "test", nil, nil},

		// Variants of the standard wording.
		{"lower case", "consegna: test", receipt.KindAvvenutaConsegna, false, true, false, "consegna: ", "test", nil, nil},
		{"title case", "Posta Certificata: test", receipt.KindPostaCertificata, false, true, false, "Posta Certificata: ", "test", nil, nil},
		{"RFC double space", "AVVISO DI MANCATA CONSEGNA PER SUP.  TEMPO MASSIMO: x", receipt.KindPreavvisoErroreConsegna, false, true, false, "AVVISO DI MANCATA CONSEGNA PER SUP.  TEMPO MASSIMO: ", "x", nil, nil},
		{"no space after colon", "ACCETTAZIONE:test", receipt.KindAccettazione, false, true, false, "ACCETTAZIONE:", "test", nil, nil},
		{"two spaces after colon", "ACCETTAZIONE:  test", receipt.KindAccettazione, false, true, false, "ACCETTAZIONE:  ", "test", nil, nil},
		{"space before colon", "CONSEGNA : test", receipt.KindAvvenutaConsegna, false, true, false, "CONSEGNA : ", "test", nil, nil},
		{"tab between words", "PRESA\tIN CARICO: x", receipt.KindPresaInCarico, false, true, false, "PRESA\tIN CARICO: ", "x", nil, nil},
		{"empty original", "CONSEGNA:", receipt.KindAvvenutaConsegna, false, true, false, "CONSEGNA:", "", nil, nil},
		{"leading space", "  CONSEGNA: x", receipt.KindAvvenutaConsegna, false, true, true, "CONSEGNA: ", "x", nil, nil},

		// Manual-style and third-party wordings.
		{"avvenuta consegna", "Avvenuta consegna: x", receipt.KindAvvenutaConsegna, false, false, false, "Avvenuta consegna: ", "x", nil, nil},
		{"AVVENUTA CONSEGNA", "AVVENUTA CONSEGNA: x", receipt.KindAvvenutaConsegna, false, false, false, "AVVENUTA CONSEGNA: ", "x", nil, nil},
		{"mancata consegna", "Mancata consegna: x", receipt.KindErroreConsegna, false, false, false, "Mancata consegna: ", "x", nil, nil},
		{"mancata consegna per virus", "Mancata consegna per virus: x", receipt.KindErroreConsegna, true, false, false, "Mancata consegna per virus: ", "x", nil, nil},
		{"errore consegna", "Errore consegna: x", receipt.KindErroreConsegna, false, false, false, "Errore consegna: ", "x", nil, nil},
		{"non accettazione", "Non accettazione: x", receipt.KindNonAccettazione, false, false, false, "Non accettazione: ", "x", nil, nil},
		{"non accettazione per virus", "NON ACCETTAZIONE PER VIRUS: x", receipt.KindNonAccettazione, true, false, false, "NON ACCETTAZIONE PER VIRUS: ", "x", nil, nil},
		{"preavviso di mancata consegna", "Preavviso di mancata consegna: x", receipt.KindPreavvisoErroreConsegna, false, false, false, "Preavviso di mancata consegna: ", "x", nil, nil},
		{"ricevuta di accettazione", "Ricevuta di accettazione: x", receipt.KindAccettazione, false, false, false, "Ricevuta di accettazione: ", "x", nil, nil},

		// Tags and nesting.
		{"list tags", "[Osst-users] [SPAM] POSTA CERTIFICATA: x", receipt.KindPostaCertificata, false, true, true, "POSTA CERTIFICATA: ", "x", []string{"Osst-users", "SPAM"}, nil},
		{"tag without space", "[list]CONSEGNA: x", receipt.KindAvvenutaConsegna, false, true, true, "CONSEGNA: ", "x", []string{"list"}, nil},
		{"anomaly wrapping an envelope", "ANOMALIA MESSAGGIO: POSTA CERTIFICATA: x", receipt.KindAnomalia, false, true, true, "ANOMALIA MESSAGGIO: ", "POSTA CERTIFICATA: x", nil, []receipt.Kind{receipt.KindPostaCertificata}},
		{"doubled prefix", "POSTA CERTIFICATA: POSTA CERTIFICATA: EXAMPLE", receipt.KindPostaCertificata, false, true, true, "POSTA CERTIFICATA: ", "POSTA CERTIFICATA: EXAMPLE", nil, []receipt.Kind{receipt.KindPostaCertificata}},
		{"three levels", "ANOMALIA MESSAGGIO: POSTA CERTIFICATA: consegna: x", receipt.KindAnomalia, false, true, true, "ANOMALIA MESSAGGIO: ", "POSTA CERTIFICATA: consegna: x", nil, []receipt.Kind{receipt.KindPostaCertificata, receipt.KindAvvenutaConsegna}},
		{"nested nonstandard not recorded", "POSTA CERTIFICATA: Mancata consegna: x", receipt.KindPostaCertificata, false, true, true, "POSTA CERTIFICATA: ", "Mancata consegna: x", nil, nil},

		// Not a prefix.
		{"reply to a receipt", "Re: CONSEGNA: x", "", false, false, false, "", "Re: CONSEGNA: x", nil, nil},
		{"forward", "Fwd: POSTA CERTIFICATA: x", "", false, false, false, "", "Fwd: POSTA CERTIFICATA: x", nil, nil},
		{"no colon", "CONSEGNA lavori", "", false, false, false, "", "CONSEGNA lavori", nil, nil},
		{"word continues", "CONSEGNATO: x", "", false, false, false, "", "CONSEGNATO: x", nil, nil},
		{"words run together", "POSTACERTIFICATA: x", "", false, false, false, "", "POSTACERTIFICATA: x", nil, nil},
		{"mid-subject", "Notifica di mancata consegna 141107829", "", false, false, false, "", "Notifica di mancata consegna 141107829", nil, nil},
		{"empty", "", "", false, false, false, "", "", nil, nil},
		{"tag only", "[list] hello", "", false, false, false, "", "[list] hello", []string{"list"}, nil},
		{"unclosed tag", "[list CONSEGNA: x", "", false, false, false, "", "[list CONSEGNA: x", nil, nil},
		{"long s is not s", "PRE\u017fA IN CARICO: x", "", false, false, false, "", "PRE\u017fA IN CARICO: x", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := receipt.ParseSubject(tt.subject)
			assert.Equal(t, receipt.SubjectInfo{
				Kind: tt.kind, Virus: tt.virus, Standard: tt.standard, Exact: tt.exact,
				Prefix: tt.prefix, Original: tt.original, Tags: tt.tags, Nested: tt.nested,
			}, got)
		})
	}
}

func TestDecodeSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, want string
	}{
		{"plain", "CONSEGNA: perché", "CONSEGNA: perché"},
		{"iso-8859-1 Q", "=?iso-8859-1?Q?CONSEGNA:_perch=E8?=", "CONSEGNA: perchè"},
		{"utf-8 B", "=?utf-8?B?UE9TVEEgQ0VSVElGSUNBVEE6IGNhZmbDqA==?=", "POSTA CERTIFICATA: caffè"},
		{"windows-1252 Q", "=?windows-1252?Q?ACCETTAZIONE:_=80_100?=", "ACCETTAZIONE: € 100"},
		{"iso-8859-15 Q", "=?ISO-8859-15?Q?ACCETTAZIONE:_=A4?=", "ACCETTAZIONE: €"},
		{"mixed words", "POSTA CERTIFICATA: =?UTF-8?Q?citt=C3=A0?= di Roma", "POSTA CERTIFICATA: città di Roma"},
		{"adjacent words joined", "=?utf-8?Q?CONSEGNA:_?= =?utf-8?Q?x?=", "CONSEGNA: x"},
		{"unknown charset kept raw", "=?x-no-such?Q?CONSEGNA:_x?=", "=?x-no-such?Q?CONSEGNA:_x?="},
		{"malformed word kept", "=?utf-8?Q?CONSEGNA", "=?utf-8?Q?CONSEGNA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, receipt.DecodeSubject(tt.raw))
		})
	}
}
