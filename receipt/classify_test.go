package receipt_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/receipt"
)

func clsCert(tipo daticert.Type, errore daticert.ErrorCode, ricevuta daticert.ReceiptType) *daticert.Cert {
	return &daticert.Cert{Type: tipo, Error: errore, Receipt: ricevuta}
}

func clsBody(c *daticert.Cert, original, hashed bool) *receipt.Body {
	return &receipt.Body{Cert: c, Original: original, OriginalHashed: hashed}
}

// TestClassifyAgreeing covers every kind and variant with daticert, headers
// and subject all agreeing: no finding.
func TestClassifyAgreeing(t *testing.T) {
	t.Parallel()
	const (
		nessuno = daticert.ErrorNessuno
		virus   = daticert.ErrorVirus
	)
	tests := []struct {
		name      string
		header    receipt.MapHeader
		subject   string
		body      *receipt.Body
		kind      receipt.Kind
		virus     bool
		form      receipt.Form
		requested receipt.Form
	}{
		{"transport envelope", clsHeader("X-Trasporto", "posta-certificata", "X-TipoRicevuta", "completa"), "POSTA CERTIFICATA: x",
			clsBody(clsCert(daticert.TypePostaCertificata, nessuno, daticert.ReceiptCompleta), true, false),
			receipt.KindPostaCertificata, false, "", receipt.FormCompleta},
		{"anomaly envelope", clsHeader("X-Trasporto", "errore"), "ANOMALIA MESSAGGIO: x",
			clsBody(nil, true, false), receipt.KindAnomalia, false, "", ""},
		{"anomaly wrapping an envelope", clsHeader("X-Trasporto", "errore"), "ANOMALIA MESSAGGIO: POSTA CERTIFICATA: x",
			clsBody(nil, true, false), receipt.KindAnomalia, false, "", ""},
		{"accettazione", clsHeader("X-Ricevuta", "accettazione"), "ACCETTAZIONE: x",
			clsBody(clsCert(daticert.TypeAccettazione, nessuno, ""), false, false), receipt.KindAccettazione, false, "", ""},
		{"non-accettazione", clsHeader("X-Ricevuta", "non-accettazione"), "AVVISO DI NON ACCETTAZIONE: x",
			clsBody(clsCert(daticert.TypeNonAccettazione, daticert.ErrorAltro, ""), false, false), receipt.KindNonAccettazione, false, "", ""},
		{"non-accettazione virus", clsHeader("X-Ricevuta", "non-accettazione", "X-VerificaSicurezza", "errore"), "AVVISO DI NON ACCETTAZIONE PER VIRUS: x",
			clsBody(clsCert(daticert.TypeNonAccettazione, virus, ""), false, false), receipt.KindNonAccettazione, true, "", ""},
		{"presa-in-carico", clsHeader("X-Ricevuta", "presa-in-carico"), "PRESA IN CARICO: x",
			clsBody(clsCert(daticert.TypePresaInCarico, nessuno, ""), false, false), receipt.KindPresaInCarico, false, "", ""},
		{"avvenuta-consegna completa", clsHeader("X-Ricevuta", "avvenuta-consegna"), "CONSEGNA: x",
			clsBody(clsCert(daticert.TypeAvvenutaConsegna, nessuno, daticert.ReceiptCompleta), true, false),
			receipt.KindAvvenutaConsegna, false, receipt.FormCompleta, receipt.FormCompleta},
		{"avvenuta-consegna breve", clsHeader("X-Ricevuta", "avvenuta-consegna"), "CONSEGNA: x",
			clsBody(clsCert(daticert.TypeAvvenutaConsegna, nessuno, daticert.ReceiptBreve), true, true),
			receipt.KindAvvenutaConsegna, false, receipt.FormBreve, receipt.FormBreve},
		{"avvenuta-consegna sintetica", clsHeader("X-Ricevuta", "avvenuta-consegna"), "CONSEGNA: x",
			clsBody(clsCert(daticert.TypeAvvenutaConsegna, nessuno, daticert.ReceiptSintetica), false, false),
			receipt.KindAvvenutaConsegna, false, receipt.FormSintetica, receipt.FormSintetica},
		{"avvenuta-consegna, no ricevuta element", clsHeader("X-Ricevuta", "avvenuta-consegna"), "CONSEGNA: x",
			clsBody(clsCert(daticert.TypeAvvenutaConsegna, nessuno, ""), false, false),
			receipt.KindAvvenutaConsegna, false, receipt.FormSintetica, ""},
		{"errore-consegna", clsHeader("X-Ricevuta", "errore-consegna"), "AVVISO DI MANCATA CONSEGNA: x",
			clsBody(clsCert(daticert.TypeErroreConsegna, daticert.ErrorNoDest, ""), false, false), receipt.KindErroreConsegna, false, "", ""},
		{"errore-consegna virus", clsHeader("X-Ricevuta", "errore-consegna", "X-VerificaSicurezza", "errore"), "AVVISO DI MANCATA CONSEGNA PER VIRUS: x",
			clsBody(clsCert(daticert.TypeErroreConsegna, virus, ""), false, false), receipt.KindErroreConsegna, true, "", ""},
		{"preavviso-errore-consegna", clsHeader("X-Ricevuta", "preavviso-errore-consegna"), "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: x",
			clsBody(clsCert(daticert.TypePreavvisoErroreConsegna, daticert.ErrorAltro, ""), false, false), receipt.KindPreavvisoErroreConsegna, false, "", ""},
		{"rilevazione-virus", clsHeader("X-Ricevuta", "rilevazione-virus"), "PROBLEMA DI SICUREZZA: x",
			clsBody(clsCert(daticert.TypeRilevazioneVirus, virus, ""), false, false), receipt.KindRilevazioneVirus, true, "", ""},
		{"headers and subject only", clsHeader("X-Ricevuta", "accettazione"), "ACCETTAZIONE: x",
			nil, receipt.KindAccettazione, false, "", ""},
		{"subject from the header", clsHeader("X-Ricevuta", "accettazione", "Subject", "=?utf-8?Q?ACCETTAZIONE:_citt=C3=A0?="), "",
			nil, receipt.KindAccettazione, false, "", ""},
		{"ordinary mail", clsHeader("Subject", "hello"), "", clsBody(nil, false, false), receipt.KindNotPEC, false, "", ""},
		{"nothing at all", nil, "", nil, receipt.KindNotPEC, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := receipt.Input{Subject: tt.subject, Body: tt.body}
			if tt.header != nil {
				in.Header = tt.header
			}
			got := receipt.Classify(in)
			assert.Equal(t, tt.kind, got.Kind, "Kind")
			assert.Equal(t, tt.virus, got.Virus, "Virus")
			assert.Equal(t, tt.form, got.Form, "Form")
			assert.Equal(t, tt.requested, got.RequestedForm, "RequestedForm")
			assert.Empty(t, got.Findings)
			switch {
			case tt.kind == receipt.KindNotPEC:
				assert.Equal(t, receipt.SourceNone, got.Source)
			case tt.body != nil && tt.body.Cert != nil:
				assert.Equal(t, receipt.SourceDaticert, got.Source)
			default:
				assert.Equal(t, receipt.SourceHeaders, got.Source)
			}
		})
	}
}

// TestClassifyFindings has one row per disagreement or oddity, asserting the
// exact finding codes.
func TestClassifyFindings(t *testing.T) {
	t.Parallel()
	const nessuno = daticert.ErrorNessuno
	acc := clsCert(daticert.TypeAccettazione, nessuno, "")
	tests := []struct {
		name     string
		in       receipt.Input
		kind     receipt.Kind
		virus    bool
		source   receipt.Source
		form     receipt.Form
		findings []string
	}{
		{"header-daticert-mismatch", receipt.Input{Header: clsHeader("X-Ricevuta", "avvenuta-consegna"), Subject: "ACCETTAZIONE: x", Body: clsBody(acc, false, false)},
			receipt.KindAccettazione, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingHeaderDaticertMismatch, receipt.FindingSubjectHeaderMismatch}},
		{"subject-daticert-mismatch", receipt.Input{Header: clsHeader("X-Ricevuta", "accettazione"), Subject: "CONSEGNA: x", Body: clsBody(acc, false, false)},
			receipt.KindAccettazione, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingSubjectDaticertMismatch, receipt.FindingSubjectHeaderMismatch}},
		{"subject-header-mismatch", receipt.Input{Header: clsHeader("X-Ricevuta", "accettazione"), Subject: "CONSEGNA: x"},
			receipt.KindAccettazione, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingSubjectHeaderMismatch}},
		{"all three differ", receipt.Input{Header: clsHeader("X-Ricevuta", "presa-in-carico"), Subject: "CONSEGNA: x", Body: clsBody(acc, false, false)},
			receipt.KindAccettazione, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingHeaderDaticertMismatch, receipt.FindingSubjectDaticertMismatch, receipt.FindingSubjectHeaderMismatch}},
		{"substring trap: daticert preavviso, header errore-consegna", receipt.Input{Header: clsHeader("X-Ricevuta", "errore-consegna"), Subject: "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: x",
			Body: clsBody(clsCert(daticert.TypePreavvisoErroreConsegna, daticert.ErrorAltro, ""), false, false)},
			receipt.KindPreavvisoErroreConsegna, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingHeaderDaticertMismatch, receipt.FindingSubjectHeaderMismatch}},
		{"virus: daticert yes, headers no", receipt.Input{Header: clsHeader("X-Ricevuta", "errore-consegna"), Subject: "AVVISO DI MANCATA CONSEGNA PER VIRUS: x",
			Body: clsBody(clsCert(daticert.TypeErroreConsegna, daticert.ErrorVirus, ""), false, false)},
			receipt.KindErroreConsegna, true, receipt.SourceDaticert, "",
			[]string{receipt.FindingVirusFlagMismatch, receipt.FindingVirusFlagMismatch}},
		{"virus: subject only", receipt.Input{Header: clsHeader("X-Ricevuta", "non-accettazione"), Subject: "AVVISO DI NON ACCETTAZIONE PER VIRUS: x",
			Body: clsBody(clsCert(daticert.TypeNonAccettazione, daticert.ErrorAltro, ""), false, false)},
			receipt.KindNonAccettazione, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingVirusFlagMismatch, receipt.FindingVirusFlagMismatch}},
		{"virus: headers vs subject", receipt.Input{Header: clsHeader("X-Ricevuta", "errore-consegna", "X-VerificaSicurezza", "errore"), Subject: "AVVISO DI MANCATA CONSEGNA: x"},
			receipt.KindErroreConsegna, true, receipt.SourceHeaders, "",
			[]string{receipt.FindingVirusFlagMismatch}},
		{"virus flag on a kind without variant", receipt.Input{Header: clsHeader("X-Ricevuta", "accettazione", "X-VerificaSicurezza", "errore"), Subject: "ACCETTAZIONE: x"},
			receipt.KindAccettazione, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingVirusFlagMismatch}},
		{"nonstandard-subject-prefix", receipt.Input{Header: clsHeader("X-Ricevuta", "avvenuta-consegna"), Subject: "Avvenuta consegna: x"},
			receipt.KindAvvenutaConsegna, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingNonstandardSubjectPrefix}},
		{"subject-prefix-variant", receipt.Input{Header: clsHeader("X-Ricevuta", "avvenuta-consegna"), Subject: "Consegna: x"},
			receipt.KindAvvenutaConsegna, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingSubjectPrefixVariant}},
		{"subject-prefix-missing (reply marker)", receipt.Input{Header: clsHeader("X-Ricevuta", "avvenuta-consegna"), Subject: "Re: CONSEGNA: x"},
			receipt.KindAvvenutaConsegna, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingSubjectPrefixMissing}},
		{"header-missing", receipt.Input{Subject: "ACCETTAZIONE: x", Body: clsBody(acc, false, false)},
			receipt.KindAccettazione, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingHeaderMissing}},
		{"both-trasporto-and-ricevuta", receipt.Input{Header: clsHeader("X-Trasporto", "posta-certificata", "X-Ricevuta", "accettazione"), Subject: "POSTA CERTIFICATA: x"},
			receipt.KindPostaCertificata, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingBothTrasportoAndRicevuta}},
		{"unknown-header-value", receipt.Input{Header: clsHeader("X-Ricevuta", "consegna"), Subject: "hello"},
			receipt.KindNotPEC, false, receipt.SourceNone, "",
			[]string{receipt.FindingUnknownHeaderValue}},
		{"duplicate-header", receipt.Input{Header: clsHeader("X-Ricevuta", "accettazione", "X-Ricevuta", "non-accettazione"), Subject: "ACCETTAZIONE: x"},
			receipt.KindAccettazione, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingDuplicateHeader}},
		{"unknown-daticert-tipo", receipt.Input{Header: clsHeader("X-Ricevuta", "accettazione"), Subject: "ACCETTAZIONE: x", Body: clsBody(clsCert("ricevuta", nessuno, ""), false, false)},
			receipt.KindAccettazione, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingUnknownDaticertTipo}},
		{"daticert-missing", receipt.Input{Header: clsHeader("X-Trasporto", "posta-certificata"), Subject: "POSTA CERTIFICATA: x", Body: clsBody(nil, true, false)},
			receipt.KindPostaCertificata, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingDaticertMissing}},
		{"anomaly-with-daticert", receipt.Input{Header: clsHeader("X-Trasporto", "errore"), Subject: "ANOMALIA MESSAGGIO: x",
			Body: clsBody(clsCert(daticert.TypePostaCertificata, nessuno, ""), true, false)},
			receipt.KindPostaCertificata, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingAnomalyWithDaticert, receipt.FindingSubjectDaticertMismatch}},
		{"subject-only", receipt.Input{Subject: "CONSEGNA: documenti"},
			receipt.KindAvvenutaConsegna, false, receipt.SourceSubject, "",
			[]string{receipt.FindingSubjectOnly}},
		{"subject-only with body", receipt.Input{Subject: "Consegna: documenti", Body: clsBody(nil, false, false)},
			receipt.KindAvvenutaConsegna, false, receipt.SourceSubject, receipt.FormSintetica,
			[]string{receipt.FindingSubjectPrefixVariant, receipt.FindingSubjectOnly, receipt.FindingDaticertMissing}},
		{"original-missing", receipt.Input{Header: clsHeader("X-Trasporto", "posta-certificata"), Subject: "POSTA CERTIFICATA: x",
			Body: clsBody(clsCert(daticert.TypePostaCertificata, nessuno, ""), false, false)},
			receipt.KindPostaCertificata, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingOriginalMissing}},
		{"original-missing anomaly", receipt.Input{Header: clsHeader("X-Trasporto", "errore"), Subject: "ANOMALIA MESSAGGIO: x", Body: clsBody(nil, false, false)},
			receipt.KindAnomalia, false, receipt.SourceHeaders, "",
			[]string{receipt.FindingOriginalMissing}},
		{"original-unexpected", receipt.Input{Header: clsHeader("X-Ricevuta", "non-accettazione"), Subject: "AVVISO DI NON ACCETTAZIONE: x",
			Body: clsBody(clsCert(daticert.TypeNonAccettazione, daticert.ErrorAltro, ""), true, false)},
			receipt.KindNonAccettazione, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingOriginalUnexpected}},
		{"form-mismatch (Aruba copy recipient)", receipt.Input{Header: clsHeader("X-Ricevuta", "avvenuta-consegna"), Subject: "CONSEGNA: x",
			Body: clsBody(clsCert(daticert.TypeAvvenutaConsegna, nessuno, daticert.ReceiptCompleta), false, false)},
			receipt.KindAvvenutaConsegna, false, receipt.SourceDaticert, receipt.FormSintetica,
			[]string{receipt.FindingFormMismatch}},
		{"form-mismatch breve requested, completa shown", receipt.Input{Header: clsHeader("X-Ricevuta", "avvenuta-consegna"), Subject: "CONSEGNA: x",
			Body: clsBody(clsCert(daticert.TypeAvvenutaConsegna, nessuno, daticert.ReceiptBreve), true, false)},
			receipt.KindAvvenutaConsegna, false, receipt.SourceDaticert, receipt.FormCompleta,
			[]string{receipt.FindingFormMismatch}},
		{"requested-form-mismatch", receipt.Input{Header: clsHeader("X-Trasporto", "posta-certificata", "X-Tiporicevuta", "breve"), Subject: "POSTA CERTIFICATA: x",
			Body: clsBody(clsCert(daticert.TypePostaCertificata, nessuno, daticert.ReceiptCompleta), true, false)},
			receipt.KindPostaCertificata, false, receipt.SourceDaticert, "",
			[]string{receipt.FindingRequestedFormMismatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := receipt.Classify(tt.in)
			assert.Equal(t, tt.kind, got.Kind, "Kind")
			assert.Equal(t, tt.virus, got.Virus, "Virus")
			assert.Equal(t, tt.source, got.Source, "Source")
			assert.Equal(t, tt.form, got.Form, "Form")
			assert.Equal(t, tt.findings, clsCodes(got.Findings), "findings: %v", got.Findings)
			for _, f := range got.Findings {
				assert.NotEmpty(t, f.Detail)
				assert.Equal(t, f.Code+": "+f.Detail, f.String())
			}
		})
	}
}

// TestClassifyDaticertFirst checks the order of authority: the signed
// daticert decides even when the headers and the subject agree on another
// kind, and the headers decide over the subject.
func TestClassifyDaticertFirst(t *testing.T) {
	t.Parallel()
	in := receipt.Input{
		Header:  clsHeader("X-Ricevuta", "errore-consegna"),
		Subject: "AVVISO DI MANCATA CONSEGNA: x",
		Body:    clsBody(clsCert(daticert.TypePreavvisoErroreConsegna, daticert.ErrorAltro, ""), false, false),
	}
	got := receipt.Classify(in)
	assert.Equal(t, receipt.KindPreavvisoErroreConsegna, got.Kind)
	assert.Equal(t, receipt.SourceDaticert, got.Source)

	in.Body = nil
	got = receipt.Classify(in)
	assert.Equal(t, receipt.KindErroreConsegna, got.Kind)
	assert.Equal(t, receipt.SourceHeaders, got.Source)
}

func TestClassifyRFC2047Subjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, subject string
		kind          receipt.Kind
		original      string
	}{
		{"iso-8859-1 Q", "=?iso-8859-1?Q?CONSEGNA:_perch=E8?=", receipt.KindAvvenutaConsegna, "perchè"},
		{"utf-8 B", "=?utf-8?B?UE9TVEEgQ0VSVElGSUNBVEE6IGNhZmbDqA==?=", receipt.KindPostaCertificata, "caffè"},
		{"prefix plain, rest encoded", "ACCETTAZIONE: =?UTF-8?Q?citt=C3=A0?=", receipt.KindAccettazione, "città"},
		{"tag and encoded prefix", "[lista] =?iso-8859-1?Q?AVVISO_DI_MANCATA_CONSEGNA:?= x", receipt.KindErroreConsegna, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := receipt.Classify(receipt.Input{Header: clsHeader("X-Ricevuta", string(tt.kind)), Subject: tt.subject})
			if tt.kind == receipt.KindPostaCertificata {
				got = receipt.Classify(receipt.Input{Header: clsHeader("X-Trasporto", "posta-certificata"), Subject: tt.subject})
			}
			assert.Equal(t, tt.kind, got.Kind)
			assert.Equal(t, tt.kind, got.Subject.Kind)
			assert.Equal(t, tt.original, got.Subject.Original)
			assert.Empty(t, got.Findings)
		})
	}
}
