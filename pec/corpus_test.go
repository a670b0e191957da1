package pec_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// corpusEntry is one row of shared/corpus/MANIFEST.tsv.
type corpusEntry struct {
	file, messageType, edited, sha256, notes string
}

func readManifest(t *testing.T, dir string) []corpusEntry {
	t.Helper()
	var out []corpusEntry
	for _, r := range testutil.Manifest(t, dir, "message_type", "anonymised_or_edited", "sha256", "notes") {
		out = append(out, corpusEntry{file: r.File(), messageType: r["message_type"],
			edited: r["anonymised_or_edited"], sha256: r["sha256"], notes: r["notes"]})
	}
	return out
}

// manifestKind reads the kind from a message_type such as
// "ricevuta:accettazione [daticert tipo=accettazione errore=nessuno]". A message
// without X-Ricevuta or X-Trasporto (the skeleton) is not PEC: its subject carries no
// prefix and its data.xml is no daticert.
func manifestKind(messageType string) receipt.Kind {
	head, _, _ := strings.Cut(messageType, " ")
	if _, k, ok := strings.Cut(head, ":"); ok {
		return receipt.Kind(k)
	}
	return receipt.KindNotPEC
}

// TestReadCorpus reads every real message of shared/corpus/real and checks the kind
// MANIFEST.tsv states, the signature status its history implies, certification, and
// the daticert values against the decoded daticert/*.xml.
func TestReadCorpus(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	entries := readManifest(t, dir)
	require.Len(t, entries, 21)
	for _, e := range entries {
		t.Run(e.file, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join(dir, "real", e.file))
			require.NoError(t, err)
			sum := sha256.Sum256(raw)
			require.Equal(t, e.sha256, hex.EncodeToString(sum[:]), "corpus file changed on disk")

			m, err := pec.ReadFile(filepath.Join(dir, "real", e.file), nil)
			require.NoError(t, err)
			assert.Equal(t, manifestKind(e.messageType), m.Kind)
			// Every way of reading (pec, envelope, mbox, maildir, zip) agrees.
			readAllWays(t, raw, &pec.Options{})

			var want string
			switch {
			case strings.HasPrefix(e.edited, "no"):
				want = "valid"
			case strings.Contains(e.edited, "tampered"), strings.Contains(e.edited, "edited"):
				want = "invalid"
			}
			status := m.Verification.Status.String()
			switch want {
			case "":
				// Anonymised or skeleton: the signature is missing or a placeholder.
				assert.Contains(t, []string{"absent", "malformed"}, status)
			default:
				assert.Equal(t, want, status, "%v", m.Verification.Err)
			}
			assert.Equal(t, want == "valid", m.Certified, "%v", m.Findings)

			if want == "valid" {
				assert.NotEmpty(t, m.Verification.Provider)
				assert.False(t, m.Verification.SigningTime.IsZero())
				assert.True(t, m.DaticertSigned)
				assert.Equal(t, receipt.SourceDaticert, m.Source)
			}

			xmlName := strings.TrimSuffix(e.file, ".eml") + ".xml"
			xml, err := os.ReadFile(filepath.Join(dir, "daticert", xmlName))
			if err != nil {
				return // no decoded daticert for this file
			}
			wantCert, err := daticert.Parse(xml, nil)
			require.NoError(t, err)
			require.NotNil(t, m.Daticert)
			got := *m.Daticert
			got.Raw, wantCert.Raw = nil, nil
			assert.Equal(t, *wantCert, got)
			assert.Equal(t, wantCert.ID, m.Keys.ID)
			assert.Equal(t, wantCert.MsgID, m.Keys.MsgID)
		})
	}
}

// TestReadCorpusDetails pins values of a few real messages.
func TestReadCorpusDetails(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	read := func(name string) *pec.Message {
		m, err := pec.ReadFile(filepath.Join(dir, "real", name), nil)
		require.NoError(t, err)
		return m
	}

	t.Run("transport envelope with original", func(t *testing.T) {
		m := read("aruba-2014-posta-certificata-1.eml")
		assert.Equal(t, "thinkstudio@pec.it", m.RealSender)
		assert.Equal(t, "Re: archetipo", m.OriginalSubject)
		assert.Equal(t, "opec275.20141107165200.03048.08.1.17@pec.aruba.it", m.Keys.ID)
		assert.Equal(t, m.Keys.ID, m.Keys.MessageID)
		require.NotNil(t, m.Original)
		assert.Equal(t, receipt.KindNotPEC, m.Original.Kind)
		assert.Equal(t, "Re: archetipo", m.Original.Subject)
		assert.Equal(t, receipt.FormCompleta, m.RequestedForm)
	})
	t.Run("delivery receipt to a copy recipient is a sintetica", func(t *testing.T) {
		m := read("aruba-2021-avvenuta-consegna-1.eml")
		assert.Equal(t, receipt.FormSintetica, m.Form)
		assert.Equal(t, receipt.FormCompleta, m.RequestedForm)
		assert.Contains(t, codes(m), receipt.FindingFormMismatch)
		assert.Nil(t, m.Original)
		require.Len(t, m.Texts, 2)
		assert.Equal(t, "text/plain", m.Texts[0].ContentType)
		assert.Equal(t, "text/html", m.Texts[1].ContentType)
		assert.Contains(t, m.Texts[0].Text, "Ricevuta di avvenuta consegna")
	})
	t.Run("SdI envelope carries the invoice", func(t *testing.T) {
		m := read("sogei-2018-posta-certificata-sdi-invio-file.eml")
		require.NotNil(t, m.Original)
		var names []string
		for _, a := range m.Original.Attachments {
			names = append(names, a.Name)
		}
		assert.NotEmpty(t, names)
		assert.Equal(t, receipt.FormBreve, m.RequestedForm)
	})
	t.Run("envelope without daticert", func(t *testing.T) {
		m := read("sogei-2019-posta-certificata-sdi-mancata-consegna-no-daticert.eml")
		assert.Equal(t, receipt.KindPostaCertificata, m.Kind)
		assert.Equal(t, receipt.SourceHeaders, m.Source)
		assert.Nil(t, m.Daticert)
		assert.Contains(t, codes(m), receipt.FindingDaticertMissing)
		assert.False(t, m.Certified)
	})
	t.Run("skeleton", func(t *testing.T) {
		m := read("skeleton-posta-certificata-bogus-p7s.eml")
		assert.Equal(t, receipt.KindNotPEC, m.Kind)
		assert.Nil(t, m.Daticert)
		assert.False(t, m.Certified)
	})
}
