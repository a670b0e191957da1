package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrackWiring checks that the flags of issue 12 reach track.go through the
// streaming pipeline: -track and -summary replace the per-message records, -html
// keeps them, and bad values are usage errors.
func TestTrackWiring(t *testing.T) {
	t.Parallel()
	exchange := messagesDir + "/exchange"

	t.Run("track json", func(t *testing.T) {
		t.Parallel()
		out, _, code := runCmd(t, "-json", "-track", "-j", "3", "-now", "2025-03-16T00:00:00Z", "-roots", trustPEM, exchange)
		assert.Equal(t, 0, code)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		require.Len(t, lines, 1, "one transmission, no per-message record")
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(lines[0]), &rec))
		assert.Equal(t, "opec101.20250314110000.00001.0.1.1@pec.example.it", rec["identificativo"])
		assert.NotContains(t, rec, "kind")
	})
	t.Run("summary", func(t *testing.T) {
		t.Parallel()
		out, _, code := runCmd(t, "-json", "-summary", "-roots", trustPEM, messagesDir)
		assert.Equal(t, 0, code)
		assert.Equal(t, 1, strings.Count(out, "\n"))
		assert.Contains(t, out, `"summary"`)
	})
	t.Run("html keeps the records", func(t *testing.T) {
		t.Parallel()
		html := filepath.Join(t.TempDir(), "dossier.html")
		out, _, code := runCmd(t, "-json", "-html", html, "-lang", "en", "-roots", trustPEM, exchange)
		assert.Equal(t, 0, code)
		assert.Equal(t, 14, strings.Count(out, "\n"))
		page, err := os.ReadFile(html)
		require.NoError(t, err)
		assert.Contains(t, string(page), "bob@pec.example.org")
	})
	for _, bad := range [][]string{{"-now", "tomorrow"}, {"-lang", "fr"}, {"-since", "2025-03-15T00:00:00Z", "-until", "2025-03-14T00:00:00Z", "-track"}} {
		t.Run("bad "+bad[0], func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCmd(t, append(bad, exchange)...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.NotEmpty(t, errOut)
		})
	}
}
