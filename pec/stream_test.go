package pec_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/receipt"
)

func findingCodes(fs []pec.Finding, skip string) []string {
	var out []string
	for _, f := range fs {
		if f.Code != skip {
			out = append(out, f.Code)
		}
	}
	return out
}

// assertSameMessage checks that a message read in streaming mode says what Read
// said. lazy: every part was left in the source (texts skipped, with findings).
func assertSameMessage(t *testing.T, want, got *pec.Message, lazy bool) {
	t.Helper()
	require.NotNil(t, got)
	assert.Equal(t, want.Kind, got.Kind)
	assert.Equal(t, want.Virus, got.Virus)
	assert.Equal(t, want.Form, got.Form)
	assert.Equal(t, want.RequestedForm, got.RequestedForm)
	assert.Equal(t, want.Source, got.Source)
	assert.Equal(t, want.Subject, got.Subject)
	assert.Equal(t, want.OriginalSubject, got.OriginalSubject)
	assert.Equal(t, want.RealSender, got.RealSender)
	assert.Equal(t, want.Keys, got.Keys)
	assert.Equal(t, want.Certified, got.Certified)
	assert.Equal(t, want.DaticertSigned, got.DaticertSigned)
	assert.Equal(t, want.DaticertErr == nil, got.DaticertErr == nil)
	if assert.Equal(t, want.Daticert == nil, got.Daticert == nil, "daticert") && want.Daticert != nil {
		assert.Equal(t, want.Daticert.Raw, got.Daticert.Raw)
	}
	assert.Equal(t, want.Verification.Status, got.Verification.Status, "%v / %v", want.Verification.Err, got.Verification.Err)
	skip := ""
	if lazy {
		skip = pec.CodeLimitReached
	} else {
		assert.Equal(t, want.Texts, got.Texts)
	}
	assert.Equal(t, findingCodes(want.Findings, skip), findingCodes(got.Findings, skip))
	if assert.Len(t, got.Attachments, len(want.Attachments)) {
		for i, wa := range want.Attachments {
			ga := got.Attachments[i]
			assert.Equal(t, wa.Name, ga.Name)
			assert.Equal(t, wa.ContentType, ga.ContentType)
			rc, err := ga.Open()
			require.NoError(t, err)
			data, err := io.ReadAll(rc)
			require.NoError(t, err)
			require.NoError(t, rc.Close())
			assert.True(t, bytes.Equal(wa.Data, data), "attachment %d (%s) content", i, wa.Name)
			if ga.Loaded {
				assert.Equal(t, int64(len(ga.Data)), ga.Size)
			} else {
				assert.Nil(t, ga.Data)
				assert.Positive(t, ga.Size)
			}
		}
	}
	if assert.Equal(t, want.Original == nil, got.Original == nil, "original") && want.Original != nil {
		assertSameMessage(t, want.Original, got.Original, lazy)
	}
}

// streamModes are the option sets that force streaming on small messages.
var pecStreamModes = []struct {
	name string
	lazy bool
	opts pec.Options
}{
	{"stream", false, pec.Options{}},
	{"stream-lazy", true, pec.Options{LazyAbove: 1}},
}

// compareStreamed reads raw with Read and in streaming mode, through ReadReaderAt
// and ReadFile, and compares.
func compareStreamed(t *testing.T, raw []byte, base *pec.Options) {
	want, err := pec.Read(bytes.NewReader(raw), base)
	require.NoError(t, err)
	name := filepath.Join(t.TempDir(), "m.eml")
	require.NoError(t, os.WriteFile(name, raw, 0o600))
	for _, mode := range pecStreamModes {
		o := mode.opts
		if base != nil {
			o.Verify = base.Verify
		}
		t.Run(mode.name, func(t *testing.T) {
			got, err := pec.ReadReaderAt(bytes.NewReader(raw), int64(len(raw)), &o)
			require.NoError(t, err)
			assertSameMessage(t, want, got, mode.lazy)
			got, err = pec.ReadFile(name, &o)
			require.NoError(t, err)
			assertSameMessage(t, want, got, mode.lazy)
		})
	}
}

// TestReadStreamedTestdata: on every bundled message (and with LF line ends), the
// streaming mode gives the message Read gives.
func TestReadStreamedTestdata(t *testing.T) {
	t.Parallel()
	dir := testutil.Testdata(t, "messages")
	names, err := filepath.Glob(filepath.Join(dir, "*", "*.eml"))
	require.NoError(t, err)
	require.NotEmpty(t, names)
	pemData, err := os.ReadFile(filepath.Join(dir, "..", "trust.pem"))
	require.NoError(t, err)
	tr := envelope.NewTrust()
	_, err = tr.AddPEM(pemData)
	require.NoError(t, err)
	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: tr}}
	for _, n := range names {
		raw, err := os.ReadFile(n)
		require.NoError(t, err)
		t.Run(filepath.Base(filepath.Dir(n))+"/"+filepath.Base(n), func(t *testing.T) {
			t.Parallel()
			compareStreamed(t, raw, opts)
			t.Run("lf", func(t *testing.T) {
				compareStreamed(t, bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), opts)
			})
		})
	}
}

// TestReadStreamedNested: an anomaly envelope around a transport envelope (a signed
// message inside postacert.eml) read in streaming mode.
func TestReadStreamedNested(t *testing.T) {
	t.Parallel()
	w, alice, opts := signedWorld(t)
	_ = w
	x, err := alice.Send(submitted(fxBob, fxCarol), nil)
	require.NoError(t, err)
	var transport []byte
	for _, m := range x.Messages {
		if m.Kind == receipt.KindPostaCertificata {
			transport = m.Raw
			break
		}
	}
	require.NotNil(t, transport)
	anomaly, err := alice.Anomaly(transport, "")
	require.NoError(t, err)
	compareStreamed(t, anomaly.Raw, opts)
	m, err := pec.ReadReaderAt(bytes.NewReader(anomaly.Raw), int64(len(anomaly.Raw)), &pec.Options{LazyAbove: 1, Verify: opts.Verify})
	require.NoError(t, err)
	require.NotNil(t, m.Original)
	assert.Equal(t, receipt.KindPostaCertificata, m.Original.Kind)
	assert.True(t, m.Original.Certified, "%v", m.Original.Findings)
}

// TestReadStreamedCorpus: the same agreement on the real messages (skipped without
// shared/corpus).
func TestReadStreamedCorpus(t *testing.T) {
	t.Parallel()
	dir := testutil.CorpusDir(t)
	names, err := filepath.Glob(filepath.Join(dir, "real", "*.eml"))
	require.NoError(t, err)
	for _, n := range names {
		raw, err := os.ReadFile(n)
		require.NoError(t, err)
		t.Run(filepath.Base(n), func(t *testing.T) { compareStreamed(t, raw, nil) })
	}
}

// largeEnvelope returns a transport envelope whose original carries n random bytes
// as a base64 attachment, the attachment, and read options trusting its provider.
func largeEnvelope(t testing.TB, n int) ([]byte, []byte, *pec.Options) {
	t.Helper()
	w := pectest.NewWorld(nil)
	p := w.NewProvider(fxProvider, "pec.example.it")
	w.NewProvider(fxOther, "pec.example.org")
	att := make([]byte, n)
	_, err := rand.Read(att)
	require.NoError(t, err)
	var b bytes.Buffer
	b.WriteString("From: " + fxSender + "\r\nTo: " + fxBob + "\r\nSubject: grande\r\n" +
		"Date: Fri, 14 Mar 2025 11:00:00 +0100\r\nMessage-ID: <large.1@client.example.it>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"orig\"\r\n\r\n--orig\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIn allegato.\r\n" +
		"--orig\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(att)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--orig--\r\n")
	x, err := p.Send(b.Bytes(), nil)
	require.NoError(t, err)
	for _, m := range x.Messages {
		if m.Kind == receipt.KindPostaCertificata {
			return m.Raw, att, &pec.Options{Verify: &envelope.VerifyOptions{Trust: w.Trust()}}
		}
	}
	t.Fatal("no transport envelope")
	return nil, nil, nil
}

// TestReadFileLarge reads a 27 MB transport envelope (a 20 MB attachment) with
// ReadFile and the defaults: streaming mode, the attachment left in the file and
// reachable with Open, the same kind, certification, findings and daticert as
// Read, and far less memory allocated than the message size.
func TestReadFileLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large message")
	}
	raw, att, opts := largeEnvelope(t, 20<<20)
	name := filepath.Join(t.TempDir(), "large.eml")
	require.NoError(t, os.WriteFile(name, raw, 0o600))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := pec.ReadFile(name, opts)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(8<<20), "ReadFile allocated %d bytes for a %d-byte message", allocated, len(raw))

	assert.Equal(t, receipt.KindPostaCertificata, got.Kind)
	assert.True(t, got.Certified, "%v %v", got.Verification.Err, got.Findings)
	require.NotNil(t, got.Original)
	var big *pec.Attachment
	for i := range got.Original.Attachments {
		if got.Original.Attachments[i].Name == "big.bin" {
			big = &got.Original.Attachments[i]
		}
	}
	require.NotNil(t, big)
	assert.False(t, big.Loaded)
	assert.Nil(t, big.Data)
	assert.Equal(t, int64(len(att)), big.Size, "decoded size")
	rc, err := big.Open()
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.True(t, bytes.Equal(att, data), "attachment content")
	require.NotEmpty(t, got.Original.Texts)
	assert.Equal(t, "In allegato.", got.Original.Texts[0].Text)

	want, err := pec.Read(bytes.NewReader(raw), opts)
	require.NoError(t, err)
	assertSameMessage(t, want, got, false)

	// The file changes: Open refuses to read stale offsets.
	require.NoError(t, os.WriteFile(name, raw[:len(raw)/2], 0o600))
	_, err = big.Open()
	require.ErrorIs(t, err, pec.ErrSourceChanged)
}
