package daticert_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
)

// FuzzParse checks that Parse never panics, returns a nil *Cert with every
// error, and that a certificate that parses and validates survives
// Marshal and Parse unchanged.
func FuzzParse(f *testing.F) {
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			f.Add(b)
		}
		return err
	})
	require.NoError(f, err)
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><postacert tipo="accettazione"><intestazione><mittente>a</mittente><destinatari>b</destinatari><risposte>a</risposte><oggetto>perch` + "\xe9" + `</oggetto></intestazione><dati><gestore-emittente>g</gestore-emittente><data zona="-0000"><giorno>29/02/2024</giorno><ora>23:59:59</ora></data><identificativo>i</identificativo><msgid>m</msgid></dati></postacert>`))
	f.Add([]byte(`<!DOCTYPE postacert [<!ENTITY a "b">]><postacert/>`))

	opts := &daticert.ParseOptions{MaxBytes: 64 << 10, MaxElements: 1000}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := daticert.Parse(data, opts)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse returned a Cert with error %v", err)
			}
			var pe *daticert.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error %T is not a *ParseError", err)
			}
			return
		}
		if c == nil {
			t.Fatal("Parse returned nil, nil")
		}
		if c.Validate() != nil {
			// Marshal must not panic either way.
			_, _ = c.Marshal()
			return
		}
		out, err := c.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a valid Cert: %v", err)
		}
		c2, err := daticert.Parse(out, nil)
		if err != nil {
			t.Fatalf("Parse(Marshal(c)): %v\n%s", err, out)
		}
		c.Raw, c2.Raw = nil, nil
		c.Warnings = nil // Marshal writes U+FFFD for a control character: nothing to warn about
		require.Equal(t, c, c2)
		out2, err := c2.Marshal()
		require.NoError(t, err)
		require.Equal(t, out, out2, "Marshal is not stable")
	})
}
