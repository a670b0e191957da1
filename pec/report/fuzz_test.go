package report_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/report"
)

// FuzzWrite reads arbitrary input as a message and writes its dossier: never a
// panic, and markup in the input never reaches the page unescaped.
func FuzzWrite(f *testing.F) {
	f.Add([]byte("From: a@b\r\nSubject: <x-fz onload=x>\r\nContent-Type: text/plain\r\n\r\nhi\r\n"))
	f.Add([]byte("Subject: =?utf-8?q?=3Cx-fz=3E?=\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Disposition: attachment; filename=\"<x-fz>.pdf\"\r\n\r\n<x-fz>\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := pec.Read(bytes.NewReader(raw), nil)
		sum := sha256.Sum256(raw)
		tr := pec.NewTracker()
		if m != nil {
			tr.Add(m, pec.Evidence{Locator: "<x-fz>fuzz", SHA256: sum})
		}
		var b bytes.Buffer
		if err := report.Write(&b, tr, []report.Entry{report.NewEntry("<x-fz>fuzz", m, sum, err, nil)}, &report.Options{Now: time.Unix(1e9, 0)}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "<x-fz") {
			t.Fatalf("unescaped markup from the input in the page")
		}
	})
}
