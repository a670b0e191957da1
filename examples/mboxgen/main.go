// Command mboxgen writes a large synthetic PEC mailbox for measuring pecverify: small
// signed receipts and envelopes made by the fake providers of pec/pectest, as an mbox
// file (mboxrd quoting; some bodies have "From " lines, so quoting applies) or as a
// folder of .eml files, with the fake trust anchor beside it.
//
//	mboxgen -n 100000 -mbox big.mbox -trust trust.pem
//	mboxgen -n 100000 -dir big/ -trust trust.pem
//
// Signing 100,000 messages would take minutes, so mboxgen signs -distinct messages
// (default 400) and repeats them in order: every message is still read and verified
// by pecverify on its own. No real message is used.
//
// measure.sh, beside this file, runs the measurements reported by issue 11 (peak
// RSS, time to first record, -j 2 against -j 1) with it. On the 2-CPU development
// machine, shared with other jobs (load average 3 to 5), it gave: a 100,000-message
// mbox, peak RSS 35 to 64 MiB, first record after 15 ms, 23 to 46 s; a 100,000-file
// folder, peak RSS 30 to 32 MiB, first record after 11 to 13 ms, 23 to 41 s; -j 2
// 1.92x faster than -j 1 on a 20,000-message mbox (best of 5 alternating runs).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sigillo/sigillo/pec/pectest"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mboxgen:", err)
		os.Exit(2)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("mboxgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 100000, "number of messages to write")
	distinct := fs.Int("distinct", 400, "number of distinct signed messages, repeated")
	mboxPath := fs.String("mbox", "", "write an mbox `FILE`")
	dir := fs.String("dir", "", "write one .eml file per message in `DIR`")
	trust := fs.String("trust", "", "write the trust anchor (PEM) to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*mboxPath == "") == (*dir == "") || *n < 1 || *distinct < 1 {
		return errors.New("give -n N >= 1 and one of -mbox FILE or -dir DIR")
	}
	msgs, pem, err := generate(*distinct)
	if err != nil {
		return err
	}
	if *trust != "" {
		if err := os.WriteFile(*trust, pem, 0o644); err != nil {
			return err
		}
	}
	if *mboxPath != "" {
		return writeMbox(*mboxPath, msgs, *n)
	}
	return writeDir(*dir, msgs, *n)
}

// generate plays exchanges until it has count signed messages.
func generate(count int) ([][]byte, []byte, error) {
	w := pectest.NewWorld(nil)
	alice := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	var msgs [][]byte
	for i := 0; len(msgs) < count; i++ {
		body := "In allegato la fattura.\r\n"
		if i%3 == 0 {
			body = "From the accounting office:\r\nIn allegato la fattura.\r\n"
		}
		original := fmt.Sprintf("From: alice@pec.example.it\r\nTo: bob@pec.example.org\r\n"+
			"Subject: Fattura %d\r\nMessage-ID: <gen-%d@client.example.it>\r\n\r\n%s", i, i, body)
		x, err := alice.Send([]byte(original), nil)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range x.Messages {
			if len(msgs) < count {
				msgs = append(msgs, m.Raw)
			}
		}
	}
	return msgs, w.TrustPEM(), nil
}

func writeMbox(name string, msgs [][]byte, n int) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		fmt.Fprintf(bw, "From MAILER-DAEMON Fri Mar 14 10:%02d:%02d 2025\n", (i/60)%60, i%60)
		for _, l := range bytes.SplitAfter(msgs[i%len(msgs)], []byte("\n")) {
			if bytes.HasPrefix(bytes.TrimLeft(l, ">"), []byte("From ")) {
				bw.WriteByte('>')
			}
			bw.Write(l)
		}
		bw.WriteString("\n")
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeDir(dir string, msgs [][]byte, n int) error {
	for i := range n {
		// 1000 files per sub-folder, like a mail store.
		sub := filepath.Join(dir, fmt.Sprintf("%04d", i/1000))
		if i%1000 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("%06d.eml", i)), msgs[i%len(msgs)], 0o644); err != nil {
			return err
		}
	}
	return nil
}
