package report

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testutil"
)

// Every exported Code* and Finding* constant of envelope, receipt, pec and
// pec/mailbox has a text in Italian and in English: the envelope Code* constants
// (signature reasons) in reasonTexts, every other one in findingTexts. The
// constants are read from the package sources, so a new code without text
// fails here.
func TestEveryCodeHasTexts(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	known := map[string]string{}
	for _, dir := range []string{"envelope", "receipt", "pec", filepath.Join("pec", "mailbox")} {
		for k, v := range testutil.StringConsts(t, filepath.Join(root, dir), known, "Code", "Finding") {
			known[k] = v
		}
	}
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	sort.Strings(names)
	require.Greater(t, len(names), 80, "the constants were not found")
	reasons, findings := reasonTexts(), findingTexts()
	for _, name := range names {
		table := findings
		if strings.HasPrefix(name, "envelope.Code") {
			table = reasons
		}
		tx, ok := table[known[name]]
		if assert.True(t, ok, "%s (%q) has no text", name, known[name]) {
			assert.NotEmpty(t, tx.it, "%s: Italian text", name)
			assert.NotEmpty(t, tx.en, "%s: English text", name)
			assert.NotEqual(t, tx.it, tx.en, "%s: the Italian text is the English one", name)
		}
	}
}
