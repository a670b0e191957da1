package pec_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/mailbox"
)

// readAllWays reads raw through every way of reading the module offers: pec.Read,
// ReadReaderAt (attachments left in the source), ReadFile, envelope.Verify,
// VerifyReaderAt, VerifyReader and VerifyFile, and mailbox items of an mboxrd, an
// mboxo, a maildir and a zip holding raw; it checks that they all agree and
// returns Read's message.
func readAllWays(t *testing.T, raw []byte, opts *pec.Options) *pec.Message {
	t.Helper()
	want := readEveryWay(t, raw, opts)
	var vo *envelope.VerifyOptions
	if opts != nil {
		vo = opts.Verify
	}
	for _, lazyAbove := range []int64{0, 1} {
		o := *opts
		o.LazyAbove = lazyAbove
		got, err := pec.ReadReaderAt(bytes.NewReader(raw), int64(len(raw)), &o)
		require.NoError(t, err)
		assertSameAttached(t, want, got)
	}
	rep := envelope.Verify(raw, vo)
	assert.Equal(t, want.Verification.Status, rep.Status, "envelope.Verify status")
	assert.Equal(t, want.Verification.Code, rep.Code, "envelope.Verify code")
	name := filepath.Join(t.TempDir(), "m.eml")
	require.NoError(t, os.WriteFile(name, raw, 0o600))
	others := map[string]func() (*envelope.Report, error){
		"VerifyReaderAt": func() (*envelope.Report, error) {
			return envelope.VerifyReaderAt(bytes.NewReader(raw), int64(len(raw)), vo)
		},
		"VerifyReader": func() (*envelope.Report, error) { return envelope.VerifyReader(bytes.NewReader(raw), vo) },
		"VerifyFile":   func() (*envelope.Report, error) { return envelope.VerifyFile(name, vo) },
	}
	for way, f := range others {
		got, err := f()
		require.NoError(t, err, way)
		assert.Equal(t, rep.Status, got.Status, way)
		assert.Equal(t, rep.Code, got.Code, way)
		assert.Equal(t, reportCodes(rep), reportCodes(got), way)
	}
	for way, src := range mailboxSources(t, raw) {
		n := 0
		for it, err := range mailbox.Open(src, nil) {
			require.NoError(t, err, way)
			n++
			got, _, err := it.Read(opts)
			require.NoError(t, err, way)
			got.Findings = dropMailboxCodes(got.Findings)
			t.Run(way, func(t *testing.T) { assertSameVerdict(t, want, got); assertSameAttached(t, want, got) })
		}
		assert.Equal(t, 1, n, way)
	}
	return want
}

func reportCodes(r *envelope.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func dropMailboxCodes(fs []pec.Finding) []pec.Finding {
	var out []pec.Finding
	for _, f := range fs {
		switch f.Code {
		case mailbox.CodeMboxAsStored, mailbox.CodeMboxHeaderUnquoted, mailbox.CodeMboxUnquoted, mailbox.CodeMboxUnquotedO:
			continue
		}
		out = append(out, f)
	}
	return out
}

var (
	mboxrdQuote = regexp.MustCompile(`(?m)^(>*From )`)
	mboxoQuote  = regexp.MustCompile(`(?m)^(From )`)
)

// mailboxSources writes raw as the single message of an mboxrd file, an mboxo
// file, a maildir and a zip, and returns their names by way of reading.
func mailboxSources(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{}
	sep := []byte("From MAILER-DAEMON Tue Jun  3 09:15:42 2025\n")
	for way, re := range map[string]*regexp.Regexp{"mboxrd": mboxrdQuote, "mboxo": mboxoQuote} {
		var b bytes.Buffer
		b.Write(sep)
		b.Write(re.ReplaceAll(raw, []byte(">$1")))
		if !bytes.HasSuffix(raw, []byte("\n")) {
			b.WriteString("\n")
		}
		b.WriteString("\n")
		name := filepath.Join(dir, way+".mbox")
		require.NoError(t, os.WriteFile(name, b.Bytes(), 0o600))
		out[way] = name
	}
	md := filepath.Join(dir, "maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		require.NoError(t, os.MkdirAll(filepath.Join(md, sub), 0o700))
	}
	require.NoError(t, os.WriteFile(filepath.Join(md, "cur", "1748934942.M1P1.host:2,S"), raw, 0o600))
	out["maildir"] = md
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, err := zw.Create("export/m.eml")
	require.NoError(t, err)
	_, err = w.Write(raw)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	zname := filepath.Join(dir, "export.zip")
	require.NoError(t, os.WriteFile(zname, z.Bytes(), 0o600))
	out["zip"] = zname
	return out
}

// assertSameAttached checks that the attached messages of want and got (the
// original and every message/rfc822 attachment) have the same verdicts.
func assertSameAttached(t *testing.T, want, got *pec.Message) {
	t.Helper()
	same := func(what string, a, b *pec.Message) {
		if !assert.Equal(t, a == nil, b == nil, what) || a == nil {
			return
		}
		assert.Equal(t, a.Kind, b.Kind, what)
		assert.Equal(t, a.Certified, b.Certified, what)
		assert.Equal(t, a.Verification.Status, b.Verification.Status, what)
		assert.Equal(t, a.Blockers, b.Blockers, what)
	}
	same("original", want.Original, got.Original)
	if len(want.Attachments) != len(got.Attachments) {
		return // assertSameVerdict reports it
	}
	for i := range want.Attachments {
		same("attachment "+want.Attachments[i].Name, want.Attachments[i].Message, got.Attachments[i].Message)
	}
}
