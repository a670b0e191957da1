// Package dovecot starts a real Dovecot IMAP server for a test, on a loopback port
// with a throwaway configuration under the test's temporary directory, and gives a
// go-imap client to load messages (APPEND) and read their flags. It is imported by
// _test.go files only (pec/mailbox's IMAP tests, pecverify's IMAP test).
//
// Dovecot 2.3 (Debian's dovecot-imapd) runs as root with a configuration that
// keeps everything in the temporary directory: listen = 127.0.0.1, an imap or
// imaps listener on a free port (the other at port 0), a passwd-file passdb with a
// {PLAIN} password, a static userdb whose uid is nobody's (first_valid_uid set to
// it), maildir storage, and base_dir, state_dir and log_path under the directory.
// The daemon's output goes to a file: a caller waiting on its pipes would hang.
//
// As with testutil.Tool, a test skips when Dovecot is absent, cannot start, or
// the test does not run as root, except when the CI environment variable is set:
// CI installs Dovecot and runs as root, so there it is a failure, not a skip.
package dovecot

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// The account of every server started here.
const (
	User = "tester"
	Pass = "s3cret-Pa55"
)

// Server is a Dovecot IMAP server started by a test.
type Server struct {
	Addr   string // 127.0.0.1:port
	User   string
	Pass   string
	CAFile string // the PEM CA of its certificate, with TLS
	Dir    string // the temporary directory of its configuration, logs and mail
}

// skip skips the test, or fails it under CI.
func skip(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("%s, and CI must run this test (.ci/run installs dovecot-imapd and runs as root)", msg)
	}
	t.Skip(msg + ": IMAP test skipped")
}

func check(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// binary is the path of the dovecot program: on PATH, else in the sbin
// directories (not on a normal user's PATH).
func binary() (string, bool) {
	if p, err := exec.LookPath("dovecot"); err == nil {
		return p, true
	}
	for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

// Start starts Dovecot (dovecot -F -c conf) and stops it in t.Cleanup. With useTLS,
// the server takes only imaps (ssl = required), with a certificate for 127.0.0.1
// issued by a CA made here (Server.CAFile); else only imap, without TLS. It returns
// once the server accepts connections.
func Start(t testing.TB, useTLS bool) *Server {
	t.Helper()
	bin, ok := binary()
	if !ok {
		skip(t, "dovecot is not installed (apt-get install dovecot-imapd)")
	}
	if os.Geteuid() != 0 {
		skip(t, "dovecot needs root to start (its auth and login processes change user)")
	}
	nobody, err := user.Lookup("nobody")
	check(t, err, "the mail processes run as nobody")
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)

	dir := t.TempDir()
	// The auth process runs as the dovecot user and the mail process as nobody:
	// both must reach the directory.
	for _, d := range []string{filepath.Dir(dir), dir} {
		check(t, os.Chmod(d, 0o755), "chmod")
	}
	mail := filepath.Join(dir, "mail")
	check(t, os.MkdirAll(mail, 0o755), "mail directory")
	check(t, os.Chown(mail, uid, gid), "mail directory")
	check(t, os.WriteFile(filepath.Join(dir, "passwd"), []byte(User+":{PLAIN}"+Pass+"::::::\n"), 0o644), "passwd")

	port := freePort(t)
	srv := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), User: User, Pass: Pass, Dir: dir}
	sslConf := "ssl = no\n"
	imapPort, imapsPort := port, 0
	if useTLS {
		cert, key, ca := certificate(t, dir)
		srv.CAFile = ca
		sslConf = fmt.Sprintf("ssl = required\nssl_cert = <%s\nssl_key = <%s\nssl_min_protocol = TLSv1.2\n", cert, key)
		imapPort, imapsPort = 0, port
	}
	conf := fmt.Sprintf(`# Throwaway configuration of a test.
protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
info_log_path = %[1]s/dovecot.log
%[2]s
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = %[3]d
first_valid_gid = 1
mail_location = maildir:%[1]s/mail/%%u
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[3]d gid=%[4]d home=%[1]s/mail/%%u
}
service imap-login {
  inet_listener imap {
    port = %[5]d
  }
  inet_listener imaps {
    port = %[6]d
  }
}
`, dir, sslConf, uid, gid, imapPort, imapsPort)
	confFile := filepath.Join(dir, "dovecot.conf")
	check(t, os.WriteFile(confFile, []byte(conf), 0o644), "dovecot.conf")

	// The daemon's output goes to a file: a caller waiting on its pipes would hang.
	out, err := os.Create(filepath.Join(dir, "stdout"))
	check(t, err, "dovecot output")
	defer out.Close()
	cmd := exec.Command(bin, "-F", "-c", confFile)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		skip(t, "dovecot cannot start: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-exited
		}
	})
	// Wait for the greeting (a wait, not a timing assertion).
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			skip(t, "dovecot cannot start (%v)\n%s", err, srv.logs())
		default:
		}
		if c, err := net.DialTimeout("tcp", srv.Addr, time.Second); err == nil {
			c.Close()
			return srv
		}
		if time.Now().After(deadline) {
			t.Fatalf("dovecot started but does not listen on %s\n%s", srv.Addr, srv.logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logs is the daemon's output and log, for a failure message.
func (s *Server) logs() string {
	so, _ := os.ReadFile(filepath.Join(s.Dir, "stdout"))
	log, _ := os.ReadFile(filepath.Join(s.Dir, "dovecot.log"))
	return string(so) + "\n" + string(log)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(t, err, "free port")
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// certificate writes a CA and a server certificate for 127.0.0.1 and returns the
// files of the certificate, its key and the CA.
func certificate(t testing.TB, dir string) (certFile, keyFile, caFile string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(t, err, "CA key")
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dovecot test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	check(t, err, "CA certificate")
	ca, err := x509.ParseCertificate(caDER)
	check(t, err, "CA certificate")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(t, err, "server key")
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	check(t, err, "server certificate")
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	check(t, err, "server key")
	write := func(name, typ string, b []byte) string {
		p := filepath.Join(dir, name)
		check(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o644), name)
		return p
	}
	return write("cert.pem", "CERTIFICATE", der), write("key.pem", "PRIVATE KEY", keyDER), write("ca.pem", "CERTIFICATE", caDER)
}

// Client logs in to the server, for loading and checking messages (never through
// the code under test), and closes the connection in t.Cleanup.
func (s *Server) Client(t testing.TB) *imapclient.Client {
	t.Helper()
	var c *imapclient.Client
	var err error
	if s.CAFile != "" {
		pemData, rerr := os.ReadFile(s.CAFile)
		check(t, rerr, "CA file")
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemData) {
			t.Fatal("no certificate in the CA file")
		}
		c, err = imapclient.DialTLS(s.Addr, &imapclient.Options{TLSConfig: &tls.Config{
			RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12,
		}})
	} else {
		c, err = imapclient.DialInsecure(s.Addr, nil)
	}
	check(t, err, "dial dovecot")
	t.Cleanup(func() { c.Close() })
	check(t, c.Login(s.User, s.Pass).Wait(), "login")
	return c
}

// Append loads msgs into mailbox (created unless it is INBOX), message i with the
// flags flags(i); flags may be nil.
func Append(t testing.TB, c *imapclient.Client, mailbox string, msgs [][]byte, flags func(i int) []imap.Flag) {
	t.Helper()
	if mailbox != "INBOX" {
		check(t, c.Create(mailbox, nil).Wait(), "CREATE "+mailbox)
	}
	for i, m := range msgs {
		var fl []imap.Flag
		if flags != nil {
			fl = flags(i)
		}
		cmd := c.Append(mailbox, int64(len(m)), &imap.AppendOptions{Flags: fl})
		_, err := cmd.Write(m)
		check(t, err, "APPEND")
		check(t, cmd.Close(), "APPEND")
		_, err = cmd.Wait()
		check(t, err, "APPEND")
	}
}

// Flags returns the stored flags of every message of mailbox by UID (space
// separated; \Recent, a session flag, left out), read through EXAMINE.
func Flags(t testing.TB, c *imapclient.Client, mailbox string) map[imap.UID]string {
	t.Helper()
	_, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	check(t, err, "EXAMINE "+mailbox)
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	check(t, err, "FETCH")
	out := map[imap.UID]string{}
	for _, m := range msgs {
		var fs []string
		for _, f := range m.Flags {
			if f == "\\Recent" { // a session flag, not stored
				continue
			}
			fs = append(fs, string(f))
		}
		out[m.UID] = strings.Join(fs, " ")
	}
	check(t, c.Unselect().Wait(), "UNSELECT")
	return out
}
