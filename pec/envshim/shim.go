// Package envelope is a TEMPORARY stand-in for github.com/sigillo/sigillo/envelope
// (helper-3), with the API pec codes against, until the real package lands. It does
// not verify anything: Verify reports absent or malformed only. DELETE when the real
// envelope.Verify exists.
package envelope

import (
	"bytes"
	"crypto/x509"
	"errors"
	"mime"
	"strings"
	"time"
)

type Status int

const (
	StatusValid Status = iota
	StatusInvalid
	StatusUntrusted
	StatusAbsent
	StatusMalformed
)

func (s Status) String() string {
	return [...]string{"valid", "invalid", "untrusted", "absent", "malformed"}[s]
}

type Finding struct{ Code, Detail string }

type Report struct {
	Status      Status
	Err         error
	Signer      *x509.Certificate
	Chain       []*x509.Certificate
	Provider    string
	SigningTime time.Time
	Digest      string
	Findings    []Finding
}

type Trust struct{ pool *x509.CertPool }

func DefaultTrust() *Trust { return &Trust{pool: x509.NewCertPool()} }

func (t *Trust) AddPEM(b []byte) error {
	if !t.pool.AppendCertsFromPEM(b) {
		return errors.New("envelope: no certificate in PEM")
	}
	return nil
}

type VerifyOptions struct {
	Trust *Trust
	At    time.Time
}

type Signed struct {
	Entity []byte
	P7S    []byte
}

func Locate(raw []byte) (*Signed, error) {
	hdr, body := split(raw)
	ct := headerValue(hdr, "content-type")
	mt, params, _ := mime.ParseMediaType(ct)
	if mt != "multipart/signed" || params["boundary"] == "" {
		return nil, errors.New("envelope: not signed")
	}
	delim := []byte("--" + params["boundary"])
	i := bytes.Index(body, delim)
	if i < 0 {
		return nil, errors.New("envelope: malformed")
	}
	rest := body[i+len(delim):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return nil, errors.New("envelope: malformed")
	}
	rest = rest[nl+1:]
	j := bytes.Index(rest, append([]byte("\n"), delim...))
	if j < 0 {
		return nil, errors.New("envelope: malformed")
	}
	ent := bytes.TrimSuffix(rest[:j], []byte("\r"))
	after := rest[j+1+len(delim):]
	if bytes.HasPrefix(after, []byte("--")) {
		return &Signed{Entity: ent}, errors.New("envelope: no signature part")
	}
	return &Signed{Entity: ent, P7S: after}, nil
}

func Verify(raw []byte, opts *VerifyOptions) *Report {
	s, err := Locate(raw)
	switch {
	case s == nil:
		return &Report{Status: StatusAbsent, Err: err}
	case err != nil:
		return &Report{Status: StatusMalformed, Err: err}
	}
	return &Report{Status: StatusMalformed, Err: errors.New("envelope: shim cannot verify")}
}

func split(raw []byte) (string, []byte) {
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(raw, []byte(sep)); i >= 0 {
			return string(raw[:i]), raw[i+len(sep):]
		}
	}
	return string(raw), nil
}

func headerValue(hdr, key string) string {
	lines := strings.Split(strings.ReplaceAll(hdr, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		k, v, ok := strings.Cut(lines[i], ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), key) {
			continue
		}
		for i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			i++
			v += " " + strings.TrimSpace(lines[i])
		}
		return strings.TrimSpace(v)
	}
	return ""
}
