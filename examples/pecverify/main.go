// Command pecverify verifies Italian certified e-mail (PEC) messages: it tells what
// each message is (transport envelope, anomaly envelope, receipt or notice), whether
// its provider signature holds, and whether the message is certified.
//
// Usage:
//
//	pecverify [-json] [-v] [-j N] [-at RFC3339] [-roots FILE.pem] [-imap-ca FILE] [-extract DIR]
//	          [-track] [-summary] [-since T] [-until T] [-now T] [-html FILE] [-lang it|en] PATH...
//	pecverify -version
//
// A PATH is anything package pec/mailbox opens: a message file (.eml, or any file
// that starts with a header field, a UTF-8 BOM tolerated), an mbox file (detected by
// content, no extension needed; mboxo and mboxrd quoting), a maildir (cur/ and new/,
// either may be missing), a directory searched recursively for all of these, a
// webmail maildir .zip export, "-" for standard input, or an IMAP mailbox
// imap://user@host[:port]/MAILBOX (loopback hosts only) or imaps://... (TLS, the
// system roots plus -imap-ca). The IMAP password is read from the environment
// variable PECVERIFY_IMAP_PASSWORD, never from the command line, and never printed;
// the mailbox is only examined (no flag changes).
//
// Records come in argument order, and in the order of the source within a PATH
// (lexical path order in a directory, file order in an mbox, UID order on IMAP); a
// message of an mbox is named FILE#N, a zip entry ZIP!ENTRY, an IMAP message
// imap://user@host/MAILBOX;UID=N. Every message found, and every PATH or entry that
// cannot be read, yields exactly one record.
//
// Flags:
//
//	-json         one JSON object per message, one per line (the format below)
//	-v            details under each line of the human output
//	-j N          read and verify with N workers (default: the number of CPUs); the
//	              output order is the input order whatever N
//	-at TIME      verify as of TIME (RFC 3339) instead of the signing time
//	-roots FILE   add the PEM certificates in FILE to the trust anchors (repeatable);
//	              the built-in PEC anchors stay trusted
//	-imap-ca FILE trust the PEM CA certificates in FILE for imaps://, besides the
//	              system roots
//	-extract DIR  write the evidence of each message under DIR/NAME/, NAME being the
//	              locator made safe as a file name ("NAME (2)" when it exists): the
//	              message's attachments (daticert.xml, postacert.eml as stored) and the
//	              attachments of the original message, with pec.Extract
//	-version      print the module version and exit
//
// Delivery tracking (track.go):
//
//	-track        one record per transmission instead of one per message: every
//	              recipient's delivery state, overdue past the 12/24-hour deadlines
//	-summary      the providers' daily-report overview instead of the records
//	-since T, -until T  the period of -track and -summary (RFC 3339)
//	-now T        the clock of the deadlines (default: the current time)
//	-html FILE    also write the printable evidence dossier to FILE
//	-lang it|en   the language of the dossier (default it)
//
// # Streaming
//
// Messages are read and verified by a pool of -j workers; a record is written as
// soon as it and every earlier one are done. At most 4*N records wait for an earlier
// one; then the enumeration of new messages pauses. Nothing is kept per message
// after its record is written, so memory does not grow with the number of messages.
// The JSON output is written record by record. The human output is aligned by
// blocks of up to 64 lines (column widths only grow from one block to the next): a
// block is written when it is full, at the end, and whenever the output has waited
// 150 ms for the next record in order (a slow source such as IMAP or a pipe), so a
// line waits at most that long once the record after it is late. Each wait starts
// the 150 ms again: a source giving a record more often than that fills 64-line
// blocks (at most 64 times 150 ms for a line); the lines of a local run stay
// aligned.
//
// # Human output
//
// One line per message with the locator, the kind (with "/virus" for the virus
// variants and "/FORM" for the delivery receipt form), the verdict (certified;
// uncertified when the signature is valid but the kind does not rest on signed data;
// else the signature status: invalid, untrusted, absent, malformed; unreadable for
// a message that could not be read, with the error in the last column), the
// provider, the signing time in UTC and the subject. Columns are aligned, widths
// counted in runes. Every text taken from a message or a file name is escaped: the
// control characters (CR, LF, ESC, ...), the other characters that are not
// printable (bidirectional overrides, zero-width characters), invalid UTF-8 and the
// backslash are written as Go escapes (\r, \x1b, \u202e, \xff, \\), so a message
// cannot draw a line of its own; error texts are cut to 300 characters. A summary
// line goes to standard error: how many messages were certified and not, by kind.
//
// # JSON output
//
// One object per line; see the README for the meaning of every key:
//
//	{"path": "...", "kind": "avvenuta-consegna", "virus": false, "receipt_form": "completa",
//	 "requested_form": "completa",
//	 "signature": {"status": "valid", "reason": "", "reason_code": "", "signer": "CN=...",
//	               "provider": "...", "signing_time": "2025-06-03T07:15:45Z", "digest": "sha256"},
//	 "daticert": {"tipo": "...", "errore": "...", "mittente": "...",
//	              "destinatari": [{"address": "...", "tipo": "certificato"}], "risposte": "...",
//	              "oggetto": "...", "gestore_emittente": "...", "data": "2025-06-03T09:15:45+02:00",
//	              "identificativo": "...", "msgid": "...", "ricevuta": "...", "consegna": "...",
//	              "ricezione": [], "errore_esteso": "..."} or null,
//	 "findings": [{"code": "...", "detail": "..."}],
//	 "certified": true,
//	 "subject": "...", "real_sender": "...",
//	 "original": {"subject": "...", "from": "...", "message_id": "...", "kind": "not-pec",
//	              "certified": false, "attachments": [...]} or null,
//	 "attachments": [{"name": "postacert.eml", "content_type": "message/rfc822", "size": 1234,
//	                  "sha256": "...", "message": {...} or null}],
//	 "sha256": "...",
//	 "error": "..."}   (only on the record of a message that could not be read)
//
// # Exit status
//
// 0 when every message is certified; 1 when any is not, or cannot be read (or its
// evidence cannot be extracted); 2 on a usage error or when no message is found at
// all.
//
// # Limits
//
// The limits of pec.Options and of mailbox.Limits apply, with their defaults; a
// message over a limit gets an error record and the run goes on. The garbage
// collector runs at GOGC=400 with a 64 MiB soft memory limit unless the GOGC or
// GOMEMLIMIT environment variables are set.
package main

import (
	"os"
	"runtime/debug"
)

// Garbage collector settings of the command, unless GOGC or GOMEMLIMIT say
// otherwise: verifying small messages allocates fast and keeps little alive, so a
// collection after every 100% of heap growth costs a fifth of the CPU time; 400%
// halves that, and the soft limit keeps the heap well under 100 MiB whatever the
// mailbox.
const (
	gcPercent   = 400
	memoryLimit = 64 << 20
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
