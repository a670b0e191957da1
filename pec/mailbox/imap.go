package mailbox

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// IMAPOptions configures imap:// and imaps:// sources.
type IMAPOptions struct {
	// Password returns the password of user at host. It is called once per Open;
	// the password is never logged nor put in an error or a locator. nil means no
	// password is known: Open yields an error.
	Password func(user, host string) (string, error)
	// CAFile names a PEM file of certificates trusted for imaps:// in addition to the
	// system roots.
	CAFile string
	// BatchSize is the number of messages fetched by one FETCH. 0 means
	// [DefaultIMAPBatchSize].
	BatchSize int
	// Timeout bounds connecting (the TCP connection and the TLS handshake). 0 means
	// 60s. Reads are not bounded: a consumer may take its time between batches.
	Timeout time.Duration
}

// imapURL is a parsed imap[s]://user@host[:port]/MAILBOX.
type imapURL struct {
	tls              bool
	user, host, port string
	mailbox          string
	uid              imap.UID // ;UID=N: only that message
	uidValidity      uint32   // ;UIDVALIDITY=N: the mailbox must still have it
}

// locator is the RFC 5092 style name of the mailbox, without password.
func (u *imapURL) locator() string {
	scheme := "imap"
	if u.tls {
		scheme = "imaps"
	}
	hp := u.host
	if strings.Contains(hp, ":") {
		hp = "[" + hp + "]"
	}
	if u.port != "" {
		hp += ":" + u.port
	}
	mbox := strings.ReplaceAll((&url.URL{Path: u.mailbox}).EscapedPath(), ";", "%3B")
	return scheme + "://" + url.User(u.user).String() + "@" + hp + "/" + mbox
}

// parseIMAPURL parses name. Errors match [ErrBadURL] or [ErrNotLoopback] and never
// repeat the URL (it may hold a password).
func parseIMAPURL(name string) (*imapURL, error) {
	u, err := url.Parse(name)
	if err != nil {
		return nil, fmt.Errorf("%w: does not parse", ErrBadURL)
	}
	out := &imapURL{tls: strings.EqualFold(u.Scheme, "imaps")}
	if u.User == nil || u.User.Username() == "" {
		return nil, fmt.Errorf("%w: no user (imap[s]://user@host/MAILBOX)", ErrBadURL)
	}
	if _, set := u.User.Password(); set {
		return nil, fmt.Errorf("%w: a password in the URL is not accepted; it comes from the password callback", ErrBadURL)
	}
	out.user = u.User.Username()
	if i := strings.Index(out.user, ";"); i >= 0 { // ;AUTH=... (RFC 5092)
		out.user = out.user[:i]
	}
	out.host = u.Hostname()
	out.port = u.Port()
	if out.host == "" {
		return nil, fmt.Errorf("%w: no host", ErrBadURL)
	}
	if out.port != "" {
		if p, err := strconv.Atoi(out.port); err != nil || p <= 0 || p > 65535 {
			return nil, fmt.Errorf("%w: bad port", ErrBadURL)
		}
	}
	// The path is MAILBOX, optionally followed by the RFC 5092 parameters
	// ;UIDVALIDITY=V and /;UID=N (an item's locator names its message).
	parts := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), ";")
	if out.mailbox, err = url.PathUnescape(strings.TrimSuffix(parts[0], "/")); err != nil {
		return nil, fmt.Errorf("%w: bad mailbox name", ErrBadURL)
	}
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSuffix(p, "/"), "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("%w: bad ;%s parameter", ErrBadURL, k)
		}
		switch strings.ToUpper(k) {
		case "UID":
			out.uid = imap.UID(n)
		case "UIDVALIDITY":
			out.uidValidity = uint32(n)
		default:
			return nil, fmt.Errorf("%w: unknown ;%s parameter", ErrBadURL, k)
		}
	}
	if out.mailbox == "" {
		out.mailbox = "INBOX"
	}
	if !out.tls && !isLoopback(out.host) {
		return nil, ErrNotLoopback
	}
	return out, nil
}

// isLoopback reports whether host is "localhost" or a loopback IP address. Names are
// not resolved: a name that resolves to a loopback address does not count.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readIMAP enumerates an IMAP mailbox, read-only: EXAMINE, then FETCH of UID and
// RFC822.SIZE and of BODY.PEEK[] in batches, so no flag changes.
func readIMAP(name string, o *Options, yield func(*Item, error) bool) bool {
	u, err := parseIMAPURL(name)
	if err != nil {
		return yield(errItem(redactURL(name), SourceIMAP), err)
	}
	loc := u.locator()
	fail := func(err error) bool { return yield(errItem(loc, SourceIMAP), err) }
	iopt := o.IMAP
	if iopt.Password == nil {
		return fail(errors.New("mailbox: IMAP: no password callback (IMAPOptions.Password)"))
	}
	timeout := iopt.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	batch := iopt.BatchSize
	if batch <= 0 {
		batch = DefaultIMAPBatchSize
	}
	password, err := iopt.Password(u.user, u.host)
	if err != nil {
		return fail(fmt.Errorf("mailbox: IMAP password: %w", err))
	}
	port := u.port
	if port == "" {
		port = "143"
		if u.tls {
			port = "993"
		}
	}
	addr := net.JoinHostPort(u.host, port)
	copts := &imapclient.Options{Dialer: &net.Dialer{Timeout: timeout}}
	var c *imapclient.Client
	if u.tls {
		roots, perr := x509.SystemCertPool()
		if perr != nil || roots == nil {
			roots = x509.NewCertPool()
		}
		if iopt.CAFile != "" {
			pem, err := os.ReadFile(iopt.CAFile)
			if err != nil {
				return fail(fmt.Errorf("mailbox: IMAP CA file: %w", err))
			}
			if !roots.AppendCertsFromPEM(pem) {
				return fail(fmt.Errorf("mailbox: IMAP CA file %s: no PEM certificate", iopt.CAFile))
			}
		}
		copts.TLSConfig = &tls.Config{RootCAs: roots, ServerName: u.host, MinVersion: tls.VersionTLS12}
		c, err = imapclient.DialTLS(addr, copts)
	} else {
		c, err = imapclient.DialInsecure(addr, copts)
	}
	if err != nil {
		return fail(fmt.Errorf("mailbox: IMAP connect to %s: %w", addr, err))
	}
	defer c.Close()
	if err := c.Login(u.user, password).Wait(); err != nil {
		return fail(fmt.Errorf("mailbox: IMAP login as %q: %w", u.user, err))
	}
	sel, err := c.Select(u.mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fail(fmt.Errorf("mailbox: IMAP EXAMINE %q: %w", u.mailbox, err))
	}
	if u.uidValidity != 0 && sel.UIDValidity != u.uidValidity {
		return fail(fmt.Errorf("mailbox: IMAP: %q has UIDVALIDITY %d, not %d: its UIDs name other messages now", u.mailbox, sel.UIDValidity, u.uidValidity))
	}
	lim := o.Limits
	if u.uid != 0 {
		if !imapBatch(c, loc, imap.UIDSetNum(u.uid), lim, yield) {
			return false
		}
		c.Logout().Wait()
		return true
	}
	total := sel.NumMessages
	n := total
	if int64(n) > int64(lim.MaxIMAPMessages) {
		n = uint32(lim.MaxIMAPMessages)
	}
	for lo := uint32(1); lo <= n; lo += uint32(batch) {
		var seqs imap.SeqSet
		seqs.AddRange(lo, min(lo+uint32(batch)-1, n))
		if !imapBatch(c, loc, seqs, lim, yield) {
			return false
		}
	}
	if n < total {
		if !fail(fmt.Errorf("%d messages not read: %w", total-n,
			&LimitError{Limit: "MaxIMAPMessages", Max: int64(lim.MaxIMAPMessages), Got: int64(total)})) {
			return false
		}
	}
	c.Logout().Wait()
	return true
}

// imapMeta is what the first FETCH of a batch says of a message.
type imapMeta struct {
	seq  uint32
	uid  imap.UID
	size int64
}

// imapBatch reads the messages of set (sequence numbers, or one UID): one FETCH of
// UID and RFC822.SIZE, then one UID FETCH of BODY.PEEK[] for those within the size
// limit, each body read into its item as it arrives.
func imapBatch(c *imapclient.Client, loc string, set imap.NumSet, lim Limits, yield func(*Item, error) bool) bool {
	msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return yield(errItem(loc, SourceIMAP), fmt.Errorf("mailbox: IMAP FETCH %v: %w", set, err))
	}
	if uids, ok := set.(imap.UIDSet); ok && len(msgs) == 0 {
		return yield(errItem(fmt.Sprintf("%s;UID=%v", loc, uids), SourceIMAP), errors.New("mailbox: IMAP: no message with this UID"))
	}
	metas := make([]imapMeta, 0, len(msgs))
	for _, m := range msgs {
		metas = append(metas, imapMeta{seq: m.SeqNum, uid: m.UID, size: m.RFC822Size})
	}
	itemLoc := func(uid imap.UID) string { return fmt.Sprintf("%s;UID=%d", loc, uid) }
	var uids imap.UIDSet
	for _, m := range metas {
		if m.size <= lim.MaxIMAPMessageBytes && m.uid != 0 {
			uids.AddNum(m.uid)
		}
	}
	next := 0 // metas before next were yielded
	// flush yields the over-limit messages before uid (all when uid is 0).
	flush := func(uid imap.UID) bool {
		for next < len(metas) && (uid == 0 || metas[next].uid < uid) {
			m := metas[next]
			next++
			if m.uid == 0 {
				if !yield(errItem(fmt.Sprintf("%s;SEQ=%d", loc, m.seq), SourceIMAP), errors.New("mailbox: IMAP: the server gave no UID")) {
					return false
				}
				continue
			}
			if m.size > lim.MaxIMAPMessageBytes {
				if !yield(errItem(itemLoc(m.uid), SourceIMAP), &LimitError{Limit: "MaxIMAPMessageBytes", Max: lim.MaxIMAPMessageBytes, Got: m.size}) {
					return false
				}
				continue
			}
			if !yield(errItem(itemLoc(m.uid), SourceIMAP), errors.New("mailbox: IMAP: the server did not return the message")) {
				return false
			}
		}
		return true
	}
	if len(uids) > 0 {
		section := &imap.FetchItemBodySection{Peek: true}
		cmd := c.Fetch(uids, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		for {
			msg := cmd.Next()
			if msg == nil {
				break
			}
			var uid imap.UID
			var data []byte
			var rerr error
			for {
				item := msg.Next()
				if item == nil {
					break
				}
				switch item := item.(type) {
				case imapclient.FetchItemDataUID:
					uid = item.UID
				case imapclient.FetchItemDataBodySection:
					var buf bytes.Buffer
					_, rerr = buf.ReadFrom(io.LimitReader(item.Literal, lim.MaxIMAPMessageBytes+1))
					if rerr == nil && int64(buf.Len()) > lim.MaxIMAPMessageBytes {
						rerr = &LimitError{Limit: "MaxIMAPMessageBytes", Max: lim.MaxIMAPMessageBytes, Got: int64(buf.Len())}
					}
					data = buf.Bytes()
				}
			}
			if uid == 0 {
				for _, m := range metas {
					if m.seq == msg.SeqNum {
						uid = m.uid
					}
				}
			}
			if uid == 0 || next >= len(metas) || uid < metas[next].uid {
				continue // unsolicited or repeated data
			}
			if !flush(uid) {
				cmd.Close()
				return false
			}
			if next < len(metas) && metas[next].uid == uid {
				next++
			}
			var ok bool
			if rerr != nil {
				ok = yield(errItem(itemLoc(uid), SourceIMAP), rerr)
			} else {
				ok = yield(memItem(itemLoc(uid), SourceIMAP, data), nil)
			}
			if !ok {
				cmd.Close()
				return false
			}
		}
		if err := cmd.Close(); err != nil {
			return yield(errItem(loc, SourceIMAP), fmt.Errorf("mailbox: IMAP FETCH BODY.PEEK[]: %w", err))
		}
	}
	return flush(0)
}

// redactURL is name without its userinfo password, for the locator of a URL that
// does not parse or is refused.
func redactURL(name string) string {
	u, err := url.Parse(name)
	if err != nil {
		return "imap://(unparsable URL)"
	}
	if u.User != nil {
		if _, set := u.User.Password(); set {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	return u.Redacted()
}
