package stream

import (
	"bufio"
	"bytes"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime"
	"net/textproto"
	"strings"
)

// genOpts describes a generated PEC-shaped message (transport envelope layout:
// text, daticert.xml, postacert.eml with its own attachment).
type genOpts struct {
	eol        string // "\r\n" (default), "\n" or "mixed"
	preamble   bool
	epilogue   bool
	padding    bool // transport padding after delimiters
	tricky     bool // boundary-like lines inside bodies
	attach     int  // bytes of the attachment inside postacert.eml
	attachRaw  bool // attachment as long 7bit lines instead of base64
	wrap       bool // relay-wrapped in a top-level multipart/mixed
	micalg     string
	noFinalEOL bool
	noDaticert bool
	// sign returns the smime.p7s for the canonical entity; nil: random bytes.
	sign func(entity []byte) ([]byte, error)
}

var daticertXML = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="posta-certificata" errore="nessuno">
  <intestazione><mittente>mario.rossi@pec.example.it</mittente></intestazione>
  <dati><gestore-emittente>Example PEC S.p.A.</gestore-emittente>
  <identificativo>opec21.20250314100000.1.1@pec.example.it</identificativo></dati>
</postacert>
`)

func b64Lines(b []byte, width int) []string {
	enc := base64.StdEncoding.EncodeToString(b)
	var out []string
	for len(enc) > width {
		out = append(out, enc[:width])
		enc = enc[width:]
	}
	if enc != "" {
		out = append(out, enc)
	}
	return out
}

// genEntity returns the signed entity as CRLF lines (no trailing line end) and the
// attachment bytes.
func genEntity(rng *rand.Rand, o genOpts, b2, b3, b4 string) []string {
	pad := ""
	if o.padding {
		pad = " \t "
	}
	var l []string
	add := func(s ...string) { l = append(l, s...) }
	add(`Content-Type: multipart/mixed; boundary="`+b2+`"`, "MIME-Version: 1.0", "")
	if o.preamble {
		add("This is a multi-part message in MIME format.", "")
	}
	add("--"+b2+pad, `Content-Type: multipart/alternative;`, ` boundary="`+b3+`"`, "")
	add("--"+b3, `Content-Type: text/plain; charset="iso-8859-1"`, "Content-Transfer-Encoding: quoted-printable", "")
	add("-- Messaggio di posta certificata --", "", "Il giorno 14/03/2025 alle ore 10:00:00 (+0100) il messaggio", "=E8 stato inviato.")
	if o.tricky {
		add("--"+b2+"x", "--"+b2+"-x", "--"+b3[:len(b3)-1], "--", "---", "--"+b2[1:], "- --"+b2, " --"+b2)
	}
	add("", "--"+b3+pad, `Content-Type: text/html; charset="iso-8859-1"`, "", "<html><body>ok</body></html>", "--"+b3+"--"+pad)
	if o.tricky {
		add("epilogue of the alternative", "--"+b3) // a delimiter of a closed multipart: ordinary text
	}
	if !o.noDaticert {
		add("--"+b2, `Content-Type: application/xml; name="daticert.xml"`,
			`Content-Disposition: inline; filename="daticert.xml"`, "Content-Transfer-Encoding: base64", "")
		add(b64Lines(daticertXML, 76)...)
	}
	add("--"+b2, `Content-Type: message/rfc822; name="postacert.eml"`,
		`Content-Disposition: inline; filename="postacert.eml"`, "Content-Transfer-Encoding: 7bit", "")
	add("From: mario.rossi@pec.example.it", "To: anna.bianchi@pec.example.org", "Subject: prova",
		"MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="`+b4+`"`, "")
	add("--"+b4, "Content-Type: text/plain; charset=utf-8", "", "Testo del messaggio originale.", "")
	// Random bytes, repeating every 64 KiB so that large attachments are cheap.
	att := make([]byte, o.attach)
	for i := range att[:min(len(att), 64<<10)] {
		att[i] = byte(rng.Uint32())
	}
	for i := 64 << 10; i < len(att); i += copy(att[i:], att[:i]) {
	}
	if o.attachRaw {
		add("--"+b4, "Content-Type: text/plain; name=\"long.txt\"", "")
		add(strings.Repeat("x", o.attach))
	} else {
		add("--"+b4, `Content-Type: application/octet-stream; name="allegato.bin"`,
			`Content-Disposition: attachment; filename="allegato.bin"`, "Content-Transfer-Encoding: base64", "")
		add(b64Lines(att, 76)...)
	}
	add("--"+b4+"--", "")
	add("--" + b2 + "--")
	if o.epilogue {
		add("", "inner epilogue")
	}
	return l
}

// genMessage builds a message and returns it with the canonical signed entity.
func genMessage(rng *rand.Rand, o genOpts) (msg, entity []byte, err error) {
	tag := fmt.Sprintf("%08x", rng.Uint32())
	b1, b2, b3, b4 := "----SIG"+tag, "----------=_MIX"+tag, "----------=_ALT"+tag, "=_ORIG"+tag
	ent := genEntity(rng, o, b2, b3, b4)
	entity = []byte(strings.Join(ent, "\r\n"))
	var sig []byte
	if o.sign != nil {
		if sig, err = o.sign(entity); err != nil {
			return nil, nil, err
		}
	} else {
		sig = make([]byte, 600+rng.IntN(300))
		for i := range sig {
			sig[i] = byte(rng.Uint32())
		}
	}
	micalg := o.micalg
	if micalg == "" {
		micalg = "sha1"
	}
	pad := ""
	if o.padding {
		pad = "  "
	}
	var l []string
	add := func(s ...string) { l = append(l, s...) }
	if o.wrap {
		add("From: lista@example.org", "Subject: [lista] POSTA CERTIFICATA: prova", "MIME-Version: 1.0",
			`Content-Type: multipart/mixed; boundary="WRAP`+tag+`"`, "", "--WRAP"+tag,
			"Content-Type: text/plain", "", "Messaggio inoltrato dalla lista.", "--WRAP"+tag)
	} else {
		add("Return-Path: <posta-certificata@pec.example.it>", "From: \"Per conto di: mario.rossi@pec.example.it\" <posta-certificata@pec.example.it>",
			"Subject: POSTA CERTIFICATA: prova", "X-Trasporto: posta-certificata", "MIME-Version: 1.0")
	}
	add(`Content-Type: multipart/signed; protocol="application/x-pkcs7-signature";`,
		"\tmicalg="+micalg+`; boundary="`+b1+`"`, "")
	if o.preamble {
		add("This is an S/MIME signed message", "")
	}
	add("--" + b1 + pad)
	add(ent...)
	add("--"+b1, `Content-Type: application/x-pkcs7-signature; name="smime.p7s"`,
		"Content-Transfer-Encoding: base64", `Content-Disposition: attachment; filename="smime.p7s"`, "")
	add(b64Lines(sig, 64)...)
	add("", "--"+b1+"--"+pad)
	if o.epilogue {
		add("", "epilogue --"+b1)
	}
	if o.wrap {
		add("--WRAP"+tag, "Content-Type: text/plain", "", "Footer della lista.", "--WRAP"+tag+"--")
	}
	msg = []byte(strings.Join(l, "\r\n"))
	if !o.noFinalEOL {
		msg = append(msg, "\r\n"...)
	}
	switch o.eol {
	case "\n":
		msg = bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n"))
	case "mixed":
		lines := bytes.SplitAfter(msg, []byte("\r\n"))
		for i := range lines {
			if i%3 == 1 {
				lines[i] = bytes.Replace(lines[i], []byte("\r\n"), []byte("\n"), 1)
			}
		}
		msg = bytes.Join(lines, nil)
	}
	return msg, entity, nil
}

// canonical turns every bare LF into CRLF, byte by byte.
func canonical(b []byte) []byte {
	var out []byte
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// naiveSlice locates the signed entity and the signature of a top-level
// multipart/signed message the simple way: canonicalise everything in memory, parse
// the header with net/textproto, split into lines.
func naiveSlice(raw []byte) (entity, sig []byte, boundary string, err error) {
	c := canonical(raw)
	var hdr, body []byte
	if bytes.HasPrefix(c, []byte("\r\n")) {
		body = c[2:]
	} else if i := bytes.Index(c, []byte("\r\n\r\n")); i >= 0 {
		hdr, body = c[:i+2], c[i+4:]
	} else {
		return nil, nil, "", errors.New("no header end")
	}
	mh, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(hdr, "\r\n"...)))).ReadMIMEHeader()
	if err != nil {
		return nil, nil, "", err
	}
	mt, params, err := mime.ParseMediaType(mh.Get("Content-Type"))
	if err != nil || mt != "multipart/signed" || params["boundary"] == "" {
		return nil, nil, "", errors.New("not multipart/signed")
	}
	b := params["boundary"]
	isDelim := func(line []byte) bool {
		rest, ok := bytes.CutPrefix(line, []byte("--"+b))
		if !ok {
			return false
		}
		rest, _ = bytes.CutPrefix(rest, []byte("--"))
		return len(bytes.Trim(rest, " \t\r")) == 0
	}
	// Offsets in body of each delimiter line: start of line and start of next line.
	type dl struct{ start, next int }
	var ds []dl
	for off := 0; off < len(body); {
		end := bytes.Index(body[off:], []byte("\r\n"))
		next := off + end + 2
		if end < 0 {
			end, next = len(body)-off, len(body)
		}
		if isDelim(body[off : off+end]) {
			ds = append(ds, dl{off, next})
		}
		off = next
	}
	if len(ds) < 2 {
		return nil, nil, "", errors.New("fewer than two delimiters")
	}
	partEnd := func(i int) int { return max(ds[i].start-2, ds[i-1].next) }
	entity = body[ds[0].next:partEnd(1)]
	var sp []byte
	if len(ds) >= 3 {
		sp = body[ds[1].next:partEnd(2)]
	} else {
		sp = body[ds[1].next:]
	}
	sbody := sp
	if bytes.HasPrefix(sp, []byte("\r\n")) {
		sbody = sp[2:]
	} else if i := bytes.Index(sp, []byte("\r\n\r\n")); i >= 0 {
		sbody = sp[i+4:]
	}
	clean := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, sbody)
	sig, err = base64.StdEncoding.DecodeString(string(clean))
	if err != nil {
		return nil, nil, "", err
	}
	return entity, sig, b, nil
}

func digestOf(h crypto.Hash, b []byte) []byte {
	hh := h.New()
	hh.Write(b)
	return hh.Sum(nil)
}
