package mailbox

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/sigillo/sigillo/internal/testutil/dovecot"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// imapCorpus is the messages loaded through APPEND: the bundled signed messages, two
// pectest-made ones (one with From lines in its signed bytes) and one that is not a
// message.
func imapCorpus(t *testing.T) [][]byte {
	f := getFixture(t)
	var names []string
	for n := range f.disk {
		names = append(names, n)
	}
	slices.Sort(names)
	var msgs [][]byte
	for _, n := range names {
		msgs = append(msgs, f.disk[n])
	}
	return append(msgs, f.posta, f.plain, []byte("this is not a message\r\n"))
}

func imapFlags(i int) []imap.Flag {
	switch i % 3 {
	case 0:
		return []imap.Flag{imap.FlagSeen}
	case 1:
		return []imap.Flag{imap.FlagFlagged}
	}
	return nil
}

// sameVerdicts compares what IMAP gave with what the same bytes on disk give.
func sameVerdicts(t *testing.T, fromIMAP, fromDisk []result) {
	t.Helper()
	require.Len(t, fromIMAP, len(fromDisk))
	for i := range fromDisk {
		g, w := fromIMAP[i], fromDisk[i]
		if w.err != nil {
			assert.ErrorIs(t, g.err, ErrNotMessage, "%s", g.loc)
			assert.ErrorIs(t, w.err, ErrNotMessage, "%s", w.loc)
			continue
		}
		require.NoError(t, g.err, "%s", g.loc)
		assert.Equal(t, w.sum, g.sum, "%s: bytes differ from %s", g.loc, w.loc)
		assert.Equal(t, w.m.Kind, g.m.Kind, "%s", g.loc)
		assert.Equal(t, w.m.Certified, g.m.Certified, "%s", g.loc)
		assert.Equal(t, w.m.Verification.Status, g.m.Verification.Status, "%s", g.loc)
		assert.Equal(t, w.codes, g.codes, "%s", g.loc)
	}
}

func TestIMAPDovecot(t *testing.T) {
	t.Parallel()
	start := time.Now()
	f := getFixture(t)
	srv := dovecot.Start(t, false)
	msgs := imapCorpus(t)
	c := srv.Client(t)
	dovecot.Append(t, c, "INBOX", msgs, imapFlags)
	dovecot.Append(t, c, "Posta Inviata", msgs[:2], func(int) []imap.Flag { return nil })
	before := dovecot.Flags(t, c, "INBOX")
	beforeSent := dovecot.Flags(t, c, "Posta Inviata")

	d := t.TempDir()
	for i, m := range msgs {
		writeFile(t, filepath.Join(d, fmt.Sprintf("%03d.eml", i)), m)
	}
	fromDisk := collect(t, d, nil, f.opts)
	require.Len(t, fromDisk, len(msgs))
	certified := 0
	for _, r := range fromDisk {
		if r.m != nil && r.m.Certified {
			certified++
		}
	}
	require.Greater(t, certified, 10, "the corpus must hold certified messages")

	calls := 0
	opts := &Options{IMAP: IMAPOptions{BatchSize: 4, Password: func(user, host string) (string, error) {
		calls++
		assert.Equal(t, srv.User, user)
		assert.Equal(t, "127.0.0.1", host)
		return srv.Pass, nil
	}}}
	base := "imap://" + srv.User + "@" + srv.Addr
	fromIMAP := collect(t, base+"/INBOX", opts, f.opts)
	assert.Equal(t, 1, calls)
	sameVerdicts(t, fromIMAP, fromDisk)
	for i, r := range fromIMAP {
		assert.Equal(t, fmt.Sprintf("%s/INBOX;UID=%d", base, i+1), r.loc)
	}

	sent := collect(t, base+"/Posta%20Inviata", opts, f.opts)
	sameVerdicts(t, sent, fromDisk[:2])
	assert.Equal(t, base+"/Posta%20Inviata;UID=1", sent[0].loc)

	// Item.Open gives the bytes, also after the enumeration ended.
	var items []*Item
	for it, err := range Open(base+"/INBOX", opts) {
		require.NoError(t, err)
		items = append(items, it)
		if len(items) == 3 {
			break
		}
	}
	for i, it := range items {
		rc, err := it.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(msgs[i], b), "item %d", i)
	}

	t.Run("a locator opens its message", func(t *testing.T) {
		got := collect(t, fromIMAP[2].loc, opts, f.opts)
		require.Len(t, got, 1)
		require.NoError(t, got[0].err)
		assert.Equal(t, fromIMAP[2].loc, got[0].loc)
		assert.Equal(t, fromIMAP[2].sum, got[0].sum)
		for _, bad := range []string{base + "/INBOX;UID=9999", base + "/INBOX;UIDVALIDITY=1/;UID=3"} {
			got := collect(t, bad, opts, f.opts)
			require.Len(t, got, 1)
			assert.Error(t, got[0].err, bad)
		}
	})

	t.Run("limits", func(t *testing.T) {
		n := len(msgs)
		largest := 0
		for _, m := range msgs {
			largest = max(largest, len(m))
		}
		cases := []struct {
			name   string
			limits Limits
			errs   int    // error items
			limit  string // the LimitError.Limit of the last error
			items  int
		}{
			{"MaxIMAPMessages at the limit", Limits{MaxIMAPMessages: n}, 1, "", n},
			{"MaxIMAPMessages one past", Limits{MaxIMAPMessages: n - 1}, 1, "MaxIMAPMessages", n}, // the last, not read, is the non-message
			{"MaxIMAPMessageBytes at the limit", Limits{MaxIMAPMessageBytes: int64(largest)}, 1, "", n},
			{"MaxIMAPMessageBytes one past", Limits{MaxIMAPMessageBytes: int64(largest - 1)}, 1 + 1, "MaxIMAPMessageBytes", n},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				o := *opts
				o.Limits = tc.limits
				got := collect(t, base+"/INBOX", &o, f.opts)
				assert.Len(t, got, tc.items)
				var errs []error
				for _, r := range got {
					if r.err != nil {
						errs = append(errs, r.err)
					}
				}
				// One error is the item that is not a message (the last one).
				require.Len(t, errs, tc.errs)
				if tc.limit != "" {
					found := 0
					for _, e := range errs {
						var le *LimitError
						if errorsAs(e, &le) {
							assert.ErrorIs(t, e, ErrTooLarge)
							assert.Equal(t, tc.limit, le.Limit)
							found++
						}
					}
					assert.Equal(t, 1, found, "errors: %v", errs)
				}
			})
		}
	})

	t.Run("bad input", func(t *testing.T) {
		bad := func(pass string) *Options {
			return &Options{IMAP: IMAPOptions{Password: func(string, string) (string, error) { return pass, nil }}}
		}
		cases := []struct {
			name string
			url  string
			opts *Options
			is   error
		}{
			{"no such mailbox", base + "/Nope", opts, nil},
			{"no password callback", base + "/INBOX", &Options{}, nil},
			{"imap to a remote host", "imap://tester@192.0.2.1/INBOX", opts, ErrNotLoopback},
			{"imap to a name", "imap://tester@mail.example.it/INBOX", opts, ErrNotLoopback},
			{"password in the URL", "imap://tester:" + srv.Pass + "@" + srv.Addr + "/INBOX", opts, ErrBadURL},
			{"no user", "imap://" + srv.Addr + "/INBOX", opts, ErrBadURL},
			{"wrong password", base + "/INBOX", bad("wrong-" + srv.Pass), nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got := collect(t, tc.url, tc.opts, f.opts)
				require.Len(t, got, 1)
				require.Error(t, got[0].err)
				if tc.is != nil {
					assert.ErrorIs(t, got[0].err, tc.is)
				}
				assert.NotContains(t, got[0].err.Error(), srv.Pass)
				assert.NotContains(t, got[0].loc, srv.Pass)
			})
		}
	})

	// No flag changed: every message has the flags it was appended with.
	assert.Equal(t, before, dovecot.Flags(t, c, "INBOX"))
	assert.Equal(t, beforeSent, dovecot.Flags(t, c, "Posta Inviata"))
	for uid, fl := range before {
		assert.Equal(t, strings.Join(flagStrings(imapFlags(int(uid)-1)), " "), fl, "UID %d", uid)
	}
	t.Logf("Dovecot test: %d messages, %v", len(msgs), time.Since(start))
}

func flagStrings(fs []imap.Flag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f))
	}
	return out
}

func TestIMAPSDovecot(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	srv := dovecot.Start(t, true)
	c := srv.Client(t)
	msgs := [][]byte{f.posta, f.plain}
	dovecot.Append(t, c, "INBOX", msgs, func(int) []imap.Flag { return nil })
	pass := func(string, string) (string, error) { return srv.Pass, nil }
	url := "imaps://" + srv.User + "@" + srv.Addr + "/INBOX"

	got := collect(t, url, &Options{IMAP: IMAPOptions{Password: pass, CAFile: srv.CAFile}}, f.opts)
	require.Len(t, got, 2)
	for _, r := range got {
		require.NoError(t, r.err)
		assert.True(t, r.m.Certified, "%s", r.loc)
	}
	assert.Equal(t, url+";UID=1", got[0].loc)

	// Without the CA file the certificate is not trusted.
	got = collect(t, url, &Options{IMAP: IMAPOptions{Password: pass}}, f.opts)
	require.Len(t, got, 1)
	var unknown x509.UnknownAuthorityError
	assert.ErrorAs(t, got[0].err, &unknown)

	// imap:// (no TLS) to the same server is refused by the server (ssl = required).
	assert.Equal(t, map[imap.UID]string{1: "", 2: ""}, dovecot.Flags(t, c, "INBOX"))
}

func TestParseIMAPURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		loc     string // the locator of the mailbox; "" when an error is expected
		mailbox string
		uid     imap.UID
		is      error
	}{
		{"imap://u@127.0.0.1/INBOX", "imap://u@127.0.0.1/INBOX", "INBOX", 0, nil},
		{"imap://u@localhost:1143", "imap://u@localhost:1143/INBOX", "INBOX", 0, nil},
		{"imap://u@[::1]:1143/Posta%20inviata", "imap://u@[::1]:1143/Posta%20inviata", "Posta inviata", 0, nil},
		{"imaps://u%40example.it@imaps.pec.example.it/INBOX;UID=7", "imaps://u%40example.it@imaps.pec.example.it/INBOX", "INBOX", 7, nil},
		{"imaps://u@h/A%3BB/;UID=2", "imaps://u@h/A%3BB", "A;B", 2, nil},
		{"IMAPS://u@h/INBOX;UIDVALIDITY=5/;UID=2", "imaps://u@h/INBOX", "INBOX", 2, nil},
		{"imap://u@10.0.0.1/INBOX", "", "", 0, ErrNotLoopback},
		{"imap://u@localhost.example.it/INBOX", "", "", 0, ErrNotLoopback},
		{"imaps://u:pw@h/INBOX", "", "", 0, ErrBadURL},
		{"imaps://h/INBOX", "", "", 0, ErrBadURL},
		{"imaps://u@h:99999/INBOX", "", "", 0, ErrBadURL},
		{"imaps://u@h/INBOX;UID=x", "", "", 0, ErrBadURL},
		{"imaps://u@h/INBOX;FOO=1", "", "", 0, ErrBadURL},
	}
	for _, tc := range cases {
		u, err := parseIMAPURL(tc.in)
		if tc.is != nil {
			assert.ErrorIs(t, err, tc.is, tc.in)
			if err != nil {
				assert.NotContains(t, err.Error(), "pw", tc.in)
			}
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.loc, u.locator(), tc.in)
		assert.Equal(t, tc.mailbox, u.mailbox, tc.in)
		assert.Equal(t, tc.uid, u.uid, tc.in)
	}
	// A refused URL's locator never shows the password.
	for it, err := range Open("imap://u:hunter2@10.0.0.1/INBOX", nil) {
		assert.Error(t, err)
		assert.NotContains(t, it.Locator, "hunter2")
	}
}
