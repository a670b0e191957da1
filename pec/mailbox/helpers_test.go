package mailbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

// fixture is a world of signed messages shared by the tests (read-only).
type fixture struct {
	opts *pec.Options
	// posta is a genuine posta-certificata whose signed bytes have body lines
	// "From here on" and ">From there" at the start of a line.
	posta []byte
	// plain is a genuine receipt without any From line.
	plain []byte
	// disk are the bundled messages of testdata/messages, by name.
	disk map[string][]byte
}

var fixtureOnce = sync.OnceValues(func() (*fixture, error) {
	w := pectest.NewWorld(nil)
	alice := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	original := []byte("From: alice@pec.example.it\r\n" +
		"To: bob@pec.example.org\r\n" +
		"Subject: Quoting\r\n" +
		"Message-ID: <q1@client.example.it>\r\n" +
		"\r\n" +
		"Line one.\r\n" +
		"From here on, quoted.\r\n" +
		">From there too.\r\n")
	x, err := alice.Send(original, nil)
	if err != nil {
		return nil, err
	}
	trust := w.Trust()
	pemData, err := os.ReadFile(filepath.Join("..", "..", "testdata", "trust.pem"))
	if err != nil {
		return nil, err
	}
	if _, err := trust.AddPEM(pemData); err != nil {
		return nil, err
	}
	f := &fixture{
		opts:  &pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}},
		posta: x.Find(receipt.KindPostaCertificata, "bob@pec.example.org").Raw,
		plain: x.Messages[0].Raw,
		disk:  map[string][]byte{},
	}
	err = filepath.WalkDir(filepath.Join("..", "..", "testdata", "messages"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		f.disk[strings.TrimPrefix(p, filepath.Join("..", "..", "testdata", "messages")+string(filepath.Separator))] = b
		return err
	})
	return f, err
})

func getFixture(t testing.TB) *fixture {
	t.Helper()
	f, err := fixtureOnce()
	require.NoError(t, err)
	require.True(t, bytes.Contains(f.posta, []byte("\nFrom here on")), "the fixture needs a From line in the signed bytes")
	return f
}

// result is one enumerated item, read.
type result struct {
	loc   string
	err   error
	m     *pec.Message
	sum   [32]byte
	codes []string
}

// collect enumerates name and reads every item.
func collect(t testing.TB, name string, o *Options, po *pec.Options) []result {
	t.Helper()
	var out []result
	for it, err := range Open(name, o) {
		require.NotNil(t, it)
		r := result{loc: it.Locator, err: err}
		if err == nil {
			r.m, r.sum, r.err = it.Read(po)
			if r.m != nil {
				for _, f := range r.m.Findings {
					r.codes = append(r.codes, f.Code)
				}
			}
		}
		out = append(out, r)
	}
	return out
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
	require.NoError(t, os.WriteFile(name, data, 0o644))
	return name
}

// mboxo writes msgs as an mbox quoting only ^From ; mboxrd quotes ^>*From .
func mboxWrite(rd bool, msgs ...[]byte) []byte {
	var b bytes.Buffer
	for _, m := range msgs {
		b.WriteString("From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n")
		for _, line := range bytes.SplitAfter(m, []byte("\n")) {
			q := bytes.TrimLeft(line, ">")
			if bytes.HasPrefix(q, []byte("From ")) && (rd || len(q) == len(line)) {
				b.WriteByte('>')
			}
			b.Write(line)
		}
		if !bytes.HasSuffix(m, []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}
