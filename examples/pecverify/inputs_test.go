package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/pec/mailbox"
	"github.com/sigillo/sigillo/pec/pectest"
)

// jsonRecords runs the command with -json and decodes its records.
func jsonRecords(t *testing.T, stdin []byte, args ...string) ([]map[string]any, string, int) {
	t.Helper()
	var in *bytes.Reader
	if stdin != nil {
		in = bytes.NewReader(stdin)
	} else {
		in = bytes.NewReader(nil)
	}
	out, errOut, code := runCmdIn(t, in, append([]string{"-json"}, args...)...)
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &obj), line)
		recs = append(recs, obj)
	}
	return recs, errOut, code
}

func findingCodes(rec map[string]any) []string {
	var codes []string
	for _, f := range rec["findings"].([]any) {
		codes = append(codes, f.(map[string]any)["code"].(string))
	}
	return codes
}

// fromLinesExchange plays an exchange whose original has body lines starting with
// "From " (and one with ">From "), so that writing its messages to an mbox quotes
// lines inside the signed bytes. It returns the messages and a trust.pem.
func fromLinesExchange(t *testing.T) ([][]byte, string) {
	t.Helper()
	w := pectest.NewWorld(nil)
	alice := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	original := []byte("From: alice@pec.example.it\r\n" +
		"To: bob@pec.example.org, carol@pec.example.org\r\n" +
		"Subject: Verbale\r\n" +
		"Message-ID: <verbale-1@client.example.it>\r\n" +
		"\r\n" +
		"Buongiorno,\r\n" +
		"From the minutes of the meeting:\r\n" +
		"From now on the contract applies.\r\n" +
		">From a quoted reply.\r\n")
	x, err := alice.Send(original, nil)
	require.NoError(t, err)
	var msgs [][]byte
	quoted := 0
	for _, m := range x.Messages {
		msgs = append(msgs, m.Raw)
		if bytes.Contains(m.Raw, []byte("\nFrom the minutes")) {
			quoted++
		}
	}
	require.NotZero(t, quoted, "no message carries a From line in its body")
	trust := filepath.Join(t.TempDir(), "trust.pem")
	require.NoError(t, os.WriteFile(trust, w.TrustPEM(), 0o644))
	return msgs, trust
}

// mboxo writes msgs as an mbox with mboxo quoting: only lines matching ^From  get a
// '>'.
func mboxo(msgs [][]byte) []byte {
	var b bytes.Buffer
	for _, m := range msgs {
		b.WriteString("From MAILER-DAEMON Fri Mar 14 10:00:00 2025\n")
		for _, l := range bytes.SplitAfter(m, []byte("\n")) {
			if bytes.HasPrefix(l, []byte("From ")) {
				b.WriteByte('>')
			}
			b.Write(l)
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// mboxrd writes msgs as an mbox with mboxrd quoting: one more '>' before any line
// matching ^>*From .
func mboxrd(msgs [][]byte) []byte {
	var b bytes.Buffer
	for _, m := range msgs {
		b.WriteString("From MAILER-DAEMON Fri Mar 14 10:00:00 2025\n")
		for _, l := range bytes.SplitAfter(m, []byte("\n")) {
			if bytes.HasPrefix(bytes.TrimLeft(l, ">"), []byte("From ")) {
				b.WriteByte('>')
			}
			b.Write(l)
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

func bundledBytes(t *testing.T) ([]string, [][]byte) {
	t.Helper()
	files := bundled(t)
	var raws [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		raws = append(raws, raw)
	}
	return files, raws
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
	require.NoError(t, os.WriteFile(name, data, 0o644))
}

// TestInputKinds reads the same messages laid out as every kind of input the
// command accepts and checks one certified record per message, in order.
func TestInputKinds(t *testing.T) {
	t.Parallel()
	files, raws := bundledBytes(t)
	n := len(files)
	dir := t.TempDir()

	// A maildir with cur/, new/ and tmp/; one without new/; a Maildir/cur alone.
	full := filepath.Join(dir, "full", "Maildir")
	noNew := filepath.Join(dir, "nonew", "Maildir")
	for i, raw := range raws {
		sub := "cur"
		if i%2 == 0 {
			sub = "new"
		}
		name := fmt.Sprintf("%02d.M1P1.host:2,S", i)
		writeFile(t, filepath.Join(full, sub, name), raw)
		writeFile(t, filepath.Join(noNew, "cur", name), raw)
	}
	writeFile(t, filepath.Join(full, "tmp", "partial"), []byte("From: x\n")) // being delivered: skipped

	// An mbox without extension beside its Thunderbird index, in a profile folder.
	profile := filepath.Join(dir, "profile", "Mail", "Local Folders")
	writeFile(t, filepath.Join(profile, "Inbox"), mboxrd(raws))
	writeFile(t, filepath.Join(profile, "Inbox.msf"), []byte("// <!-- <mdb:mork:z v=\"1.4\"/> -->\n"))

	// A webmail "Formato maildir (.zip)" export.
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for i, raw := range raws {
		f, err := zw.Create(fmt.Sprintf("INBOX/cur/%02d.eml", i))
		require.NoError(t, err)
		_, err = f.Write(raw)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	zipPath := filepath.Join(dir, "export.zip")
	writeFile(t, zipPath, zbuf.Bytes())

	tests := []struct {
		name    string
		args    []string
		stdin   []byte
		records int
		prefix  string // of every path
	}{
		{"eml", []string{files[0]}, nil, 1, files[0]},
		{"directory", []string{messagesDir}, nil, n, messagesDir},
		{"maildir", []string{full}, nil, n, full},
		{"maildir without new", []string{noNew}, nil, n, noNew},
		{"Maildir/cur alone", []string{filepath.Join(noNew, "cur")}, nil, n, filepath.Join(noNew, "cur")},
		{"mbox without extension", []string{filepath.Join(profile, "Inbox")}, nil, n, filepath.Join(profile, "Inbox") + "#"},
		{"profile folder", []string{filepath.Join(dir, "profile")}, nil, n, filepath.Join(profile, "Inbox") + "#"},
		{"zip export", []string{zipPath}, nil, n, zipPath + "!INBOX/cur/"},
		{"stdin message", []string{"-"}, raws[3], 1, "-"},
		{"stdin mbox", []string{"-"}, mboxrd(raws), n, "-#"},
		{"BOM", []string{"-"}, append([]byte("\xef\xbb\xbf"), raws[5]...), 1, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			recs, errOut, code := jsonRecords(t, tt.stdin, append([]string{"-roots", trustPEM}, tt.args...)...)
			assert.Empty(t, errOut)
			assert.Equal(t, 0, code)
			require.Len(t, recs, tt.records)
			for i, r := range recs {
				assert.True(t, strings.HasPrefix(r["path"].(string), tt.prefix), "%s lacks %s", r["path"], tt.prefix)
				assert.Equal(t, true, r["certified"], "%s: %v", r["path"], r["signature"])
				assert.NotContains(t, r, "error")
				if tt.records == n && tt.name != "maildir" {
					// Same order as the files, whatever the layout.
					assert.Equal(t, sha256Hex(raws[i]), r["sha256"], "record %d", i)
				}
			}
			if tt.name == "BOM" {
				assert.Contains(t, findingCodes(recs[0]), mailbox.CodeBOMStripped)
			}
			if strings.HasSuffix(tt.prefix, "#") {
				assert.True(t, strings.HasSuffix(recs[0]["path"].(string), "#1"))
			}
		})
	}
}

// TestMboxoStaysCertified: genuine messages with "From " lines in their signed body,
// in an mbox written with mboxo quoting (only ^From  quoted), stay certified, and so
// do they with mboxrd quoting.
func TestMboxoStaysCertified(t *testing.T) {
	t.Parallel()
	msgs, trust := fromLinesExchange(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		data []byte
	}{{"mboxo", mboxo(msgs)}, {"mboxrd", mboxrd(msgs)}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, tt.name)
			writeFile(t, path, tt.data)
			recs, errOut, code := jsonRecords(t, nil, "-roots", trust, path)
			assert.Empty(t, errOut)
			assert.Equal(t, 0, code)
			require.Len(t, recs, len(msgs))
			unquoted := 0
			for i, r := range recs {
				assert.Equal(t, true, r["certified"], "%s: %v", r["path"], r["signature"])
				codes := findingCodes(r)
				if bytes.Contains(msgs[i], []byte("\nFrom the minutes")) {
					unquoted++
					assert.Subset(t, []string{mailbox.CodeMboxUnquoted, mailbox.CodeMboxUnquotedO}, intersect(codes, mailbox.CodeMboxUnquoted, mailbox.CodeMboxUnquotedO))
					assert.NotEmpty(t, intersect(codes, mailbox.CodeMboxUnquoted, mailbox.CodeMboxUnquotedO), "%s: %v", r["path"], codes)
				}
			}
			assert.NotZero(t, unquoted)
		})
	}
}

func intersect(codes []string, want ...string) []string {
	var out []string
	for _, c := range codes {
		for _, w := range want {
			if c == w {
				out = append(out, c)
			}
		}
	}
	return out
}

// TestUnreadable: a file that is not a message, an entry of a maildir that is not
// one, and a path that does not exist each get an error record, in order, among the
// good ones; the run goes on and exits 1.
func TestUnreadable(t *testing.T) {
	t.Parallel()
	files, raws := bundledBytes(t)
	dir := t.TempDir()
	md := filepath.Join(dir, "Maildir")
	writeFile(t, filepath.Join(md, "cur", "1"), raws[0])
	writeFile(t, filepath.Join(md, "cur", "2"), []byte("\x00\x01binary\x1b[2Jjunk"))
	writeFile(t, filepath.Join(md, "cur", "3"), raws[1])
	garbage := filepath.Join(dir, "garbage.eml")
	writeFile(t, garbage, []byte("%PDF-1.7\n\x00\xff"))

	recs, _, code := jsonRecords(t, nil, "-roots", trustPEM, md, garbage, filepath.Join(dir, "missing"), files[2])
	assert.Equal(t, 1, code)
	require.Len(t, recs, 6)
	wantErr := []bool{false, true, false, true, true, false}
	for i, r := range recs {
		_, hasErr := r["error"]
		assert.Equal(t, wantErr[i], hasErr, "%d %s", i, r["path"])
		if hasErr {
			assert.Equal(t, false, r["certified"])
			assert.NotContains(t, r["error"], "\x1b")
		}
	}
	assert.Equal(t, filepath.Join(md, "cur", "2"), recs[1]["path"])

	// In human mode the errors are lines of the table, escaped.
	out, errOut, code := runCmd(t, "-roots", trustPEM, md, garbage)
	assert.Equal(t, 1, code)
	assert.Equal(t, 4, strings.Count(out, "\n"))
	assert.Contains(t, out, "unreadable")
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\x00")
	assert.Contains(t, errOut, "unreadable 2 (2 not certified)")
}

// TestIMAPPasswordNeverPrinted: the password comes from the environment only, and
// neither it nor a password written in the URL reaches the output.
func TestIMAPPasswordNeverPrinted(t *testing.T) {
	t.Setenv(imapPasswordEnv, "s3cr3t-Env-pw")
	for _, url := range []string{
		"imap://bob@127.0.0.1:1/INBOX",             // nothing listens on port 1
		"imap://bob:s3cr3t-Url-pw@127.0.0.1/INBOX", // a password in the URL is refused
		"imap://bob@pec.example.org/INBOX",         // no TLS to a remote host is refused
	} {
		for _, mode := range [][]string{{"-json"}, {"-v"}} {
			out, errOut, code := runCmd(t, append(mode, url)...)
			assert.Equal(t, 1, code, url)
			assert.Equal(t, 1, strings.Count(out, "\n"), "one record for %s: %s", url, out)
			assert.NotContains(t, out+errOut, "s3cr3t", url)
		}
	}
}
