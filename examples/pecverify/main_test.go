package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return out.String(), errb.String(), code
}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test -update")
	assert.Equal(t, string(want), got)
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
		name string
		args []string
		code int
	}{
		{"human.txt", []string{"-roots", trustPEM, messagesDir}, 0},
		{"verbose.txt", []string{"-v", "-roots", trustPEM, messagesDir + "/breve", originals + "/breve.eml"}, 1},
		{"json.txt", []string{"-json", "-roots", trustPEM, messagesDir, originals}, 1},
		{"untrusted.txt", []string{messagesDir + "/exchange/01-accettazione.eml"}, 1},
		{"at-expired.txt", []string{"-roots", trustPEM, "-at", "2045-01-01T00:00:00Z", messagesDir + "/rejected"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCmd(t, tt.args...)
			assert.Empty(t, errOut)
			assert.Equal(t, tt.code, code)
			golden(t, tt.name, out)
		})
	}
}

// TestJSONContract checks the keys and values the README documents, for every
// bundled message.
func TestJSONContract(t *testing.T) {
	out, _, code := runCmd(t, "-json", "-roots", trustPEM, messagesDir)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, len(bundled(t)))
	kinds := map[string]bool{}
	for _, line := range lines {
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &obj))
		for _, k := range []string{"path", "kind", "virus", "receipt_form", "signature", "daticert", "findings", "certified"} {
			assert.Contains(t, obj, k)
		}
		sig := obj["signature"].(map[string]any)
		for _, k := range []string{"status", "reason", "signer", "provider", "signing_time", "digest"} {
			assert.Contains(t, sig, k)
		}
		assert.Equal(t, "valid", sig["status"])
		assert.Equal(t, "sha256", sig["digest"])
		assert.Equal(t, true, obj["certified"])
		kinds[obj["kind"].(string)] = true
		if obj["kind"] == "anomalia" {
			assert.Nil(t, obj["daticert"])
			continue
		}
		d := obj["daticert"].(map[string]any)
		for _, k := range []string{"tipo", "errore", "mittente", "destinatari", "risposte", "oggetto", "gestore_emittente",
			"data", "identificativo", "msgid", "ricevuta", "consegna", "ricezione", "errore_esteso"} {
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

func TestExitStatus(t *testing.T) {
	tampered := filepath.Join(t.TempDir(), "tampered.eml")
	raw, err := os.ReadFile(messagesDir + "/exchange/06-avvenuta-consegna-bob@pec.example.org.eml")
	require.NoError(t, err)
	raw = bytes.Replace(raw, []byte("Contratto di fornitura"), []byte("Contratto di fornitora"), 2)
	require.NoError(t, os.WriteFile(tampered, raw, 0o644))
	notMail := filepath.Join(t.TempDir(), "x.eml")
	require.NoError(t, os.WriteFile(notMail, []byte("just text\n"), 0o644))

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr bool
	}{
		{"all certified", []string{"-roots", trustPEM, messagesDir}, 0, false},
		{"ordinary mail", []string{"-roots", trustPEM, originals}, 1, false},
		{"tampered", []string{"-roots", trustPEM, tampered}, 1, false},
		{"no args", nil, 2, true},
		{"bad flag", []string{"-nope", messagesDir}, 2, true},
		{"bad -at", []string{"-at", "yesterday", messagesDir}, 2, true},
		{"missing -roots file", []string{"-roots", "nope.pem", messagesDir}, 2, true},
		{"missing path", []string{"-roots", trustPEM, messagesDir, "does-not-exist"}, 2, true},
		{"not a message", []string{"-roots", trustPEM, notMail}, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCmd(t, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.stderr, errOut != "", errOut)
		})
	}

	t.Run("tampered is invalid", func(t *testing.T) {
		out, _, _ := runCmd(t, "-json", "-roots", trustPEM, tampered)
		var obj struct {
			Signature struct{ Status, Reason string }
			Certified bool
		}
		require.NoError(t, json.Unmarshal([]byte(out), &obj))
		assert.Equal(t, "invalid", obj.Signature.Status)
		assert.NotEmpty(t, obj.Signature.Reason)
		assert.False(t, obj.Certified)
	})
}

// TestMailboxes lays the bundled messages out as an mbox (mboxrd quoting) and as a
// maildir and checks that every message is found and still verifies.
func TestMailboxes(t *testing.T) {
	files := bundled(t)
	dir := t.TempDir()

	var mbox bytes.Buffer
	maildir := filepath.Join(dir, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		require.NoError(t, os.MkdirAll(filepath.Join(maildir, sub), 0o755))
	}
	for i, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		mbox.WriteString("From MAILER-DAEMON Fri Mar 14 10:00:00 2025\n")
		mbox.Write(quoteFrom(raw))
		mbox.WriteString("\n")
		sub := "cur"
		if i%2 == 0 {
			sub = "new"
		}
		require.NoError(t, os.WriteFile(filepath.Join(maildir, sub, fmt.Sprintf("%02d.%s:2,S", i, filepath.Base(f))), raw, 0o644))
	}
	// A message in tmp is being delivered and must be skipped.
	require.NoError(t, os.WriteFile(filepath.Join(maildir, "tmp", "partial"), []byte("From: x\n"), 0o644))
	mboxPath := filepath.Join(dir, "inbox")
	require.NoError(t, os.WriteFile(mboxPath, mbox.Bytes(), 0o644))

	for _, args := range [][]string{{mboxPath}, {maildir}, {dir}} {
		out, errOut, code := runCmd(t, append([]string{"-json", "-roots", trustPEM}, args...)...)
		assert.Empty(t, errOut)
		assert.Equal(t, 0, code, out)
		// In dir the mbox has no .mbox name, so only the maildir is found.
		assert.Equal(t, len(files), strings.Count(out, "\n"))
	}
	out, _, _ := runCmd(t, "-roots", trustPEM, mboxPath)
	assert.Contains(t, out, mboxPath+"#1 ")
	assert.Contains(t, out, mboxPath+"#19 ")
}

// quoteFrom applies mboxrd quoting: one more '>' before any line matching ^>*From .
func quoteFrom(raw []byte) []byte {
	lines := bytes.SplitAfter(raw, []byte("\n"))
	var out bytes.Buffer
	for _, l := range lines {
		if bytes.HasPrefix(bytes.TrimLeft(l, ">"), []byte("From ")) {
			out.WriteByte('>')
		}
		out.Write(l)
	}
	return out.Bytes()
}

func TestSplitMbox(t *testing.T) {
	data := "From a Fri Mar 14 10:00:00 2025\nSubject: one\n\n>From the start\n>>From quoted\nbody\n\n" +
		"From b Fri Mar 14 10:00:01 2025\r\nSubject: two\r\n\r\nbody\r\n\r\n"
	msgs := splitMbox([]byte(data))
	require.Len(t, msgs, 2)
	assert.Equal(t, "Subject: one\n\nFrom the start\n>From quoted\nbody\n", string(msgs[0]))
	assert.Equal(t, "Subject: two\r\n\r\nbody\r\n", string(msgs[1]))
}
