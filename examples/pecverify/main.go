// Command pecverify verifies Italian certified e-mail (PEC) messages: it tells what
// each message is (transport envelope, anomaly envelope, receipt or notice), whether
// its provider signature holds, and whether the message is certified.
//
// Usage:
//
//	pecverify [-json] [-v] [-at RFC3339] [-roots FILE.pem] PATH...
//
// A PATH is a message file (.eml), an mbox file (a file starting with "From "), a
// maildir (a directory with cur/ and new/), or a directory searched recursively for
// .eml files, .mbox files and maildirs. Messages are reported in argument order, and
// in lexical path order within a directory; a message of an mbox is named FILE#N.
//
// Flags:
//
//	-json        one JSON object per message, one per line (the format below)
//	-v           details under each line of the human output
//	-at TIME     verify as of TIME (RFC 3339) instead of the signing time
//	-roots FILE  add the PEM certificates in FILE to the trust anchors (repeatable);
//	             the built-in PEC anchors stay trusted
//
// Human output: one line per message with the path, the kind (with "/virus" for the
// virus variants and "/FORM" for the delivery receipt form), the verdict (certified;
// uncertified when the signature is valid but the kind does not rest on signed data;
// else the signature status: invalid, untrusted, absent, malformed), the provider,
// the signing time in UTC and the subject. Columns are aligned.
//
// JSON output, one object per line:
//
//	{"path": "...", "kind": "avvenuta-consegna", "virus": false, "receipt_form": "completa",
//	 "signature": {"status": "valid", "reason": "", "signer": "CN=...", "provider": "...",
//	               "signing_time": "2025-06-03T07:15:45Z", "digest": "sha256"},
//	 "daticert": {"tipo": "...", "errore": "...", "mittente": "...",
//	              "destinatari": [{"address": "...", "tipo": "certificato"}], "risposte": "...",
//	              "oggetto": "...", "gestore_emittente": "...", "data": "2025-06-03T09:15:45+02:00",
//	              "identificativo": "...", "msgid": "...", "ricevuta": "...", "consegna": "...",
//	              "ricezione": [], "errore_esteso": "..."} or null,
//	 "findings": [{"code": "...", "detail": "..."}],
//	 "certified": true,
//	 "subject": "...", "real_sender": "..."}
//
// Exit status: 0 when every message is certified, 1 when any is not, 2 on a usage
// error or when a path or message cannot be read.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
