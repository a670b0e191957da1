package mailbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
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
	"github.com/stretchr/testify/require"
)

// dovecot is a Dovecot IMAP server started by a test on a loopback port, with a
// throwaway configuration under a temporary directory.
type dovecot struct {
	addr   string // 127.0.0.1:port
	user   string
	pass   string
	caFile string // the CA of its certificate, with TLS
	dir    string
}

const (
	dovecotUser = "tester"
	dovecotPass = "s3cret-Pa55"
)

// startDovecot starts Dovecot 2.3 (dovecot -F -c conf) and stops it in t.Cleanup. It
// skips the test only when the dovecot binary is absent or cannot start. With
// useTLS, the server takes only imaps (ssl = required), with a certificate for
// 127.0.0.1 issued by a CA made here.
func startDovecot(t *testing.T, useTLS bool) *dovecot {
	t.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
			if _, err2 := os.Stat(p); err2 == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		t.Skip("dovecot is not installed (apt-get install dovecot-imapd): IMAP test skipped")
	}
	if os.Geteuid() != 0 {
		t.Skip("dovecot needs root to start (its auth and login processes change user): IMAP test skipped")
	}
	nobody, err := user.Lookup("nobody")
	require.NoError(t, err, "the test runs the mail processes as nobody")
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)

	dir := t.TempDir()
	// The auth process runs as the dovecot user and the mail process as nobody:
	// both must reach the directory.
	for _, d := range []string{filepath.Dir(dir), dir} {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	mail := filepath.Join(dir, "mail")
	require.NoError(t, os.MkdirAll(mail, 0o755))
	require.NoError(t, os.Chown(mail, uid, gid))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "passwd"),
		[]byte(dovecotUser+":{PLAIN}"+dovecotPass+"::::::\n"), 0o644))

	port := freePort(t)
	srv := &dovecot{addr: fmt.Sprintf("127.0.0.1:%d", port), user: dovecotUser, pass: dovecotPass, dir: dir}
	sslConf := "ssl = no\n"
	imapPort, imapsPort := port, 0
	if useTLS {
		cert, key, ca := testCertificate(t, dir)
		srv.caFile = ca
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
	require.NoError(t, os.WriteFile(confFile, []byte(conf), 0o644))

	// The daemon's output goes to files: a caller waiting on its pipes would hang.
	out, err := os.Create(filepath.Join(dir, "stdout"))
	require.NoError(t, err)
	defer out.Close()
	cmd := exec.Command(bin, "-F", "-c", confFile)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Skipf("dovecot cannot start: %v: IMAP test skipped", err)
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
	// Wait for the greeting (this is a wait, not a timing assertion).
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			so, _ := os.ReadFile(filepath.Join(dir, "stdout"))
			t.Skipf("dovecot cannot start (%v): IMAP test skipped\n%s\n%s", err, so, log)
		default:
		}
		if c, err := net.DialTimeout("tcp", srv.addr, time.Second); err == nil {
			c.Close()
			return srv
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("dovecot started but does not listen on %s\n%s", srv.addr, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// testCertificate writes a CA and a server certificate for 127.0.0.1 and returns
// the files of the certificate, its key and the CA.
func testCertificate(t *testing.T, dir string) (certFile, keyFile, caFile string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailbox test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	write := func(name, typ string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o644))
		return p
	}
	return write("cert.pem", "CERTIFICATE", der), write("key.pem", "PRIVATE KEY", keyDER), write("ca.pem", "CERTIFICATE", caDER)
}

// client logs in to the server, for loading and checking (never through mailbox).
func (d *dovecot) client(t *testing.T) *imapclient.Client {
	t.Helper()
	var c *imapclient.Client
	var err error
	if d.caFile != "" {
		pemData, rerr := os.ReadFile(d.caFile)
		require.NoError(t, rerr)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pemData))
		c, err = imapclient.DialTLS(d.addr, &imapclient.Options{TLSConfig: tlsConfig(pool)})
	} else {
		c, err = imapclient.DialInsecure(d.addr, nil)
	}
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.Login(d.user, d.pass).Wait())
	return c
}

// appendAll loads msgs into mailbox with the given flags.
func appendAll(t *testing.T, c *imapclient.Client, mailbox string, msgs [][]byte, flags func(i int) []imap.Flag) {
	t.Helper()
	if mailbox != "INBOX" {
		require.NoError(t, c.Create(mailbox, nil).Wait())
	}
	for i, m := range msgs {
		cmd := c.Append(mailbox, int64(len(m)), &imap.AppendOptions{Flags: flags(i)})
		_, err := cmd.Write(m)
		require.NoError(t, err)
		require.NoError(t, cmd.Close())
		_, err = cmd.Wait()
		require.NoError(t, err)
	}
}

// flagsOf returns the flags of every message of mailbox, by UID, through EXAMINE.
func flagsOf(t *testing.T, c *imapclient.Client, mailbox string) map[imap.UID]string {
	t.Helper()
	_, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	require.NoError(t, err)
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	require.NoError(t, err)
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
	require.NoError(t, c.Unselect().Wait())
	return out
}
