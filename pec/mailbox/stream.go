package mailbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// readStdin enumerates standard input.
func readStdin(r io.Reader, o *Options, yield func(*Item, error) bool) bool {
	return readStream(r, "-", SourceStdin, o, yield)
}

// readStream enumerates a stream that cannot be read twice (standard input, a
// pipe): one message, or an mbox whose messages are read one at a time. Each item
// holds its bytes, up to Limits.MaxMessageBytes.
func readStream(r io.Reader, name string, kind Source, o *Options, yield func(*Item, error) bool) bool {
	br := bufio.NewReaderSize(r, mboxBufSize)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return yield(errItem(name, kind), err)
	}
	max := o.Limits.MaxMessageBytes
	switch detect(head) {
	case kindMbox:
		var skip int64
		if bytes.HasPrefix(head, bom) {
			skip = int64(len(bom))
		}
		ok := true
		err := scanMbox(br, mboxBufSize, skip, true, max, func(m *mboxMsg) bool {
			loc := fmt.Sprintf("%s#%d", name, m.n)
			if m.tooLarge {
				ok = yield(errItem(loc, kind), &LimitError{Limit: "MaxMessageBytes", Max: max, Got: m.end - m.start})
				return ok
			}
			it := memItem(loc, kind, m.data)
			it.quoted, it.deepQuoted = m.quoted, m.deepQuoted
			ok = yield(it, nil)
			return ok
		})
		if err != nil && ok {
			return yield(errItem(name, kind), fmt.Errorf("mailbox: reading mbox: %w", err))
		}
		return ok
	case kindMessage:
		var buf bytes.Buffer
		n, err := buf.ReadFrom(io.LimitReader(br, max+1))
		if err != nil {
			return yield(errItem(name, kind), err)
		}
		if n > max {
			return yield(errItem(name, kind), &LimitError{Limit: "MaxMessageBytes", Max: max})
		}
		return yield(memItem(name, kind, buf.Bytes()), nil)
	case kindZip:
		return yield(errItem(name, kind), &FormatError{What: "a zip archive: give it as a mailbox export (a file name, not standard input)", Head: quoteHead(head)})
	}
	return yield(errItem(name, kind), notMessage(head))
}
