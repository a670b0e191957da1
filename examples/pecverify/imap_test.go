package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testutil/dovecot"
)

// decodeRecords decodes the JSON records of the command's output.
func decodeRecords(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &obj), line)
		recs = append(recs, obj)
	}
	return recs
}

// TestIMAPDovecot runs the command on an imap:// mailbox of a real Dovecot holding
// the bundled messages (loaded with APPEND) and compares its records with those of
// the same messages read from disk; no flag changes and the password, given in
// $PECVERIFY_IMAP_PASSWORD, is never printed. Not parallel: it sets the
// environment.
func TestIMAPDovecot(t *testing.T) {
	srv := dovecot.Start(t, false)
	files, raws := bundledBytes(t)
	flags := func(i int) []imap.Flag {
		switch i % 3 {
		case 0:
			return []imap.Flag{imap.FlagSeen}
		case 1:
			return []imap.Flag{imap.FlagFlagged, imap.FlagAnswered}
		}
		return nil
	}
	c := srv.Client(t)
	dovecot.Append(t, c, "INBOX", raws, flags)
	before := dovecot.Flags(t, c, "INBOX")
	require.Len(t, before, len(raws))

	t.Setenv(imapPasswordEnv, srv.Pass)
	url := "imap://" + srv.User + "@" + srv.Addr + "/INBOX"
	diskOut, diskErr, code := runCmd(t, append([]string{"-json", "-roots", trustPEM}, files...)...)
	require.Equal(t, 0, code, diskErr)
	fromDisk := decodeRecords(t, diskOut)
	require.Len(t, fromDisk, len(files))

	for _, j := range []string{"1", "2"} {
		t.Run("json -j "+j, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run([]string{"-json", "-j", j, "-roots", trustPEM, url}, strings.NewReader(""), &out, &errb)
			assert.Equal(t, 0, code, errb.String())
			assert.Empty(t, errb.String())
			assert.NotContains(t, out.String()+errb.String(), srv.Pass)
			fromIMAP := decodeRecords(t, out.String())
			require.Len(t, fromIMAP, len(fromDisk))
			for i, g := range fromIMAP {
				w := fromDisk[i]
				assert.Equal(t, fmt.Sprintf("%s;UID=%d", url, i+1), g["path"])
				assert.NotContains(t, g, "error", "%s", g["path"])
				for _, k := range []string{"kind", "certified", "sha256", "subject"} {
					assert.Equal(t, w[k], g[k], "%s: %s (%s on disk)", k, g["path"], w["path"])
				}
				assert.Equal(t, w["signature"].(map[string]any)["status"], g["signature"].(map[string]any)["status"], "%s", g["path"])
				assert.Equal(t, true, g["certified"], "%s", g["path"])
			}
		})
	}
	t.Run("human", func(t *testing.T) {
		_, diskSummary, _ := runCmd(t, append([]string{"-roots", trustPEM}, files...)...)
		var out, errb bytes.Buffer
		code := run([]string{"-v", "-roots", trustPEM, url}, strings.NewReader(""), &out, &errb)
		assert.Equal(t, 0, code)
		assert.Equal(t, diskSummary, errb.String())
		assert.NotContains(t, out.String()+errb.String(), srv.Pass)
		n := 0
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(line, "imap://") {
				n++
				assert.Regexp(t, fmt.Sprintf(`^%s;UID=%d +\S+ +certified `, regexp.QuoteMeta(url), n), line)
			}
		}
		assert.Equal(t, len(files), n)
	})

	// Every message has the flags it was appended with: EXAMINE and BODY.PEEK[].
	after := dovecot.Flags(t, c, "INBOX")
	assert.Equal(t, before, after)
	for uid, fl := range after {
		want := []string{}
		for _, f := range flags(int(uid) - 1) {
			want = append(want, string(f))
		}
		got := append([]string{}, strings.Fields(fl)...)
		slices.Sort(got)
		slices.Sort(want)
		assert.Equal(t, want, got, "UID %d", uid)
	}
}
