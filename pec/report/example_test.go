package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/pectest"
	"github.com/sigillo/sigillo/pec/report"
)

// A service sends a PEC through its provider and tracks it: it feeds every
// message its mailbox receives to a pec.Tracker, persists the tracker as JSON,
// asks where its message (by its own Message-ID) stands 30 hours later, and writes
// the evidence dossier. pectest plays the providers.
func Example_service() {
	world := pectest.NewWorld(nil)
	provider := world.NewProvider("Example PEC S.p.A.", "pec.example.it")
	world.NewProvider("Other PEC S.r.l.", "pec.example.org")
	original := []byte("From: fatture@pec.example.it\r\n" +
		"To: cliente@pec.example.org, assente@pec.example.org, amico@mail.example.com\r\n" +
		"Subject: Fattura 42/2025\r\n" +
		"Message-ID: <fattura-42@service.example.it>\r\n" +
		"\r\n" +
		"In allegato la fattura.\r\n")
	x, err := provider.Send(original, &pectest.SendOptions{
		Outcomes: map[string]pectest.Outcome{"assente@pec.example.org": pectest.Timeout},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	opts := &pec.Options{Verify: &envelope.VerifyOptions{Trust: world.Trust()}}
	tracker := pec.NewTracker()
	var entries []report.Entry
	for i, sent := range x.Messages {
		if sent.To != "fatture@pec.example.it" {
			continue // not in the service's mailbox
		}
		m, err := pec.Read(bytes.NewReader(sent.Raw), opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		ev := pec.Evidence{Locator: fmt.Sprintf("INBOX;UID=%d", i+1), SHA256: sha256.Sum256(sent.Raw)}
		tracker.Add(m, ev)
		entries = append(entries, report.NewEntry(ev.Locator, m, ev.SHA256, nil, nil))
	}

	// Persist and restore, as a service would between runs.
	saved, err := json.Marshal(tracker)
	if err != nil {
		fmt.Println(err)
		return
	}
	restored := pec.NewTracker()
	if err := json.Unmarshal(saved, restored); err != nil {
		fmt.Println(err)
		return
	}

	t := restored.ByMsgID("<fattura-42@service.example.it>")[0]
	now := t.Accepted.Add(30 * pec.FinalAfter / 24)
	fmt.Println(t.Subject, "accepted at", t.Accepted.UTC().Format("2006-01-02 15:04 MST"))
	for _, r := range t.Recipients {
		fmt.Printf("%-26s %-11s %-16s overdue=%t\n", r.Address, r.Type, r.State, r.Overdue(now))
	}

	var html strings.Builder
	if err := report.Write(&html, restored, entries, &report.Options{Now: now}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(html.String(), `lang="it"`), strings.Contains(html.String(), "non consegnato entro 24 ore"))
	// Output:
	// Fattura 42/2025 accepted at 2025-03-14 10:00 UTC
	// cliente@pec.example.org    certificato delivered        overdue=false
	// assente@pec.example.org    certificato timeout          overdue=false
	// amico@mail.example.com     esterno     ordinary         overdue=false
	// true true
}
