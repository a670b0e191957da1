package receipt_test

import (
	"net/mail"
	"net/textproto"
	"strings"
	"testing"

	gmtextproto "github.com/emersion/go-message/textproto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/receipt"
)

// hdr builds a header from name, value pairs, keeping the names as written.
func clsHeader(kv ...string) receipt.MapHeader {
	h := receipt.MapHeader{}
	for i := 0; i+1 < len(kv); i += 2 {
		h[kv[i]] = append(h[kv[i]], kv[i+1])
	}
	return h
}

func clsCodes(fs []receipt.Finding) []string {
	var codes []string
	for _, f := range fs {
		codes = append(codes, f.Code)
	}
	return codes
}

func TestFromHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		h        receipt.Header
		kind     receipt.Kind
		virus    bool
		form     receipt.Form
		findings []string
	}{
		{"nil", nil, "", false, "", nil},
		{"empty", clsHeader(), "", false, "", nil},
		{"transport envelope", clsHeader("X-Trasporto", "posta-certificata", "X-TipoRicevuta", "breve"), receipt.KindPostaCertificata, false, receipt.FormBreve, nil},
		{"anomaly envelope", clsHeader("X-Trasporto", "errore"), receipt.KindAnomalia, false, "", nil},
		{"accettazione", clsHeader("X-Ricevuta", "accettazione"), receipt.KindAccettazione, false, "", nil},
		{"non-accettazione", clsHeader("X-Ricevuta", "non-accettazione"), receipt.KindNonAccettazione, false, "", nil},
		{"non-accettazione virus", clsHeader("X-Ricevuta", "non-accettazione", "X-VerificaSicurezza", "errore"), receipt.KindNonAccettazione, true, "", nil},
		{"presa-in-carico", clsHeader("X-Ricevuta", "presa-in-carico"), receipt.KindPresaInCarico, false, "", nil},
		{"avvenuta-consegna", clsHeader("X-Ricevuta", "avvenuta-consegna"), receipt.KindAvvenutaConsegna, false, "", nil},
		{"errore-consegna", clsHeader("X-Ricevuta", "errore-consegna"), receipt.KindErroreConsegna, false, "", nil},
		{"errore-consegna virus", clsHeader("X-Ricevuta", "errore-consegna", "X-VerificaSicurezza", "errore"), receipt.KindErroreConsegna, true, "", nil},
		{"preavviso", clsHeader("X-Ricevuta", "preavviso-errore-consegna"), receipt.KindPreavvisoErroreConsegna, false, "", nil},
		{"rilevazione-virus", clsHeader("X-Ricevuta", "rilevazione-virus", "X-Mittente", "a@example.it"), receipt.KindRilevazioneVirus, true, "", nil},

		// Case and spelling.
		{"Aruba X-Tiporicevuta", clsHeader("X-Trasporto", "posta-certificata", "X-Tiporicevuta", "completa"), receipt.KindPostaCertificata, false, receipt.FormCompleta, nil},
		{"lower-case names, upper-case values", clsHeader("x-ricevuta", " ACCETTAZIONE ", "x-verificasicurezza", "ERRORE"), receipt.KindAccettazione, false, "", []string{receipt.FindingVirusFlagMismatch}},
		{"mixed-case value", clsHeader("X-RICEVUTA", "Errore-Consegna\t"), receipt.KindErroreConsegna, false, "", nil},

		// Exact values, never substrings.
		{"substring trap non-accettazione", clsHeader("X-Ricevuta", "non-accettazione"), receipt.KindNonAccettazione, false, "", nil},
		{"substring trap preavviso", clsHeader("X-Ricevuta", "preavviso-errore-consegna"), receipt.KindPreavvisoErroreConsegna, false, "", nil},
		{"value with suffix", clsHeader("X-Ricevuta", "accettazione-bis"), "", false, "", []string{receipt.FindingUnknownHeaderValue}},
		{"value with comment", clsHeader("X-Ricevuta", "accettazione (ok)"), "", false, "", []string{receipt.FindingUnknownHeaderValue}},
		{"long s is not s", clsHeader("X-Ricevuta", "pre\u017fa-in-carico"), "", false, "", []string{receipt.FindingUnknownHeaderValue}},
		{"unknown trasporto", clsHeader("X-Trasporto", "busta"), "", false, "", []string{receipt.FindingUnknownHeaderValue}},
		{"unknown tiporicevuta", clsHeader("X-Trasporto", "posta-certificata", "X-TipoRicevuta", "complet"), receipt.KindPostaCertificata, false, "", []string{receipt.FindingUnknownHeaderValue}},
		{"unknown verificasicurezza", clsHeader("X-Ricevuta", "errore-consegna", "X-VerificaSicurezza", "ok"), receipt.KindErroreConsegna, false, "", []string{receipt.FindingUnknownHeaderValue}},

		// X-Trasporto wins; X-Riferimento-Message-ID is no evidence.
		{"both", clsHeader("X-Trasporto", "posta-certificata", "X-Ricevuta", "avvenuta-consegna"), receipt.KindPostaCertificata, false, "", []string{receipt.FindingBothTrasportoAndRicevuta}},
		{"both, trasporto unknown", clsHeader("X-Trasporto", "x", "X-Ricevuta", "accettazione"), receipt.KindAccettazione, false, "", []string{receipt.FindingUnknownHeaderValue, receipt.FindingBothTrasportoAndRicevuta}},
		{"riferimento alone", clsHeader("X-Riferimento-Message-ID", "<a@b>"), "", false, "", nil},
		{"envelope with riferimento", clsHeader("X-Riferimento-Message-ID", "<a@b>", "X-Trasporto", "posta-certificata"), receipt.KindPostaCertificata, false, "", nil},

		// Repetition.
		{"repeated, same value", clsHeader("X-Ricevuta", "accettazione", "X-Ricevuta", "ACCETTAZIONE"), receipt.KindAccettazione, false, "", nil},
		{"repeated, different values", clsHeader("X-Ricevuta", "accettazione", "X-Ricevuta", "non-accettazione"), receipt.KindAccettazione, false, "", []string{receipt.FindingDuplicateHeader}},
		{"repeated across spellings", clsHeader("X-TipoRicevuta", "completa", "X-Tiporicevuta", "breve", "X-Trasporto", "posta-certificata"), receipt.KindPostaCertificata, false, receipt.FormBreve, []string{receipt.FindingDuplicateHeader}},

		// Virus flag on kinds without a virus variant.
		{"virus flag on accettazione", clsHeader("X-Ricevuta", "accettazione", "X-VerificaSicurezza", "errore"), receipt.KindAccettazione, false, "", []string{receipt.FindingVirusFlagMismatch}},
		{"virus flag alone", clsHeader("X-VerificaSicurezza", "errore"), "", false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := receipt.FromHeaders(tt.h)
			assert.Equal(t, tt.kind, got.Kind, "Kind")
			assert.Equal(t, tt.virus, got.Virus, "Virus")
			assert.Equal(t, tt.form, got.RequestedForm, "RequestedForm")
			assert.Equal(t, tt.findings, clsCodes(got.Findings), "findings")
		})
	}
}

func TestFromHeadersRawValues(t *testing.T) {
	t.Parallel()
	got := receipt.FromHeaders(clsHeader("X-Ricevuta", "  Accettazione\r\n", "X-Tiporicevuta", "complet",
		"X-Trasporto", "errore", "X-VerificaSicurezza", "errore "))
	assert.Equal(t, "Accettazione", got.Ricevuta)
	assert.Equal(t, "complet", got.TipoRicevuta)
	assert.Equal(t, "errore", got.Trasporto)
	assert.Equal(t, "errore", got.VerificaSicurezza)
}

// TestHeaderAdapters checks that the usual header types satisfy Header (or
// adapt to it through MapHeader) and find X-TipoRicevuta in either spelling.
func TestHeaderAdapters(t *testing.T) {
	t.Parallel()
	const raw = "X-Trasporto: posta-certificata\r\nX-Tiporicevuta: breve\r\nSubject: POSTA CERTIFICATA: x\r\n\r\nbody\r\n"

	msg, err := mail.ReadMessage(strings.NewReader(raw))
	require.NoError(t, err)
	mh := receipt.MapHeader(msg.Header)

	tp, err := textproto.NewReader(clsReader(raw)).ReadMIMEHeader()
	require.NoError(t, err)

	gm, err := gmtextproto.ReadHeader(clsReader(raw))
	require.NoError(t, err)

	for name, h := range map[string]receipt.Header{
		"net/mail via MapHeader": mh,
		"net/textproto":          tp,
		"go-message textproto":   &gm,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := receipt.FromHeaders(h)
			assert.Equal(t, receipt.KindPostaCertificata, got.Kind)
			assert.Equal(t, receipt.FormBreve, got.RequestedForm)
			assert.Empty(t, got.Findings)
			assert.Equal(t, []string{"breve"}, h.Values("X-TipoRicevuta"))
			r := receipt.Classify(receipt.Input{Header: h})
			assert.Equal(t, "x", r.Subject.Original)
		})
	}
}

func TestMapHeaderValues(t *testing.T) {
	t.Parallel()
	h := receipt.MapHeader{"X-Tiporicevuta": {"a"}, "x-tiporicevuta": {"c"}, "X-TIPORICEVUTA": {"b"}}
	// Canonical key first, then the other spellings in byte order.
	assert.Equal(t, []string{"a", "b", "c"}, h.Values("x-TipoRicevuta"))
	assert.Nil(t, h.Values("X-Ricevuta"))
	assert.Nil(t, receipt.MapHeader(nil).Values("X-Ricevuta"))
}
