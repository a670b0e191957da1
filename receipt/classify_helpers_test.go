package receipt_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func clsReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }

// clsCorpusDir walks up from the package directory to the first directory
// holding shared/corpus and returns shared/corpus/<sub>, skipping the test
// when there is none.
func clsCorpusDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	require.NoError(t, err)
	for {
		c := filepath.Join(dir, "shared", "corpus")
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			return filepath.Join(c, sub)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/corpus not found above the package directory; skipping corpus tests")
		}
		dir = parent
	}
}
