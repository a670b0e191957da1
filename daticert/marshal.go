package daticert

import (
	"bytes"
	"strconv"
)

// Marshal encodes c as a daticert.xml document: UTF-8 with an XML
// declaration, the DTD's element order, one element per line with a
// two-space indent, and a final newline. The output depends only on c, so
// it is byte-stable.
//
// The errore attribute is always written ("nessuno" when c.Error is empty),
// destinatari/@tipo likewise ("certificato" when empty). data is written in
// the zone of c.Date: zona from its offset, giorno and ora in that zone;
// fractions of a second are dropped. msgid is RawMsgID when RawMsgID
// agrees with MsgID (it is MsgID, with or without one pair of angle
// brackets), otherwise "<"+MsgID+">". Text is escaped with &amp; &lt;
// &gt; (and &#xD; for CR), so msgid reads &lt;...&gt; as in real files.
//
// Marshal checks only what it needs to write a document the DTD accepts
// and Parse reads back: a known Type, known enumerated values, at least one
// recipient, a non-zero Date whose offset is whole minutes within ±14:59
// and whose year has four digits, and text made of characters XML can
// carry. Otherwise it returns a [*ValidationError] listing those problems.
// Use [Cert.Validate] for the full rules.
//
// For every c that Validate accepts, Parse(Marshal(c)) equals c apart from
// Raw, with two normalisations: Date comes back in the canonical zone
// time.FixedZone("+hhmm", offset), and RawMsgID comes back as written
// (set it together with MsgID to compare field by field).
func (c *Cert) Marshal() ([]byte, error) {
	if probs := c.check(false); len(probs) > 0 {
		return nil, &ValidationError{Problems: probs}
	}
	var b bytes.Buffer
	b.Grow(1024)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	errore := c.Error
	if errore == "" {
		errore = ErrorNessuno
	}
	b.WriteString(`<postacert tipo="`)
	escape(&b, string(c.Type), true)
	b.WriteString(`" errore="`)
	escape(&b, string(errore), true)
	b.WriteString("\">\n  <intestazione>\n")
	element(&b, 4, "mittente", c.Sender)
	for _, r := range c.Recipients {
		t := r.Type
		if t == "" {
			t = RecipientCertificato
		}
		b.WriteString(`    <destinatari tipo="`)
		escape(&b, string(t), true)
		b.WriteString(`">`)
		escape(&b, r.Address, false)
		b.WriteString("</destinatari>\n")
	}
	element(&b, 4, "risposte", c.ReplyTo)
	if c.HasSubject || c.Subject != "" {
		element(&b, 4, "oggetto", c.Subject)
	}
	b.WriteString("  </intestazione>\n  <dati>\n")
	element(&b, 4, "gestore-emittente", c.Provider)
	_, offset := c.Date.Zone()
	b.WriteString(`    <data zona="` + zoneName(offset) + "\">\n")
	element(&b, 6, "giorno", c.Date.Format("02/01/2006"))
	element(&b, 6, "ora", c.Date.Format("15:04:05"))
	b.WriteString("    </data>\n")
	element(&b, 4, "identificativo", c.ID)
	if msgid := c.msgidOut(); msgid != "" {
		element(&b, 4, "msgid", msgid)
	}
	if c.Receipt != "" {
		b.WriteString(`    <ricevuta tipo="`)
		escape(&b, string(c.Receipt), true)
		b.WriteString("\" />\n")
	}
	if c.Delivery != "" {
		element(&b, 4, "consegna", c.Delivery)
	}
	for _, r := range c.Receptions {
		element(&b, 4, "ricezione", r)
	}
	if c.ExtendedError != "" {
		element(&b, 4, "errore-esteso", c.ExtendedError)
	}
	b.WriteString("  </dati>\n</postacert>\n")
	return b.Bytes(), nil
}

// msgidOut returns the msgid text Marshal writes, "" for none.
func (c *Cert) msgidOut() string {
	if c.RawMsgID != "" && stripBrackets(c.RawMsgID) == c.MsgID {
		return c.RawMsgID
	}
	if c.MsgID != "" {
		return "<" + c.MsgID + ">"
	}
	return ""
}

func element(b *bytes.Buffer, indent int, name, value string) {
	for range indent {
		b.WriteByte(' ')
	}
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
	escape(b, value, false)
	b.WriteString("</")
	b.WriteString(name)
	b.WriteString(">\n")
}

// escape writes s with the XML escapes needed for text (attr false) or a
// double-quoted attribute value (attr true). CR is always escaped, since a
// parser turns a literal CR into LF; in attributes tab and LF are escaped
// too, since attribute normalisation would turn them into spaces.
func escape(b *bytes.Buffer, s string, attr bool) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		case '"':
			if !attr {
				continue
			}
			esc = "&quot;"
		case '\n', '\t':
			if !attr {
				continue
			}
			esc = "&#x" + strconv.FormatInt(int64(s[i]), 16) + ";"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
