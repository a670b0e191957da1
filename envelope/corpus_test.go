package envelope_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testutil"
)

// corpusEntry is one MANIFEST.tsv row, reduced to what the tests need.
type corpusEntry struct {
	File      string
	Integrity string // integrity_noverify: OK, FAIL(digest mismatch), FAIL(unparsable S/MIME)
	Edited    string // anonymised_or_edited
}

func (e corpusEntry) intact() bool  { return e.Integrity == "OK" && e.Edited == "no" }
func (e corpusEntry) altered() bool { return strings.HasPrefix(e.Integrity, "FAIL(digest mismatch)") }
func (e corpusEntry) anonymised() bool {
	return strings.HasPrefix(e.File, "anon-") || strings.HasPrefix(e.File, "skeleton-")
}

func readManifest(t testing.TB, dir string) []corpusEntry {
	t.Helper()
	var out []corpusEntry
	for _, r := range testutil.Manifest(t, dir, "integrity_noverify", "anonymised_or_edited") {
		out = append(out, corpusEntry{File: r.File(), Integrity: r["integrity_noverify"], Edited: r["anonymised_or_edited"]})
	}
	return out
}

// today is the pinned "now" of the corpus tests: every real provider certificate
// has expired by then.
var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func readCorpus(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "real", name))
	require.NoError(t, err)
	return b
}

func TestCorpusVerify(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	entries := readManifest(t, dir)
	require.NotEmpty(t, entries)
	var intact, altered, anon int
	for _, e := range entries {
		t.Run(e.File, func(t *testing.T) {
			raw := readCorpus(t, dir, e.File)
			r := envelope.Verify(raw, nil) // default trust, at the signing time
			switch {
			case e.intact():
				intact++
				require.Equal(t, envelope.StatusValid, r.Status, "err: %v", r.Err)
				assert.NoError(t, r.Err)
				assert.True(t, r.HasFinding(envelope.FindingWeakDigest), "every corpus signature uses SHA-1")
				assert.Equal(t, crypto.SHA1, r.Digest)
				assert.Equal(t, r.SigningTime, r.EvaluatedAt)
				assert.False(t, r.HasFinding(envelope.FindingTimeSkewDate), "%v", r.Findings)
				assert.False(t, r.HasFinding(envelope.FindingTimeSkewDaticert), "%v", r.Findings)
				assert.NotEmpty(t, r.Provider)
				assert.True(t, strings.HasPrefix(r.Sender, "posta-certificata@"), r.Sender)
				require.Len(t, r.Chain, 2)
				legacy := r.SigningTime.Before(envelope.DigitPACA1NotAfter())
				assert.Equal(t, legacy, r.Legacy, "DigitPA-era chains are legacy")
				if legacy {
					assert.Equal(t, "DigitPA CA1", r.Anchor)
					assert.True(t, r.HasFinding(envelope.FindingLegacyChain))
				} else {
					assert.Equal(t, "AgID CA1", r.Anchor)
				}
			case e.altered():
				altered++
				assert.Equal(t, envelope.StatusInvalid, r.Status)
				require.ErrorIs(t, r.Err, envelope.ErrDigestMismatch)
			case e.anonymised():
				anon++
				assert.Contains(t, []envelope.Status{envelope.StatusMalformed, envelope.StatusAbsent}, r.Status, "err: %v", r.Err)
				require.Error(t, r.Err)
			default:
				t.Fatalf("manifest entry %s fits no category", e.File)
			}

			// Evaluated today, nothing in the corpus is valid.
			now := envelope.Verify(raw, &envelope.VerifyOptions{At: today})
			assert.NotEqual(t, envelope.StatusValid, now.Status)
			if e.intact() {
				assert.Equal(t, envelope.StatusUntrusted, now.Status)
				if !errors.Is(now.Err, envelope.ErrCertExpired) {
					require.ErrorIs(t, now.Err, envelope.ErrAnchorNotValidAt)
				}
				assert.Equal(t, today, now.EvaluatedAt)
			}
			if e.altered() {
				assert.Equal(t, envelope.StatusInvalid, now.Status)
			}
		})
	}
	assert.Equal(t, 12, intact, "intact files in MANIFEST.tsv")
	assert.Equal(t, 4, altered, "altered files in MANIFEST.tsv")
	assert.Equal(t, 5, anon, "anonymised or skeleton files in MANIFEST.tsv")
}

// TestCorpusRoots checks that the same messages verify with caller-supplied roots
// instead of the built-in key anchors: Actalis (through the AgID CA1 embedded in
// each signature) and Baltimore (through DigitPA CA1, SHA-1 signed).
func TestCorpusRoots(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	tr := envelope.NewTrust()
	for _, f := range []string{"Actalis_Authentication_Root_CA.pem", "Baltimore_CyberTrust_Root.pem"} {
		b, err := os.ReadFile(filepath.Join(dir, "trust", f))
		require.NoError(t, err)
		n, err := tr.AddPEM(b)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	}
	actalis, err := os.ReadFile(filepath.Join(dir, "trust", "Actalis_Authentication_Root_CA.pem"))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(actalis))
	poolTrust := envelope.NewTrust()
	poolTrust.AddPool(pool)

	for _, e := range readManifest(t, dir) {
		if !e.intact() {
			continue
		}
		t.Run(e.File, func(t *testing.T) {
			t.Parallel()
			raw := readCorpus(t, dir, e.File)
			r := envelope.Verify(raw, &envelope.VerifyOptions{Trust: tr})
			require.Equal(t, envelope.StatusValid, r.Status, "err: %v", r.Err)
			require.Len(t, r.Chain, 3)
			legacy := r.SigningTime.Before(envelope.DigitPACA1NotAfter())
			if legacy {
				assert.Equal(t, "Baltimore CyberTrust Root", r.Anchor)
			} else {
				assert.Equal(t, "Actalis Authentication Root CA", r.Anchor)
			}

			// Through a pool, crypto/x509 builds the path: modern chains only.
			p := envelope.Verify(raw, &envelope.VerifyOptions{Trust: poolTrust})
			if legacy {
				assert.Equal(t, envelope.StatusUntrusted, p.Status)
				require.ErrorIs(t, p.Err, envelope.ErrUnknownAuthority)
			} else {
				assert.Equal(t, envelope.StatusValid, p.Status, "err: %v", p.Err)
			}
		})
	}
}

// TestCorpusDigitPACutoff: a DigitPA-era message evaluated after 2018-01-14 fails on
// the anchor window, with the default trust.
func TestCorpusDigitPACutoff(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	raw := readCorpus(t, dir, "aruba-2015-accettazione-1.eml")
	r := envelope.Verify(raw, &envelope.VerifyOptions{At: time.Date(2018, 2, 1, 0, 0, 0, 0, time.UTC)})
	assert.Equal(t, envelope.StatusUntrusted, r.Status)
	require.ErrorIs(t, r.Err, envelope.ErrAnchorNotValidAt)
}

// TestCorpusSlicing checks Locate on the real messages: the CRLF and LF copies of
// one message give the same canonical signed entity, the entity offsets point at
// the transmitted bytes, and nothing is copied for CRLF input.
func TestCorpusSlicing(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	for _, pair := range [][2]string{
		{"aruba-2014-accettazione-1-crlf.eml", "aruba-2014-accettazione-1-lf.eml"},
		{"aruba-2014-avvenuta-consegna-1-crlf.eml", "aruba-2014-avvenuta-consegna-1-lf.eml"},
	} {
		crlf, lf := readCorpus(t, dir, pair[0]), readCorpus(t, dir, pair[1])
		a, err := envelope.Locate(crlf, nil)
		require.NoError(t, err)
		b, err := envelope.Locate(lf, nil)
		require.NoError(t, err)
		assert.Equal(t, a.Entity, b.Entity, pair[0])
		assert.Equal(t, a.Signature, b.Signature)
		assert.False(t, a.CanonicalisedLF)
		assert.True(t, b.CanonicalisedLF)
		assert.Same(t, &crlf[a.EntityStart], &a.Entity[0], "CRLF entity is a sub-slice of the input")
		assert.Equal(t, toLF(a.Entity), lf[b.EntityStart:b.EntityEnd])
	}
	for _, e := range readManifest(t, dir) {
		raw := readCorpus(t, dir, e.File)
		s, err := envelope.Locate(raw, nil)
		if e.anonymised() {
			continue
		}
		require.NoError(t, err, e.File)
		assert.True(t, bytes.HasPrefix(s.Entity, []byte("Content-Type: multipart/mixed")) || bytes.HasPrefix(s.Entity, []byte("MIME-Version: 1.0")), e.File)
		assert.True(t, bytes.HasPrefix(s.Signature, []byte{0x30}), e.File)
		assert.Equal(t, envelope.ProtocolXPKCS7, s.Protocol)
		assert.Equal(t, "sha1", s.Micalg)
		assert.False(t, s.Wrapped)
	}
}
