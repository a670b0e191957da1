// Package pecmsg reads back the signed PEC messages that the tests of receipt and
// pec/pectest build: the outer header, the message's own daticert, the carried
// original and whether that carries .hash parts. It is a separate package from
// testutil because it depends on daticert, internal/mime and receipt, whose own
// tests import testutil. It is imported by _test.go files only.
package pecmsg

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/receipt"
)

// Inspect reads back the signed message raw: its header, its own daticert (nil
// when it has none), the carried original (nil when it carries none) and whether
// that original has parts whose file name ends in [receipt.HashSuffix].
func Inspect(t testing.TB, raw []byte) (mail.Header, *daticert.Cert, []byte, bool) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err)
	var cert *daticert.Cert
	var carried []byte
	require.NoError(t, mime.Walk(raw, nil, func(e *mime.Entity) error {
		switch {
		case e.MediaType == "application/xml" && e.Header.Filename() == "daticert.xml":
			xml, err := mime.Decode(e.Header.TransferEncoding(), e.Body.Of(raw))
			require.NoError(t, err)
			cert, err = daticert.Parse(xml, nil)
			require.NoError(t, err)
		case e.MediaType == "message/rfc822":
			carried = e.Body.Of(raw)
		}
		return nil
	}))
	hashed := false
	if carried != nil {
		_ = mime.Walk(carried, nil, func(e *mime.Entity) error {
			hashed = hashed || strings.HasSuffix(e.Header.Filename(), receipt.HashSuffix)
			return nil
		})
	}
	return m.Header, cert, carried, hashed
}
