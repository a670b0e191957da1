package mailbox

import (
	"archive/zip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testutil"
)

// The real provider messages give the same verdicts read from their files, from an
// mboxo and an mboxrd mailbox and from a zip export: a genuine message stays
// certified whatever the quoting convention. (The copies live in a temporary
// directory only.)
func TestCorpusInMailboxes(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t, "real")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var msgs [][]byte
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			msgs = append(msgs, b)
			names = append(names, e.Name())
		}
	}
	require.NotEmpty(t, msgs)
	fromDisk := collect(t, dir, nil, nil)
	require.Len(t, fromDisk, len(msgs))
	certified := 0
	for _, r := range fromDisk {
		require.NoError(t, r.err, r.loc)
		if r.m.Certified {
			certified++
		}
	}
	require.Positive(t, certified)

	tmp := t.TempDir()
	var zentries []testEntry
	for i, m := range msgs {
		zentries = append(zentries, testEntry{"INBOX/cur/" + names[i], m, zip.Deflate})
	}
	sources := map[string]string{
		"mboxo":  writeFile(t, filepath.Join(tmp, "mboxo"), mboxWrite(false, msgs...)),
		"mboxrd": writeFile(t, filepath.Join(tmp, "mboxrd"), mboxWrite(true, msgs...)),
		"zip":    writeZip(t, filepath.Join(tmp, "export.zip"), zentries),
	}
	for _, kind := range []string{"mboxo", "mboxrd", "zip"} {
		got := collect(t, sources[kind], nil, nil)
		require.Len(t, got, len(msgs), kind)
		for i, g := range got {
			w := fromDisk[i]
			require.NoError(t, g.err, "%s %s", kind, g.loc)
			assert.Equal(t, w.m.Certified, g.m.Certified, "%s %s (%s): %v", kind, g.loc, names[i], g.codes)
			assert.Equal(t, w.m.Kind, g.m.Kind, "%s %s", kind, names[i])
			assert.Equal(t, w.m.Verification.Status, g.m.Verification.Status, "%s %s", kind, names[i])
			if kind == "zip" {
				assert.Equal(t, w.sum, g.sum, "%s %s", kind, names[i])
			}
			if !slices.Contains(g.codes, CodeMboxUnquoted) && !slices.Contains(g.codes, CodeMboxUnquotedO) {
				assert.Equal(t, w.codes, slices.DeleteFunc(slices.Clone(g.codes), func(c string) bool { return c == CodeMboxAsStored }), "%s %s", kind, names[i])
			}
		}
	}
}
