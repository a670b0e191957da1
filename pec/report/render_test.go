package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/pec/report"
)

// renderTimeout bounds one headless Chromium run (it takes about 1.5 s).
const renderTimeout = 90 * time.Second

// wantPages is the page count of the fixture's dossier printed on A4: the
// summary, the transmission (a page break before it), then the messages (a page
// break before them). It depends on the fonts Chromium finds; CI installs Debian's
// chromium, whose dependencies bring the DejaVu fonts the CSS asks for first.
const wantPages = 20

// run runs a command with a timeout, in its own process group, killed whole on
// timeout.
func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), renderTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // helpers left behind, if any
	}
	require.NoError(t, err, "%s: %s", filepath.Base(name), stderr.String())
	return stdout.Bytes()
}

// TestRenderPDF prints the dossier of the bundled exchange to PDF with a real
// headless Chromium and checks the PDF with poppler: page count, every recipient,
// every SHA-256 of the input files, the Italian headings.
func TestRenderPDF(t *testing.T) {
	t.Parallel()
	chromium := testutil.Tool(t, "chromium")
	pdftotext := testutil.Tool(t, "pdftotext")
	pdfinfo := testutil.Tool(t, "pdfinfo")

	f := loadFixture(t)
	dir := t.TempDir()
	htmlPath := filepath.Join(dir, "dossier.html")
	pdfPath := filepath.Join(dir, "dossier.pdf")
	var b bytes.Buffer
	require.NoError(t, report.Write(&b, f.tr, f.entries, &report.Options{Now: f.now}))
	require.NoError(t, os.WriteFile(htmlPath, b.Bytes(), 0o600))

	start := time.Now()
	run(t, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+pdfPath, "--no-pdf-header-footer",
		"file://"+htmlPath)
	t.Logf("chromium printed the dossier in %v", time.Since(start).Round(10*time.Millisecond))
	_, err := os.Stat(pdfPath)
	require.NoError(t, err)

	info := string(run(t, pdfinfo, pdfPath))
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info)
	require.NotNil(t, m, info)
	pages, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	assert.Equal(t, wantPages, pages)

	text := string(run(t, pdftotext, "-enc", "UTF-8", pdfPath, "-"))
	flat := strings.Join(strings.Fields(text), "") // hashes and addresses may wrap
	for _, r := range recipients {
		assert.Contains(t, flat, r)
	}
	for _, s := range f.sums {
		assert.Contains(t, flat, s)
	}
	for _, h := range []string{"Fascicolo delle prove di consegna PEC", "Destinatari", "Cronologia", "Messaggi esaminati",
		"Esito della verifica", "Certificato del firmatario", "Dati di certificazione (daticert.xml)", "Allegati"} {
		assert.Contains(t, text, h)
	}
	// The transmission starts on page 2, the messages on a page of their own.
	page2 := string(run(t, pdftotext, "-enc", "UTF-8", "-f", "2", "-l", "2", pdfPath, "-"))
	assert.True(t, strings.HasPrefix(strings.TrimSpace(page2), "Invio Contratto di fornitura"), page2)
	found := false
	for p := 3; p <= pages && !found; p++ {
		s := string(run(t, pdftotext, "-enc", "UTF-8", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), pdfPath, "-"))
		found = strings.HasPrefix(strings.TrimSpace(s), "Messaggi esaminati")
	}
	assert.True(t, found, "the messages section starts a page")
}
