package mailbox

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"sync"

	"github.com/sigillo/sigillo/pec"
)

// Finding codes added by [Item.Read] to pec.Message.Findings. The strings are a
// public contract; they never change.
const (
	// CodeBOMStripped: a UTF-8 byte order mark before the message was not read as
	// part of it. It is envelope.FindingBOM, which pec reports (the scanner skips
	// the BOM); Item.Read no longer adds it itself.
	CodeBOMStripped = "bom-stripped"
	// CodeMboxAsStored: the mbox message has quoted ">From " lines; it was read with
	// them as stored (the un-quoted variants were not better).
	CodeMboxAsStored = "mbox-as-stored"
	// CodeMboxUnquoted: the bytes as stored are not certified, the mboxrd un-quoted
	// variant (one '>' removed from every line matching ^>+From ) is, and it is what
	// was read.
	CodeMboxUnquoted = "mbox-unquoted"
	// CodeMboxUnquotedO: as [CodeMboxUnquoted], with the mboxo variant (one '>'
	// removed only from lines matching ^>From ).
	CodeMboxUnquotedO = "mbox-unquoted-mboxo"
	// CodeMboxHeaderUnquoted: the mbox message has quoted ">From " lines in its
	// header; they were read with one '>' removed, whatever the verdict of the
	// bytes as stored (a header line quoted by the mbox writer began with "From ",
	// a From field: reading it as stored would hide it).
	CodeMboxHeaderUnquoted = "mbox-header-unquoted"
)

// fileRange is an io.ReaderAt over [off, off+size) of a file. While Read runs it
// reads an open file; after it, the file is closed and every ReadAt (by
// pec.Attachment.Open of a part left in the source) opens it again, so a message
// holds no file descriptor.
type fileRange struct {
	name      string
	off, size int64
	mu        sync.RWMutex
	f         *os.File
}

func (r *fileRange) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("mailbox: negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	short := false
	if rem := r.size - off; int64(len(p)) > rem {
		p, short = p[:rem], true
	}
	r.mu.RLock()
	f := r.f
	var n int
	var err error
	if f != nil {
		n, err = f.ReadAt(p, r.off+off)
		r.mu.RUnlock()
	} else {
		r.mu.RUnlock()
		f, err = openRange(r.name, r.off, r.size)
		if err != nil {
			return 0, err
		}
		n, err = f.ReadAt(p, r.off+off)
		f.Close()
	}
	if err == nil && short {
		err = io.EOF
	}
	return n, err
}

// detach closes the open file; later reads open it again.
func (r *fileRange) detach() {
	r.mu.Lock()
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
	r.mu.Unlock()
}

// readOnceBelow is the size up to which Read loads a message into memory, so that
// its bytes are read once for the hash and the parse.
const readOnceBelow = 1 << 20

// Read reads the item with pec, applying the rules of its source, and returns the
// message with the SHA-256 of the bytes as stored (those of [Item.Open]).
//
// A message up to 1 MiB is read into memory once (hashed and parsed from there); a
// larger one (a file or an mbox message) is hashed in one pass and read with
// pec.ReadReaderAt in bounded memory, and the parts it leaves in the source are
// read from the file again when opened.
//
// A UTF-8 BOM before the message is skipped by pec, with a [CodeBOMStripped]
// finding, as every way of reading does. An
// mbox message that has quoted ">From " lines is read as stored first; only when
// that is not certified are its un-quoted variants read (mboxrd, then mboxo when it
// differs), and the first certified one is returned, with a [CodeMboxUnquoted] or
// [CodeMboxUnquotedO] finding; when none is, the message as stored is returned with a
// [CodeMboxAsStored] finding. A genuine message is so never reported altered, whatever
// quoting convention wrote the mbox.
func (it *Item) Read(opts *pec.Options) (*pec.Message, [32]byte, error) {
	var sum [32]byte
	if it == nil || it.readAt == nil {
		return nil, sum, errors.New("mailbox: item has no message")
	}
	ra, release, err := it.readAt()
	if err != nil {
		return nil, sum, err
	}
	defer release()
	size := it.size

	data := it.data // the bytes, when in memory
	if data == nil && size <= readOnceBelow {
		data = make([]byte, size)
		if _, err := ra.ReadAt(data, 0); err != nil && !(err == io.EOF && size == 0) {
			if err != io.EOF {
				return nil, sum, err
			}
		}
	}
	if data != nil {
		sum = sha256.Sum256(data)
		ra = bytes.NewReader(data)
	} else {
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(ra, 0, size)); err != nil {
			return nil, sum, err
		}
		h.Sum(sum[:0])
	}

	var found []pec.Finding
	var body = ra
	n := size
	if it.quoted {
		// A quoted line in the message header is never what was sent: read the
		// header un-quoted, whatever the verdict of the bytes as stored.
		raw := make([]byte, n)
		if _, err := body.ReadAt(raw, 0); err != nil && err != io.EOF {
			return nil, sum, err
		}
		if fixed, k := unquoteHeader(raw); k > 0 {
			body, n = bytes.NewReader(fixed), int64(len(fixed))
			found = append(found, pec.Finding{Code: CodeMboxHeaderUnquoted,
				Detail: fmt.Sprintf("%d quoted \">From \" line(s) in the message header were read un-quoted", k)})
		}
	}
	m, err := pec.ReadReaderAt(body, n, opts)
	if err != nil {
		return nil, sum, err
	}
	if it.quoted {
		stored := m
		m = nil
		if !stored.Certified {
			raw := make([]byte, n)
			if _, err := body.ReadAt(raw, 0); err != nil && err != io.EOF {
				return nil, sum, err
			}
			if alt, code, detail := certifiedVariant(raw, it.deepQuoted, opts); alt != nil {
				m = alt
				found = append(found, pec.Finding{Code: code, Detail: detail})
			}
		}
		if m == nil {
			m = stored
			found = append(found, pec.Finding{Code: CodeMboxAsStored,
				Detail: "the message has quoted \">From \" lines; it was read as stored"})
		}
	}
	m.Findings = append(m.Findings, found...)
	return m, sum, nil
}

// maxMboxoLines bounds the mboxo variants tried for one message: an mboxo mailbox
// cannot tell a quoted "From " line from a genuine ">From " one, so when a message
// has k lines matching ^>From  (2 <= k <= 4), the 2^k-2 variants that un-quote some
// of them are tried too.
const maxMboxoLines = 4

// certifiedVariant returns the first certified un-quoted variant of raw: mboxrd,
// then mboxo (all ^>From  lines), then mboxo with only some of them un-quoted.
func certifiedVariant(raw []byte, deep bool, opts *pec.Options) (*pec.Message, string, string) {
	try := func(b []byte) *pec.Message {
		m, err := pec.Read(bytes.NewReader(b), opts)
		if err != nil || !m.Certified {
			return nil
		}
		return m
	}
	all := func(int) bool { return true }
	if m := try(unquote(raw, true, all)); m != nil {
		return m, CodeMboxUnquoted, "the message as stored is not certified; its mboxrd un-quoted variant (one '>' removed from every line matching ^>+From ) is, and was read"
	}
	if deep {
		if m := try(unquote(raw, false, all)); m != nil {
			return m, CodeMboxUnquotedO, "the message as stored is not certified; its mboxo un-quoted variant (one '>' removed from every line matching ^>From ) is, and was read"
		}
	}
	k := countSingleQuoted(raw)
	if k < 2 || k > maxMboxoLines {
		return nil, "", ""
	}
	for mask := 1; mask < 1<<k-1; mask++ {
		if m := try(unquote(raw, false, func(i int) bool { return mask&(1<<i) != 0 })); m != nil {
			return m, CodeMboxUnquotedO, fmt.Sprintf("the message as stored is not certified; its mboxo variant with %d of its %d lines matching ^>From  un-quoted is, and was read", bits.OnesCount(uint(mask)), k)
		}
	}
	return nil, "", ""
}

// memItem is an item holding its bytes.
func memItem(loc string, src Source, data []byte) *Item {
	return &Item{
		Locator: loc,
		Source:  src,
		size:    int64(len(data)),
		open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		},
		readAt: func() (io.ReaderAt, func(), error) {
			return bytes.NewReader(data), func() {}, nil
		},
		data: data,
	}
}
