package pec

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/receipt"
)

// selection is the outcome of the select step: the daticert.xml part (-1 when
// none), how many parts named daticert.xml the body holds outside attached
// messages, and why the selection does not allow certification.
type selection struct {
	part     int
	named    int
	blockers []Finding
}

// selectDaticert applies the placement rule (package doc, # Certified): the
// daticert is a direct part of the signed entity's multipart/mixed, named
// daticert.xml with an XML media type; one inside a nested multipart, a nested
// multipart/signed or an attached message is never taken.
func (p *parser) selectDaticert(v *view, root int, signed bool, c *contents) selection {
	sel := selection{part: -1}
	block := func(code, format string, args ...any) {
		f := Finding{Code: code, Detail: fmt.Sprintf(format, args...)}
		p.findings = append(p.findings, f)
		sel.blockers = append(sel.blockers, f)
	}
	rp := &v.parts[root]
	if signed && rp.ContentTypes > 1 {
		block(CodeEntityAmbiguous, "the signed entity has %d Content-Type fields", rp.ContentTypes)
	}
	var direct []int
	if rp.ContentType == "multipart/mixed" {
		for _, k := range v.kids[root] {
			if isDaticertPart(&v.parts[k]) {
				direct = append(direct, k)
			}
		}
	}
	for _, i := range c.leaves {
		if !isDaticertPart(&v.parts[i]) {
			continue
		}
		sel.named++
		if v.parts[i].Parent != root || rp.ContentType != "multipart/mixed" {
			p.find(CodeDaticertMisplaced, "part %s is named daticert.xml but is not a direct part of the signed multipart/mixed; ignored", pathName(v.parts[i].Path))
		}
	}
	switch {
	case len(direct) == 0:
		return sel
	case len(direct) > 1:
		block(CodeDaticertMultiple, "%d parts named daticert.xml", len(direct))
		return sel
	}
	d := &v.parts[direct[0]]
	if d.ContentTypes > 1 {
		block(CodeDaticertAmbiguous, "daticert.xml (part %s) has %d Content-Type fields", pathName(d.Path), d.ContentTypes)
		return sel
	}
	if name := mime.DecodeWords(d.Params["name"]); name != "" && name != d.Filename {
		// Filename is the Content-Disposition filename: a reader that goes by the
		// Content-Type name would take another part, or none.
		block(CodeDaticertAmbiguous, "part %s has Content-Type name %q and Content-Disposition filename %q", pathName(d.Path), clip(name), clip(d.Filename))
		return sel
	}
	if field, n := repeatedField(v, direct[0], "Content-Transfer-Encoding", "Content-Disposition"); n > 1 {
		block(CodeDaticertAmbiguous, "daticert.xml (part %s) has %d %s fields", pathName(d.Path), n, field)
		return sel
	}
	if d.ContentType != "application/xml" && d.ContentType != "text/xml" {
		block(CodeDaticertByName, "daticert.xml (part %s) has content type %s, not an XML type", pathName(d.Path), d.ContentType)
		return sel
	}
	if cs := d.Params["charset"]; cs != "" && d.Size() <= p.opts.MaxTextBytes {
		if raw, err := v.body(direct[0]); err == nil {
			if data, err := mime.DecodeStrict(d.Encoding, raw); err == nil {
				if decl, ok := charsetConflict(cs, data); ok {
					block(CodeDaticertAmbiguous, "daticert.xml (part %s) has charset %q in Content-Type and encoding %q in its XML declaration", pathName(d.Path), clip(cs), clip(decl))
					return sel
				}
			}
		}
	}
	sel.part = direct[0]
	return sel
}

func isDaticertName(name string) bool { return strings.EqualFold(name, envelope.DaticertName) }

// isDaticertPart reports whether the part is named daticert.xml by its
// Content-Disposition filename or by its Content-Type name: a part that either
// names so is a candidate, so that two parts naming it in different fields are
// two candidates, not one for each kind of reader.
func isDaticertPart(pt *mime.Part) bool {
	return isDaticertName(pt.Filename) || isDaticertName(mime.DecodeWords(pt.Params["name"]))
}

// charsetConflict reports whether the charset parameter cs of the daticert part
// and the encoding its XML declaration names (decl; UTF-8 when it names none)
// read data as different text. RFC 7303 section 3 makes the parameter
// authoritative, while providers write the declaration and daticert.Parse reads
// it: two readers would read different text. A charset that cannot be read
// counts as a conflict.
func charsetConflict(cs string, data []byte) (decl string, conflict bool) {
	decl = xmlDeclEncoding(data)
	a, errA := mime.DecodeCharset(strings.TrimSpace(cs), data)
	b, errB := mime.DecodeCharset(decl, data)
	return decl, errA != nil || errB != nil || !bytes.Equal(a, b)
}

// xmlDeclEncoding returns the encoding named by the XML declaration at the start
// of data (after a UTF-8 byte order mark), "UTF-8" when there is none.
func xmlDeclEncoding(data []byte) string {
	s := strings.TrimPrefix(string(data[:min(len(data), 256)]), "\ufeff")
	if !strings.HasPrefix(s, "<?xml") {
		return "UTF-8"
	}
	decl, _, ok := strings.Cut(s, "?>")
	if !ok {
		return "UTF-8"
	}
	_, rest, ok := strings.Cut(decl, "encoding")
	if !ok {
		return "UTF-8"
	}
	rest = strings.TrimLeft(rest, " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return "UTF-8"
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return "UTF-8"
	}
	name, _, ok := strings.Cut(rest[1:], rest[:1])
	if !ok {
		return "UTF-8"
	}
	return name
}

// repeatedField returns the first of names that the header of part i holds more
// than once, with its count; n is at most 1 when there is none (or the header
// cannot be read, which the body read reports).
func repeatedField(v *view, i int, names ...string) (field string, n int) {
	pt := &v.parts[i]
	hb, err := v.src.read(v.off+pt.HeaderOff, pt.BodyOff-pt.HeaderOff)
	if err != nil {
		return "", 0
	}
	fields, _ := mime.Fields(hb)
	for _, name := range names {
		k := 0
		for _, f := range fields {
			if strings.EqualFold(f.Name, name) {
				k++
			}
		}
		if k > 1 {
			return name, k
		}
	}
	return "", 0
}

// parseDaticert decodes (strictly) and parses the daticert.xml part i, once.
func (p *parser) parseDaticert(v *view, i int) (*daticert.Cert, error) {
	pt := &v.parts[i]
	if pt.Size() > p.opts.MaxTextBytes {
		return nil, fmt.Errorf("daticert.xml of %d bytes over MaxTextBytes (%d)", pt.Size(), p.opts.MaxTextBytes)
	}
	raw, err := v.body(i)
	if err != nil {
		return nil, err
	}
	data, err := mime.DecodeStrict(pt.Encoding, raw)
	if err != nil {
		p.find(CodeDaticertUndecodable, "daticert.xml (part %s): %v", pathName(pt.Path), err)
		return nil, fmt.Errorf("daticert.xml transfer encoding: %w", err)
	}
	return daticert.Parse(data, nil)
}

// certifyBlockers is the one Certified decision: it returns every reason why the
// message is not certified, each with a finding code; none means certified. The
// placement reasons of the select step come before, from selectDaticert.
func (p *parser) certifyBlockers(m *Message, v *view, root int, signed bool, c *contents, sel selection) []Finding {
	var out []Finding
	add := func(code, format string, args ...any) {
		out = append(out, Finding{Code: code, Detail: fmt.Sprintf(format, args...)})
	}
	if m.Verification.Status != envelope.StatusValid {
		add(CodeSignatureNotValid, "signature status %s", m.Verification.Status)
	}
	if !signed {
		add(CodeKindNotSigned, "no signed entity")
		return out
	}
	switch {
	case m.Kind == receipt.KindAnomalia && m.Daticert == nil && m.DaticertErr == nil:
		// The anomaly exception: the provider's text plus the received message, and
		// no daticert part at all.
		if sel.named > 0 || !anomalyShape(v, root, c) {
			f := Finding{Code: CodeAnomalyShape, Detail: "X-Trasporto: errore, but the signed entity is not provider text plus the received message without daticert.xml"}
			p.findings = append(p.findings, f)
			out = append(out, f)
		}
	case m.Daticert == nil || !m.DaticertSigned:
		add(CodeKindNotSigned, "no daticert.xml in its place in the signed entity")
	case m.Source != receipt.SourceDaticert:
		add(CodeKindNotSigned, "kind %s decided by %s, not by the signed daticert.xml", m.Kind, m.Source)
	}
	return out
}

// anomalyShape reports whether the signed entity is a multipart/mixed of provider
// texts and exactly one attached message.
func anomalyShape(v *view, root int, c *contents) bool {
	if v.parts[root].ContentType != "multipart/mixed" || len(c.texts) == 0 {
		return false
	}
	msgs := 0
	for _, i := range c.leaves {
		if v.parts[i].ContentType != "message/rfc822" {
			return false
		}
		msgs++
	}
	return msgs == 1
}
