package pec_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testutil"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
)

// FuzzRead feeds arbitrary bytes to Read: it must never panic, must return either a
// message or an error of a documented kind, and must stay within its limits.
func FuzzRead(f *testing.F) {
	c, _ := fxCert(daticert.TypeAvvenutaConsegna).Marshal()
	f.Add([]byte(fxOriginal()))
	f.Add(fxMessage(receiptHeader("avvenuta-consegna", "CONSEGNA: "), textPart("x"),
		rawCertPart(string(c), "application/xml", "daticert.xml"), origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
	f.Add(fxMessage(envelopeHeader("errore", "ANOMALIA MESSAGGIO: "), textPart("x"), origPart(fxOriginal(), "message/rfc822", "postacert.eml")))
	names, _ := filepath.Glob(testutil.Testdata(f, "messages", "*", "*.eml"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	opts := &pec.Options{Limits: pec.Limits{MaxMessageBytes: 1 << 20, MaxParts: 200}, MaxMessageDepth: 3}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := pec.Read(bytes.NewReader(data), opts)
		if err != nil {
			if m != nil {
				t.Fatal("message and error both returned")
			}
			if !errors.Is(err, pec.ErrTooLarge) && !errors.Is(err, pec.ErrNotMessage) {
				t.Fatalf("undocumented error kind: %v", err)
			}
			return
		}
		if m == nil || m.Verification == nil {
			t.Fatal("nil message or report without error")
		}
		if m.Certified && m.Verification.Status.String() != "valid" {
			t.Fatal("certified without a valid signature")
		}
		for _, fd := range m.Findings {
			if fd.Code == "" {
				t.Fatal("finding without code")
			}
		}
	})
}

// FuzzReadModes is the differential check of the one data path: Read (the
// message in memory) and ReadReaderAt with every attachment left in the source
// give the same kind, status, certified verdict, daticert, blockers and findings.
func FuzzReadModes(f *testing.F) {
	w := pectest.NewWorld(nil)
	alice := w.NewProvider(fxProvider, "pec.example.it")
	w.NewProvider(fxOther, "pec.example.org")
	x, err := alice.Send([]byte(fxOriginal()), nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range x.Messages {
		f.Add(m.Raw)
	}
	f.Add([]byte(fxOriginal()))
	opts := &pec.Options{Limits: pec.Limits{MaxMessageBytes: 1 << 20, MaxParts: 200}, MaxMessageDepth: 3,
		Verify: &envelope.VerifyOptions{Trust: w.Trust()}}
	lazy := *opts
	lazy.LazyAbove = 1
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := pec.Read(bytes.NewReader(data), opts)
		got, gerr := pec.ReadReaderAt(bytes.NewReader(data), int64(len(data)), &lazy)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("Read error %v, ReadReaderAt error %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if want.Kind != got.Kind || want.Certified != got.Certified || want.Verification.Status != got.Verification.Status ||
			want.Keys != got.Keys || (want.Daticert == nil) != (got.Daticert == nil) {
			t.Fatalf("verdicts differ: %v/%v/%v vs %v/%v/%v", want.Kind, want.Certified, want.Verification.Status, got.Kind, got.Certified, got.Verification.Status)
		}
		if !slices.Equal(want.Findings, got.Findings) || !slices.Equal(want.Blockers, got.Blockers) {
			t.Fatalf("findings differ:\n%v\n%v\nblockers %v\n%v", want.Findings, got.Findings, want.Blockers, got.Blockers)
		}
		if len(want.Attachments) != len(got.Attachments) {
			t.Fatalf("%d attachments, %d", len(want.Attachments), len(got.Attachments))
		}
		for i := range want.Attachments {
			if want.Attachments[i].Size != got.Attachments[i].Size {
				t.Fatalf("attachment %d: size %d, %d", i, want.Attachments[i].Size, got.Attachments[i].Size)
			}
			// An attached message reads as its bytes alone (one level: deeper
			// levels meet MaxMessageDepth at another place).
			a := want.Attachments[i]
			if a.Message == nil || !a.Loaded || bytes.HasPrefix(a.Data, []byte("From ")) {
				continue // alone, a leading "From " line is an mbox separator
			}
			alone, err := pec.Read(bytes.NewReader(a.Data), opts)
			if err != nil {
				t.Fatalf("attachment %d reads attached but not alone: %v", i, err)
			}
			if slices.ContainsFunc(alone.Findings, func(f pec.Finding) bool { return f.Code == pec.CodeLimitReached }) {
				continue
			}
			if alone.Kind != a.Message.Kind || alone.Certified != a.Message.Certified ||
				alone.Verification.Status != a.Message.Verification.Status || !slices.Equal(alone.Findings, a.Message.Findings) {
				t.Fatalf("attachment %d: alone %v/%v/%v %v, attached %v/%v/%v %v", i, alone.Kind, alone.Certified, alone.Verification.Status,
					alone.Findings, a.Message.Kind, a.Message.Certified, a.Message.Verification.Status, a.Message.Findings)
			}
		}
	})
}
