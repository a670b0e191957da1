package stream

import (
	"bytes"
	"crypto/x509"
	"io"
)

type x509Cert = x509.Certificate

// readerAt turns a possibly nil *bytes.Reader into an io.ReaderAt that is nil when
// the reader is.
func readerAt(r *bytes.Reader) io.ReaderAt {
	if r == nil {
		return nil
	}
	return r
}
