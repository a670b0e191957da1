package daticert

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// presence says whether an optional element of dati may appear in a type.
type presence uint8

const (
	forbidden presence = iota
	optional
	required
)

// rules is the presence matrix (see the package doc) as enforced by Validate,
// plus the errore values each type admits.
type rules struct {
	ricevuta, consegna, ricezione, erroreEsteso presence
	errors                                      []ErrorCode
}

var (
	successErrors = []ErrorCode{ErrorNessuno}
	matrix        = map[Type]rules{
		TypePostaCertificata:        {required, forbidden, forbidden, forbidden, successErrors},
		TypeAccettazione:            {optional, forbidden, forbidden, forbidden, successErrors},
		TypeNonAccettazione:         {forbidden, forbidden, forbidden, required, []ErrorCode{ErrorNessuno, ErrorVirus, ErrorAltro}},
		TypePresaInCarico:           {forbidden, forbidden, required, forbidden, successErrors},
		TypeAvvenutaConsegna:        {optional, required, forbidden, forbidden, successErrors},
		TypeErroreConsegna:          {forbidden, required, forbidden, required, []ErrorCode{ErrorNessuno, ErrorNoDest, ErrorNoDominio, ErrorVirus, ErrorAltro}},
		TypePreavvisoErroreConsegna: {forbidden, optional, forbidden, optional, []ErrorCode{ErrorNessuno, ErrorAltro}},
		TypeRilevazioneVirus:        {forbidden, optional, forbidden, optional, []ErrorCode{ErrorNessuno, ErrorVirus, ErrorAltro}},
	}
)

// Validate checks c against the DTD and the presence rules for its Type,
// and returns nil or a [*ValidationError] listing every problem found (not
// only the first). The rules are listed in the package documentation under
// "Validation"; each problem carries a [Rule] and its sentinel error, so
//
//	errors.Is(c.Validate(), daticert.ErrNotAllowed)
//
// tells whether any element is present where the type forbids it.
func (c *Cert) Validate() error {
	if probs := c.check(true); len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	return nil
}

type checker struct {
	probs []Problem
}

func (k *checker) add(field string, rule Rule, format string, args ...any) {
	var err error
	switch rule {
	case RuleMissing:
		err = ErrMissing
	case RuleUnknownValue:
		err = ErrUnknownValue
	case RuleNotAllowed:
		err = ErrNotAllowed
	case RuleErrorMismatch:
		err = ErrErrorMismatch
	default:
		err = ErrInvalid
	}
	k.probs = append(k.probs, Problem{Field: field, Rule: rule, Err: err, Detail: fmt.Sprintf(format, args...)})
}

// text checks one text value: always that XML can carry it; when full, that
// it is not empty (if required) and has no surrounding white space, which
// Parse would drop.
func (k *checker) text(field, v string, req, full bool) {
	if !validXMLText(v) {
		k.add(field, RuleInvalid, "text is not valid UTF-8 or holds characters XML cannot carry")
		return
	}
	if !full {
		return
	}
	if req && v == "" {
		k.add(field, RuleMissing, "required text is empty")
		return
	}
	if trimSpace(v) != v {
		k.add(field, RuleInvalid, "leading or trailing white space would be lost")
	}
}

// check returns the problems of c. With full false it checks only what
// Marshal needs; with full true it applies every rule.
func (c *Cert) check(full bool) []Problem {
	k := &checker{}
	switch {
	case c.Type == "":
		k.add(pathTipo, RuleMissing, "tipo is empty")
	case !c.Type.Known():
		k.add(pathTipo, RuleUnknownValue, "tipo %q is not in the DTD", c.Type)
	}
	switch {
	case c.Error == "":
		if full {
			k.add(pathErrore, RuleMissing, "errore is empty (Parse sets %q when absent)", ErrorNessuno)
		}
	case !c.Error.Known():
		k.add(pathErrore, RuleUnknownValue, "errore %q is not in the DTD", c.Error)
	}
	if full && c.Type.Known() && c.Error.Known() {
		if !slices.Contains(matrix[c.Type].errors, c.Error) {
			k.add(pathErrore, RuleErrorMismatch, "errore %q does not fit tipo %q", c.Error, c.Type)
		}
	}

	k.text(pathMittente, c.Sender, true, full)
	if len(c.Recipients) == 0 {
		k.add(pathDestinatari, RuleMissing, "no destinatari")
	}
	for i, r := range c.Recipients {
		f := fmt.Sprintf("%s[%d]", pathDestinatari, i+1)
		k.text(f, r.Address, true, full)
		switch {
		case r.Type == "":
			if full {
				k.add(f+"/@tipo", RuleMissing, "tipo is empty (Parse sets %q when absent)", RecipientCertificato)
			}
		case !r.Type.Known():
			k.add(f+"/@tipo", RuleUnknownValue, "tipo %q is not in the DTD", r.Type)
		}
	}
	// risposte is #PCDATA in the DTD, and Aruba's 2026 acceptance receipts
	// leave it empty: the element is required, its text is not.
	k.text(pathRisposte, c.ReplyTo, false, full)
	k.text(pathOggetto, c.Subject, false, full)
	if full && c.Subject != "" && !c.HasSubject {
		k.add(pathOggetto, RuleInvalid, "Subject is set but HasSubject is false")
	}

	k.text(pathGestore, c.Provider, true, full)
	c.checkDate(k, full)
	k.text(pathID, c.ID, true, full)
	k.text(pathMsgID, c.MsgID, false, full)
	k.text(pathMsgID, c.RawMsgID, false, full)
	if full && c.RawMsgID != "" && stripBrackets(c.RawMsgID) != c.MsgID {
		k.add(pathMsgID, RuleInvalid, "RawMsgID %q does not match MsgID %q", c.RawMsgID, c.MsgID)
	}
	if c.Receipt != "" && !c.Receipt.Known() {
		k.add(pathRicevuta+"/@tipo", RuleUnknownValue, "tipo %q is not in the DTD", c.Receipt)
	}
	k.text(pathConsegna, c.Delivery, false, full)
	for i, r := range c.Receptions {
		k.text(fmt.Sprintf("%s[%d]", pathRicezione, i+1), r, true, full)
	}
	k.text(pathErroreEsteso, c.ExtendedError, false, full)

	if full && c.Type.Known() {
		m := matrix[c.Type]
		k.presence(pathRicevuta, c.Type, m.ricevuta, c.Receipt != "")
		k.presence(pathConsegna, c.Type, m.consegna, c.Delivery != "")
		k.presence(pathRicezione, c.Type, m.ricezione, len(c.Receptions) > 0)
		k.presence(pathErroreEsteso, c.Type, m.erroreEsteso, c.ExtendedError != "")
	}
	return k.probs
}

func (k *checker) presence(field string, t Type, p presence, present bool) {
	switch {
	case p == required && !present:
		k.add(field, RuleMissing, "required for tipo %q", t)
	case p == forbidden && present:
		k.add(field, RuleNotAllowed, "not allowed for tipo %q", t)
	}
}

func (c *Cert) checkDate(k *checker, full bool) {
	if c.Date.IsZero() {
		k.add(pathData, RuleMissing, "date is zero")
		return
	}
	_, offset := c.Date.Zone()
	if offset%60 != 0 || offset > maxOffset || offset < -maxOffset {
		k.add(pathZona, RuleInvalid, "zone offset %ds is not whole minutes within ±14:59", offset)
	}
	if y := c.Date.Year(); y < 0 || y > 9999 {
		k.add(pathGiorno, RuleInvalid, "year %d does not have four digits", y)
	}
	if full && c.Date.Nanosecond() != 0 {
		k.add(pathOra, RuleInvalid, "date has a fraction of a second; daticert has one-second precision")
	}
}

// validXMLText reports whether s is valid UTF-8 made only of characters in
// the XML 1.0 Char production.
func validXMLText(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
		switch {
		case r == 0x09 || r == 0x0A || r == 0x0D:
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}
