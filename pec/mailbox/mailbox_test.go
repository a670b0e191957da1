package mailbox

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// want is what one item should give.
type want struct {
	loc       string // relative to the temp dir
	err       error  // errors.Is target, nil for a message
	certified bool
	code      string // a finding code that must be present, "" for none of ours
}

func check(t *testing.T, dir string, got []result, wants []want) {
	t.Helper()
	require.Len(t, got, len(wants), "items: %v", got)
	for i, w := range wants {
		g := got[i]
		assert.Equal(t, strings.ReplaceAll(w.loc, "$", dir), g.loc, "item %d", i)
		if w.err != nil {
			assert.ErrorIs(t, g.err, w.err, "item %d %s", i, g.loc)
			continue
		}
		if !assert.NoError(t, g.err, "item %d %s", i, g.loc) {
			continue
		}
		assert.Equal(t, w.certified, g.m.Certified, "item %d %s: %v", i, g.loc, g.codes)
		ours := []string{}
		for _, c := range g.codes {
			switch c {
			case CodeBOMStripped, CodeMboxAsStored, CodeMboxUnquoted, CodeMboxUnquotedO:
				ours = append(ours, c)
			}
		}
		if w.code == "" {
			assert.Empty(t, ours, "item %d %s", i, g.loc)
		} else {
			assert.Equal(t, []string{w.code}, ours, "item %d %s", i, g.loc)
		}
	}
}

func TestOpenSources(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	bomPosta := append(append([]byte{}, bom...), f.posta...)
	cases := []struct {
		name  string
		build func(d string) string // returns the name given to Open
		wants []want
	}{
		{"eml file", func(d string) string {
			return writeFile(t, filepath.Join(d, "a.eml"), f.posta)
		}, []want{{loc: "$/a.eml", certified: true}}},
		{"BOM before a message", func(d string) string {
			return writeFile(t, filepath.Join(d, "a.eml"), bomPosta)
		}, []want{{loc: "$/a.eml", certified: true, code: CodeBOMStripped}}},
		{"mboxo without extension", func(d string) string {
			return writeFile(t, filepath.Join(d, "Inbox"), mboxWrite(false, f.plain, f.posta))
		}, []want{{loc: "$/Inbox#1", certified: true}, {loc: "$/Inbox#2", certified: true, code: CodeMboxUnquotedO}}},
		{"mboxrd", func(d string) string {
			return writeFile(t, filepath.Join(d, "x.mbox"), mboxWrite(true, f.posta, f.plain))
		}, []want{{loc: "$/x.mbox#1", certified: true, code: CodeMboxUnquoted}, {loc: "$/x.mbox#2", certified: true}}},
		{"mbox with CRLF and a BOM", func(d string) string {
			b := append(append([]byte{}, bom...), bytes.ReplaceAll(mboxWrite(false, f.plain, f.plain), []byte("\n"), []byte("\r\n"))...)
			b = bytes.ReplaceAll(b, []byte("\r\r\n"), []byte("\r\n"))
			return writeFile(t, filepath.Join(d, "crlf"), b)
		}, []want{{loc: "$/crlf#1", certified: true}, {loc: "$/crlf#2", certified: true}}},
		{"a genuine >From line kept as stored", func(d string) string {
			m := bytes.Replace(f.plain, []byte("\r\n\r\n"), []byte("\r\n\r\n>From nobody\r\n"), 1)
			return writeFile(t, filepath.Join(d, "g"), mboxWrite(false, m))
		}, []want{{loc: "$/g#1", certified: true, code: CodeMboxAsStored}}},
		{"Thunderbird profile", func(d string) string {
			writeFile(t, filepath.Join(d, "Mail", "Local Folders", "Inbox"), mboxWrite(false, f.plain))
			writeFile(t, filepath.Join(d, "Mail", "Local Folders", "Inbox.msf"), []byte("// <!-- <mdb:mork:z v=\"1.4\"/> -->\n"))
			writeFile(t, filepath.Join(d, "Mail", "Local Folders", "Trash"), nil)
			writeFile(t, filepath.Join(d, "prefs.js"), []byte("user_pref(\"a\", 1);\n"))
			return d
		}, []want{{loc: "$/Mail/Local Folders/Inbox#1", certified: true}}},
		{"maildir and Maildir++, cur or new missing, tmp skipped", func(d string) string {
			md := filepath.Join(d, "Maildir")
			writeFile(t, filepath.Join(md, "cur", "1:2,S"), f.plain)
			writeFile(t, filepath.Join(md, "tmp", "2"), f.plain)
			writeFile(t, filepath.Join(md, "dovecot-uidlist"), []byte("3 V1 N2\n"))
			writeFile(t, filepath.Join(md, ".Sent", "new", "3"), f.posta)
			writeFile(t, filepath.Join(md, ".Sent", "new", "4"), []byte("\x00\x01garbage"))
			writeFile(t, filepath.Join(md, ".Sent", "maildirfolder"), nil)
			return md
		}, []want{
			{loc: "$/Maildir/.Sent/new/3", certified: true},
			{loc: "$/Maildir/.Sent/new/4", err: ErrNotMessage},
			{loc: "$/Maildir/cur/1:2,S", certified: true},
		}},
		{"Maildir/cur alone", func(d string) string {
			writeFile(t, filepath.Join(d, "Maildir", "cur", "b"), f.plain)
			writeFile(t, filepath.Join(d, "Maildir", "cur", "a"), f.posta)
			return filepath.Join(d, "Maildir", "cur")
		}, []want{{loc: "$/Maildir/cur/a", certified: true}, {loc: "$/Maildir/cur/b", certified: true}}},
		{"webmail zip export", func(d string) string {
			return writeZip(t, filepath.Join(d, "export.zip"), []testEntry{
				{"INBOX/", nil, zip.Store},
				{"INBOX/cur/1", f.plain, zip.Deflate},
				{"INBOX/new/2", bomPosta, zip.Store},
				{"INBOX/tmp/3", f.plain, zip.Deflate},
				{"INBOX/cur/4", []byte("%PDF-1.4\n"), zip.Deflate},
				{"README.txt", []byte("Esportazione\n"), zip.Deflate},
				{"inner.zip", []byte("PK\x03\x04rest"), zip.Store},
				{"INBOX/cur/5", []byte("PK\x03\x04rest"), zip.Store},
				{"a.mbox", mboxWrite(false, f.plain), zip.Deflate},
			})
		}, []want{
			{loc: "$/export.zip!INBOX/cur/1", certified: true},
			{loc: "$/export.zip!INBOX/new/2", certified: true, code: CodeBOMStripped},
			{loc: "$/export.zip!INBOX/cur/4", err: ErrNotMessage},
			{loc: "$/export.zip!INBOX/cur/5", err: ErrUnsupported},
			{loc: "$/export.zip!a.mbox", err: ErrUnsupported},
		}},
		{"a directory of everything, with bad files", func(d string) string {
			writeFile(t, filepath.Join(d, "a.eml"), f.plain)
			writeFile(t, filepath.Join(d, "b.eml"), []byte("PK\x03\x04\x14\x00garbage"))
			writeFile(t, filepath.Join(d, "c.eml"), []byte("\x1b[2Jnot a message\n"))
			writeFile(t, filepath.Join(d, "d.eml"), nil)
			writeFile(t, filepath.Join(d, ".hidden.eml"), f.plain)
			writeFile(t, filepath.Join(d, "notes.txt"), []byte("hello\n"))
			writeFile(t, filepath.Join(d, "run.log"), []byte("10:30 started\n11:00 done\n"))
			writeZip(t, filepath.Join(d, "letter.docx"), []testEntry{
				{"[Content_Types].xml", []byte("<?xml version=\"1.0\"?>"), zip.Deflate},
				{"word/document.xml", bytes.Repeat([]byte("<w:p/>"), 10000), zip.Deflate},
			})
			return d
		}, []want{
			{loc: "$/a.eml", certified: true},
			{loc: "$/b.eml", err: zip.ErrFormat},
			{loc: "$/c.eml", err: ErrNotMessage},
			{loc: "$/d.eml", err: ErrNotMessage},
		}},
		{"a missing file", func(d string) string {
			return filepath.Join(d, "nope.eml")
		}, []want{{loc: "$/nope.eml", err: os.ErrNotExist}}},
		{"a named file that is not a message", func(d string) string {
			return writeFile(t, filepath.Join(d, "notes.txt"), []byte("hello\n"))
		}, []want{{loc: "$/notes.txt", err: ErrNotMessage}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := t.TempDir()
			name := tc.build(d)
			check(t, d, collect(t, name, nil, f.opts), tc.wants)
		})
	}
}

func TestStdin(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	cases := []struct {
		name  string
		in    []byte
		wants []want
	}{
		{"one message", f.posta, []want{{loc: "-", certified: true}}},
		{"BOM", append(append([]byte{}, bom...), f.plain...), []want{{loc: "-", certified: true, code: CodeBOMStripped}}},
		{"mboxo", mboxWrite(false, f.posta, f.plain), []want{{loc: "-#1", certified: true, code: CodeMboxUnquotedO}, {loc: "-#2", certified: true}}},
		{"zip", []byte("PK\x03\x04\x14\x00"), []want{{loc: "-", err: ErrNotMessage}}},
		{"empty", nil, []want{{loc: "-", err: ErrNotMessage}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			check(t, "", collect(t, "-", &Options{Stdin: bytes.NewReader(tc.in)}, f.opts), tc.wants)
		})
	}
}

func TestOpenSumAndBytesAsStored(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	d := t.TempDir()
	name := writeFile(t, filepath.Join(d, "m"), mboxWrite(false, f.posta))
	for it, err := range Open(name, nil) {
		require.NoError(t, err)
		rc, err := it.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		assert.Equal(t, int64(len(b)), it.Size())
		assert.Contains(t, string(b), "\r\n>From here on")
		_, sum, err := it.Read(f.opts)
		require.NoError(t, err)
		assert.Equal(t, sha256.Sum256(b), sum)
	}
	// A file item's sum is the file's.
	name = writeFile(t, filepath.Join(d, "x.eml"), append(append([]byte{}, bom...), f.plain...))
	for it, err := range Open(name, nil) {
		require.NoError(t, err)
		_, sum, err := it.Read(f.opts)
		require.NoError(t, err)
		data, _ := os.ReadFile(name)
		assert.Equal(t, sha256.Sum256(data), sum)
	}
}

func TestErrorTextsQuoteAndTruncate(t *testing.T) {
	t.Parallel()
	d := t.TempDir()
	name := writeFile(t, filepath.Join(d, "x.eml"), []byte("\x1b]0;evil\x07"+strings.Repeat("A", 100)))
	for _, err := range Open(name, nil) {
		var fe *FormatError
		require.ErrorAs(t, err, &fe)
		assert.NotContains(t, err.Error(), "\x1b")
		assert.Less(t, len(fe.Head), 60)
	}
	name = writeFile(t, filepath.Join(d, "y.eml"), []byte("PK\x05\x06"+strings.Repeat("\x00", 18)))
	for _, err := range Open(name, nil) {
		// An empty zip is a zip export without messages: no item at all, no error.
		t.Fatalf("unexpected item %v", err)
	}
	var fe *FormatError
	require.ErrorAs(t, notMessage([]byte("PK\x03\x04")), &fe)
	assert.Equal(t, "a zip archive: give it as a mailbox export", fe.What)
}

func TestStopEarly(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	d := t.TempDir()
	writeFile(t, filepath.Join(d, "a"), mboxWrite(false, f.plain, f.plain, f.plain))
	writeFile(t, filepath.Join(d, "b.eml"), f.plain)
	n := 0
	for range Open(d, nil) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
}

type testEntry struct {
	name   string
	data   []byte
	method uint16
}

func writeZip(t testing.TB, name string, entries []testEntry) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		require.NoError(t, err)
		_, err = w.Write(e.data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return writeFile(t, name, b.Bytes())
}

var errorsAs = errors.As
