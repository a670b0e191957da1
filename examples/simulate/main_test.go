package main

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
)

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, run([]string{"-out", dir, "-to", "bob@pec.example.org,bobby@pec.example.org",
		"-cc", "carol@mail.example.com", "-receipt", "breve", "-outcome", "bobby@pec.example.org=no-such-mailbox",
		"-digest", "sha1", "-attach-size", "4096", "-anomaly"}))
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	sort.Strings(names)
	var base []string
	for _, n := range names {
		base = append(base, filepath.Base(n))
	}
	assert.Equal(t, []string{
		"01-accettazione.eml",
		"02-posta-certificata-bob@pec.example.org.eml",
		"03-posta-certificata-carol@mail.example.com.eml",
		"04-presa-in-carico-pec.example.org.eml",
		"05-avvenuta-consegna-bob@pec.example.org.eml",
		"06-errore-consegna-bobby@pec.example.org.eml",
		"07-anomalia.eml",
		"original.eml",
		"trust.pem",
	}, base)

	pem, err := os.ReadFile(filepath.Join(dir, "trust.pem"))
	require.NoError(t, err)
	trust := envelope.NewTrust()
	_, err = trust.AddPEM(pem)
	require.NoError(t, err)
	for _, n := range names[:7] {
		raw, err := os.ReadFile(n)
		require.NoError(t, err)
		rep := envelope.Verify(raw, &envelope.VerifyOptions{Trust: trust})
		assert.Equal(t, envelope.StatusValid, rep.Status, "%s: %v", filepath.Base(n), rep.Err)
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	tests := [][]string{
		{},
		{"-out", t.TempDir(), "-receipt", "lunga"},
		{"-out", t.TempDir(), "-digest", "md5"},
		{"-out", t.TempDir(), "-outcome", "bob"},
		{"-out", t.TempDir(), "-outcome", "bob@pec.example.org=lost"},
		{"-out", t.TempDir(), "-attach-size", "-1"},
		{"-out", t.TempDir(), "-time", "yesterday"},
	}
	for _, args := range tests {
		assert.Error(t, run(args), "%v", args)
	}
}
