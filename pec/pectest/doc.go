// Package pectest is a PEC provider in a box for tests, in the spirit of
// net/http/httptest: it mints a fake PEC trust chain (a root, a PEC CA shaped
// like AgID CA1, and one signing certificate per provider) and plays the
// providers of an exchange, producing every signed message the technical
// rules prescribe (DM 2 novembre 2005, annex).
//
//	w := pectest.NewWorld(nil)
//	alice := w.NewProvider("Example PEC S.p.A.", "pec.example.it")
//	w.NewProvider("Other PEC S.r.l.", "pec.example.org")
//	x, err := alice.Send(original, &pectest.SendOptions{
//		Outcomes: map[string]pectest.Outcome{"bobby@pec.example.org": pectest.NoSuchMailbox},
//	})
//	// x.Messages: the acceptance, the transport envelope per recipient,
//	// presa in carico, delivery receipts or failure notices...
//	report := envelope.Verify(x.Messages[0].Raw, &envelope.VerifyOptions{Trust: w.Trust(), ...})
//
// # The exchange
//
// [Provider.Send] runs the formal checks of the access point. A failure, or
// SendOptions.Virus, gives an avviso di non accettazione only. Otherwise it
// emits the ricevuta di accettazione and the transport envelope at the same
// instant, then, per recipient:
//
//   - ordinary recipients (whose domain belongs to no provider of the world,
//     daticert tipo="esterno"): the envelope is delivered as is; no receipt;
//   - [Delivered]: the envelope, the presa in carico of the recipient's
//     provider (one per provider, covering its recipients) and a delivery
//     receipt: the requested form (X-TipoRicevuta of the original) for To
//     recipients, sintetica for Cc recipients;
//   - [NoSuchMailbox]: presa in carico, then an avviso di mancata consegna
//     (errore="no-dest", errore-esteso 5.1.1) from the recipient's provider;
//   - [Virus]: an avviso di rilevazione virus from the recipient's provider to
//     the sender provider's mailbox (X-Mittente), then an avviso di mancata
//     consegna per virus from the sender's provider;
//   - [Timeout]: nothing from the recipient's provider; the 12-hour and the
//     24-hour preavviso-errore-consegna from the sender's provider;
//   - [TimeoutAfterTakeover]: presa in carico, then only the 24-hour notice.
//
// [Provider.Anomaly] wraps an incoming non-PEC message in a busta di
// anomalia.
//
// # Determinism and speed
//
// Keys are fixed (internal/testpki: no key generation) and RSA PKCS #1 v1.5
// signatures are deterministic. Time comes from a fake clock: each event
// takes the next tick (Options.Step after the previous one, from
// Options.Start), timeouts fall 12 and 23 hours after the acceptance, and
// every instant is printed in Italian legal time (envelope.LegalTime). So a
// given sequence of calls yields byte-identical messages, and golden files
// are stable. Building and signing one message takes well under a
// millisecond plus one RSA-2048 signature; see the benchmarks.
//
// # Trust
//
// [World.TrustPEM] is the fake root as PEM (the trust.pem of
// examples/simulate; give it to openssl smime -verify -CAfile), [World.Trust]
// the same as an envelope.Trust. Every message embeds its provider
// certificate and the PEC CA, so the root alone anchors them. The
// certificates are valid from 2024-01-01 to 2044-01-01 (UTC); verify at the
// message time, or any time in that range.
//
// # Limits
//
// The original message given to [Provider.Send] is bounded as the envelope
// builders bound it: SendOptions.Limits (an envelope.BuildLimits; nil means
// envelope.DefaultMaxOriginalBytes, DefaultMaxHeaderBytes and
// DefaultMaxRecipients). Beyond them Send fails with the builder's error.
//
// This package is for tests: the keys are public, the certificates fake.
package pectest
