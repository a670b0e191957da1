package mailbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sigillo/sigillo/pec/mailbox"
)

// Open enumerates a folder holding an mbox (no extension needed) and a maildir
// without new/; each item is read with pec. These messages are not signed, so none
// is certified; the file that is not a message is an error item and the run goes on.
func Example() {
	dir, err := os.MkdirTemp("", "mailbox-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	write("Inbox", "From alice@example.it Mon Jan  5 10:00:00 2026\n"+
		"From: alice@example.it\nSubject: uno\n\nciao\n>From here\n\n"+
		"From bob@example.it Mon Jan  5 11:00:00 2026\n"+
		"From: bob@example.it\nSubject: due\n\nciao\n")
	write("Inbox.msf", "// <!-- <mdb:mork:z v=\"1.4\"/> -->\n")
	write("Maildir/cur/1700000000.1.host:2,S", "From: carol@example.it\nSubject: tre\n\nciao\n")
	write("Maildir/cur/1700000001.2.host:2,", "\x00\x01\x02 not mail")

	for it, err := range mailbox.Open(dir, nil) {
		loc := strings.TrimPrefix(filepath.ToSlash(it.Locator), filepath.ToSlash(dir)+"/")
		if err != nil {
			fmt.Printf("%-40s error: %v\n", loc, err)
			continue
		}
		m, _, err := it.Read(nil)
		if err != nil {
			fmt.Printf("%-40s error: %v\n", loc, err)
			continue
		}
		fmt.Printf("%-40s %-5s %q certified=%t\n", loc, it.Source, m.Subject, m.Certified)
	}
	// Output:
	// Inbox#1                                  mbox  "uno" certified=false
	// Inbox#2                                  mbox  "due" certified=false
	// Maildir/cur/1700000000.1.host:2,S        file  "tre" certified=false
	// Maildir/cur/1700000001.2.host:2,         error: not a mail message (starts with "\x00\x01\x02 not mail")
}
