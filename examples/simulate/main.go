// Command simulate writes a complete, signed PEC exchange as .eml files,
// produced by the fake providers of package pec/pectest, together with the
// fake trust anchor, ready for pecverify:
//
//	simulate -out DIR [flags]
//	pecverify -trust DIR/trust.pem DIR/*.eml
//
// It writes DIR/original.eml (the message as the sender submitted it), one
// file per message of the exchange in time order (01-accettazione.eml,
// 02-posta-certificata-bob@pec.example.org.eml, ...), and DIR/trust.pem, the
// fake root to give the verifier (openssl smime -verify -CAfile works too).
// The certificates are valid from 2024 to 2044; the messages are dated from
// -time (default 2025-03-14 10:00:00 UTC).
//
// Flags:
//
//	-out DIR          output folder (required; created if missing)
//	-from ADDR        sender, default alice@pec.example.it
//	-to LIST          comma-separated To recipients, default bob@pec.example.org
//	-cc LIST          comma-separated Cc recipients, default none
//	-subject TEXT     subject, default "Contratto di fornitura"
//	-receipt FORM     requested delivery receipt: completa, breve or sintetica
//	-outcome LIST     comma-separated ADDR=OUTCOME, OUTCOME one of delivered,
//	                  no-such-mailbox, virus, timeout, timeout-after-presa-in-carico
//	-digest NAME      sha256 (default) or sha1 (legacy OpenPEC form)
//	-attach-size N    attach N bytes of random data (allegato.bin); 0 for none
//	-seed N           seed of the random attachment, default 1
//	-time RFC3339     instant of the acceptance
//	-anomaly          also write an anomaly envelope of an ordinary message
//
// Recipients in pec.example.it (the sender's provider, "Example PEC S.p.A.")
// and pec.example.org ("Other PEC S.r.l.") are PEC mailboxes; any other
// domain is ordinary e-mail (daticert tipo="esterno").
package main

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sigillo/sigillo/pec/pectest"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "simulate:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	out := fs.String("out", "", "output folder (required)")
	from := fs.String("from", "alice@pec.example.it", "sender address")
	to := fs.String("to", "bob@pec.example.org", "comma-separated To recipients")
	cc := fs.String("cc", "", "comma-separated Cc recipients")
	subject := fs.String("subject", "Contratto di fornitura", "subject")
	form := fs.String("receipt", "completa", "requested delivery receipt: completa, breve, sintetica")
	outcomes := fs.String("outcome", "", "comma-separated ADDR=OUTCOME")
	digest := fs.String("digest", "sha256", "signature digest: sha256 or sha1")
	attachSize := fs.Int("attach-size", 0, "bytes of random data to attach")
	seed := fs.Uint64("seed", 1, "seed of the random attachment")
	at := fs.String("time", pectest.DefaultStart().Format(time.RFC3339), "acceptance instant (RFC 3339)")
	anomaly := fs.Bool("anomaly", false, "also write an anomaly envelope")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("-out is required")
	}
	switch *form {
	case "completa", "breve", "sintetica":
	default:
		return fmt.Errorf("-receipt %q: want completa, breve or sintetica", *form)
	}
	opts := &pectest.Options{}
	switch strings.ToLower(*digest) {
	case "sha256", "sha-256":
		opts.Digest = crypto.SHA256
	case "sha1", "sha-1":
		opts.Digest = crypto.SHA1
	default:
		return fmt.Errorf("-digest %q: want sha256 or sha1", *digest)
	}
	start, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return fmt.Errorf("-time: %w", err)
	}
	opts.Start = start
	if *attachSize < 0 {
		return errors.New("-attach-size must not be negative")
	}
	send := &pectest.SendOptions{Outcomes: map[string]pectest.Outcome{}}
	for _, kv := range splitList(*outcomes) {
		addr, oc, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("-outcome %q: want ADDR=OUTCOME", kv)
		}
		send.Outcomes[strings.TrimSpace(addr)] = pectest.Outcome(strings.TrimSpace(oc))
	}

	w := pectest.NewWorld(opts)
	sender := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")

	original := composeOriginal(*from, splitList(*to), splitList(*cc), *subject, *form, start, *attachSize, *seed)
	x, err := sender.Send(original, send)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(*out, name), data, 0o644)
	}
	if err := write("trust.pem", w.TrustPEM()); err != nil {
		return err
	}
	if err := write("original.eml", original); err != nil {
		return err
	}
	n := 0
	for _, m := range x.Messages {
		n++
		if err := write(fmt.Sprintf("%02d-%s.eml", n, m.Name), m.Raw); err != nil {
			return err
		}
	}
	if *anomaly {
		plain := []byte("From: mallory@mail.example.com\r\nTo: " + *from + "\r\nSubject: Posta ordinaria\r\n" +
			"Message-ID: <ordinary-1@mail.example.com>\r\nDate: " + start.Format(time.RFC1123Z) + "\r\n\r\nQuesto non è un messaggio PEC.\r\n")
		m, err := sender.Anomaly(plain, "")
		if err != nil {
			return err
		}
		n++
		if err := write(fmt.Sprintf("%02d-%s.eml", n, m.Name), m.Raw); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d messages, original.eml and trust.pem to %s (PEC msgid %s)\n", n, *out, x.ID)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// composeOriginal writes the message a mail client would submit.
func composeOriginal(from string, to, cc []string, subject, form string, t time.Time, attach int, seed uint64) []byte {
	var b bytes.Buffer
	b.WriteString("From: " + from + "\r\n")
	if len(to) > 0 {
		b.WriteString("To: " + strings.Join(to, ", ") + "\r\n")
	}
	if len(cc) > 0 {
		b.WriteString("Cc: " + strings.Join(cc, ", ") + "\r\n")
	}
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n")
	b.WriteString("Date: " + t.Format(time.RFC1123Z) + "\r\n")
	b.WriteString(fmt.Sprintf("Message-ID: <sim.%d.%d@client.example.it>\r\n", t.Unix(), seed))
	b.WriteString("X-TipoRicevuta: " + form + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	text := "Buongiorno,\r\nin allegato il documento.\r\nCordiali saluti\r\n"
	if attach == 0 {
		b.WriteString("Content-Type: text/plain; charset=\"us-ascii\"\r\n\r\n" + text)
		return b.Bytes()
	}
	const boundary = "sim-boundary-0123456789"
	b.WriteString("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n")
	b.WriteString("--" + boundary + "\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\n" + text)
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: application/octet-stream; name=\"allegato.bin\"\r\n")
	b.WriteString("Content-Disposition: attachment; filename=\"allegato.bin\"\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	data := make([]byte, attach)
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24)})
	rng.Read(data) //nolint:errcheck // ChaCha8.Read never fails
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--" + boundary + "--\r\n")
	return b.Bytes()
}
