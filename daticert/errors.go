package daticert

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Parse returns them wrapped in a [*ParseError]; Validate
// and Marshal return them wrapped in a [*ValidationError]. Test for them
// with errors.Is.
var (
	// ErrTooLarge means the input exceeds ParseOptions.MaxBytes or
	// ParseOptions.MaxElements.
	ErrTooLarge = errors.New("daticert: input too large")
	// ErrTooDeep means the element nesting exceeds ParseOptions.MaxDepth.
	ErrTooDeep = errors.New("daticert: elements nested too deeply")
	// ErrEntity means the input declares an entity (<!ENTITY ...>) or
	// refers to one that is not predefined by XML. Entities are never
	// expanded.
	ErrEntity = errors.New("daticert: entity declarations and references are not allowed")
	// ErrSyntax means the input is not well-formed XML.
	ErrSyntax = errors.New("daticert: XML syntax error")
	// ErrNamespace means the root element is in a namespace (a prefix, or a
	// default namespace in scope) or an element declares a default namespace:
	// the DTD has none, and a namespaced postacert is not the document the
	// rules define.
	ErrNamespace = errors.New("daticert: XML namespaces are not allowed")
	// ErrRoot means the root element is not postacert.
	ErrRoot = errors.New("daticert: root element is not postacert")
	// ErrMissing means a required element, attribute or value is absent
	// (or, for Validate, empty).
	ErrMissing = errors.New("daticert: missing required value")
	// ErrInvalid means a value is malformed: a date that does not exist,
	// a bad zone, a duplicated element, characters XML cannot carry.
	ErrInvalid = errors.New("daticert: invalid value")
	// ErrEncoding means the declared character encoding is not supported
	// (only UTF-8, ISO-8859-1 and Windows-1252 are) or the bytes do not
	// match it.
	ErrEncoding = errors.New("daticert: unsupported or invalid character encoding")
	// ErrUnknownValue means an enumerated attribute holds a value that is
	// not in the DTD.
	ErrUnknownValue = errors.New("daticert: value not in the DTD")
	// ErrNotAllowed means an element is present in a certificate type that
	// must not carry it (see the presence rules in the package doc).
	ErrNotAllowed = errors.New("daticert: element not allowed for this type")
	// ErrErrorMismatch means postacert/@errore does not fit postacert/@tipo.
	ErrErrorMismatch = errors.New("daticert: errore does not fit tipo")
)

// ParseError reports where and why Parse rejected its input.
type ParseError struct {
	// Path is the slash-separated element path the error is about, such as
	// "postacert/dati/data/giorno", with "@name" as the last step for an
	// attribute. For a missing element it names the missing element. It is
	// empty when the error is about the document as a whole (for example
	// ErrTooLarge on the byte count).
	Path string
	// Line is the 1-based line of the element the error is about (for a
	// missing element: of its parent), or 0 when unknown.
	Line int
	// Err is the underlying error; it wraps one of the sentinel errors.
	Err error
}

var _ error = (*ParseError)(nil)

// Error returns "daticert: line N: path: reason", leaving out the line and
// the path when they are unknown.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("daticert: ")
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	if e.Err == nil {
		b.WriteString("parse error")
	} else {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "daticert: "))
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *ParseError) Unwrap() error { return e.Err }

// Rule is the code of a validation rule, as reported in [Problem]. Each Rule
// has one sentinel error, given with the constant.
type Rule string

// The validation rules.
const (
	// RuleMissing: a required element or value is absent or empty
	// (ErrMissing).
	RuleMissing Rule = "missing"
	// RuleUnknownValue: an enumerated attribute holds a value outside the
	// DTD (ErrUnknownValue).
	RuleUnknownValue Rule = "unknown-value"
	// RuleNotAllowed: an element is present where the certificate type
	// forbids it (ErrNotAllowed).
	RuleNotAllowed Rule = "not-allowed"
	// RuleErrorMismatch: postacert/@errore does not fit postacert/@tipo
	// (ErrErrorMismatch).
	RuleErrorMismatch Rule = "error-mismatch"
	// RuleInvalid: a value cannot be written faithfully or contradicts
	// another field (ErrInvalid).
	RuleInvalid Rule = "invalid"
)

// Problem is one rule violation found by [Cert.Validate].
type Problem struct {
	// Field is the element path of the offending value, in the form of
	// ParseError.Path, with a 1-based index for repeated elements, such as
	// "postacert/intestazione/destinatari[2]".
	Field string
	// Rule is the violated rule.
	Rule Rule
	// Err is the rule's sentinel error (ErrMissing for RuleMissing, ...).
	Err error
	// Detail is a short human-readable explanation.
	Detail string
}

// String returns "field: detail (rule)".
func (p Problem) String() string {
	return p.Field + ": " + p.Detail + " (" + string(p.Rule) + ")"
}

// ValidationError lists every problem Validate (or Marshal) found. It
// unwraps to the sentinel errors of all its problems, so errors.Is(err,
// ErrNotAllowed) tells whether any problem broke that rule.
type ValidationError struct {
	// Problems are the violations, in a stable order (document order of
	// the fields).
	Problems []Problem
}

var _ error = (*ValidationError)(nil)

// Error lists every problem on one line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("daticert: invalid certificate: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns the sentinel errors of the problems, one per problem.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, 0, len(e.Problems))
	for _, p := range e.Problems {
		if p.Err != nil {
			errs = append(errs, p.Err)
		}
	}
	return errs
}

// Has reports whether any problem broke rule r.
func (e *ValidationError) Has(r Rule) bool {
	for _, p := range e.Problems {
		if p.Rule == r {
			return true
		}
	}
	return false
}
