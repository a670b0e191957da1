package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The bundled messages and their trust anchor, relative to this directory.
const (
	messagesDir = "../../testdata/messages"
	originals   = "../../testdata/originals"
	trustPEM    = "../../testdata/trust.pem"
)

func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runCmdIn(t, nil, args...)
}

// runCmdIn runs the command with stdin as its standard input. The human output's
// idle timer never fires, so its alignment does not depend on the machine's speed
// (the golden files); TestHumanStreams drives that timer.
func runCmdIn(t *testing.T, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code = runWith(args, stdin, &out, &errb, neverIdle)
	return out.String(), errb.String(), code
}

// neverIdle is an idle timer that never fires.
func neverIdle() (<-chan time.Time, func() bool) { return nil, func() bool { return false } }

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testutil.Golden(t, filepath.Join("testdata", "golden", name), []byte(got), *update)
}

// copyTree copies the bundled messages into a temporary directory, so tests can
// damage them or lay them out as mailboxes.
func bundled(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(messagesDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".eml") {
			files = append(files, p)
		}
		return err
	})
	require.NoError(t, err)
	sort.Strings(files)
	require.Len(t, files, 19)
	return files
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		summary string
	}{
		{"human.txt", []string{"-roots", trustPEM, messagesDir}, 0,
			"pecverify: 19 messages: 19 certified, 0 not certified; accettazione 2, anomalia 1, avvenuta-consegna 3, " +
				"errore-consegna 2, non-accettazione 1, posta-certificata 4, preavviso-errore-consegna 3, presa-in-carico 2, rilevazione-virus 1\n"},
		{"verbose.txt", []string{"-v", "-roots", trustPEM, messagesDir + "/breve", originals + "/breve.eml"}, 1,
			"pecverify: 5 messages: 4 certified, 1 not certified; accettazione 1, avvenuta-consegna 1, not-pec 1 (1 not certified), " +
				"posta-certificata 1, presa-in-carico 1\n"},
		{"json.txt", []string{"-json", "-roots", trustPEM, messagesDir, originals}, 1, ""},
		{"untrusted.txt", []string{messagesDir + "/exchange/01-accettazione.eml"}, 1,
			"pecverify: 1 message: 0 certified, 1 not certified; accettazione 1 (1 not certified)\n"},
		{"at-expired.txt", []string{"-roots", trustPEM, "-at", "2045-01-01T00:00:00Z", "-v", messagesDir + "/rejected"}, 1,
			"pecverify: 1 message: 0 certified, 1 not certified; non-accettazione 1 (1 not certified)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCmd(t, tt.args...)
			assert.Equal(t, tt.summary, errOut)
			assert.Equal(t, tt.code, code)
			golden(t, tt.name, out)
		})
	}
}

// TestJobsKeepOrder checks that the output is the same whatever the number of
// workers.
func TestJobsKeepOrder(t *testing.T) {
	t.Parallel()
	want, _, _ := runCmd(t, "-json", "-j", "1", "-roots", trustPEM, messagesDir, originals)
	for _, j := range []string{"2", "3", "16"} {
		got, _, _ := runCmd(t, "-json", "-j", j, "-roots", trustPEM, messagesDir, originals)
		assert.Equal(t, want, got, "-j %s", j)
	}
}

// TestJSONContract checks the keys and values the README documents, for every
// bundled message.
func TestJSONContract(t *testing.T) {
	t.Parallel()
	out, _, code := runCmd(t, "-json", "-roots", trustPEM, messagesDir)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	files := bundled(t)
	require.Len(t, lines, len(files))
	kinds := map[string]bool{}
	for i, line := range lines {
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &obj))
		for _, k := range readmeKeys(t, "") {
			if k != "error" {
				assert.Contains(t, obj, k)
			}
		}
		assert.NotContains(t, obj, "error", "error is only on error records")
		sig := obj["signature"].(map[string]any)
		for _, k := range readmeKeys(t, "signature") {
			assert.Contains(t, sig, k)
		}
		assert.Equal(t, "valid", sig["status"])
		assert.Equal(t, "", sig["reason_code"])
		assert.Equal(t, "sha256", sig["digest"])
		assert.Equal(t, true, obj["certified"])
		kinds[obj["kind"].(string)] = true

		raw, err := os.ReadFile(files[i])
		require.NoError(t, err)
		assert.Equal(t, obj["path"], files[i])
		assert.Equal(t, sha256Hex(raw), obj["sha256"])

		atts := obj["attachments"].([]any)
		var postacert map[string]any
		for _, a := range atts {
			a := a.(map[string]any)
			for _, k := range readmeKeys(t, "attachments") {
				assert.Contains(t, a, k)
			}
			assert.Len(t, a["sha256"], 64)
			assert.Greater(t, a["size"], 0.0)
			if a["name"] == "postacert.eml" {
				postacert = a
			} else if a["content_type"] != "message/rfc822" {
				assert.Nil(t, a["message"])
			}
		}
		switch obj["kind"] {
		case "posta-certificata", "anomalia":
			orig := obj["original"].(map[string]any)
			for _, k := range readmeKeys(t, "original") {
				assert.Contains(t, orig, k)
			}
			require.NotNil(t, postacert)
			assert.Equal(t, orig, postacert["message"], "postacert.eml is the original")
			assert.NotEmpty(t, orig["subject"])
			assert.NotEmpty(t, orig["from"])
			assert.IsType(t, []any{}, orig["attachments"])
		case "accettazione", "non-accettazione", "presa-in-carico", "errore-consegna", "preavviso-errore-consegna", "rilevazione-virus":
			assert.Nil(t, obj["original"])
		}
		if obj["kind"] == "anomalia" {
			assert.Nil(t, obj["daticert"])
			continue
		}
		d := obj["daticert"].(map[string]any)
		for _, k := range readmeKeys(t, "daticert") {
			assert.Contains(t, d, k)
		}
		assert.Equal(t, obj["kind"], d["tipo"])
		assert.NotContains(t, d["msgid"], "<")
		assert.IsType(t, []any{}, d["ricezione"])
	}
	for _, k := range []string{"posta-certificata", "anomalia", "accettazione", "non-accettazione", "presa-in-carico",
		"avvenuta-consegna", "errore-consegna", "preavviso-errore-consegna", "rilevazione-virus"} {
		assert.True(t, kinds[k], "bundled messages lack a %s", k)
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// readmeKeys returns the keys the README's JSON contract table documents: the
// top-level keys for "", else the keys listed in the braces of the row of parent.
func readmeKeys(t *testing.T, parent string) []string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var keys []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.SplitN(line, "|", 4)
		if len(cells) < 4 {
			continue
		}
		names := regexp.MustCompile("`([a-z_0-9]+)`").FindAllStringSubmatch(cells[1], -1)
		if parent == "" {
			for _, n := range names {
				keys = append(keys, n[1])
			}
			continue
		}
		if len(names) != 1 || names[0][1] != parent {
			continue
		}
		// The first {...} of the value lists the keys of the object.
		val := cells[2]
		open := strings.Index(val, "{")
		end := strings.Index(val, "}")
		require.True(t, open >= 0 && end > open, "README row %s has no {keys}", parent)
		for _, k := range strings.Split(val[open+1:end], ",") {
			k = strings.TrimSpace(k)
			if i := strings.IndexAny(k, " :("); i >= 0 {
				k = k[:i]
			}
			keys = append(keys, k)
		}
	}
	require.NotEmpty(t, keys, "README documents no keys for %q", parent)
	return keys
}

func TestExitStatus(t *testing.T) {
	t.Parallel()
	tampered := filepath.Join(t.TempDir(), "tampered.eml")
	raw, err := os.ReadFile(messagesDir + "/exchange/06-avvenuta-consegna-bob@pec.example.org.eml")
	require.NoError(t, err)
	raw = bytes.Replace(raw, []byte("Contratto di fornitura"), []byte("Contratto di fornitora"), 2)
	require.NoError(t, os.WriteFile(tampered, raw, 0o644))
	notMail := filepath.Join(t.TempDir(), "x.eml")
	require.NoError(t, os.WriteFile(notMail, []byte("just text\n"), 0o644))
	empty := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(empty, "sub", "Maildir", "cur"), 0o755))

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a substring of standard error
	}{
		{"all certified", []string{"-roots", trustPEM, messagesDir}, 0, "19 certified, 0 not certified"},
		{"ordinary mail", []string{"-roots", trustPEM, originals}, 1, "not-pec 3 (3 not certified)"},
		{"tampered", []string{"-roots", trustPEM, tampered}, 1, "1 not certified"},
		{"missing path", []string{"-roots", trustPEM, messagesDir, "does-not-exist"}, 1, "unreadable 1 (1 not certified)"},
		{"not a message", []string{"-roots", trustPEM, notMail}, 1, "unreadable 1"},
		{"no args", nil, 2, "usage:"},
		{"bad flag", []string{"-nope", messagesDir}, 2, "usage:"},
		{"bad -at", []string{"-at", "yesterday", messagesDir}, 2, "-at"},
		{"bad -j", []string{"-j", "0", messagesDir}, 2, "-j"},
		{"missing -roots file", []string{"-roots", "nope.pem", messagesDir}, 2, "-roots"},
		{"missing -imap-ca file", []string{"-imap-ca", "nope.pem", messagesDir}, 2, "-imap-ca"},
		{"empty folder", []string{empty}, 2, "no message found"},
		{"empty folder, json", []string{"-json", empty}, 2, "no message found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, errOut, code := runCmd(t, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errOut, tt.stderr)
			if tt.code == 2 && !strings.HasPrefix(tt.stderr, "usage") {
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "a one-line error: %q", errOut)
			}
		})
	}

	t.Run("tampered is invalid", func(t *testing.T) {
		t.Parallel()
		out, _, _ := runCmd(t, "-json", "-roots", trustPEM, tampered)
		var obj struct {
			Signature struct {
				Status, Reason string
				ReasonCode     string `json:"reason_code"`
			}
			Certified bool
		}
		require.NoError(t, json.Unmarshal([]byte(out), &obj))
		assert.Equal(t, "invalid", obj.Signature.Status)
		assert.NotEmpty(t, obj.Signature.Reason)
		assert.Equal(t, "digest-mismatch", obj.Signature.ReasonCode)
		assert.False(t, obj.Certified)
	})
	t.Run("untrusted has a reason code", func(t *testing.T) {
		t.Parallel()
		out, _, _ := runCmd(t, "-json", messagesDir+"/exchange/01-accettazione.eml")
		assert.Contains(t, out, `"reason_code":"unknown-authority"`)
	})
	t.Run("error records", func(t *testing.T) {
		t.Parallel()
		out, errOut, code := runCmd(t, "-json", "-roots", trustPEM, notMail, "does-not-exist", messagesDir+"/rejected")
		assert.Equal(t, 1, code)
		assert.Empty(t, errOut)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		require.Len(t, lines, 3)
		for i, want := range []string{notMail, "does-not-exist"} {
			var obj map[string]any
			require.NoError(t, json.Unmarshal([]byte(lines[i]), &obj))
			assert.Equal(t, want, obj["path"])
			assert.Equal(t, false, obj["certified"])
			assert.NotEmpty(t, obj["error"])
			for _, k := range readmeKeys(t, "") {
				assert.Contains(t, obj, k)
			}
		}
		assert.NotContains(t, lines[2], `"error"`)
	})
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCmd(t, "-version")
	assert.Equal(t, 0, code)
	assert.Empty(t, errOut)
	assert.True(t, strings.HasPrefix(out, "pecverify "), out)
	assert.Equal(t, 1, strings.Count(out, "\n"))
}
