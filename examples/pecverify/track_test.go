package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
)

// trackFile is one input of a tracking test: a locator and the bytes as stored.
type trackFile struct {
	locator string
	raw     []byte
}

// trackExchange returns the bundled exchange and the options that trust its root.
func trackExchange(t *testing.T) ([]trackFile, *pec.Options) {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "testdata", "trust.pem")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "testdata/trust.pem not found")
		dir = parent
	}
	td := filepath.Join(dir, "testdata")
	pem, err := os.ReadFile(filepath.Join(td, "trust.pem"))
	require.NoError(t, err)
	trust := envelope.NewTrust()
	_, err = trust.AddPEM(pem)
	require.NoError(t, err)
	names, err := filepath.Glob(filepath.Join(td, "messages", "exchange", "*.eml"))
	require.NoError(t, err)
	require.Len(t, names, 14)
	var files []trackFile
	for _, n := range names {
		raw, err := os.ReadFile(n)
		require.NoError(t, err)
		files = append(files, trackFile{locator: "exchange/" + filepath.Base(n), raw: raw})
	}
	return files, &pec.Options{Verify: &envelope.VerifyOptions{Trust: trust}}
}

// feed reads each file as the CLI would and gives it to the sink.
func feed(t *testing.T, s *trackSink, files []trackFile, opts *pec.Options) {
	t.Helper()
	for _, f := range files {
		m, err := pec.Read(bytes.NewReader(f.raw), opts)
		s.add(f.locator, m, sha256.Sum256(f.raw), err)
	}
}

func trackJSON(t *testing.T, s *trackSink) []trackRecord {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, s.finish(&out))
	var recs []trackRecord
	dec := json.NewDecoder(&out)
	for dec.More() {
		var r trackRecord
		require.NoError(t, dec.Decode(&r))
		recs = append(recs, r)
	}
	return recs
}

func states(r trackRecord) (map[string]pec.State, map[string]bool) {
	st, od := map[string]pec.State{}, map[string]bool{}
	for _, rc := range r.Recipients {
		st[rc.Address], od[rc.Address] = rc.State, rc.Overdue
	}
	return st, od
}

// TestTrackRepeated: the exchange twice plus LF copies gives one record with the
// right final state for every recipient, and every copy as evidence.
func TestTrackRepeated(t *testing.T) {
	t.Parallel()
	files, opts := trackExchange(t)
	s, err := newTrackSink(&trackConfig{track: true, now: "2025-04-01T00:00:00Z"}, true)
	require.NoError(t, err)
	feed(t, s, files, opts)
	feed(t, s, files, opts)
	var lf []trackFile
	for _, f := range files {
		lf = append(lf, trackFile{locator: "archive/" + strings.TrimPrefix(f.locator, "exchange/"), raw: bytes.ReplaceAll(f.raw, []byte("\r\n"), []byte("\n"))})
	}
	feed(t, s, lf, opts)

	recs := trackJSON(t, s)
	require.Len(t, recs, 1)
	r := recs[0]
	assert.Equal(t, "opec101.20250314110000.00001.0.1.1@pec.example.it", r.ID)
	assert.Equal(t, "sim.1741946400.1@client.example.it", r.MsgID)
	assert.Equal(t, "Contratto di fornitura", r.Subject)
	assert.Equal(t, "alice@pec.example.it", r.Sender)
	assert.Equal(t, "2025-03-14T10:00:00Z", r.Accepted)
	st, od := states(r)
	assert.Equal(t, map[string]pec.State{
		"bob@pec.example.org": pec.StateDelivered, "carol@pec.example.org": pec.StateDelivered,
		"dave@pec.example.org": pec.StateFailed, "erin@pec.example.org": pec.StateFailed,
		"frank@pec.example.org": pec.StateTimeout, "grace@pec.example.org": pec.StateTimeout,
		"heidi@mail.example.com": pec.StateOrdinary,
	}, st)
	for a, o := range od {
		assert.False(t, o, a)
	}
	for _, rc := range r.Recipients {
		if rc.Address == "frank@pec.example.org" {
			// acceptance, 12 h and 24 h notices, each in the original and its LF copy
			require.Len(t, rc.Evidence, 6)
			assert.Equal(t, "preavviso-errore-consegna", string(rc.Evidence[5].Kind))
			assert.Equal(t, "2025-03-15T09:00:00Z", rc.Evidence[5].Time)
			assert.Len(t, rc.Evidence[0].SHA256, 64)
			assert.Equal(t, "archive/01-accettazione.eml", rc.Evidence[0].Path)
		}
	}
}

// TestTrackOverdue: the acceptance and one delivery receipt, -now 30 hours later:
// every other certified recipient is overdue, the ordinary one is not.
func TestTrackOverdue(t *testing.T) {
	t.Parallel()
	files, opts := trackExchange(t)
	var some []trackFile
	for _, f := range files {
		if strings.Contains(f.locator, "01-accettazione") || strings.Contains(f.locator, "06-avvenuta-consegna-bob") {
			some = append(some, f)
		}
	}
	require.Len(t, some, 2)
	for _, tt := range []struct {
		now  string
		want bool
	}{{"2025-03-15T16:00:00Z", true}, {"2025-03-15T10:00:00Z", false}, {"2025-03-15T10:00:01Z", true}} {
		s, err := newTrackSink(&trackConfig{track: true, now: tt.now}, true)
		require.NoError(t, err)
		feed(t, s, some, opts)
		recs := trackJSON(t, s)
		require.Len(t, recs, 1)
		st, od := states(recs[0])
		assert.Equal(t, pec.StateDelivered, st["bob@pec.example.org"])
		for a, o := range od {
			switch a {
			case "bob@pec.example.org", "heidi@mail.example.com":
				assert.False(t, o, "%s at %s", a, tt.now)
			default:
				assert.Equal(t, tt.want, o, "%s at %s", a, tt.now)
				assert.Equal(t, pec.StatePending, st[a])
			}
		}
	}
}

// TestTrackTable checks the human table: columns counted in runes, control and
// format characters escaped.
func TestTrackTable(t *testing.T) {
	t.Parallel()
	w := pectest.NewWorld(nil)
	alice := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
	x, err := alice.Send([]byte("From: alice@pec.example.it\r\nTo: bob@pec.example.org, zoë@mail.example.com\r\n"+
		"Subject: Perché \u202eegassem\r\nMessage-ID: <t1@client.example.it>\r\n\r\nTesto.\r\n"), nil)
	require.NoError(t, err)
	s, err := newTrackSink(&trackConfig{track: true, now: "2030-01-01T00:00:00Z"}, false)
	require.NoError(t, err)
	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: w.Trust()}}
	for i, sm := range x.Messages {
		m, err := pec.Read(bytes.NewReader(sm.Raw), opts)
		s.add("msg"+string(rune('a'+i)), m, sha256.Sum256(sm.Raw), err)
	}
	var out bytes.Buffer
	require.NoError(t, s.finish(&out))
	text := out.String()
	assert.Contains(t, text, `Perché \u202eegassem`)
	assert.NotContains(t, text, "\u202e")
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	var table []string
	for _, l := range lines {
		if strings.HasPrefix(l, "  RECIPIENT") || strings.HasPrefix(l, "  bob@") || strings.HasPrefix(l, "  zo") {
			table = append(table, l)
		}
	}
	require.Len(t, table, 3, text)
	col := strings.Index(table[0], "STATE")
	for _, l := range table[1:] {
		f := []rune(l)
		require.Greater(t, len(f), col)
		assert.NotEqual(t, ' ', f[col], "STATE column aligned by runes: %q", l)
		assert.Equal(t, ' ', f[col-1], l)
	}
	assert.Contains(t, text, "zoë@mail.example.com")
}

// TestTrackSummary counts each signed event once, in a period.
func TestTrackSummary(t *testing.T) {
	t.Parallel()
	files, opts := trackExchange(t)
	tests := []struct {
		since, until string
		want         trackSummary
	}{
		{"", "", trackSummary{CertifiedMessages: 1, DeliveryReceipts: 2, NonDeliveries: 5, Other: 4, NotPEC: 1, Transmissions: 1}},
		{"2025-03-14T12:00:00Z", "", trackSummary{Since: "2025-03-14T12:00:00Z", NonDeliveries: 3, NotPEC: 1, Transmissions: 1}},
		{"2025-03-14T00:00:00Z", "2025-03-14T10:00:03Z", trackSummary{Since: "2025-03-14T00:00:00Z", Until: "2025-03-14T10:00:03Z",
			CertifiedMessages: 1, DeliveryReceipts: 1, Other: 2, NotPEC: 1, Transmissions: 1}},
	}
	for _, tt := range tests {
		s, err := newTrackSink(&trackConfig{summary: true, since: tt.since, until: tt.until}, true)
		require.NoError(t, err)
		feed(t, s, files, opts)
		feed(t, s, files, opts)
		s.add("broken", nil, sha256.Sum256([]byte("x")), pec.ErrNotMessage)
		var out bytes.Buffer
		require.NoError(t, s.finish(&out))
		var got struct {
			Summary trackSummary `json:"summary"`
		}
		require.NoError(t, json.Unmarshal(out.Bytes(), &got), out.String())
		assert.Equal(t, tt.want, got.Summary, "%s %s", tt.since, tt.until)

		s.jsonOut = false
		out.Reset()
		require.NoError(t, s.finish(&out))
		assert.Contains(t, out.String(), "delivery receipts")
	}
}

// TestTrackHTML writes the dossier: every recipient and every input digest.
func TestTrackHTML(t *testing.T) {
	t.Parallel()
	files, opts := trackExchange(t)
	for _, lang := range []string{"it", "en"} {
		out := filepath.Join(t.TempDir(), "dossier.html")
		c := &trackConfig{html: out, lang: lang, now: "2025-03-20T00:00:00Z"}
		require.True(t, c.enabled())
		require.True(t, c.perMessageOutput())
		s, err := newTrackSink(c, false)
		require.NoError(t, err)
		feed(t, s, files, opts)
		var stdout bytes.Buffer
		require.NoError(t, s.finish(&stdout))
		assert.Empty(t, stdout.String(), "-html alone prints nothing")
		html, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Contains(t, string(html), `<html lang="`+lang+`">`)
		for _, f := range files {
			sum := sha256.Sum256(f.raw)
			assert.Contains(t, string(html), hex.EncodeToString(sum[:]))
		}
		for _, a := range []string{"bob@pec.example.org", "grace@pec.example.org", "heidi@mail.example.com"} {
			assert.Contains(t, string(html), a)
		}
	}
	s, err := newTrackSink(&trackConfig{html: filepath.Join(t.TempDir(), "missing", "x.html")}, false)
	require.NoError(t, err)
	assert.Error(t, s.finish(io.Discard))
}

func TestTrackFlags(t *testing.T) {
	t.Parallel()
	var c trackConfig
	fs := flag.NewFlagSet("pecverify", flag.ContinueOnError)
	c.registerFlags(fs)
	require.NoError(t, fs.Parse([]string{"-track", "-summary", "-since", "2025-01-01T00:00:00Z", "-until", "2025-02-01T00:00:00+01:00", "-now", "2025-03-01T00:00:00Z", "-html", "x.html", "-lang", "en"}))
	assert.Equal(t, trackConfig{track: true, summary: true, since: "2025-01-01T00:00:00Z", until: "2025-02-01T00:00:00+01:00", now: "2025-03-01T00:00:00Z", html: "x.html", lang: "en"}, c)
	assert.True(t, c.enabled())
	assert.False(t, c.perMessageOutput())
	_, err := newTrackSink(&c, true)
	require.NoError(t, err)

	var d trackConfig
	require.NoError(t, flag.NewFlagSet("x", flag.ContinueOnError).Parse(nil))
	assert.False(t, d.enabled())
	assert.True(t, d.perMessageOutput())

	for _, bad := range []trackConfig{
		{now: "yesterday"}, {since: "2025-01-01"}, {until: "x"}, {lang: "fr"},
		{since: "2025-02-01T00:00:00Z", until: "2025-01-01T00:00:00Z"},
		{since: "2025-02-01T00:00:00Z", until: "2025-02-01T00:00:00Z"},
	} {
		_, err := newTrackSink(&bad, false)
		assert.ErrorIs(t, err, errTrackFlags, "%+v", bad)
	}
}
