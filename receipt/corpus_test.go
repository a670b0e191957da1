package receipt_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigillo/sigillo/internal/testutil"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/receipt"
)

// clsCorpusBody is a minimal, test-only reading of the signed body of a corpus
// message: the daticert.xml and message/rfc822 parts directly under the
// first part of the top-level multipart/signed. (The envelope package owns
// the real reading.)
func clsCorpusBody(t *testing.T, raw []byte) (message.Header, *receipt.Body) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		require.NoError(t, err)
	}
	b := &receipt.Body{}
	_ = e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil || len(path) != 2 || path[0] != 0 {
			return nil
		}
		ct, cp, _ := part.Header.ContentType()
		_, dp, _ := part.Header.ContentDisposition()
		name := dp["filename"]
		if name == "" {
			name = cp["name"]
		}
		switch {
		case ct == "message/rfc822":
			b.Original = true
		case ct == "application/xml" && strings.EqualFold(name, "daticert.xml"):
			data, rerr := io.ReadAll(part.Body)
			if rerr == nil {
				if c, perr := daticert.Parse(data, nil); perr == nil {
					b.Cert = c
				}
			}
		}
		return nil
	})
	return e.Header, b
}

// clsManifestKinds reads the expected kinds from the corpus MANIFEST.tsv
// message_type column: "trasporto:posta-certificata ...", "ricevuta:<kind>
// ...", or anything else for not PEC.
func clsManifestKinds(t *testing.T, dir string) map[string]receipt.Kind {
	t.Helper()
	kinds := map[string]receipt.Kind{}
	for _, row := range testutil.Manifest(t, dir, "message_type") {
		mt, _, _ := strings.Cut(row["message_type"], " ")
		kind := receipt.KindNotPEC
		if k, ok := strings.CutPrefix(mt, "trasporto:"); ok {
			kind = receipt.Kind(k)
		} else if k, ok := strings.CutPrefix(mt, "ricevuta:"); ok {
			kind = receipt.Kind(k)
		}
		kinds[row.File()] = kind
	}
	return kinds
}

// TestClassifyCorpus classifies the real messages of the shared corpus and
// checks the kind the MANIFEST records, plus the findings each is known to
// deserve.
func TestClassifyCorpus(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	kinds := clsManifestKinds(t, dir)
	require.NotEmpty(t, kinds)
	// The findings and sources of the notable files; every other file has
	// a daticert that decides, and no finding.
	findings := map[string][]string{
		// A real Aruba delivery receipt for a copy recipient: the daticert
		// says completa, the body has no postacert.eml.
		"aruba-2021-avvenuta-consegna-1.eml": {receipt.FindingFormMismatch},
		// Parts removed by the repository's authors.
		"sogei-2019-posta-certificata-sdi-mancata-consegna-no-daticert.eml": {receipt.FindingDaticertMissing},
	}
	sources := map[string]receipt.Source{
		"sogei-2019-posta-certificata-sdi-mancata-consegna-no-daticert.eml": receipt.SourceHeaders,
		"skeleton-posta-certificata-bogus-p7s.eml":                          receipt.SourceNone,
	}
	for name, want := range kinds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join(dir, "real", name))
			require.NoError(t, err)
			h, b := clsCorpusBody(t, raw)
			r := receipt.Classify(receipt.Input{Header: &h, Body: b})
			assert.Equal(t, want, r.Kind, "Kind")
			wantSource, ok := sources[name]
			if !ok {
				wantSource = receipt.SourceDaticert
			}
			assert.Equal(t, wantSource, r.Source, "Source")
			assert.Equal(t, findings[name], clsCodes(r.Findings), "findings: %v", r.Findings)
			if r.Kind != receipt.KindNotPEC {
				assert.True(t, r.Subject.Exact, "every real provider writes the exact prefix")
			}
		})
	}
}
