package daticert_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/sigillo/sigillo/daticert"
)

func TestParseEncodings(t *testing.T) {
	t.Parallel()
	const latin1Subject = "Perché è già così: àèìòù ÀÉ ç ñ ü «ok» °"
	const cp1252Subject = "Fattura da 100 € – “saldo” ‘finale’ … Œ š ™"
	// withDecl returns baseDoc with the given XML declaration and subject,
	// encoded with enc (nil: UTF-8).
	withDecl := func(t *testing.T, decl, subject string, enc *charmap.Charmap) []byte {
		doc := strings.Replace(baseDoc(t), `<?xml version="1.0" encoding="UTF-8"?>`, decl, 1)
		doc = strings.Replace(doc, "Contratto di fornitura", subject, 1)
		if enc == nil {
			return []byte(doc)
		}
		b, err := enc.NewEncoder().Bytes([]byte(doc))
		require.NoError(t, err)
		return b
	}
	ok := []struct {
		name    string
		decl    string
		subject string
		enc     *charmap.Charmap
	}{
		{"UTF-8", `<?xml version="1.0" encoding="UTF-8"?>`, latin1Subject + " " + cp1252Subject, nil},
		{"utf-8 lower case", `<?xml version="1.0" encoding="utf-8"?>`, cp1252Subject, nil},
		{"utf8 alias", `<?xml version="1.0" encoding="utf8"?>`, cp1252Subject, nil},
		{"no declaration", ``, cp1252Subject, nil},
		{"ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?>`, latin1Subject, charmap.ISO8859_1},
		{"iso-8859-1 lower case", `<?xml version="1.0" encoding="iso-8859-1"?>`, latin1Subject, charmap.ISO8859_1},
		{"latin1 alias", `<?xml version='1.0' encoding='latin1'?>`, latin1Subject, charmap.ISO8859_1},
		{"Windows-1252", `<?xml version="1.0" encoding="Windows-1252"?>`, cp1252Subject, charmap.Windows1252},
		{"cp1252 alias", `<?xml version="1.0" encoding="cp1252"?>`, cp1252Subject, charmap.Windows1252},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			data := withDecl(t, tc.decl, tc.subject, tc.enc)
			c := mustParse(t, data)
			want := validCert()
			want.Subject = tc.subject
			assert.Equal(t, want, c)

			out, err := c.Marshal()
			require.NoError(t, err)
			assert.Contains(t, string(out), tc.subject, "Marshal writes UTF-8")
			assert.Equal(t, c, mustParse(t, out))
		})
	}

	bad := []struct {
		name string
		data []byte
	}{
		{"Latin-1 bytes without declaration", withDecl(t, ``, latin1Subject, charmap.ISO8859_1)},
		{"Latin-1 bytes declared UTF-8", withDecl(t, `<?xml version="1.0" encoding="UTF-8"?>`, latin1Subject, charmap.ISO8859_1)},
		{"UTF-16 declared", withDecl(t, `<?xml version="1.0" encoding="UTF-16"?>`, "x", nil)},
		{"Shift_JIS declared", withDecl(t, `<?xml version="1.0" encoding="Shift_JIS"?>`, "x", nil)},
		{"ISO-8859-15 declared", withDecl(t, `<?xml version="1.0" encoding="ISO-8859-15"?>`, "x", nil)},
		{"unknown encoding", withDecl(t, `<?xml version="1.0" encoding="bogus"?>`, "x", nil)},
		{"UTF-16 bytes", append([]byte{0xff, 0xfe}, []byte("<\x00p\x00/\x00>\x00")...)},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := daticert.Parse(tc.data, nil)
			assert.Nil(t, c)
			require.ErrorIs(t, err, daticert.ErrEncoding)
			var pe *daticert.ParseError
			require.ErrorAs(t, err, &pe)
		})
	}
}
