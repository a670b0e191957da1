package pectest

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testpki"
	"github.com/sigillo/sigillo/receipt"
)

// DefaultStart returns the default first instant of the fake clock,
// 2025-03-14 10:00:00 UTC, inside the validity of every certificate. It is a
// function so that no importer can change it for the others.
func DefaultStart() time.Time { return time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC) }

// DefaultStep is the default tick of the fake clock.
const DefaultStep = time.Second

// Options configures a [World]. The zero value (or nil) gives the defaults.
type Options struct {
	// Start is the first instant of the fake clock; zero means DefaultStart.
	Start time.Time
	// Step is the time between two events; zero means DefaultStep.
	Step time.Duration
	// Digest is the signature digest: 0 means SHA-256; crypto.SHA1 gives
	// the legacy form of the OpenPEC platforms.
	Digest crypto.Hash
}

// World is a fake PEC circuit: a trust chain, providers with their
// domains, and a fake clock. It is safe for concurrent use.
type World struct {
	root, ca  *testpki.Identity
	digest    crypto.Hash
	step      time.Duration
	mu        sync.Mutex
	now       time.Time
	seq       uint64
	providers []*Provider
}

// NewWorld returns a world with its root and PEC CA and no provider.
func NewWorld(opts *Options) *World {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart()
	}
	if o.Step <= 0 {
		o.Step = DefaultStep
	}
	if o.Digest == 0 {
		o.Digest = crypto.SHA256
	}
	def := testpki.Default()
	return &World{root: def.Root, ca: def.CA, digest: o.Digest, step: o.Step, now: o.Start.Add(-o.Step)}
}

// TrustPEM returns the root certificate of the world as PEM: the trust
// anchor for envelope verification and for openssl -CAfile.
func (w *World) TrustPEM() []byte { return w.root.PEM() }

// Root returns the root certificate.
func (w *World) Root() *x509.Certificate { return w.root.Cert }

// CA returns the PEC CA certificate (the intermediate every message embeds).
func (w *World) CA() *x509.Certificate { return w.ca.Cert }

// Roots returns a new pool holding the root.
func (w *World) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(w.root.Cert)
	return p
}

// Trust returns a new envelope.Trust anchored at the root (not at the
// real AgID CAs).
func (w *World) Trust() *envelope.Trust {
	t := envelope.NewTrust()
	t.AddCert(w.root.Cert)
	return t
}

// Providers returns the providers, in creation order.
func (w *World) Providers() []*Provider {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]*Provider(nil), w.providers...)
}

// tick advances the clock and returns the new instant in legal time.
func (w *World) tick() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(w.step)
	return envelope.LegalTime(w.now)
}

// nextSeq returns the next message sequence number.
func (w *World) nextSeq() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seq++
	return w.seq
}

// Now returns the instant of the last event (before the first, one step
// before Options.Start).
func (w *World) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return envelope.LegalTime(w.now)
}

// Provider is a fake PEC provider (gestore) of a [World].
type Provider struct {
	// Name is the provider name written in daticert gestore-emittente.
	Name string
	// Domain is the provider mail domain: its messages come from
	// posta-certificata@Domain, and its certificate names that address.
	Domain string
	// Mailboxes are the domains of the mailboxes it hosts (Domain first).
	Mailboxes []string

	w  *World
	id *testpki.Identity
}

// NewProvider adds a provider to the world with its signing certificate
// (issued by the PEC CA, e-mail posta-certificata@domain) and the mailbox
// domains it hosts: domain itself and mailboxDomains. Providers reuse three
// fixed RSA-2048 keys in turn.
func (w *World) NewProvider(name, domain string, mailboxDomains ...string) *Provider {
	w.mu.Lock()
	n := len(w.providers)
	w.mu.Unlock()
	id := w.ca.NewProvider(name, "posta-certificata@"+domain, testpki.KeyRSA2048(2+n%3))
	p := &Provider{
		Name:      name,
		Domain:    domain,
		Mailboxes: append([]string{domain}, mailboxDomains...),
		w:         w,
		id:        id,
	}
	w.mu.Lock()
	w.providers = append(w.providers, p)
	w.mu.Unlock()
	return p
}

// ProviderFor returns the provider hosting addr's domain (case-insensitive),
// or nil for an ordinary (non-PEC) address.
func (w *World) ProviderFor(addr string) *Provider {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return nil
	}
	dom := addr[at+1:]
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.providers {
		for _, d := range p.Mailboxes {
			if strings.EqualFold(d, dom) {
				return p
			}
		}
	}
	return nil
}

// Issuer returns the provider as the issuer of built messages.
func (p *Provider) Issuer() envelope.Issuer {
	return envelope.Issuer{Name: p.Name, Domain: p.Domain}
}

// Address returns the provider's system address posta-certificata@Domain,
// also the service mailbox other providers write to.
func (p *Provider) Address() string { return "posta-certificata@" + p.Domain }

// Certificate returns the provider's signing certificate.
func (p *Provider) Certificate() *x509.Certificate { return p.id.Cert }

// Signer returns the provider's signing identity: its certificate, the PEC
// CA as chain, its key and the world's digest.
func (p *Provider) Signer() *envelope.Signer {
	return &envelope.Signer{Cert: p.id.Cert, Chain: []*x509.Certificate{p.w.ca.Cert}, Key: p.id.Key, Digest: p.w.digest}
}

// Sign signs a draft built by package envelope or receipt with the
// provider's key, embedding its certificate and the PEC CA.
func (p *Provider) Sign(d *envelope.Draft) ([]byte, error) {
	return d.Sign(p.Signer())
}

// Outcome is what happens to one recipient of a message.
type Outcome string

// The outcomes of a PEC recipient (ordinary recipients always get the
// envelope and nothing else).
const (
	// Delivered: presa in carico and avvenuta consegna (the default).
	Delivered Outcome = "delivered"
	// NoSuchMailbox: presa in carico and avviso di mancata consegna.
	NoSuchMailbox Outcome = "no-such-mailbox"
	// Virus: rilevazione virus (to the sender's provider) and avviso di
	// mancata consegna per virus.
	Virus Outcome = "virus"
	// Timeout: no answer from the recipient's provider; the 12-hour and
	// 24-hour notices.
	Timeout Outcome = "timeout"
	// TimeoutAfterTakeover: presa in carico, then no delivery; the 24-hour
	// notice only.
	TimeoutAfterTakeover Outcome = "timeout-after-presa-in-carico"
)

// SendOptions configures [Provider.Send]. Nil means the defaults.
type SendOptions struct {
	// Outcomes gives the outcome per recipient address (case-insensitive);
	// PEC recipients not listed are Delivered.
	Outcomes map[string]Outcome
	// Sender is the SMTP reverse-path; empty means the From address.
	Sender string
	// Virus makes the sender's provider find a virus at acceptance: the
	// only message is an avviso di non accettazione per virus.
	Virus bool
	// VirusName is the virus name reported in errore-esteso; empty means
	// "virus informatico".
	VirusName string
	// Limits bounds the original message; nil means the envelope defaults.
	Limits *envelope.BuildLimits
}

// Message is one signed message of an exchange.
type Message struct {
	// Name is a file-name-friendly label, such as "accettazione" or
	// "posta-certificata-bob@pec.example.org".
	Name string
	// Kind is the kind of message.
	Kind receipt.Kind
	// Virus marks the virus variants of non-accettazione and
	// errore-consegna.
	Virus bool
	// Recipient is the recipient the message is about or delivered to; ""
	// for messages about the whole transmission.
	Recipient string
	// To is the mailbox that receives the message.
	To string
	// Issuer is the provider that built and signed it.
	Issuer *Provider
	// Time is the event instant (Date, daticert, signingTime).
	Time time.Time
	// Cert is its certification data (nil for an anomaly envelope).
	Cert *daticert.Cert
	// Raw is the signed message.
	Raw []byte
}

// Exchange is every message one submission produced, in time order.
type Exchange struct {
	// ID is the identificativo given at acceptance.
	ID string
	// Accepted reports whether the message passed the acceptance checks.
	Accepted bool
	// Certification is the certification data of the transport envelope;
	// nil when not accepted.
	Certification *envelope.Certification
	// Messages are the signed messages in time order.
	Messages []*Message
}

// Find returns the first message of kind about recipient ("" matches any
// recipient), or nil.
func (x *Exchange) Find(kind receipt.Kind, recipient string) *Message {
	for _, m := range x.Messages {
		if m.Kind == kind && (recipient == "" || strings.EqualFold(m.Recipient, recipient)) {
			return m
		}
	}
	return nil
}

// All returns the messages of kind, in order.
func (x *Exchange) All(kind receipt.Kind) []*Message {
	var out []*Message
	for _, m := range x.Messages {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// ErrUnknownOutcome is returned by Send for an Outcome it does not know.
var ErrUnknownOutcome = errors.New("pectest: unknown outcome")

// Send submits original to the provider as its sender's access point and
// plays the whole exchange (see the package documentation). It returns an
// error only for options it cannot honour or a message that cannot be
// built even as a non-acceptance notice; formal errors in original give an
// exchange with Accepted false and one avviso di non accettazione.
func (p *Provider) Send(original []byte, opts *SendOptions) (*Exchange, error) {
	var o SendOptions
	if opts != nil {
		o = *opts
	}
	outcome := func(addr string) (Outcome, error) {
		for k, v := range o.Outcomes {
			if strings.EqualFold(k, addr) {
				switch v {
				case Delivered, NoSuchMailbox, Virus, Timeout, TimeoutAfterTakeover:
					return v, nil
				}
				return "", fmt.Errorf("%w: %q for %s", ErrUnknownOutcome, v, addr)
			}
		}
		return Delivered, nil
	}
	w := p.w
	t0 := w.tick()
	id := envelope.NewID(p.Domain, t0, w.nextSeq())
	x := &Exchange{ID: id}
	emit := func(d *envelope.Draft, name string, kind receipt.Kind, virus bool, recipient, to string, by *Provider) error {
		raw, err := by.Sign(d)
		if err != nil {
			return err
		}
		x.Messages = append(x.Messages, &Message{Name: name, Kind: kind, Virus: virus, Recipient: recipient, To: to, Issuer: by, Time: d.Time, Cert: d.Cert, Raw: raw})
		return nil
	}
	build := func(ev *receipt.Event, name string, recipient, to string, by *Provider) error {
		ev.Issuer = by.Issuer()
		d, err := receipt.Build(ev)
		if err != nil {
			return err
		}
		if to == "" {
			to = ev.About.Sender
		}
		return emit(d, name, ev.Kind, ev.Virus, recipient, to, by)
	}

	cert, err := envelope.Certify(original, &envelope.TransportOptions{
		Issuer:    p.Issuer(),
		Time:      t0,
		ID:        id,
		Sender:    o.Sender,
		Certified: func(a string) bool { return w.ProviderFor(a) != nil },
		Limits:    o.Limits,
	})
	var formal *envelope.FormalError
	switch {
	case errors.As(err, &formal):
		about := p.fallbackAbout(original, o.Sender, id, t0)
		return x, build(&receipt.Event{Kind: receipt.KindNonAccettazione, Time: t0, About: about, ExtendedError: formal.Italian()}, "non-accettazione", "", "", p)
	case err != nil:
		return nil, err
	case o.Virus:
		ev := &receipt.Event{Kind: receipt.KindNonAccettazione, Virus: true, Time: t0, About: cert.Cert, ExtendedError: o.VirusName}
		return x, build(ev, "non-accettazione-virus", "", "", p)
	}
	for _, r := range cert.Cert.Recipients {
		if _, err := outcome(r.Address); err != nil {
			return nil, err
		}
	}
	x.Accepted = true
	x.Certification = cert
	about := cert.Cert
	if err := build(&receipt.Event{Kind: receipt.KindAccettazione, Time: t0, About: about}, "accettazione", "", "", p); err != nil {
		return nil, err
	}
	env, err := cert.BuildTransport()
	if err != nil {
		return nil, err
	}
	envRaw, err := p.Sign(env)
	if err != nil {
		return nil, err
	}
	deliver := func(r string) {
		x.Messages = append(x.Messages, &Message{Name: "posta-certificata-" + r, Kind: receipt.KindPostaCertificata, Recipient: r, To: r, Issuer: p, Time: env.Time, Cert: env.Cert, Raw: envRaw})
	}

	// Group the PEC recipients by provider, in order of first appearance.
	type group struct {
		prov  *Provider
		addrs []string
	}
	var groups []*group
	var timeouts []string
	var finals []string
	for _, r := range cert.Cert.Recipients {
		rp := w.ProviderFor(r.Address)
		if r.Type == daticert.RecipientEsterno || rp == nil {
			deliver(r.Address)
			continue
		}
		if oc, _ := outcome(r.Address); oc == Delivered {
			deliver(r.Address)
		}
		var g *group
		for _, x := range groups {
			if x.prov == rp {
				g = x
			}
		}
		if g == nil {
			g = &group{prov: rp}
			groups = append(groups, g)
		}
		g.addrs = append(g.addrs, r.Address)
	}
	for _, g := range groups {
		var taken []string
		for _, a := range g.addrs {
			switch oc, _ := outcome(a); oc {
			case Delivered, NoSuchMailbox, TimeoutAfterTakeover:
				taken = append(taken, a)
			}
		}
		if len(taken) > 0 {
			ev := &receipt.Event{Kind: receipt.KindPresaInCarico, Time: w.tick(), About: about, To: p.Address(), Receptions: taken}
			if err := build(ev, "presa-in-carico-"+g.prov.Domain, "", p.Address(), g.prov); err != nil {
				return nil, err
			}
		}
		for _, a := range g.addrs {
			oc, _ := outcome(a)
			switch oc {
			case Delivered:
				ev := &receipt.Event{Kind: receipt.KindAvvenutaConsegna, Time: w.tick(), About: about, Original: cert.Postacert, Recipient: a}
				if !cert.IsPrimary(a) {
					ev.Form = receipt.FormSintetica
				}
				if err := build(ev, "avvenuta-consegna-"+a, a, "", g.prov); err != nil {
					return nil, err
				}
			case NoSuchMailbox:
				ev := &receipt.Event{Kind: receipt.KindErroreConsegna, Time: w.tick(), About: about, Recipient: a}
				if err := build(ev, "errore-consegna-"+a, a, "", g.prov); err != nil {
					return nil, err
				}
			case Virus:
				ev := &receipt.Event{Kind: receipt.KindRilevazioneVirus, Time: w.tick(), About: about, Recipient: a, To: p.Address(), ExtendedError: o.VirusName}
				if err := build(ev, "rilevazione-virus-"+a, a, p.Address(), g.prov); err != nil {
					return nil, err
				}
				ev = &receipt.Event{Kind: receipt.KindErroreConsegna, Virus: true, Time: w.tick(), About: about, Recipient: a, ExtendedError: o.VirusName}
				if err := build(ev, "errore-consegna-virus-"+a, a, "", p); err != nil {
					return nil, err
				}
			case Timeout:
				timeouts = append(timeouts, a)
				finals = append(finals, a)
			case TimeoutAfterTakeover:
				finals = append(finals, a)
			}
		}
	}
	for _, a := range timeouts {
		ev := &receipt.Event{Kind: receipt.KindPreavvisoErroreConsegna, Time: envelope.LegalTime(t0.Add(12 * time.Hour)), About: about, Recipient: a}
		if err := build(ev, "preavviso-errore-consegna-12h-"+a, a, "", p); err != nil {
			return nil, err
		}
	}
	for _, a := range finals {
		ev := &receipt.Event{Kind: receipt.KindPreavvisoErroreConsegna, Final: true, Time: envelope.LegalTime(t0.Add(23 * time.Hour)), About: about, Recipient: a}
		if err := build(ev, "preavviso-errore-consegna-24h-"+a, a, "", p); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(x.Messages, func(i, j int) bool { return x.Messages[i].Time.Before(x.Messages[j].Time) })
	return x, nil
}

// fallbackAbout reads what it can of a message that failed the formal
// checks, for the intestazione of the non-acceptance notice.
func (p *Provider) fallbackAbout(original []byte, sender, id string, t time.Time) *daticert.Cert {
	c := &daticert.Cert{Type: daticert.TypeNonAccettazione, ID: id, Date: t, Provider: p.Name}
	m, err := mail.ReadMessage(bytes.NewReader(original))
	var h mail.Header
	if err == nil {
		h = m.Header
	}
	first := func(field string) []string {
		var out []string
		if h == nil {
			return nil
		}
		if l, err := h.AddressList(field); err == nil {
			for _, a := range l {
				out = append(out, a.Address)
			}
		}
		return out
	}
	c.Sender = sender
	if c.Sender == "" {
		if f := first("From"); len(f) > 0 {
			c.Sender = f[0]
		}
	}
	if c.Sender == "" {
		c.Sender = "mittente-sconosciuto@" + p.Domain
	}
	c.ReplyTo = c.Sender
	for _, f := range []string{"To", "Cc", "Bcc"} {
		for _, a := range first(f) {
			t := daticert.RecipientCertificato
			if p.w.ProviderFor(a) == nil {
				t = daticert.RecipientEsterno
			}
			c.Recipients = append(c.Recipients, daticert.Recipient{Address: a, Type: t})
		}
	}
	if len(c.Recipients) == 0 {
		c.Recipients = []daticert.Recipient{{Address: c.Sender, Type: daticert.RecipientCertificato}}
	}
	if h != nil {
		if s := h.Get("Subject"); s != "" {
			c.Subject, c.HasSubject = strings.TrimSpace(cleanText(receipt.DecodeSubject(s))), true
		}
		if mid := strings.TrimSpace(h.Get("Message-ID")); mid != "" && cleanText(mid) == mid && !strings.ContainsAny(mid, " \t") {
			c.MsgID = strings.Trim(mid, "<>")
			c.RawMsgID = mid
		}
	}
	return c
}

// Anomaly wraps a message received by the provider from outside the PEC
// circuit (or failing its checks) in a signed busta di anomalia addressed
// to the message's recipients. reason is the Italian description of the
// anomaly; "" means envelope.DefaultAnomalyReason.
func (p *Provider) Anomaly(received []byte, reason string) (*Message, error) {
	t := p.w.tick()
	d, err := envelope.BuildAnomaly(received, &envelope.AnomalyOptions{
		Issuer:    p.Issuer(),
		Time:      t,
		Reason:    reason,
		MessageID: envelope.NewID(p.Domain, t, p.w.nextSeq()),
	})
	if err != nil {
		return nil, err
	}
	raw, err := p.Sign(d)
	if err != nil {
		return nil, err
	}
	return &Message{Name: "anomalia", Kind: receipt.KindAnomalia, Issuer: p, Time: t, Raw: raw}, nil
}

// cleanText returns s as valid UTF-8 with control characters replaced by
// spaces, fit for daticert.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
