package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/report"
)

// fixture reads the bundled exchange (14 files) plus an unreadable file into a
// tracker and entries.
type fixture struct {
	tr      *pec.Tracker
	entries []report.Entry
	sums    []string
	now     time.Time
}

func loadFixture(t testing.TB) *fixture {
	t.Helper()
	td := testutil.Testdata(t)
	pem, err := os.ReadFile(filepath.Join(td, "trust.pem"))
	require.NoError(t, err)
	trust := envelope.NewTrust()
	_, err = trust.AddPEM(pem)
	require.NoError(t, err)
	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}}
	names, err := filepath.Glob(filepath.Join(td, "messages", "exchange", "*.eml"))
	require.NoError(t, err)
	require.Len(t, names, 14)
	f := &fixture{tr: pec.NewTracker()}
	for _, n := range names {
		raw, err := os.ReadFile(n)
		require.NoError(t, err)
		sum := sha256.Sum256(raw)
		loc := "exchange/" + filepath.Base(n)
		m, err := pec.Read(bytes.NewReader(raw), opts)
		require.NoError(t, err)
		f.tr.Add(m, pec.Evidence{Locator: loc, SHA256: sum})
		f.entries = append(f.entries, report.NewEntry(loc, m, sum, nil, nil))
		f.sums = append(f.sums, hex.EncodeToString(sum[:]))
	}
	bad := []byte("\x00not a message")
	_, rerr := pec.Read(bytes.NewReader(bad), opts)
	require.ErrorIs(t, rerr, pec.ErrNotMessage)
	sum := sha256.Sum256(bad)
	f.entries = append(f.entries, report.NewEntry("broken.eml", nil, sum, rerr, nil))
	f.sums = append(f.sums, hex.EncodeToString(sum[:]))
	f.now = f.tr.Transmissions()[0].Accepted.Add(48 * time.Hour)
	return f
}

var recipients = []string{
	"bob@pec.example.org", "carol@pec.example.org", "dave@pec.example.org", "erin@pec.example.org",
	"frank@pec.example.org", "grace@pec.example.org", "heidi@mail.example.com",
}

func TestWrite(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	tests := []struct {
		lang  string
		words []string
	}{
		{"", []string{`<html lang="it">`, "Fascicolo delle prove di consegna PEC", "Cronologia", "Ricevuta di avvenuta consegna", "non consegnato entro 24 ore", "Certificato del firmatario", "ora italiana", "Osservazioni", "Il file non è leggibile"}},
		{"en", []string{`<html lang="en">`, "PEC delivery evidence dossier", "Timeline", "Delivery receipt", "not delivered within 24 hours", "Signer certificate", "Italian time"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			require.NoError(t, report.Write(&b, f.tr, f.entries, &report.Options{Lang: tt.lang, Now: f.now}))
			html := b.String()
			for _, w := range tt.words {
				assert.Contains(t, html, w)
			}
			for _, r := range recipients {
				assert.Contains(t, html, r)
			}
			for _, s := range f.sums {
				assert.Contains(t, html, s)
			}
			// Self-contained: no external reference of any kind.
			assert.NotRegexp(t, regexp.MustCompile(`(?i)(src|href)\s*=\s*"(?:[a-z]+:|//)`), html)
			assert.NotContains(t, html, "<script")
			assert.NotContains(t, html, "@import")
			assert.NotRegexp(t, regexp.MustCompile(`(?i)url\(`), html)
		})
	}
}

func TestWriteEscapes(t *testing.T) {
	t.Parallel()
	evil := `<script>alert(1)</script>"'&`
	e := report.NewEntry(evil, &pec.Message{Subject: evil, Verification: &envelope.Report{},
		Findings: []pec.Finding{{Code: evil, Detail: evil}}}, [32]byte{}, nil, nil)
	var b bytes.Buffer
	require.NoError(t, report.Write(&b, nil, []report.Entry{e}, &report.Options{Now: time.Unix(0, 0)}))
	assert.NotContains(t, b.String(), "<script>")
	assert.Contains(t, b.String(), "&lt;script&gt;")
}

func TestWriteOptions(t *testing.T) {
	t.Parallel()
	err := report.Write(&bytes.Buffer{}, nil, nil, &report.Options{Lang: "fr"})
	assert.ErrorIs(t, err, report.ErrOptions)
	require.NoError(t, report.Write(&bytes.Buffer{}, nil, nil, nil))
}

func TestNewEntryMaxAttachments(t *testing.T) {
	t.Parallel()
	m := &pec.Message{Verification: &envelope.Report{}}
	for i := 0; i < report.DefaultMaxAttachments+1; i++ {
		m.Attachments = append(m.Attachments, pec.Attachment{Name: "a", Data: []byte{byte(i)}, Loaded: true, Size: 1})
	}
	e := report.NewEntry("x", m, [32]byte{}, nil, nil)
	assert.Len(t, e.Attachments, report.DefaultMaxAttachments)
	assert.Equal(t, 1, e.MoreAttachments)
	assert.Equal(t, sha256.Sum256([]byte{0}), e.Attachments[0].SHA256)

	m.Attachments = m.Attachments[:report.DefaultMaxAttachments]
	e = report.NewEntry("x", m, [32]byte{}, nil, nil)
	assert.Len(t, e.Attachments, report.DefaultMaxAttachments)
	assert.Zero(t, e.MoreAttachments)

	e = report.NewEntry("x", m, [32]byte{}, nil, &report.EntryOptions{MaxAttachments: 2})
	assert.Len(t, e.Attachments, 2)
	assert.Equal(t, report.DefaultMaxAttachments-2, e.MoreAttachments)
}

// TestLegalTimeMatchesZoneinfo cross-checks the Italian time shown (envelope's
// rule) against the system's Europe/Rome, when the host has a zone database.
func TestLegalTimeMatchesZoneinfo(t *testing.T) {
	t.Parallel()
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	for _, s := range []string{"2025-03-30T00:59:59Z", "2025-03-30T01:00:00Z", "2025-10-26T00:59:59Z", "2025-10-26T01:00:00Z", "2031-07-01T12:00:00Z"} {
		u, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		_, want := u.In(rome).Zone()
		_, got := envelope.LegalTime(u).Zone()
		assert.Equal(t, want, got, s)
	}
}

// TestWriteRejectedAndUnproven: a non-acceptance notice makes a rejected
// transmission; the same file read without the trust anchor is an unproven claim.
func TestWriteRejectedAndUnproven(t *testing.T) {
	t.Parallel()
	td := testutil.Testdata(t)
	raw, err := os.ReadFile(filepath.Join(td, "messages", "rejected", "01-non-accettazione.eml"))
	require.NoError(t, err)
	pem, err := os.ReadFile(filepath.Join(td, "trust.pem"))
	require.NoError(t, err)
	trust := envelope.NewTrust()
	_, err = trust.AddPEM(pem)
	require.NoError(t, err)
	sum := sha256.Sum256(raw)
	tests := []struct {
		name  string
		trust *envelope.Trust
		want  []string
	}{
		{"trusted", trust, []string{"Messaggio non accettato dal gestore del mittente", "non inviato (messaggio non accettato)", "Certificato"}},
		{"untrusted", envelope.NewTrust(), []string{"Messaggi non certificati", "Non certificato", "non discende da un&#39;autorità"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := pec.Read(bytes.NewReader(raw), &pec.Options{Verify: &envelope.VerifyOptions{Trust: tt.trust}})
			require.NoError(t, err)
			tr := pec.NewTracker()
			tr.Add(m, pec.Evidence{Locator: "rejected.eml", SHA256: sum})
			var b bytes.Buffer
			require.NoError(t, report.Write(&b, tr, []report.Entry{report.NewEntry("rejected.eml", m, sum, nil, nil)}, &report.Options{Now: time.Unix(2e9, 0)}))
			for _, w := range tt.want {
				assert.Contains(t, b.String(), w)
			}
			assert.Contains(t, b.String(), hex.EncodeToString(sum[:]))
		})
	}
}
