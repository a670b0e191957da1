package mime

import (
	"net/mail"
	"strings"
	"time"
)

// ParseDate parses an RFC 5322 Date field body. It tries the form every PEC
// provider writes ("Mon, 2 Jan 2006 15:04:05 -0700") first, which costs one
// time.Parse, and falls back to net/mail.ParseDate for the other forms (obsolete
// zones, comments, missing day of week), which builds an error for every layout it
// rejects.
func ParseDate(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC1123Z, v); err == nil {
		return t, nil
	}
	return mail.ParseDate(v)
}
