package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

// Exit statuses.
const (
	exitCertified    = 0
	exitNotCertified = 1
	exitError        = 2
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// run is the whole command: it parses args, verifies every message and writes the
// report to stdout and problems to stderr. It returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("pecverify", flag.ContinueOnError)
	fset.SetOutput(stderr)
	jsonOut := fset.Bool("json", false, "print one JSON object per message")
	verbose := fset.Bool("v", false, "print details under each message")
	at := fset.String("at", "", "verify as of this `time` (RFC 3339) instead of the signing time")
	var roots multiFlag
	fset.Var(&roots, "roots", "add the PEM certificates in `FILE` to the trust anchors (repeatable)")
	fset.Usage = func() {
		fmt.Fprintf(stderr, "usage: pecverify [-json] [-v] [-at RFC3339] [-roots FILE.pem] PATH...\n")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		return exitError
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return exitError
	}

	vopts, err := verifyOptions(*at, roots)
	if err != nil {
		fmt.Fprintf(stderr, "pecverify: %v\n", err)
		return exitError
	}
	opts := &pec.Options{Verify: vopts}

	status := exitCertified
	report := func(err error) {
		fmt.Fprintf(stderr, "pecverify: %v\n", err)
		status = exitError
	}
	var results []result
	for _, src := range collect(fset.Args(), report) {
		m, err := readSource(src, opts)
		if err != nil {
			report(fmt.Errorf("%s: %w", src.path, err))
			continue
		}
		if !m.Certified && status == exitCertified {
			status = exitNotCertified
		}
		results = append(results, result{path: src.path, msg: m})
	}

	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, r := range results {
			if err := enc.Encode(toJSON(r.path, r.msg)); err != nil {
				report(err)
			}
		}
	} else {
		writeHuman(stdout, results, *verbose)
	}
	return status
}

type result struct {
	path string
	msg  *pec.Message
}

func readSource(src source, opts *pec.Options) (*pec.Message, error) {
	if src.file != "" {
		// ReadFile verifies a large message in streaming mode, in bounded memory.
		return pec.ReadFile(src.file, opts)
	}
	return pec.Read(bytes.NewReader(src.data), opts)
}

func verifyOptions(at string, roots []string) (*envelope.VerifyOptions, error) {
	vo := &envelope.VerifyOptions{}
	if at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return nil, fmt.Errorf("-at: %w", err)
		}
		vo.At = t
	}
	if len(roots) > 0 {
		trust := envelope.DefaultTrust()
		for _, name := range roots {
			data, err := os.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("-roots: %w", err)
			}
			if _, err := trust.AddPEM(data); err != nil {
				return nil, fmt.Errorf("-roots %s: %w", name, err)
			}
		}
		vo.Trust = trust
	}
	return vo, nil
}

// kindLabel is the kind column: kind, "/virus" for virus variants, "/FORM" for the
// form of a delivery receipt.
func kindLabel(m *pec.Message) string {
	s := string(m.Kind)
	if m.Virus && m.Kind != receipt.KindRilevazioneVirus {
		s += "/virus"
	}
	if m.Kind == receipt.KindAvvenutaConsegna && m.Form != "" {
		s += "/" + string(m.Form)
	}
	return s
}

// verdict is certified, uncertified (valid signature, kind not resting on signed
// data) or the signature status.
func verdict(m *pec.Message) string {
	switch {
	case m.Certified:
		return "certified"
	case m.Verification.Status == envelope.StatusValid:
		return "uncertified"
	}
	return m.Verification.Status.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func writeHuman(w io.Writer, results []result, verbose bool) {
	rows := make([][]string, len(results))
	var width [5]int
	for i, r := range results {
		m := r.msg
		rows[i] = []string{r.path, kindLabel(m), verdict(m), orDash(m.Verification.Provider), orDash(utc(m.Verification.SigningTime)), m.Subject}
		for c := range width {
			width[c] = max(width[c], len(rows[i][c]))
		}
	}
	for i, row := range rows {
		var b strings.Builder
		for c := range width {
			b.WriteString(row[c])
			b.WriteString(strings.Repeat(" ", width[c]-len(row[c])+2))
		}
		b.WriteString(row[5])
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if verbose {
			writeDetails(w, results[i].msg)
		}
	}
}

func writeDetails(w io.Writer, m *pec.Message) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "    %-18s %s\n", k+":", v)
		}
	}
	v := m.Verification
	line("signature", v.Status.String())
	if v.Err != nil {
		line("reason", v.Err.Error())
	}
	if v.Signer != nil {
		line("signer", v.Signer.Subject.String())
	}
	line("digest", digestName(v))
	line("real sender", m.RealSender)
	line("original subject", m.OriginalSubject)
	if c := m.Daticert; c != nil {
		line("tipo", fmt.Sprintf("%s (errore %s)", c.Type, c.Error))
		line("identificativo", c.ID)
		line("msgid", c.MsgID)
		line("mittente", c.Sender)
		for _, r := range c.Recipients {
			line("destinatario", fmt.Sprintf("%s (%s)", r.Address, r.Type))
		}
		line("data", c.Date.Format(time.RFC3339))
		line("gestore", c.Provider)
		line("ricevuta", string(c.Receipt))
		line("consegna", c.Delivery)
		for _, r := range c.Receptions {
			line("ricezione", r)
		}
		line("errore-esteso", c.ExtendedError)
	} else if m.DaticertErr != nil {
		line("daticert", m.DaticertErr.Error())
	}
	if o := m.Original; o != nil {
		line("original", fmt.Sprintf("%s (%s)", o.Subject, o.Kind))
	}
	for _, f := range m.Findings {
		line("finding", f.Code+": "+f.Detail)
	}
}
