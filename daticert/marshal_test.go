package daticert_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
)

func TestMarshalGolden(t *testing.T) {
	t.Parallel()
	c := mustParse(t, readFile(t, "spec/a-posta-certificata.xml"))
	got, err := c.Marshal()
	require.NoError(t, err)
	const want = `<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="posta-certificata" errore="nessuno">
  <intestazione>
    <mittente>alice@pec.example.it</mittente>
    <destinatari tipo="certificato">bob@pec.example.org</destinatari>
    <destinatari tipo="esterno">carol@mail.example.com</destinatari>
    <risposte>alice@pec.example.it</risposte>
    <oggetto>Contratto di fornitura</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>Example PEC S.p.A.</gestore-emittente>
    <data zona="+0200">
      <giorno>03/06/2025</giorno>
      <ora>09:15:42</ora>
    </data>
    <identificativo>opec100.20250603091542.4711.12.1.7@pec.example.it</identificativo>
    <msgid>&lt;a1b2c3@client.example.it&gt;</msgid>
    <ricevuta tipo="completa" />
  </dati>
</postacert>
`
	assert.Equal(t, want, string(got))

	again, err := c.Marshal()
	require.NoError(t, err)
	assert.Equal(t, got, again, "byte-stable")
	reparsed, err := mustParse(t, got).Marshal()
	require.NoError(t, err)
	assert.Equal(t, got, reparsed, "byte-stable through Parse")
}

func TestMarshalAllElements(t *testing.T) {
	t.Parallel()
	c := validCert()
	c.Type = daticert.TypePresaInCarico
	c.Receipt, c.Delivery = "", ""
	c.Receptions = []string{"bob@pec.example.org", "dan@pec.example.org"}
	c.ExtendedError = "x"
	got, err := c.Marshal()
	require.NoError(t, err)
	s := string(got)
	assert.Contains(t, s, "\n    <ricezione>bob@pec.example.org</ricezione>\n    <ricezione>dan@pec.example.org</ricezione>\n    <errore-esteso>x</errore-esteso>\n  </dati>\n")
	assert.NotContains(t, s, "<ricevuta")
	assert.NotContains(t, s, "<consegna")
}

// TestMarshalRoundTrip checks Parse(Marshal(c)) == c for valid certificates
// of every type and for awkward values.
func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	edit := func(f func(c *daticert.Cert)) *daticert.Cert {
		c := validCert()
		f(c)
		return c
	}
	tests := map[string]*daticert.Cert{
		"avvenuta-consegna": validCert(),
		"posta-certificata": edit(func(c *daticert.Cert) {
			c.Type, c.Delivery, c.Receipt = daticert.TypePostaCertificata, "", daticert.ReceiptSintetica
		}),
		"accettazione without subject or msgid": edit(func(c *daticert.Cert) {
			c.Type, c.Delivery, c.Receipt = daticert.TypeAccettazione, "", ""
			c.Subject, c.HasSubject, c.MsgID, c.RawMsgID = "", false, "", ""
		}),
		"accettazione with empty subject": edit(func(c *daticert.Cert) {
			c.Type, c.Delivery, c.Receipt, c.Subject = daticert.TypeAccettazione, "", "", ""
		}),
		"non-accettazione": edit(func(c *daticert.Cert) {
			c.Type, c.Error, c.Delivery, c.Receipt = daticert.TypeNonAccettazione, daticert.ErrorVirus, "", ""
			c.ExtendedError = "Eicar-Test-Signature"
		}),
		"presa-in-carico": edit(func(c *daticert.Cert) {
			c.Type, c.Delivery, c.Receipt = daticert.TypePresaInCarico, "", ""
			c.Receptions = []string{"bob@pec.example.org", "bob@pec.example.org", "dan@pec.example.org"}
		}),
		"errore-consegna": edit(func(c *daticert.Cert) {
			c.Type, c.Error, c.Receipt = daticert.TypeErroreConsegna, daticert.ErrorNoDominio, ""
			c.ExtendedError = "5.1.2 - Other PEC S.r.l. - dominio non valido"
		}),
		"preavviso-errore-consegna": edit(func(c *daticert.Cert) {
			c.Type, c.Error, c.Receipt = daticert.TypePreavvisoErroreConsegna, daticert.ErrorAltro, ""
		}),
		"rilevazione-virus": edit(func(c *daticert.Cert) {
			c.Type, c.Error, c.Receipt, c.Delivery = daticert.TypeRilevazioneVirus, daticert.ErrorVirus, "", ""
		}),
		"escaped text": edit(func(c *daticert.Cert) {
			c.Subject = `R&D <test> "quoted" 'single' ]]> a&amp;b &lt;`
			c.Provider = "Line one\nline two\r\nline three\rfour\ttab"
			c.MsgID, c.RawMsgID = `a&"b'<c>@x`, `<a&"b'<c>@x>`
		}),
		"unicode": edit(func(c *daticert.Cert) {
			c.Subject = "Perché € 😀 日本語 \u00a0nbsp inside\u00a0"
		}),
		"msgid without brackets": edit(func(c *daticert.Cert) {
			c.RawMsgID = c.MsgID
		}),
		"msgid empty brackets": edit(func(c *daticert.Cert) {
			c.MsgID, c.RawMsgID = "", "<>"
		}),
		"zone west": edit(func(c *daticert.Cert) {
			c.Date = time.Date(1999, 12, 31, 23, 59, 59, 0, zone("-0930", -(9*3600+30*60)))
		}),
		"zone limit": edit(func(c *daticert.Cert) {
			c.Date = time.Date(2025, 1, 1, 0, 0, 0, 0, zone("-1459", -(14*3600+59*60)))
		}),
		"zone UTC": edit(func(c *daticert.Cert) {
			c.Date = time.Date(2024, 2, 29, 12, 0, 0, 0, zone("+0000", 0))
		}),
		"year 9999": edit(func(c *daticert.Cert) {
			c.Date = time.Date(9999, 12, 31, 23, 59, 59, 0, plus1)
		}),
		"year 0": edit(func(c *daticert.Cert) {
			c.Date = time.Date(0, 1, 1, 0, 0, 0, 0, plus1)
		}),
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, c.Validate())
			out, err := c.Marshal()
			require.NoError(t, err)
			got := mustParse(t, out)
			require.Equal(t, c, got)
		})
	}
}

// TestMarshalNormalises covers the documented normalisations: the zone name,
// msgid, the attribute defaults, an oggetto without HasSubject, and
// fractions of a second.
func TestMarshalNormalises(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(c *daticert.Cert)
		check func(t *testing.T, out string, back *daticert.Cert)
	}{
		{"zone renamed", func(c *daticert.Cert) {
			c.Date = time.Date(2025, 6, 3, 7, 15, 45, 0, time.UTC).In(zone("CEST", 7200))
		}, func(t *testing.T, out string, back *daticert.Cert) {
			assert.Contains(t, out, `<data zona="+0200">`)
			assert.Equal(t, validCert().Date, back.Date)
		}},
		{"UTC", func(c *daticert.Cert) {
			c.Date = time.Date(2025, 6, 3, 7, 15, 45, 0, time.UTC)
		}, func(t *testing.T, out string, back *daticert.Cert) {
			assert.Contains(t, out, "<data zona=\"+0000\">\n      <giorno>03/06/2025</giorno>\n      <ora>07:15:45</ora>")
			assert.True(t, back.Date.Equal(validCert().Date))
			assert.Equal(t, "+0000", back.Date.Location().String())
		}},
		{"fraction of a second dropped", func(c *daticert.Cert) {
			c.Date = c.Date.Add(999 * time.Millisecond)
		}, func(t *testing.T, out string, back *daticert.Cert) {
			assert.Equal(t, validCert().Date, back.Date)
		}},
		{"MsgID only", func(c *daticert.Cert) {
			c.RawMsgID = ""
		}, func(t *testing.T, out string, back *daticert.Cert) {
			assert.Contains(t, out, "<msgid>&lt;a1b2c3@client.example.it&gt;</msgid>")
			assert.Equal(t, validCert(), back)
		}},
		{"RawMsgID disagreeing", func(c *daticert.Cert) {
			c.RawMsgID = "<other@x>"
		}, func(t *testing.T, out string, back *daticert.Cert) {
			assert.Equal(t, validCert(), back)
		}},
		{"RawMsgID only", func(c *daticert.Cert) {
			c.MsgID = ""
		}, func(t *testing.T, out string, back *daticert.Cert) {
			assert.NotContains(t, out, "<msgid")
			assert.Empty(t, back.RawMsgID)
		}},
		{"empty errore and recipient type", func(c *daticert.Cert) {
			c.Error, c.Recipients[0].Type = "", ""
		}, func(t *testing.T, out string, back *daticert.Cert) {
			assert.Equal(t, validCert(), back)
		}},
		{"subject without HasSubject", func(c *daticert.Cert) {
			c.HasSubject = false
		}, func(t *testing.T, out string, back *daticert.Cert) {
			assert.Equal(t, validCert(), back)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := validCert()
			tc.edit(c)
			out, err := c.Marshal()
			require.NoError(t, err)
			tc.check(t, string(out), mustParse(t, out))
		})
	}
}

func TestMarshalInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(c *daticert.Cert)
		err   error
		field string
	}{
		{"no type", func(c *daticert.Cert) { c.Type = "" }, daticert.ErrMissing, "postacert/@tipo"},
		{"unknown type", func(c *daticert.Cert) { c.Type = "errore" }, daticert.ErrUnknownValue, "postacert/@tipo"},
		{"unknown error", func(c *daticert.Cert) { c.Error = "boh" }, daticert.ErrUnknownValue, "postacert/@errore"},
		{"no recipients", func(c *daticert.Cert) { c.Recipients = nil }, daticert.ErrMissing, "postacert/intestazione/destinatari"},
		{"unknown recipient type", func(c *daticert.Cert) { c.Recipients[1].Type = "pec" }, daticert.ErrUnknownValue, "postacert/intestazione/destinatari[2]/@tipo"},
		{"unknown receipt type", func(c *daticert.Cert) { c.Receipt = "lunga" }, daticert.ErrUnknownValue, "postacert/dati/ricevuta/@tipo"},
		{"zero date", func(c *daticert.Cert) { c.Date = time.Time{} }, daticert.ErrMissing, "postacert/dati/data"},
		{"offset with seconds", func(c *daticert.Cert) {
			c.Date = time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", 2996))
		}, daticert.ErrInvalid, "postacert/dati/data/@zona"},
		{"offset too large", func(c *daticert.Cert) {
			c.Date = time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("+1500", 15*3600))
		}, daticert.ErrInvalid, "postacert/dati/data/@zona"},
		{"year 10000", func(c *daticert.Cert) {
			c.Date = time.Date(10000, 1, 1, 0, 0, 0, 0, plus1)
		}, daticert.ErrInvalid, "postacert/dati/data/giorno"},
		{"negative year", func(c *daticert.Cert) {
			c.Date = time.Date(-1, 1, 1, 0, 0, 0, 0, plus1)
		}, daticert.ErrInvalid, "postacert/dati/data/giorno"},
		{"invalid UTF-8", func(c *daticert.Cert) { c.Subject = "a\xffb" }, daticert.ErrInvalid, "postacert/intestazione/oggetto"},
		{"control character", func(c *daticert.Cert) { c.Sender = "a\x00b" }, daticert.ErrInvalid, "postacert/intestazione/mittente"},
		{"noncharacter", func(c *daticert.Cert) { c.ExtendedError = "\uFFFE" }, daticert.ErrInvalid, "postacert/dati/errore-esteso"},
		{"bad reception", func(c *daticert.Cert) { c.Receptions = []string{"ok", "\x1b"} }, daticert.ErrInvalid, "postacert/dati/ricezione[2]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := validCert()
			tc.edit(c)
			out, err := c.Marshal()
			assert.Nil(t, out)
			require.ErrorIs(t, err, tc.err)
			var ve *daticert.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Problems, 1)
			assert.Equal(t, tc.field, ve.Problems[0].Field)
			// Validate reports at least the same problem.
			verr := c.Validate()
			require.ErrorIs(t, verr, tc.err)
		})
	}
}
