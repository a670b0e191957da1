// Package report writes the evidence dossier of a PEC mailbox: one
// self-contained, printable HTML document that answers "was my PEC delivered,
// to whom, when, and can I prove it?", in Italian by default (English with
// Options.Lang "en").
//
//	tr := pec.NewTracker()
//	var entries []report.Entry
//	for each message m read from locator, with digest sum of its bytes as stored {
//		tr.Add(m, pec.Evidence{Locator: locator, SHA256: sum})
//		entries = append(entries, report.NewEntry(locator, m, sum, nil, nil))
//	}
//	err := report.Write(w, tr, entries, &report.Options{Now: now})
//
// For each transmission of the [pec.Tracker] the report gives its certified
// data (identificativo, msgid, sender, subject, acceptance time, the 24-hour
// deadline) and, per recipient, the outcome, whether it is overdue at
// Options.Now, and its timeline: every signed event with its time, provider,
// errore-esteso and the files it was found in with their SHA-256. For each
// message ([Entry]) it gives the verdict and its reason in plain words, the
// provider, the signer certificate and the rest of the certification path
// (subject, issuer, serial, validity), the signing time in Italian legal time and
// in UTC, the daticert.xml fields, the findings explained (the code and detail
// when the code has no text), and the SHA-256 of the file as stored and of each
// attachment (those of postacert.eml too). Incoming certified mail and
// uncertified claims follow in their own sections.
//
// The tracker follows the DM 2/11/2005 technical rules and RFC 6109 (see
// [pec.Tracker] for the states and deadlines); the document follows HTML5.
//
// # Self-contained and printable
//
// The document has no external resource: no script, no font, no image, the CSS
// inline; links are in-document anchors only. It declares lang="it" (or "en"),
// an A4 @page, a page break before each transmission and before the list of
// messages, and keeps each message and each recipient timeline on one page when
// it fits. It prints to PDF with a headless Chromium (tested in CI).
//
// # Escaping
//
// Every text taken from a message (subjects, addresses, file names, details) is
// escaped by html/template; the package never marks message text as safe HTML.
//
// # Times
//
// Italian legal time is computed by envelope.LegalTime (the EU summer-time rule
// in force since 1996), the rule the rest of the module uses, so the report needs
// no time zone database on the host and embeds none; times are always shown in
// UTC as well.
//
// # Limits
//
// An [Entry] holds the small facts of a message, never its content: a report
// over many messages needs memory for the entries and the tracker only. The
// attachments listed per entry are capped by EntryOptions.MaxAttachments
// (DefaultMaxAttachments, 64); the others are counted. Attachments left in the
// source by streaming reads are hashed by reading them again in pieces.
//
// # Divergences
//
// The verification reasons are explained from envelope's sentinel errors; a
// reason unknown to this package is shown as the error text.
package report
