package report

import (
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/pec"
)

// ErrOptions is returned by [Write] for options it cannot honour.
var ErrOptions = errors.New("report: invalid options")

// Options configures [Write]. Nil means the defaults.
type Options struct {
	// Lang is the language of the report: "it" (the default, also for "") or "en".
	Lang string
	// Now is the clock the deadlines are evaluated against (which recipients are
	// overdue) and the generation time shown; zero means time.Now().
	Now time.Time
}

//go:embed report.html.tmpl
var templateText string

// Write writes the evidence dossier of the transmissions of tr (nil for none) and
// the messages of entries as one self-contained HTML document to w.
func Write(w io.Writer, tr *pec.Tracker, entries []Entry, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	switch o.Lang {
	case "":
		o.Lang = "it"
	case "it", "en":
	default:
		return fmt.Errorf("%w: language %q (want it or en)", ErrOptions, o.Lang)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	t, err := template.New("report").Parse(templateText)
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	return t.Execute(w, buildPage(tr, entries, o))
}

// when is an instant in Italian legal time and in UTC.
type when struct{ Local, UTC string }

// at formats t; nil for the zero time. Italian legal time comes from
// envelope.LegalTime (the EU summer-time rule, no time zone database needed).
func at(lang string, t time.Time) *when {
	if t.IsZero() {
		return nil
	}
	l := envelope.LegalTime(t)
	if lang == "en" {
		return &when{Local: l.Format("2006-01-02 15:04:05 (-0700)"), UTC: t.UTC().Format("2006-01-02 15:04:05")}
	}
	return &when{Local: l.Format("02/01/2006 15:04:05 (-0700)"), UTC: t.UTC().Format("02/01/2006 15:04:05")}
}

type page struct {
	T             texts
	Generated     *when
	Files         int
	Summary       pec.Summary
	Transmissions []txView
	Messages      []entryView
	Received      []receivedView
	Unproven      []eventView
}

type txView struct {
	ID, MsgID, Subject, Sender string
	Accepted, Due              *when
	Rejected                   bool
	Recipients                 []rcptView
}

type rcptView struct {
	Address, Type, State, Error string
	Overdue, Late, Virus        bool
	Events                      []eventView
}

type eventView struct {
	When                          *when
	Kind, Provider, Error, Recips string
	Evidence                      []evidenceView
}

type evidenceView struct {
	Locator, SHA256, Anchor string
}

type receivedView struct {
	When                             *when
	Kind, ID, MsgID, Sender, Subject string
	Evidence                         []evidenceView
}

type certView struct {
	Subject, Issuer, Serial string
	From, To                *when
}

type kv struct{ Key, Value string }

type findingView struct{ Code, Text, Detail string }

type attView struct {
	Name, ContentType, SHA256 string
	Size                      string
}

type entryView struct {
	Anchor, Locator, SHA256, ReadErr string
	Kind                             string
	Certified                        bool
	StatusText, Reason, ReasonDetail string
	Provider                         string
	Signer                           *certView
	Chain                            []certView
	SigningTime                      *when
	Daticert                         []kv
	Findings                         []findingView
	Attachments                      []attView
	More                             int
}

func hexSum(s [32]byte) string { return hex.EncodeToString(s[:]) }

func buildPage(tr *pec.Tracker, entries []Entry, o Options) page {
	lang := o.Lang
	p := page{T: textsFor(lang), Generated: at(lang, o.Now), Files: len(entries)}
	anchors := map[pec.Evidence]string{}
	for i, e := range entries {
		a := "m" + strconv.Itoa(i+1)
		if _, ok := anchors[pec.Evidence{Locator: e.Locator, SHA256: e.SHA256}]; !ok {
			anchors[pec.Evidence{Locator: e.Locator, SHA256: e.SHA256}] = a
		}
		p.Messages = append(p.Messages, entryOf(lang, a, &e))
	}
	evidence := func(list []pec.Evidence) []evidenceView {
		var out []evidenceView
		for _, ev := range list {
			out = append(out, evidenceView{Locator: ev.Locator, SHA256: hexSum(ev.SHA256), Anchor: anchors[ev]})
		}
		return out
	}
	eventOf := func(e *pec.Event) eventView {
		v := eventView{When: at(lang, e.Time), Kind: kindName(lang, e.Kind), Provider: e.Provider, Error: e.Error, Evidence: evidence(e.Evidence)}
		for i, r := range e.Recipients {
			if i > 0 {
				v.Recips += ", "
			}
			v.Recips += r
		}
		return v
	}
	if tr == nil {
		return p
	}
	p.Summary = tr.Summary(time.Time{}, time.Time{})
	for _, t := range tr.Transmissions() {
		tv := txView{ID: t.ID, MsgID: t.MsgID, Subject: t.Subject, Sender: t.Sender, Accepted: at(lang, t.Accepted), Rejected: t.Rejected}
		for _, r := range t.Recipients {
			rv := rcptView{Address: r.Address, Type: string(r.Type), State: stateName(lang, r.State), Error: r.Error,
				Overdue: r.Overdue(o.Now), Late: r.Late(o.Now), Virus: r.Virus}
			if tv.Due == nil {
				tv.Due = at(lang, r.DueAt)
			}
			for _, e := range r.Events {
				rv.Events = append(rv.Events, eventOf(e))
			}
			tv.Recipients = append(tv.Recipients, rv)
		}
		p.Transmissions = append(p.Transmissions, tv)
	}
	for _, r := range tr.Received() {
		p.Received = append(p.Received, receivedView{When: at(lang, r.Time), Kind: kindName(lang, r.Kind), ID: r.ID, MsgID: r.MsgID,
			Sender: r.Sender, Subject: r.Subject, Evidence: evidence(r.Evidence)})
	}
	for _, u := range tr.Unproven() {
		v := eventOf(u.Event)
		v.Recips = u.ID + " " + v.Recips
		p.Unproven = append(p.Unproven, v)
	}
	return p
}

func certViewOf(lang string, c *Cert) certView {
	return certView{Subject: c.Subject, Issuer: c.Issuer, Serial: c.Serial, From: at(lang, c.NotBefore), To: at(lang, c.NotAfter)}
}

func entryOf(lang, anchor string, e *Entry) entryView {
	v := entryView{Anchor: anchor, Locator: e.Locator, SHA256: hexSum(e.SHA256), ReadErr: e.ReadErr}
	if e.ReadErr != "" {
		return v
	}
	v.Kind = kindName(lang, e.Kind)
	v.Certified = e.Certified
	v.StatusText = statusText(lang, e.Status)
	v.Reason, v.ReasonDetail = reasonText(lang, e.Reason), e.ReasonDetail
	v.Provider = e.Provider
	if e.Signer != nil {
		c := certViewOf(lang, e.Signer)
		v.Signer = &c
	}
	for i := range e.Chain {
		if i == 0 && e.Signer != nil {
			continue // the signer, shown above
		}
		v.Chain = append(v.Chain, certViewOf(lang, &e.Chain[i]))
	}
	v.SigningTime = at(lang, e.SigningTime)
	if c := e.Daticert; c != nil {
		v.Daticert = daticertFields(lang, c)
	}
	for _, f := range e.Findings {
		v.Findings = append(v.Findings, findingView{Code: f.Code, Text: findingText(lang, f.Code), Detail: f.Detail})
	}
	for _, a := range e.Attachments {
		av := attView{Name: a.Name, ContentType: a.ContentType, Size: strconv.FormatInt(a.Size, 10)}
		if a.Hashed {
			av.SHA256 = hexSum(a.SHA256)
		}
		if a.Size < 0 {
			av.Size = ""
		}
		v.Attachments = append(v.Attachments, av)
	}
	v.More = e.MoreAttachments
	return v
}

// daticertFields lists the fields of c under their daticert.xml names.
func daticertFields(lang string, c *daticert.Cert) []kv {
	out := []kv{{"tipo", string(c.Type)}, {"errore", string(c.Error)}, {"mittente", c.Sender}}
	for _, r := range c.Recipients {
		out = append(out, kv{"destinatari (" + string(r.Type) + ")", r.Address})
	}
	add := func(k, v string) {
		if v != "" {
			out = append(out, kv{k, v})
		}
	}
	add("risposte", c.ReplyTo)
	add("oggetto", c.Subject)
	add("gestore-emittente", c.Provider)
	if w := at(lang, c.Date); w != nil {
		out = append(out, kv{"data", w.Local + " — " + w.UTC + " UTC"})
	}
	add("identificativo", c.ID)
	add("msgid", c.RawMsgID)
	add("ricevuta", string(c.Receipt))
	add("consegna", c.Delivery)
	for _, r := range c.Receptions {
		add("ricezione", r)
	}
	add("errore-esteso", c.ExtendedError)
	return out
}
