package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/pec/report"
	"github.com/sigillo/sigillo/receipt"
)

// errTrackFlags is the error of newTrackSink for flag values it cannot use.
var errTrackFlags = errors.New("invalid tracking flags")

// trackConfig holds the flags of delivery tracking: -track, -summary, -since,
// -until, -now, -html and -lang.
type trackConfig struct {
	track, summary    bool
	since, until, now string
	html, lang        string // lang "" means it
}

// registerFlags adds the tracking flags to fs.
func (c *trackConfig) registerFlags(fs *flag.FlagSet) {
	fs.BoolVar(&c.track, "track", false, "print one record per transmission (delivery state of every recipient) instead of one per message")
	fs.BoolVar(&c.summary, "summary", false, "print the mailbox overview of the providers' daily report (certified messages, delivery receipts, non-deliveries, other)")
	fs.StringVar(&c.since, "since", "", "with -track and -summary: only events (transmissions: acceptance) at or after this `time` (RFC 3339)")
	fs.StringVar(&c.until, "until", "", "with -track and -summary: only events (transmissions: acceptance) before this `time` (RFC 3339)")
	fs.StringVar(&c.now, "now", "", "evaluate the 12/24-hour deadlines at this `time` (RFC 3339; default: the current time)")
	fs.StringVar(&c.html, "html", "", "write the evidence dossier to `FILE` (one self-contained, printable HTML file)")
	fs.StringVar(&c.lang, "lang", "it", "language of the -html dossier: it or en")
}

// enabled reports whether any tracking output was asked for.
func (c *trackConfig) enabled() bool { return c.track || c.summary || c.html != "" }

// perMessageOutput is false when -track or -summary replace the per-message
// records (-html alone keeps them).
func (c *trackConfig) perMessageOutput() bool { return !c.track && !c.summary }

// trackSink collects what tracking needs from every record: the tracker (small
// facts per signed event) and, for -html, one small report entry per message.
type trackSink struct {
	cfg               *trackConfig
	jsonOut           bool
	now, since, until time.Time
	tr                *pec.Tracker
	entries           []report.Entry
	// notPEC counts the distinct messages (by digest) that are neither recorded
	// nor unproven: ordinary mail, unreadable files.
	notPEC map[[32]byte]bool
}

func parseTrackTime(flagName, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: -%s %q is not an RFC 3339 time", errTrackFlags, flagName, v)
	}
	return t, nil
}

// newTrackSink checks the flags and returns an empty sink.
func newTrackSink(c *trackConfig, jsonOut bool) (*trackSink, error) {
	s := &trackSink{cfg: c, jsonOut: jsonOut, tr: pec.NewTracker(), notPEC: map[[32]byte]bool{}}
	var err error
	if s.now, err = parseTrackTime("now", c.now); err != nil {
		return nil, err
	}
	if s.now.IsZero() {
		s.now = time.Now()
	}
	if s.since, err = parseTrackTime("since", c.since); err != nil {
		return nil, err
	}
	if s.until, err = parseTrackTime("until", c.until); err != nil {
		return nil, err
	}
	if !s.since.IsZero() && !s.until.IsZero() && !s.since.Before(s.until) {
		return nil, fmt.Errorf("%w: -since must be before -until", errTrackFlags)
	}
	if c.lang != "" && c.lang != "it" && c.lang != "en" {
		return nil, fmt.Errorf("%w: -lang %q (want it or en)", errTrackFlags, c.lang)
	}
	return s, nil
}

// add records one message (m nil when err != nil). It is called once per record,
// in input order, from one goroutine.
func (s *trackSink) add(locator string, m *pec.Message, sum [32]byte, err error) {
	if s.cfg.html != "" {
		s.entries = append(s.entries, report.NewEntry(locator, m, sum, err, nil))
	}
	if m == nil || s.tr.Add(m, pec.Evidence{Locator: locator, SHA256: sum}) == pec.NotRecorded {
		s.notPEC[sum] = true
	}
}

// finish prints the -track records (or table) and the -summary, and writes the
// -html file.
func (s *trackSink) finish(stdout io.Writer) error {
	w := bufio.NewWriter(stdout)
	if s.cfg.track {
		if err := s.writeTrack(w); err != nil {
			return err
		}
	}
	if s.cfg.summary {
		if s.cfg.track && !s.jsonOut {
			fmt.Fprintln(w)
		}
		if err := s.writeSummary(w); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if s.cfg.html != "" {
		return s.writeHTML()
	}
	return nil
}

func (s *trackSink) writeHTML() error {
	f, err := os.Create(s.cfg.html)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = report.Write(bw, s.tr, s.entries, &report.Options{Lang: s.cfg.lang, Now: s.now})
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("-html %s: %w", s.cfg.html, err)
	}
	return nil
}

// inPeriod reports whether t is in [since, until).
func (s *trackSink) inPeriod(t time.Time) bool {
	return (s.since.IsZero() || !t.Before(s.since)) && (s.until.IsZero() || t.Before(s.until))
}

// trackRecord is one -track -json line.
type trackRecord struct {
	ID         string           `json:"identificativo"`
	MsgID      string           `json:"msgid"`
	Subject    string           `json:"subject"`
	Sender     string           `json:"sender"`
	Accepted   string           `json:"accepted"` // RFC 3339 UTC; "" without an acceptance receipt
	Rejected   bool             `json:"rejected"`
	Recipients []trackRecipient `json:"recipients"`
}

type trackRecipient struct {
	Address  string          `json:"address"`
	Type     string          `json:"type"` // certificato, esterno
	State    pec.State       `json:"state"`
	Overdue  bool            `json:"overdue"`
	Virus    bool            `json:"virus,omitempty"`
	Error    string          `json:"error,omitempty"` // errore-esteso of the failure or timeout
	Evidence []trackEvidence `json:"evidence"`
}

type trackEvidence struct {
	Path   string       `json:"path"`
	Kind   receipt.Kind `json:"kind"`
	Time   string       `json:"time"` // the signed daticert time, RFC 3339 UTC
	SHA256 string       `json:"sha256"`
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// records returns the -track records of the transmissions in the period.
func (s *trackSink) records() []trackRecord {
	var out []trackRecord
	for _, t := range s.tr.Transmissions() {
		if !s.inPeriod(t.Since()) {
			continue
		}
		rec := trackRecord{ID: t.ID, MsgID: t.MsgID, Subject: t.Subject, Sender: t.Sender, Accepted: rfc3339(t.Accepted), Rejected: t.Rejected,
			Recipients: []trackRecipient{}}
		for _, r := range t.Recipients {
			tr := trackRecipient{Address: r.Address, Type: string(r.Type), State: r.State, Overdue: r.Overdue(s.now), Virus: r.Virus, Error: r.Error,
				Evidence: []trackEvidence{}}
			for _, e := range r.Events {
				for _, ev := range e.Evidence {
					tr.Evidence = append(tr.Evidence, trackEvidence{Path: ev.Locator, Kind: e.Kind, Time: rfc3339(e.Time), SHA256: hex.EncodeToString(ev.SHA256[:])})
				}
			}
			rec.Recipients = append(rec.Recipients, tr)
		}
		out = append(out, rec)
	}
	return out
}

func (s *trackSink) writeTrack(w io.Writer) error {
	recs := s.records()
	if s.jsonOut {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	if len(recs) == 0 {
		_, err := fmt.Fprintln(w, "no transmissions")
		return err
	}
	for i, r := range recs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		accepted := "accepted " + r.Accepted
		switch {
		case r.Rejected:
			accepted = "NOT ACCEPTED (non-accettazione)"
		case r.Accepted == "":
			accepted = "no acceptance receipt"
		}
		fmt.Fprintf(w, "%s  from %s  %s\n", clean(orDash(r.Subject)), clean(orDash(r.Sender)), accepted)
		fmt.Fprintf(w, "  identificativo %s\n  msgid %s\n", clean(orDash(r.ID)), clean(orDash(r.MsgID)))
		rows := [][]string{{"RECIPIENT", "TYPE", "STATE", "OVERDUE", "LAST EVENT"}}
		for _, rc := range r.Recipients {
			overdue := "no"
			if rc.Overdue {
				overdue = "OVERDUE"
			}
			last := "-"
			if n := len(rc.Evidence); n > 0 {
				last = rc.Evidence[n-1].Time + " " + string(rc.Evidence[n-1].Kind)
			}
			rows = append(rows, []string{clean(rc.Address), clean(rc.Type), string(rc.State), overdue, clean(last)})
		}
		writeTrackTable(w, rows, "  ")
	}
	return nil
}

// writeTrackTable writes rows (already escaped) in columns padded by rune count.
func writeTrackTable(w io.Writer, rows [][]string, indent string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], width(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-width(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// trackSummary is the -summary -json line.
type trackSummary struct {
	Since             string `json:"since"`
	Until             string `json:"until"`
	CertifiedMessages int    `json:"certified_messages"`
	DeliveryReceipts  int    `json:"delivery_receipts"`
	NonDeliveries     int    `json:"non_deliveries"`
	Other             int    `json:"other"`
	NotCertified      int    `json:"not_certified"` // claims a PEC kind but not certified
	NotPEC            int    `json:"not_pec"`       // ordinary mail and unreadable files (not filtered by period)
	Transmissions     int    `json:"transmissions"`
}

func (s *trackSink) writeSummary(w io.Writer) error {
	sum := s.tr.Summary(s.since, s.until)
	v := trackSummary{Since: rfc3339(s.since), Until: rfc3339(s.until), CertifiedMessages: sum.Certified, DeliveryReceipts: sum.Delivered,
		NonDeliveries: sum.NotDelivered, Other: sum.Other, NotCertified: sum.Unproven, NotPEC: len(s.notPEC), Transmissions: sum.Transmissions}
	if s.jsonOut {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Summary trackSummary `json:"summary"`
		}{v})
	}
	period := "all dates"
	switch {
	case v.Since != "" && v.Until != "":
		period = "from " + v.Since + " to " + v.Until
	case v.Since != "":
		period = "from " + v.Since
	case v.Until != "":
		period = "until " + v.Until
	}
	fmt.Fprintf(w, "Mailbox summary (%s), each signed event counted once\n", period)
	writeTrackTable(w, [][]string{
		{"certified messages (posta certificata)", fmt.Sprint(v.CertifiedMessages)},
		{"delivery receipts", fmt.Sprint(v.DeliveryReceipts)},
		{"non-deliveries (incl. 12/24 h notices)", fmt.Sprint(v.NonDeliveries)},
		{"other certified (acceptance, presa in carico, virus, anomaly)", fmt.Sprint(v.Other)},
		{"not certified (claims a PEC kind)", fmt.Sprint(v.NotCertified)},
		{"not PEC or unreadable (any date)", fmt.Sprint(v.NotPEC)},
		{"transmissions", fmt.Sprint(v.Transmissions)},
	}, "  ")
	return nil
}
