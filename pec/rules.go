package pec

import (
	"crypto/x509"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"

	"github.com/sigillo/sigillo/daticert"
	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/mime"
	"github.com/sigillo/sigillo/receipt"
)

// Finding codes of the certification rules (see the package doc, # Certified).
const (
	// CodeHeaderAmbiguous: the outer header has two From fields or two Content-Type
	// fields; readers may disagree on which one counts. Not certified.
	CodeHeaderAmbiguous = "header-ambiguous"
	// CodeFromNotOneMailbox: the From field holds an address list, a group or no
	// mailbox, or there is no From field. Not certified.
	CodeFromNotOneMailbox = "from-not-one-mailbox"
	// CodeHeaderDuplicate: a Subject, Date, X-Ricevuta or X-Trasporto field appears
	// more than once; the first is used.
	CodeHeaderDuplicate = "header-duplicate"
	// CodeKeyOutsideValidity: the signed daticert data is outside the validity of
	// the signer certificate. Not certified.
	CodeKeyOutsideValidity = envelope.CodeKeyOutsideValidity
	// CodeSubjectMismatch: the Subject without its PEC prefix differs from the
	// signed daticert oggetto.
	CodeSubjectMismatch = "subject-oggetto-mismatch"
	// CodeDaticertControlChar: daticert.xml has a C0 control character in text
	// content, read as U+FFFD (daticert.WarnControlChar).
	CodeDaticertControlChar = "daticert-control-char"
	// CodeFromDisplayAddress: the From display name of a PEC message holds an
	// e-mail address other than the From address, outside the "Per conto di:"
	// form of an envelope (which is compared with the daticert mittente,
	// [CodeSenderMismatch]): a reader sees an unsigned address as the sender.
	// The message stays certified.
	CodeFromDisplayAddress = "from-display-address"
)

// checkRules applies the certification rules to m, once its kind, daticert and
// verification are known: it returns the findings and, among them, those that
// forbid certification (blockers). Ordinary mail (no PEC kind, no signature),
// such as the sender's message inside postacert.eml, is not checked: RFC 5322
// allows it a From list.
func checkRules(m *Message) (fs, blockers []Finding) {
	if m.Kind == receipt.KindNotPEC && (m.Verification == nil || m.Verification.Status == envelope.StatusAbsent) {
		return nil, nil
	}
	fs, ambiguous := checkSender(m.Header)
	if ambiguous {
		for _, f := range fs {
			if f.Code != CodeHeaderDuplicate {
				blockers = append(blockers, f)
			}
		}
	}
	if m.Daticert == nil {
		return fs, blockers
	}
	fs = append(fs, daticertWarnings(m.Daticert)...)
	if m.DaticertSigned && m.Verification != nil && m.Verification.Signer != nil {
		if f := checkDaticertTime(m.Daticert, m.Verification.Signer); f != nil {
			fs = append(fs, *f)
			blockers = append(blockers, *f)
		}
	}
	if f := checkSubject(m.Header.Get("Subject"), m.Kind, m.Daticert); f != nil {
		fs = append(fs, *f)
	}
	return fs, blockers
}

// checkSender applies rule 3 to the outer header h: ambiguous is true when the
// message must not be certified.
func checkSender(h gomail.Header) (fs []Finding, ambiguous bool) {
	froms := h.Values("From")
	switch len(froms) {
	case 0:
		fs = append(fs, Finding{Code: CodeFromNotOneMailbox, Detail: "no From field"})
		ambiguous = true
	case 1:
		if why := oneMailbox(froms[0]); why != "" {
			fs = append(fs, Finding{Code: CodeFromNotOneMailbox, Detail: "From " + why})
			ambiguous = true
		}
	default:
		fs = append(fs, Finding{Code: CodeHeaderAmbiguous, Detail: fmt.Sprintf("%d From fields", len(froms))})
		ambiguous = true
	}
	if n := len(h.Values("Content-Type")); n > 1 {
		fs = append(fs, Finding{Code: CodeHeaderAmbiguous, Detail: fmt.Sprintf("%d Content-Type fields", n)})
		ambiguous = true
	}
	if len(froms) == 1 && !ambiguous {
		if other := displayAddress(froms[0]); other != "" {
			fs = append(fs, Finding{Code: CodeFromDisplayAddress, Detail: fmt.Sprintf("From display name names %q", clip(other))})
		}
	}
	for _, k := range [...]string{"Subject", "Date", "X-Ricevuta", "X-Trasporto"} {
		if n := len(h.Values(k)); n > 1 {
			fs = append(fs, Finding{Code: CodeHeaderDuplicate, Detail: fmt.Sprintf("%d %s fields, the first is used", n, k)})
		}
	}
	return fs, ambiguous
}

// oneMailbox returns "" when the From value v holds exactly one mailbox, else
// why not.
func oneMailbox(v string) string {
	if hasUnquoted(v, ':') {
		return "is a group"
	}
	list, err := (&mail.AddressParser{}).ParseList(v)
	if err == nil {
		switch len(list) {
		case 0:
			return "holds no mailbox"
		case 1:
			return ""
		}
		return fmt.Sprintf("holds %d mailboxes", len(list))
	}
	// What envelope also reads: one angle-addr after a display name with
	// unquoted specials ("a@b.it <a@b.it>"), or a bare addr-spec.
	if hasUnquoted(v, ',') || hasUnquoted(v, ';') {
		return "is a list"
	}
	i, j := strings.IndexByte(v, '<'), strings.LastIndexByte(v, '>')
	if i >= 0 && j > i && strings.Count(v, "<") == 1 && strings.TrimSpace(v[j+1:]) == "" && strings.Contains(v[i:j], "@") {
		return ""
	}
	return "does not parse as a mailbox"
}

// displayAddress returns an e-mail address that the display name of the one
// mailbox in the From value v names, other than the mailbox's address; "" when
// there is none, when the name has the "Per conto di:" form of an envelope
// (checked against mittente), or when v does not parse.
func displayAddress(v string) string {
	var name, addr string
	if a, err := (&mail.AddressParser{}).Parse(v); err == nil {
		name, addr = a.Name, a.Address
	} else if i, j := strings.LastIndexByte(v, '<'), strings.LastIndexByte(v, '>'); i > 0 && j > i {
		// What envelope reads: the text between the last angle brackets, after a
		// display name with unquoted specials (here read as realSender reads it).
		name = mime.DecodeWords(strings.Trim(strings.TrimSpace(v[:i]), `"`))
		addr = strings.TrimSpace(v[i+1 : j])
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	for _, prefix := range []string{"per conto di:", "on behalf of:"} {
		if len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			return ""
		}
	}
	for _, tok := range strings.FieldsFunc(name, func(r rune) bool { return strings.ContainsRune(" \t<>\"(),;:[]", r) }) {
		at := strings.LastIndexByte(tok, '@')
		if at <= 0 || at == len(tok)-1 || strings.EqualFold(strings.TrimSuffix(tok, "."), addr) {
			continue
		}
		return tok
	}
	return ""
}

// hasUnquoted reports whether c occurs in v outside quoted strings, comments and
// angle brackets.
func hasUnquoted(v string, c byte) bool {
	quoted, escaped, comment, angle := false, false, 0, false
	for i := 0; i < len(v); i++ {
		b := v[i]
		switch {
		case escaped:
			escaped = false
		case b == '\\' && (quoted || comment > 0):
			escaped = true
		case quoted:
			quoted = b != '"'
		case comment > 0:
			switch b {
			case '(':
				comment++
			case ')':
				comment--
			}
		case angle:
			angle = b != '>'
		case b == '=' && i+1 < len(v) && v[i+1] == '?':
			if n := encodedWordLen(v[i:]); n > 0 {
				i += n - 1
			}
		case b == '"':
			quoted = true
		case b == '(':
			comment = 1
		case b == '<':
			angle = true
		case b == c:
			return true
		}
	}
	return false
}

// encodedWordLen returns the length of the RFC 2047 encoded word
// "=?charset?encoding?text?=" at the start of s, 0 when there is none. Senders put
// specials such as ':' in the text, which RFC 2047 forbids in a phrase.
func encodedWordLen(s string) int {
	if !strings.HasPrefix(s, "=?") {
		return 0
	}
	i := 2
	for q := 0; q < 2; q++ {
		j := strings.IndexByte(s[i:], '?')
		if j <= 0 {
			return 0
		}
		i += j + 1
	}
	j := strings.Index(s[i:], "?=")
	if j < 0 || strings.ContainsAny(s[i:i+j], " \t\r\n") {
		return 0
	}
	return i + j + 2
}

// checkDaticertTime applies rule 4 to the signed daticert: its data must fall
// within the validity of signer. nil when it does.
func checkDaticertTime(cert *daticert.Cert, signer *x509.Certificate) *Finding {
	if cert == nil || signer == nil || cert.Date.IsZero() {
		return nil
	}
	d := cert.Date
	if !d.Before(signer.NotBefore) && !d.After(signer.NotAfter) {
		return nil
	}
	return &Finding{Code: CodeKeyOutsideValidity, Detail: fmt.Sprintf("daticert data %s outside the signer certificate validity %s to %s",
		d.UTC().Format(time.RFC3339), signer.NotBefore.UTC().Format(time.RFC3339), signer.NotAfter.UTC().Format(time.RFC3339))}
}

// checkSubject applies rule 6: rawSubject is the Subject field as written (RFC
// 2047 encoded words are decoded here), kind the kind of the message. nil when
// the subject without its prefix agrees with the daticert oggetto, or when there
// is no oggetto to compare with.
func checkSubject(rawSubject string, kind receipt.Kind, cert *daticert.Cert) *Finding {
	if cert == nil || !cert.HasSubject || kind == receipt.KindNotPEC {
		return nil
	}
	info := receipt.ParseSubject(receipt.DecodeSubject(rawSubject))
	got, want := foldSpace(info.Original), foldSpace(cert.Subject)
	if got == want {
		return nil
	}
	return &Finding{Code: CodeSubjectMismatch, Detail: fmt.Sprintf("Subject without its prefix %q, daticert oggetto %q", got, want)}
}

// foldSpace replaces every run of white space, C0 control characters, DEL and
// U+FFFD in s by one space and trims the ends.
func foldSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r < 0x20 || r == ' ' || r == 0x7f || r == utf8.RuneError || r == 0x85 || r == 0xa0 || r == 0x2028 || r == 0x2029 {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// daticertWarnings turns the non-fatal problems daticert.Parse reported into
// findings.
func daticertWarnings(cert *daticert.Cert) []Finding {
	var fs []Finding
	for _, w := range cert.Warnings {
		code := CodeDaticertInvalid
		if w.Code == daticert.WarnControlChar {
			code = CodeDaticertControlChar
		}
		fs = append(fs, Finding{Code: code, Detail: w.String()})
	}
	return fs
}
