package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mbox := filepath.Join(dir, "box")
	var stderr bytes.Buffer
	require.NoError(t, run([]string{"-n", "25", "-distinct", "10", "-mbox", mbox, "-trust", filepath.Join(dir, "trust.pem")}, &stderr))
	raw, err := os.ReadFile(mbox)
	require.NoError(t, err)
	assert.Equal(t, 25, bytes.Count(raw, []byte("\nFrom MAILER-DAEMON"))+1)
	assert.Contains(t, string(raw), "\n>From the accounting office")

	require.NoError(t, run([]string{"-n", "12", "-distinct", "5", "-dir", filepath.Join(dir, "d")}, &stderr))
	entries, err := os.ReadDir(filepath.Join(dir, "d", "0000"))
	require.NoError(t, err)
	assert.Len(t, entries, 12)

	assert.Error(t, run([]string{"-n", "1"}, &stderr))
}
