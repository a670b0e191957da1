package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExtractFlag(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "evidence")
	_, _, code := runCmd(t, "-json", "-roots", trustPEM, "-extract", out, messagesDir+"/breve")
	require.Equal(t, 0, code)

	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{
		"testdata_messages_breve_01-accettazione.eml",
		"testdata_messages_breve_02-posta-certificata-bob@pec.example.org.eml",
		"testdata_messages_breve_03-presa-in-carico-pec.example.org.eml",
		"testdata_messages_breve_04-avvenuta-consegna-bob@pec.example.org.eml",
	}, names)
	env := filepath.Join(out, names[1])
	for _, f := range []string{"daticert.xml", "postacert.eml", "allegato.bin"} {
		fi, err := os.Lstat(filepath.Join(env, f))
		require.NoError(t, err, f)
		assert.True(t, fi.Mode().IsRegular())
		assert.NotZero(t, fi.Size())
	}

	// A second run never overwrites: the folders are numbered.
	_, _, code = runCmd(t, "-roots", trustPEM, "-extract", out, messagesDir+"/breve/01-accettazione.eml")
	require.Equal(t, 0, code)
	_, err = os.Stat(filepath.Join(out, names[0]+" (2)", "daticert.xml"))
	assert.NoError(t, err)

	// A symlink planted where a folder would go is not followed.
	victim := t.TempDir()
	out2 := t.TempDir()
	require.NoError(t, os.Symlink(victim, filepath.Join(out2, names[0])))
	_, _, code = runCmd(t, "-roots", trustPEM, "-extract", out2, messagesDir+"/breve/01-accettazione.eml")
	require.Equal(t, 0, code)
	left, err := os.ReadDir(victim)
	require.NoError(t, err)
	assert.Empty(t, left)
	_, err = os.Stat(filepath.Join(out2, names[0]+" (2)", "daticert.xml"))
	assert.NoError(t, err)
}
