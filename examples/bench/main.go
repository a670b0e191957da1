// Command bench measures Sigillo's verifier against openssl and sha1sum on a
// corpus it generates with the fake providers of package pec/pectest (the code
// behind examples/simulate), and prints the results as markdown tables:
//
//	go run ./examples/bench [flags]
//
// What it does:
//
//   - generates one exchange with a small attachment (its signed receipts and
//     envelopes, 5 to 25 KB each, are the "small" corpus) and one transport
//     envelope carrying -attach-size random bytes (about 100 MB once encoded);
//   - small messages: runs pec.Read (parse, classify, verify) and envelope.Verify
//     in process on one core (GOMAXPROCS=1), -n times over the corpus, and
//     `openssl smime -verify -CAfile trust.pem -attime T -in FILE -out /dev/null`
//     -openssl times, one process per message as a mail filter would;
//   - the large envelope: runs sha1sum, envelope.VerifyFile and pec.ReadFile
//     (streaming mode; this program as a child process, `bench -verify-one
//     FILE`, so that its peak RSS is its own), pec.ReadFile with the message
//     loaded (pec.Read) and openssl, -reps times each (once for the last
//     two), interleaved, and keeps the median;
//   - building and signing an acceptance receipt, against one RSA-2048 PKCS#1 v1.5
//     signature alone.
//
// Wall times on a shared machine are noisy: the tables also give CPU time
// (user+system, from the child's rusage), and ratios are taken within one run.
//
// Flags:
//
//	-n N            in-process verifications of small messages (default 20000)
//	-openssl N      openssl runs on small messages (default 200)
//	-attach-size N  bytes attached to the large envelope (default 73000000,
//	                a 100 MB envelope); 0 skips the large-file part
//	-reps N         runs of each large-file tool (default 3)
//	-digest NAME    signature digest of the corpus: sha256 (default) or sha1
//	-dir DIR        keep the corpus in DIR instead of a removed temporary folder
//	-cpuprofile F   write a CPU profile of the in-process small-message runs to F
//
// Child mode (used by the parent): bench -verify-one FILE -trust PEM [-mode
// stream|pec|pec-memory] verifies one message and prints one JSON line.
package main

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "-verify-one":
		err = childMain(os.Args[1:])
	case len(os.Args) > 2 && os.Args[1] == "-measure":
		err = measureMain(os.Args[2:])
	default:
		err = run(os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type config struct {
	n, opensslN, attach, reps int
	digest                    crypto.Hash
	dir, cpuprofile           string
}

func run(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var c config
	fs.IntVar(&c.n, "n", 20000, "in-process verifications of small messages")
	fs.IntVar(&c.opensslN, "openssl", 200, "openssl runs on small messages")
	fs.IntVar(&c.attach, "attach-size", 73_000_000, "bytes attached to the large envelope (0: skip)")
	fs.IntVar(&c.reps, "reps", 3, "runs of each large-file tool")
	digest := fs.String("digest", "sha256", "signature digest: sha256 or sha1")
	fs.StringVar(&c.dir, "dir", "", "corpus folder (default: a temporary folder, removed)")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the in-process small-message runs to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *digest {
	case "sha256", "sha-256":
		c.digest = crypto.SHA256
	case "sha1", "sha-1":
		c.digest = crypto.SHA1
	default:
		return fmt.Errorf("-digest %q: want sha256 or sha1", *digest)
	}
	if c.n < 1 || c.opensslN < 0 || c.reps < 1 || c.attach < 0 {
		return errors.New("-n and -reps must be positive, -openssl and -attach-size not negative")
	}
	if c.dir == "" {
		d, err := os.MkdirTemp("", "sigillo-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		c.dir = d
	} else if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	runtime.GOMAXPROCS(1)

	logf("generating the corpus in %s", c.dir)
	corp, err := generate(c)
	if err != nil {
		return err
	}
	out := &report{cmd: strings.TrimSpace("go run ./examples/bench " + strings.Join(args, " "))}
	if c.cpuprofile != "" {
		pf, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		out.small(c, corp)
		pprof.StopCPUProfile()
		if err := pf.Close(); err != nil {
			return err
		}
	} else {
		out.small(c, corp)
	}
	if err := out.smallOpenSSL(c, corp); err != nil {
		return err
	}
	if err := out.buildSign(corp); err != nil {
		return err
	}
	if c.attach > 0 {
		if err := out.large(c, corp); err != nil {
			return err
		}
		if err := out.bounded(c, corp); err != nil {
			return err
		}
	}
	out.print(os.Stdout)
	return nil
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }

// corpus is what generate wrote.
type corpus struct {
	trustPEM   string // path
	trust      *envelope.Trust
	small      []file
	large      string // path, "" when skipped
	largeSize  int64
	signedAt   time.Time
	about      *envelope.Certification
	sender     *pectest.Provider
	smallBytes int64
}

type file struct {
	path string
	raw  []byte
}

func generate(c config) (*corpus, error) {
	w := pectest.NewWorld(&pectest.Options{Digest: c.digest})
	sender := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	co := &corpus{trustPEM: filepath.Join(c.dir, "trust.pem"), trust: w.Trust(), sender: sender,
		signedAt: pectest.DefaultStart()}
	if err := os.WriteFile(co.trustPEM, w.TrustPEM(), 0o644); err != nil {
		return nil, err
	}

	x, err := sender.Send(original(6000, 1), nil)
	if err != nil {
		return nil, err
	}
	co.about = x.Certification
	for i, m := range x.Messages {
		if len(m.Raw) < 5000 || len(m.Raw) > 25000 {
			continue
		}
		p := filepath.Join(c.dir, fmt.Sprintf("small-%02d-%s.eml", i, m.Name))
		if err := os.WriteFile(p, m.Raw, 0o644); err != nil {
			return nil, err
		}
		co.small = append(co.small, file{p, m.Raw})
		co.smallBytes += int64(len(m.Raw))
	}
	if len(co.small) == 0 {
		return nil, errors.New("no message of 5 to 25 KB in the small exchange")
	}

	if c.attach > 0 {
		big := original(c.attach, 2)
		x, err := sender.Send(big, &pectest.SendOptions{Limits: &envelope.BuildLimits{MaxOriginalBytes: len(big) + 1<<20}})
		if err != nil {
			return nil, err
		}
		m := x.Find(receipt.KindPostaCertificata, "")
		if m == nil {
			return nil, errors.New("no transport envelope in the large exchange")
		}
		co.large = filepath.Join(c.dir, "large-posta-certificata.eml")
		co.largeSize = int64(len(m.Raw))
		if err := os.WriteFile(co.large, m.Raw, 0o644); err != nil {
			return nil, err
		}
		x, big, m = nil, nil, nil
		runtime.GC()
		debug.FreeOSMemory()
	}
	return co, nil
}

// original writes the message a mail client would submit, with attach random
// bytes (like examples/simulate).
func original(attach int, seed uint64) []byte {
	var b bytes.Buffer
	b.WriteString("From: alice@pec.example.it\r\nTo: bob@pec.example.org\r\nSubject: Contratto di fornitura\r\n")
	b.WriteString("Date: " + pectest.DefaultStart().Format(time.RFC1123Z) + "\r\n")
	b.WriteString(fmt.Sprintf("Message-ID: <bench.%d@client.example.it>\r\nX-TipoRicevuta: completa\r\n", seed))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"bench-boundary\"\r\n\r\n")
	b.WriteString("--bench-boundary\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\nIn allegato il documento.\r\n")
	b.WriteString("\r\n--bench-boundary\r\nContent-Type: application/octet-stream; name=\"allegato.bin\"\r\n")
	b.WriteString("Content-Disposition: attachment; filename=\"allegato.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	data := make([]byte, attach)
	mrand.NewChaCha8([32]byte{byte(seed)}).Read(data) //nolint:errcheck // never fails
	enc := base64.StdEncoding.EncodeToString(data)
	data = nil
	b.Grow(len(enc) + len(enc)/38 + 100)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--bench-boundary--\r\n")
	return b.Bytes()
}

// report collects the rows of the tables.
type report struct {
	cmd                  string
	smallRows, largeRows []row
	buildRows            []row
	boundedRows          []row
	targets              [][4]string
	smallMedianSize      int
	opensslPerMsg        time.Duration
	sigilloMsgsPerS      float64
	sha1Wall, sha1CPU    time.Duration
	largeSize            int64
	notes                []string
}

type row struct{ cells []string }

func (r *report) small(c config, co *corpus) {
	sizes := make([]int, len(co.small))
	for i, f := range co.small {
		sizes[i] = len(f.raw)
	}
	slices.Sort(sizes)
	r.smallMedianSize = sizes[len(sizes)/2]
	avg := float64(co.smallBytes) / float64(len(co.small))
	vopts := &envelope.VerifyOptions{Trust: co.trust}
	popts := &pec.Options{Verify: vopts}
	key, _ := co.sender.Signer().Key.(*rsa.PrivateKey)
	if key == nil {
		panic("bench: the provider key is not RSA")
	}
	floorSigs := map[*byte][]byte{} // a signature over each message's SHA-256
	for _, f := range co.small {
		d := sha256.Sum256(f.raw)
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
		if err != nil {
			panic(err)
		}
		floorSigs[&f.raw[0]] = sig
	}

	type bench struct {
		name string
		f    func(raw []byte) error
	}
	benches := []bench{
		{"Sigillo pec.Read (parse + classify + verify)", func(raw []byte) error {
			m, err := pec.Read(bytes.NewReader(raw), popts)
			if err != nil {
				return err
			}
			if !m.Certified {
				return fmt.Errorf("not certified: %v", m.Verification.Err)
			}
			return nil
		}},
		{"Sigillo envelope.Verify (verify only)", func(raw []byte) error {
			if rep := envelope.Verify(raw, vopts); !rep.Valid() {
				return rep.Err
			}
			return nil
		}},
		{"floor: SHA-256 of the message + one RSA-2048 verification", func(raw []byte) error {
			d := sha256.Sum256(raw)
			return rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, d[:], floorSigs[&raw[0]])
		}},
	}
	var meds []time.Duration
	var allocs []uint64
	for _, b := range benches {
		for _, f := range co.small { // correctness first, and warm-up
			if err := b.f(f.raw); err != nil {
				r.notes = append(r.notes, fmt.Sprintf("%s: %s: %v", b.name, filepath.Base(f.path), err))
			}
		}
		logf("%s: %d messages", b.name, c.n)
		durs := make([]time.Duration, c.n)
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		c0 := cpuSelf()
		start := time.Now()
		var bytesDone int64
		for i := range c.n {
			raw := co.small[i%len(co.small)].raw
			t := time.Now()
			_ = b.f(raw)
			durs[i] = time.Since(t)
			bytesDone += int64(len(raw))
		}
		wall := time.Since(start)
		cpu := cpuSelf() - c0
		runtime.ReadMemStats(&m1)
		med := median(durs)
		meds = append(meds, med)
		allocs = append(allocs, (m1.Mallocs-m0.Mallocs)/uint64(c.n))
		perS := float64(c.n) / wall.Seconds()
		if r.sigilloMsgsPerS == 0 {
			r.sigilloMsgsPerS = perS
		}
		allocPer := float64(m1.TotalAlloc-m0.TotalAlloc) / float64(c.n)
		r.smallRows = append(r.smallRows, row{[]string{
			b.name,
			fmt.Sprintf("%.0f", perS),
			fmt.Sprintf("%.1f", float64(bytesDone)/1e6/wall.Seconds()),
			us(med),
			us(cpu / time.Duration(c.n)),
			fmt.Sprintf("%.1f KB (%.1fx msg), %d allocs", allocPer/1e3, allocPer/avg, (m1.Mallocs-m0.Mallocs)/uint64(c.n)),
		}})
		if len(r.smallRows) == 1 {
			r.targets = append(r.targets,
				[4]string{"small receipt: parse+classify+verify median", "< 100 µs", us(med), verdict(med < 100*time.Microsecond)},
				[4]string{"small receipt: messages/s per core", ">= 10000", fmt.Sprintf("%.0f", perS), verdict(perS >= 10000)},
				[4]string{"small receipt: allocated per verification", "< 4x message size", fmt.Sprintf("%.1fx", allocPer/avg), verdict(allocPer < 4*avg)})
		}
	}
	if len(meds) == 3 && meds[2] > 0 {
		ratio := float64(meds[0]) / float64(meds[2])
		r.targets = append(r.targets, [4]string{"small receipt: pec.Read median vs the floor (SHA-256 + one RSA-2048 verification, same run)", "<= 2.0x",
			fmt.Sprintf("%.2fx, %d allocs", ratio, allocs[0]), verdict(ratio <= 2.0)})
	}
}

func (r *report) smallOpenSSL(c config, co *corpus) error {
	if c.opensslN == 0 {
		return nil
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		r.notes = append(r.notes, "openssl not found: openssl rows skipped")
		return nil
	}
	logf("openssl smime -verify: %d messages", c.opensslN)
	durs := make([]time.Duration, c.opensslN)
	var cpu time.Duration
	var peak int64
	var bytesDone int64
	start := time.Now()
	for i := range c.opensslN {
		f := co.small[i%len(co.small)]
		res, err := runCmd(opensslArgs(co, f.path)...)
		if err != nil {
			return fmt.Errorf("openssl on %s: %w", filepath.Base(f.path), err)
		}
		durs[i], cpu, peak = res.wall, cpu+res.cpu, max(peak, res.maxRSS)
		bytesDone += int64(len(f.raw))
	}
	wall := time.Since(start)
	if self, err := os.Executable(); err == nil {
		if m, err := measured(self, opensslArgs(co, co.small[0].path)...); err == nil {
			peak = m.maxRSS
		}
	}
	med := median(durs)
	r.opensslPerMsg = med
	perS := float64(c.opensslN) / wall.Seconds()
	r.smallRows = append(r.smallRows, row{[]string{
		"openssl smime -verify (one process per message)",
		fmt.Sprintf("%.0f", perS),
		fmt.Sprintf("%.1f", float64(bytesDone)/1e6/wall.Seconds()),
		us(med),
		us(cpu / time.Duration(c.opensslN)),
		fmt.Sprintf("peak RSS %s", mib(peak)),
	}})
	ratio := r.sigilloMsgsPerS / perS
	r.targets = append(r.targets, [4]string{"small receipt: throughput vs openssl per message", ">= 100x",
		fmt.Sprintf("%.0fx", ratio), verdict(ratio >= 100)})
	return nil
}

func opensslArgs(co *corpus, path string) []string {
	return []string{"openssl", "smime", "-verify", "-CAfile", co.trustPEM,
		"-attime", strconv.FormatInt(co.signedAt.Unix()+60, 10), "-in", path, "-out", os.DevNull}
}

func (r *report) buildSign(co *corpus) error {
	signer := co.sender.Signer()
	key, ok := signer.Key.(*rsa.PrivateKey)
	if !ok {
		return errors.New("the provider key is not RSA")
	}
	ev := &receipt.Event{Kind: receipt.KindAccettazione, Issuer: co.sender.Issuer(), Time: co.signedAt, About: co.about.Cert}
	digest := sha256.Sum256([]byte("bench"))
	const n = 2000
	measure := func(f func() error) (time.Duration, error) {
		if err := f(); err != nil {
			return 0, err
		}
		durs := make([]time.Duration, n)
		for i := range n {
			t := time.Now()
			if err := f(); err != nil {
				return 0, err
			}
			durs[i] = time.Since(t)
		}
		return median(durs), nil
	}
	logf("build+sign: %d receipts", n)
	rsaT, err := measure(func() error { _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]); return err })
	if err != nil {
		return err
	}
	var size int
	bsT, err := measure(func() error {
		d, err := receipt.Build(ev)
		if err != nil {
			return err
		}
		raw, err := d.Sign(signer)
		size = len(raw)
		return err
	})
	if err != nil {
		return err
	}
	ratio := float64(bsT) / float64(rsaT)
	r.buildRows = append(r.buildRows,
		row{[]string{"RSA-2048 PKCS#1 v1.5 signature alone (crypto/rsa)", us(rsaT), "1.00"}},
		row{[]string{fmt.Sprintf("receipt.Build + Draft.Sign: accettazione (%d bytes)", size), us(bsT), fmt.Sprintf("%.2f", ratio)}})
	r.targets = append(r.targets, [4]string{"build + sign a receipt vs RSA-2048 sign alone", "<= 1.5x",
		fmt.Sprintf("%.2fx", ratio), verdict(ratio <= 1.5)})
	return nil
}

func (r *report) large(c config, co *corpus) error {
	r.largeSize = co.largeSize
	if _, err := os.ReadFile(co.large); err != nil { // warm the page cache
		return err
	}
	runtime.GC()
	debug.FreeOSMemory()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	type tool struct {
		name string
		args []string
		reps int
	}
	tools := []tool{
		{"sha1sum", []string{"sha1sum", co.large}, c.reps},
		{"Sigillo envelope.VerifyFile (streaming, one core)", []string{self, "-verify-one", co.large, "-trust", co.trustPEM, "-mode", "stream"}, c.reps},
		{"Sigillo pec.ReadFile (streaming: verify, classify, small parts)", []string{self, "-verify-one", co.large, "-trust", co.trustPEM, "-mode", "pec"}, c.reps},
		{"Sigillo pec.Read (whole message in memory)", []string{self, "-verify-one", co.large, "-trust", co.trustPEM, "-mode", "pec-memory"}, 1},
		{"openssl smime -verify", opensslArgs(co, co.large), 1},
	}
	// Each tool runs under a small "bench -measure" wrapper: a child started by a
	// process inherits that process's peak RSS in its rusage (Linux vfork), so
	// the wrapper, not this large process, must start it.
	floor, err := measured(self, "true")
	if err != nil {
		return err
	}
	r.notes = append(r.notes, fmt.Sprintf("peak RSS of the large-file tools is measured by a wrapper process; values below %s are the wrapper's own floor", mib(floor.maxRSS)))
	results := make([][]cmdResult, len(tools))
	for rep := range c.reps {
		for i, t := range tools {
			if rep >= t.reps {
				continue
			}
			if t.args[0] == "openssl" {
				if _, err := exec.LookPath("openssl"); err != nil {
					continue
				}
			}
			logf("large: %s (run %d)", t.name, rep+1)
			res, err := measured(self, t.args...)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			results[i] = append(results[i], res)
		}
	}
	for i, t := range tools {
		if len(results[i]) == 0 {
			continue
		}
		wall := medianOf(results[i], func(x cmdResult) time.Duration { return x.wall })
		cpu := medianOf(results[i], func(x cmdResult) time.Duration { return x.cpu })
		var peak int64
		for _, x := range results[i] {
			peak = max(peak, x.maxRSS)
		}
		if i == 0 {
			r.sha1Wall, r.sha1CPU = wall, cpu
		}
		r.largeRows = append(r.largeRows, row{[]string{
			t.name,
			fmt.Sprintf("%.3f", wall.Seconds()),
			fmt.Sprintf("%.3f", cpu.Seconds()),
			fmt.Sprintf("%.0f", float64(co.largeSize)/1e6/wall.Seconds()),
			mib(peak),
			fmt.Sprintf("%.2f", float64(wall)/float64(r.sha1Wall)),
			fmt.Sprintf("%.2f", float64(cpu)/float64(r.sha1CPU)),
		}})
		if i == 1 || i == 2 {
			api := "envelope.VerifyFile"
			if i == 2 {
				api = "pec.ReadFile"
			}
			ratio := float64(wall) / float64(r.sha1Wall)
			r.targets = append(r.targets,
				[4]string{"100 MB envelope from a file (" + api + "): wall time vs sha1sum", "<= 1.5x", fmt.Sprintf("%.2fx (CPU %.2fx)", ratio, float64(cpu)/float64(r.sha1CPU)), verdict(ratio <= 1.5)},
				[4]string{"100 MB envelope from a file (" + api + "): peak RSS", "< 64 MiB", mib(peak), verdict(peak < 64<<20)})
		}
	}
	return nil
}

// bounded writes three large messages that are not a top-level signed PEC (an
// ordinary message with an -attach-size attachment, 98 MB by default, the large
// envelope forwarded as a message/rfc822 attachment, and one base64 line of
// twice that, 150 MB by default) and measures
// pec.ReadFile on each in a child process: peak RSS must stay under 64 MiB.
func (r *report) bounded(c config, co *corpus) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	type msg struct {
		name  string
		write func(w io.Writer) error
	}
	random := func(w io.Writer, n int64) error {
		rng := mrand.New(mrand.NewPCG(7, 7))
		buf := make([]byte, 1<<16)
		for n > 0 {
			k := min(int64(len(buf)), n)
			for i := range buf[:k] {
				buf[i] = byte(rng.Uint32())
			}
			if _, err := w.Write(buf[:k]); err != nil {
				return err
			}
			n -= k
		}
		return nil
	}
	lines := func(w io.Writer, n int64) error { // base64 in 76-character lines
		pr, pw := io.Pipe()
		go func() {
			enc := base64.NewEncoder(base64.StdEncoding, pw)
			err := random(enc, n)
			if err == nil {
				err = enc.Close()
			}
			pw.CloseWithError(err)
		}()
		line := make([]byte, 78)
		for {
			k, err := io.ReadFull(pr, line[:76])
			if k > 0 {
				line[k], line[k+1] = '\r', '\n'
				if _, err := w.Write(line[:k+2]); err != nil {
					return err
				}
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	}
	head := "From: alice@example.com\r\nTo: bob@example.org\r\nSubject: large\r\nDate: Fri, 14 Mar 2025 11:00:00 +0100\r\nMIME-Version: 1.0\r\n"
	msgs := []msg{
		{"ordinary message with a large attachment", func(w io.Writer) error {
			io.WriteString(w, head+"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nIn allegato.\r\n"+
				"--b\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
			if err := lines(w, int64(c.attach)); err != nil {
				return err
			}
			_, err := io.WriteString(w, "--b--\r\n")
			return err
		}},
		{"the large envelope forwarded as message/rfc822", func(w io.Writer) error {
			io.WriteString(w, head+"Content-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n--fwd\r\nContent-Type: text/plain\r\n\r\nInoltro.\r\n"+
				"--fwd\r\nContent-Type: message/rfc822; name=\"pec.eml\"\r\n\r\n")
			f, err := os.Open(co.large)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(w, f); err != nil {
				return err
			}
			_, err = io.WriteString(w, "\r\n--fwd--\r\n")
			return err
		}},
		{"one base64 line", func(w io.Writer) error {
			io.WriteString(w, head+"Content-Type: application/octet-stream; name=\"one.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
			enc := base64.NewEncoder(base64.StdEncoding, w)
			if err := random(enc, int64(c.attach)*154/100); err != nil { // 150 MB by default
				return err
			}
			if err := enc.Close(); err != nil {
				return err
			}
			_, err := io.WriteString(w, "\r\n")
			return err
		}},
	}
	for i, m := range msgs {
		path := filepath.Join(c.dir, fmt.Sprintf("bounded-%d.eml", i))
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		err = m.write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		logf("bounded: %s (%d bytes)", m.name, st.Size())
		res, err := measured(self, self, "-verify-one", path, "-trust", co.trustPEM, "-mode", "pec-any")
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		r.boundedRows = append(r.boundedRows, row{[]string{m.name, fmt.Sprintf("%.1f MB", float64(st.Size())/1e6),
			fmt.Sprintf("%.3f", res.wall.Seconds()), fmt.Sprintf("%.3f", res.cpu.Seconds()), mib(res.maxRSS)}})
		r.targets = append(r.targets, [4]string{"bounded memory: " + m.name + " (pec.ReadFile): peak RSS", "< 64 MiB", mib(res.maxRSS), verdict(res.maxRSS < 64<<20)})
		_ = os.Remove(path)
	}
	return nil
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "Command: `%s`  \n", r.cmd)
	fmt.Fprintf(w, "Machine: %s, %d CPU(s), %s/%s, %s, %s; in-process runs use GOMAXPROCS=1.\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), opensslVersion())
	fmt.Fprintf(w, "Small signed messages (median %d bytes):\n\n", r.smallMedianSize)
	table(w, []string{"verifier", "messages/s", "MB/s", "median per message", "CPU per message", "memory"}, r.smallRows)
	if r.largeSize > 0 {
		fmt.Fprintf(w, "\nLarge transport envelope (%.1f MB file, page cache warm, median of runs):\n\n", float64(r.largeSize)/1e6)
		table(w, []string{"tool", "wall s", "CPU s", "MB/s", "peak RSS", "wall vs sha1sum", "CPU vs sha1sum"}, r.largeRows)
	}
	if len(r.boundedRows) > 0 {
		fmt.Fprintf(w, "\nAny message in bounded memory (pec.ReadFile, one run each):\n\n")
		table(w, []string{"message", "size", "wall s", "CPU s", "peak RSS"}, r.boundedRows)
	}
	fmt.Fprintf(w, "\nBuilding and signing (median):\n\n")
	table(w, []string{"operation", "time", "vs RSA sign"}, r.buildRows)
	fmt.Fprintf(w, "\nTargets (issues 6 and 9):\n\n")
	var rows []row
	for _, t := range r.targets {
		rows = append(rows, row{t[:]})
	}
	table(w, []string{"target", "goal", "measured", "met"}, rows)
	for _, n := range r.notes {
		fmt.Fprintf(w, "\nNote: %s\n", n)
	}
}

func table(w io.Writer, head []string, rows []row) {
	fmt.Fprintf(w, "| %s |\n|", strings.Join(head, " | "))
	for range head {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r.cells, " | "))
	}
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func us(d time.Duration) string {
	if d >= time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f µs", float64(d)/1e3)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianOf(rs []cmdResult, f func(cmdResult) time.Duration) time.Duration {
	d := make([]time.Duration, len(rs))
	for i, r := range rs {
		d[i] = f(r)
	}
	return median(d)
}

// cmdResult is what a child process cost.
type cmdResult struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes
	stdout    []byte
}

func runCmd(args ...string) (cmdResult, error) {
	cmd := exec.Command(args[0], args[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := cmdResult{wall: time.Since(start), stdout: stdout.Bytes()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		res.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		res.maxRSS = ru.Maxrss * 1024 // KiB on Linux
	}
	if err != nil {
		return res, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return res, nil
}

// measured runs args under "self -measure" and returns what the wrapper saw.
func measured(self string, args ...string) (cmdResult, error) {
	out, err := runCmd(append([]string{self, "-measure"}, args...)...)
	if err != nil {
		return cmdResult{}, err
	}
	var m measurement
	if err := json.Unmarshal(out.stdout, &m); err != nil {
		return cmdResult{}, fmt.Errorf("wrapper output: %w", err)
	}
	return cmdResult{wall: time.Duration(m.WallNS), cpu: time.Duration(m.CPUNS), maxRSS: m.MaxRSS}, nil
}

type measurement struct {
	WallNS int64 `json:"wall_ns"`
	CPUNS  int64 `json:"cpu_ns"`
	MaxRSS int64 `json:"maxrss"`
}

// measureMain runs a command and prints its wall time, CPU time and peak RSS as JSON.
func measureMain(args []string) error {
	res, err := runCmd(args...)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(measurement{int64(res.wall), int64(res.cpu), res.maxRSS})
}

func cpuSelf() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func opensslVersion() string {
	out, err := exec.Command("openssl", "version").Output()
	if err != nil {
		return "no openssl"
	}
	return strings.TrimSpace(string(out))
}

// childMain verifies one file and prints a JSON line; it fails when the message
// does not verify.
func childMain(args []string) error {
	fs := flag.NewFlagSet("bench -verify-one", flag.ContinueOnError)
	path := fs.String("verify-one", "", "message file")
	trustPath := fs.String("trust", "", "trust anchors (PEM)")
	mode := fs.String("mode", "stream", "stream (envelope.VerifyFile), pec (pec.ReadFile) or pec-memory (pec.ReadFile loading the message)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	runtime.GOMAXPROCS(1)
	pemData, err := os.ReadFile(*trustPath)
	if err != nil {
		return err
	}
	start := time.Now()
	var digest string
	t := envelope.NewTrust()
	if _, err := t.AddPEM(pemData); err != nil {
		return err
	}
	vo := &envelope.VerifyOptions{Trust: t}
	switch *mode {
	case "stream":
		var r *envelope.Report
		r, err = envelope.VerifyFile(*path, vo)
		if err == nil {
			digest = r.DigestName
			if !r.Valid() {
				err = fmt.Errorf("not valid: %v", r.Err)
			}
		}
	case "pec-any":
		var m *pec.Message
		if m, err = pec.ReadFile(*path, &pec.Options{Verify: vo}); err == nil {
			digest = string(m.Kind)
		}
	case "pec", "pec-memory":
		o := &pec.Options{Verify: vo}
		var m *pec.Message
		if *mode == "pec-memory" {
			var raw []byte
			if raw, err = os.ReadFile(*path); err == nil {
				m, err = pec.Read(bytes.NewReader(raw), o)
			}
		} else {
			m, err = pec.ReadFile(*path, o)
		}
		if err == nil {
			digest = m.Verification.DigestName
			if !m.Certified {
				err = fmt.Errorf("not certified: %v", m.Verification.Err)
			}
		}
	default:
		return fmt.Errorf("-mode %q: want stream, pec or pec-memory", *mode)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"ok": true, "digest": digest, "seconds": time.Since(start).Seconds()})
}
