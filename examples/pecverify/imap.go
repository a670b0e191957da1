package main

import (
	"fmt"
	"os"

	"github.com/sigillo/sigillo/pec/mailbox"
)

// imapOptions configures imap:// and imaps:// sources: the password comes from
// $PECVERIFY_IMAP_PASSWORD, read only when an IMAP source is opened, and caFile adds
// a CA to the system roots.
func imapOptions(caFile string) mailbox.IMAPOptions {
	return mailbox.IMAPOptions{
		Password: func(user, host string) (string, error) {
			pw, ok := os.LookupEnv(imapPasswordEnv)
			if !ok {
				return "", fmt.Errorf("not set: give it in $%s", imapPasswordEnv)
			}
			return pw, nil
		},
		CAFile: caFile,
	}
}
