package mailbox

import (
	"bytes"
	"io"
	"os"
	"strings"

	"github.com/sigillo/sigillo/internal/mime"
)

// sourceKind is what the first bytes of an input say it is.
type sourceKind int

const (
	kindOther   sourceKind = iota // none of the below
	kindEmpty                     // no bytes, or only white space
	kindZip                       // a zip archive ("PK\x03\x04" or an empty one)
	kindMbox                      // an mbox: starts with "From "
	kindMessage                   // a mail message: starts with a header field
)

// sniffBytes is how many bytes detect is given.
const sniffBytes = 1024

var bom = []byte("\xef\xbb\xbf")

// detect says what an input is from its first bytes (up to [sniffBytes]). A UTF-8
// BOM before an mbox or a message is ignored. A message starts with a header field:
// a name of printable ASCII characters other than ':' then ':'.
func detect(head []byte) sourceKind {
	if hasPrefix(head, "PK\x03\x04") || hasPrefix(head, "PK\x05\x06") {
		return kindZip
	}
	head = bytes.TrimPrefix(head, bom)
	if len(bytes.TrimSpace(head)) == 0 {
		return kindEmpty
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if mime.IsFromLine(first) {
		return kindMbox // "From : x" is a header field (the rule of internal/mime)
	}
	if fieldName(first) == nil {
		return kindOther // no colon in the first bytes: no header field name is that long
	}
	return kindMessage
}

// fieldName returns the field name of a header line (printable ASCII other than
// ':', white space before the colon allowed as RFC 5322 section 4.5.3 does), or
// nil when the line does not start with one.
func fieldName(line []byte) []byte {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return nil
	}
	name := bytes.TrimRight(line[:i], " \t")
	if len(name) == 0 {
		return nil
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return nil
		}
	}
	return name
}

// isMailField reports whether name is a header field of which one is found among
// the first header lines of every stored mail message.
func isMailField(name []byte) bool {
	switch strings.ToLower(string(name)) {
	case "from", "to", "subject", "date", "received", "return-path", "message-id",
		"mime-version", "delivered-to", "x-original-to", "reply-to", "sender":
		return true
	}
	return false
}

// looksLikeMail reports whether a head that detect calls kindMessage has one of the
// usual mail header fields among its header lines. Files found in a directory or a
// zip, that are not named as messages, must pass it: a log line "10:30 ..." starts
// with a valid field name too.
func looksLikeMail(head []byte) bool {
	head = bytes.TrimPrefix(head, bom)
	for line := range bytes.Lines(head) {
		if line[0] == ' ' || line[0] == '\t' {
			continue // a folded line
		}
		name := fieldName(line)
		if name == nil {
			return false // the end of the header, or not a header
		}
		if isMailField(name) {
			return true
		}
	}
	return false
}

// readHead reads up to sniffBytes of the file.
func readHead(f io.ReaderAt) ([]byte, error) {
	buf := make([]byte, sniffBytes)
	n, err := f.ReadAt(buf, 0)
	if err == io.EOF {
		err = nil
	}
	return buf[:n], err
}

// file enumerates one file: a message, an mbox or a zip export. A file that is none
// of them is an error item when explicit (named by the caller, or by its name or
// place a message), else it is skipped.
func file(name string, explicit bool, o *Options, yield func(*Item, error) bool) bool {
	f, err := os.Open(name)
	if err != nil {
		return yield(errItem(name, SourceFile), err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return yield(errItem(name, SourceFile), err)
	}
	if !st.Mode().IsRegular() {
		// A pipe or a device: read it like standard input.
		defer f.Close()
		return readStream(f, name, SourceFile, o, yield)
	}
	head, err := readHead(f)
	f.Close()
	if err != nil {
		return yield(errItem(name, SourceFile), err)
	}
	switch detect(head) {
	case kindZip:
		return zipFile(name, st.Size(), o, yield)
	case kindMbox:
		return mboxFile(name, o, yield)
	case kindMessage:
		if explicit || looksLikeMail(head) {
			return yield(fileItem(name, 0, st.Size(), SourceFile), nil)
		}
	}
	if !explicit {
		return true
	}
	return yield(errItem(name, SourceFile), notMessage(head))
}

// fileItem is the item of the bytes [off, off+size) of a file.
func fileItem(name string, off, size int64, src Source) *Item {
	loc := name
	return &Item{
		Locator: loc,
		Source:  src,
		size:    size,
		open: func() (io.ReadCloser, error) {
			f, err := openRange(name, off, size)
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{io.NewSectionReader(f, off, size), f}, nil
		},
		readAt: func() (io.ReaderAt, func(), error) {
			r := &fileRange{name: name, off: off, size: size}
			f, err := openRange(name, off, size)
			if err != nil {
				return nil, func() {}, err
			}
			r.f = f
			return r, r.detach, nil
		},
	}
}

// openRange opens name and checks that it still holds [off, off+size).
func openRange(name string, off, size int64) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.Size() < off+size {
		f.Close()
		return nil, ErrSourceChanged
	}
	return f, nil
}
