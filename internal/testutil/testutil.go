// Package testutil holds the helpers that the tests of every Sigillo package share:
// the lookup of the real-message corpus and its MANIFEST.tsv, the openssl
// interoperability call, golden files, the module's testdata directory, and the
// exported string constants of a package read from its sources. It is imported by
// _test.go files only.
//
// The corpus (real provider messages) lives outside the module, in a directory
// corpus inside a directory shared, found by walking up from the test's package
// directory; tests that need it skip when it is absent. Real messages are never
// copied into the module.
//
// A test that needs an external program (openssl) skips when the program is not on
// PATH, except when the CI environment variable is set: CI installs every such
// program, so a missing one there is a failure, not a skip.
package testutil

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// CorpusDir returns the corpus directory (corpus inside shared), found by walking
// up from the current directory (the test's package directory), joined with sub.
// It skips the test when there is none.
func CorpusDir(t testing.TB, sub ...string) string {
	t.Helper()
	c, ok := FindCorpus(t, sub...)
	if !ok {
		t.Skip("the real-message corpus (a directory corpus inside shared, with MANIFEST.tsv) is not above the package directory: skipping")
	}
	return c
}

// FindCorpus is [CorpusDir] for callers that go on without the corpus, such as
// fuzz targets seeding from it: it reports false instead of skipping.
func FindCorpus(t testing.TB, sub ...string) (string, bool) {
	t.Helper()
	c, ok := up(t, filepath.Join("shared", "corpus"), "MANIFEST.tsv")
	if !ok {
		return "", false
	}
	return filepath.Join(append([]string{c}, sub...)...), true
}

// Testdata returns the module's testdata directory (the one holding trust.pem),
// found by walking up from the current directory (the test's package directory),
// joined with sub. It fails the test when there is none.
func Testdata(t testing.TB, sub ...string) string {
	t.Helper()
	td, ok := up(t, "testdata", "trust.pem")
	if !ok {
		t.Fatal("testdata/trust.pem not found above the package directory")
	}
	return filepath.Join(append([]string{td}, sub...)...)
}

// up walks up from the current directory to the first directory d holding the
// regular file rel/marker, and returns d/rel.
func up(t testing.TB, rel, marker string) (string, bool) {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, rel)
		if st, err := os.Stat(filepath.Join(p, marker)); err == nil && !st.IsDir() {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// ManifestRow is one row of the corpus MANIFEST.tsv, by column name.
type ManifestRow map[string]string

// File is the file name of the row (the filename column), relative to real/.
func (r ManifestRow) File() string { return r["filename"] }

// Manifest reads MANIFEST.tsv of the corpus directory dir (see [CorpusDir]). It
// fails the test when the file is missing or has none of the columns named in
// want.
func Manifest(t testing.TB, dir string, want ...string) []ManifestRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("MANIFEST.tsv is empty")
	}
	head := rows[0]
	for _, w := range append([]string{"filename"}, want...) {
		found := false
		for _, h := range head {
			found = found || h == w
		}
		if !found {
			t.Fatalf("MANIFEST.tsv has no %s column", w)
		}
	}
	out := make([]ManifestRow, 0, len(rows)-1)
	for _, row := range rows[1:] {
		m := ManifestRow{}
		for i, h := range head {
			if i < len(row) {
				m[h] = row[i]
			}
		}
		out = append(out, m)
	}
	return out
}

// Tool returns the path of the program name on PATH. When it is absent the test is
// skipped, or failed when the CI environment variable is set.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not on PATH, and CI must run this test (.ci/run installs it)", name)
		}
		t.Skipf("%s not on PATH", name)
	}
	return p
}

// OpenSSLVerify checks that `openssl smime -verify` accepts the signed message raw
// with the PEM certificates rootPEM as the only trust anchors, as of at, with the
// further options extra (such as "-purpose", "smimesign"). It skips as [Tool] does
// when openssl is absent.
func OpenSSLVerify(t testing.TB, raw, rootPEM []byte, at time.Time, extra ...string) {
	t.Helper()
	bin := Tool(t, "openssl")
	dir := t.TempDir()
	msg, ca := filepath.Join(dir, "m.eml"), filepath.Join(dir, "root.pem")
	if err := os.WriteFile(msg, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ca, rootPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"smime", "-verify", "-in", msg, "-CAfile", ca,
		"-attime", strconv.FormatInt(at.Unix(), 10), "-out", os.DevNull}, extra...)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl smime -verify: %v: %s", err, out)
	}
}

// Golden compares got with the golden file at path, or rewrites the file when
// update is true (the tests' -update flag).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create the golden files)", err)
	}
	if string(want) != string(got) {
		t.Errorf("golden file %s differs (run go test -update after checking the change)\n--- want\n%s\n--- got\n%s", path, clip(want), clip(got))
	}
}

func clip(b []byte) string {
	const max = 4000
	if len(b) > max {
		return string(b[:max]) + "\n[...]"
	}
	return string(b)
}
