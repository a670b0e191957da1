package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/mailbox"
)

// Exit statuses.
const (
	exitCertified    = 0
	exitNotCertified = 1
	exitError        = 2
)

// windowPerWorker sizes the reorder window: at most windowPerWorker*N records wait
// for an earlier one before the reading of new messages pauses.
const windowPerWorker = 4

// imapPasswordEnv is the environment variable holding the IMAP password. It is
// never taken from the command line, and never printed.
const imapPasswordEnv = "PECVERIFY_IMAP_PASSWORD"

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// config is the parsed command line.
type config struct {
	jsonOut, verbose bool
	jobs             int
	extract          string
	paths            []string
	read             *pec.Options
	sources          *mailbox.Options
	// track receives every record when a tracking flag (-track, -summary, -html)
	// is given, else nil; perMessage is false when -track or -summary replace the
	// per-message records.
	track      *trackSink
	perMessage bool
	// idleTimer starts the wait after which the pending human lines are written
	// (realTimer(humanIdle); tests give their own clock).
	idleTimer func() (<-chan time.Time, func() bool)
}

// usageLine is the synopsis printed by -h and on usage errors.
const usageLine = "usage: pecverify [-json] [-v] [-j N] [-at RFC3339] [-roots FILE.pem] [-imap-ca FILE] [-extract DIR]\n" +
	"                 [-track] [-summary] [-since T] [-until T] [-now T] [-html FILE] [-lang it|en] PATH...\n" +
	"       pecverify -version\n"

// run is the whole command: it parses args, verifies every message and writes the
// records to stdout and problems to stderr. It returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(args, stdin, stdout, stderr, realTimer(humanIdle))
}

// runWith is run with the idle timer of the human output given (see stall).
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer, idleTimer func() (<-chan time.Time, func() bool)) int {
	fset := flag.NewFlagSet("pecverify", flag.ContinueOnError)
	fset.SetOutput(stderr)
	jsonOut := fset.Bool("json", false, "print one JSON object per message")
	verbose := fset.Bool("v", false, "print details under each message")
	at := fset.String("at", "", "verify as of this `time` (RFC 3339) instead of the signing time")
	jobs := fset.Int("j", runtime.NumCPU(), "verify with `N` workers (output order is kept)")
	imapCA := fset.String("imap-ca", "", "trust the PEM CA certificates in `FILE` for imaps:// besides the system roots")
	extract := fset.String("extract", "", "write the evidence of each message (postacert.eml, attachments, daticert.xml) under `DIR`")
	showVersion := fset.Bool("version", false, "print the version and exit")
	var roots multiFlag
	fset.Var(&roots, "roots", "add the PEM certificates in `FILE` to the trust anchors (repeatable)")
	var tc trackConfig
	tc.registerFlags(fset)
	fset.Usage = func() {
		fmt.Fprint(stderr, usageLine)
		fset.PrintDefaults()
		fmt.Fprintf(stderr, "The IMAP password is read from $%s.\n", imapPasswordEnv)
	}
	if err := fset.Parse(args); err != nil {
		return exitError
	}
	if *showVersion {
		fmt.Fprintln(stdout, version())
		return exitCertified
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return exitError
	}
	if *jobs < 1 {
		fmt.Fprintf(stderr, "pecverify: -j %d: want at least 1\n", *jobs)
		return exitError
	}
	vopts, err := verifyOptions(*at, roots)
	if err != nil {
		fmt.Fprintf(stderr, "pecverify: %v\n", err)
		return exitError
	}
	if *imapCA != "" {
		if _, err := os.Stat(*imapCA); err != nil {
			fmt.Fprintf(stderr, "pecverify: -imap-ca: %v\n", err)
			return exitError
		}
	}
	cfg := &config{
		jsonOut:    *jsonOut,
		verbose:    *verbose,
		jobs:       *jobs,
		extract:    *extract,
		paths:      fset.Args(),
		read:       &pec.Options{Verify: vopts},
		sources:    &mailbox.Options{Stdin: stdin, IMAP: imapOptions(*imapCA)},
		perMessage: true,
		idleTimer:  idleTimer,
	}
	sink, err := newTrackSink(&tc, *jsonOut) // checks the tracking flags, given or not
	if err != nil {
		fmt.Fprintf(stderr, "pecverify: %v\n", err)
		return exitError
	}
	if tc.enabled() {
		cfg.track = sink
		cfg.perMessage = tc.perMessageOutput()
	}
	return verifyAll(cfg, stdout, stderr)
}

// record is the outcome of one message, built by a worker.
type record struct {
	locator string
	// msg is nil when err is set, and once the record is formatted when neither
	// -extract nor tracking needs it: the records waiting in the reorder window
	// then hold their output only, not the messages (an IMAP or stdin message
	// holds its bytes).
	msg       *pec.Message
	sum       [32]byte
	err       error
	certified bool
	kind      string // for the summary: the kind, or "unreadable"
	line      []byte // the JSON line, with -json
	row       humanRow
}

// source is one message to read: the item found, or the error found instead.
type source struct {
	item *mailbox.Item
	err  error
}

// verifyAll reads every message of every path with a pool of workers and writes the
// records in input order as they are done.
func verifyAll(cfg *config, stdout, stderr io.Writer) int {
	out := bufio.NewWriter(stdout)
	human := &humanWriter{w: out}
	var tl tally
	var writeErr, extractErr error
	var extractRoot string
	if cfg.extract != "" {
		if err := os.MkdirAll(cfg.extract, 0o755); err != nil {
			fmt.Fprintf(stderr, "pecverify: -extract: %v\n", err)
			return exitError
		}
		extractRoot = cfg.extract
	}

	produce := func(yield func(source) bool) {
		for _, p := range cfg.paths {
			for it, err := range mailbox.Open(p, cfg.sources) {
				if !yield(source{it, err}) {
					return
				}
			}
		}
	}
	work := func(s source) *record {
		return readRecord(s, cfg)
	}
	emit := func(r *record) bool {
		tl.add(r.kind, r.certified)
		if extractRoot != "" && r.msg != nil {
			if err := extractMessage(extractRoot, r.locator, r.msg); err != nil {
				fmt.Fprintf(stderr, "pecverify: -extract %s: %s\n", clean(r.locator), errorText(err))
				extractErr = err
			}
		}
		if cfg.track != nil {
			cfg.track.add(r.locator, r.msg, r.sum, r.err)
		}
		var err error
		switch {
		case !cfg.perMessage:
		case cfg.jsonOut:
			_, err = out.Write(r.line)
			if err == nil && out.Buffered() > 0 {
				// A record is out as soon as it is done.
				err = out.Flush()
			}
		default:
			err = human.add(r.row)
		}
		if err != nil {
			writeErr = err
			return false
		}
		return true
	}
	var s *stall
	if cfg.perMessage && !cfg.jsonOut {
		// While the next record is not ready, the lines waiting for their block
		// are written after humanIdle: a slow source shows each line early.
		s = &stall{
			pending: func() bool { return human.pending() || out.Buffered() > 0 },
			start:   cfg.idleTimer,
			idle: func() bool {
				err := human.flush()
				if err == nil {
					err = out.Flush()
				}
				if err != nil {
					writeErr = err
					return false
				}
				return true
			},
		}
	}
	ordered(cfg.jobs, windowPerWorker*cfg.jobs, produce, work, emit, s)

	if writeErr == nil && !cfg.jsonOut {
		writeErr = human.flush()
	}
	if writeErr == nil {
		writeErr = out.Flush()
	}
	if writeErr == nil && cfg.track != nil {
		writeErr = cfg.track.finish(stdout)
	}
	if writeErr != nil {
		fmt.Fprintf(stderr, "pecverify: %v\n", writeErr)
		return exitError
	}
	if tl.total() == 0 {
		fmt.Fprintf(stderr, "pecverify: no message found in %s\n", clean(strings.Join(cfg.paths, " ")))
		return exitError
	}
	if !cfg.jsonOut {
		fmt.Fprintf(stderr, "pecverify: %s\n", tl.String())
	}
	if tl.notCertified > 0 || extractErr != nil {
		return exitNotCertified
	}
	return exitCertified
}

// readRecord reads and verifies one message and formats its record.
func readRecord(s source, cfg *config) *record {
	r := &record{err: s.err}
	if s.item != nil {
		r.locator = s.item.Locator
	}
	if r.err == nil {
		r.msg, r.sum, r.err = s.item.Read(cfg.read)
		if r.err == nil && r.msg == nil {
			r.err = errors.New("no message")
		}
	}
	if r.err != nil {
		r.msg = nil
		r.kind = "unreadable"
		switch {
		case !cfg.perMessage:
		case cfg.jsonOut:
			r.line = jsonLine(errorJSON(r.locator, r.err))
		default:
			r.row = errorRow(r.locator, r.err)
		}
		return r
	}
	r.kind = string(r.msg.Kind)
	r.certified = r.msg.Certified
	switch {
	case !cfg.perMessage:
	case cfg.jsonOut:
		r.line = jsonLine(toJSON(r.locator, r.msg, r.sum))
	default:
		r.row = rowFor(r.locator, r.msg, cfg.verbose)
	}
	if cfg.extract == "" && cfg.track == nil {
		r.msg = nil
	}
	return r
}

func jsonLine(v *jsonMessage) []byte {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every field is a string, a bool or a number: this cannot happen.
		panic(err)
	}
	return []byte(b.String())
}

// extractMessage writes the evidence of m under root, in a new folder named after
// the locator (made safe; "name (2)" and so on when it exists).
func extractMessage(root, locator string, m *pec.Message) error {
	name := folderName(locator)
	for n := 1; ; n++ {
		try := name
		if n > 1 {
			try = fmt.Sprintf("%s (%d)", name, n)
		}
		dir := filepath.Join(root, try)
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			_, err = pec.Extract(m, dir, nil)
			return err
		}
		if !errors.Is(err, fs.ErrExist) || n >= 10000 {
			return err
		}
	}
}

// folderName is the folder of a message under -extract: its locator without the
// leading "./", "../" and "/", made safe by pec.SafeFileName.
func folderName(locator string) string {
	s := filepath.ToSlash(locator)
	for {
		switch {
		case strings.HasPrefix(s, "../"):
			s = s[3:]
		case strings.HasPrefix(s, "./"):
			s = s[2:]
		case strings.HasPrefix(s, "/"):
			s = s[1:]
		default:
			if s = pec.SafeFileName(s); s == "" {
				s = "message"
			}
			return s
		}
	}
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

// version is the -version line: the module version from the build information, with
// the VCS revision when the binary was built from a checkout.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "pecverify (no build information)"
	}
	v := "pecverify " + bi.Main.Path + " " + bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		v += " (" + rev[:min(12, len(rev))] + dirty + ")"
	}
	return v + " " + bi.GoVersion
}
