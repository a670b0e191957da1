package mailbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
)

// mboxBufSize is the line buffer of the mbox scanner; longer lines are read in
// pieces, so memory does not depend on the input.
const mboxBufSize = 64 << 10

// mboxMsg is one message found by scanMbox: the bytes [start, end) of the input,
// without the "From " line that opens it and the empty line that ends it.
type mboxMsg struct {
	n          int // 1-based
	start, end int64
	quoted     bool   // has a line matching ^>+From
	deepQuoted bool   // has a line matching ^>>+From
	data       []byte // the bytes, when captured and not over the limit
	tooLarge   bool   // end-start > max
}

// scanMbox splits an mbox read from r. Every line that starts with "From " opens a
// message (the line is not part of it); the empty line before the next "From " line
// belongs to the format and is not part of the message either. Bytes before the first
// "From " line are ignored (r starts with one when detect said kindMbox, after an
// optional BOM given as skip). Lines are read through a buffer of bufSize bytes,
// whatever their length. When capture is set, each message's bytes up to max are
// returned in data; emit returning false stops the scan.
func scanMbox(r io.Reader, bufSize int, skip int64, capture bool, max int64, emit func(*mboxMsg) bool) error {
	br := bufio.NewReaderSize(r, bufSize)
	if skip > 0 {
		if _, err := br.Discard(int(skip)); err != nil {
			return err
		}
	}
	var (
		off       = skip
		cur       *mboxMsg
		buf       bytes.Buffer
		lineStart = true  // the next piece starts a line
		inFrom    = false // inside a "From " separator line
		// The last line of the current message, to drop the final empty line:
		lastStart    int64 = -1 // where the last complete line started
		lastLen      int64      // its length
		prevCRLF     bool       // the line before it ended with "\r\n"
		lastCRLF     bool       // the last line ended with "\r\n"
		lastBlank    bool       // the last line is empty ("\n" or "\r\n")
		curLineStart int64
		n            int
		q            quoteMatch
		pieceEnd     byte // the last byte of the previous piece
	)
	finish := func(at int64) bool {
		if cur == nil {
			return true
		}
		end := at
		if lastBlank && lastStart+lastLen == at {
			switch {
			case lastLen == 2 && prevCRLF: // "...\r\n" + "\r\n"
				end -= 2
			case lastLen == 1 && lastStart > cur.start: // "...\n" + "\n"
				end--
			}
		}
		cur.end = end
		size := end - cur.start
		if size > max {
			cur.tooLarge = true
		} else if capture {
			cur.data = bytes.Clone(buf.Bytes()[:size])
		}
		buf.Reset()
		m := cur
		cur = nil
		return emit(m)
	}
	for {
		piece, err := br.ReadSlice('\n')
		if len(piece) > 0 {
			complete := piece[len(piece)-1] == '\n'
			if lineStart {
				curLineStart = off
				inFrom = false
				// A line shorter than the buffer comes whole; a longer one starts
				// with at least bufSize bytes, enough for the prefixes below.
				if hasPrefix(piece, "From ") {
					if !finish(off) {
						return nil
					}
					n++
					inFrom = true
				} else if cur != nil && piece[0] == '>' {
					q.reset()
				}
			}
			if q.active && cur != nil && !inFrom {
				// Match ^>+From across pieces: a long run of '>' may fill the buffer.
				if gt, done := q.feed(piece); done && gt > 0 {
					cur.quoted = true
					cur.deepQuoted = cur.deepQuoted || gt > 1
				}
			}
			off += int64(len(piece))
			if inFrom {
				if complete {
					cur = &mboxMsg{n: n, start: off}
					lastStart, lastLen, lastBlank, prevCRLF, lastCRLF = -1, 0, false, false, false
				}
			} else if cur != nil {
				if capture && int64(buf.Len()) <= max {
					buf.Write(piece)
				}
				if complete {
					l := off - curLineStart
					prevCRLF = lastCRLF
					lastStart, lastLen = curLineStart, l
					before := pieceEnd // the byte before the '\n'
					if len(piece) >= 2 {
						before = piece[len(piece)-2]
					}
					lastCRLF = l >= 2 && before == '\r'
					lastBlank = (l == 1) || (l == 2 && lastCRLF)
				}
			}
			lineStart = complete
			pieceEnd = piece[len(piece)-1]
			if complete {
				q.active = false
			}
		}
		switch err {
		case nil, bufio.ErrBufferFull:
			continue
		case io.EOF:
			if inFrom && cur == nil {
				// A final "From " line with no newline: an empty message.
				cur = &mboxMsg{n: n, start: off}
			}
			finish(off)
			return nil
		default:
			return err
		}
	}
}

// mboxFile enumerates the messages of an mbox file: each item is a byte range of
// the file, located "name#N".
func mboxFile(name string, o *Options, yield func(*Item, error) bool) bool {
	f, err := os.Open(name)
	if err != nil {
		return yield(errItem(name, SourceMbox), err)
	}
	defer f.Close()
	var skip int64
	head, _ := readHead(f)
	if bytes.HasPrefix(head, bom) {
		skip = int64(len(bom))
	}
	ok := true
	err = scanMbox(f, mboxBufSize, skip, false, o.Limits.MaxMessageBytes, func(m *mboxMsg) bool {
		loc := fmt.Sprintf("%s#%d", name, m.n)
		if m.tooLarge {
			ok = yield(errItem(loc, SourceMbox), &LimitError{Limit: "MaxMessageBytes", Max: o.Limits.MaxMessageBytes, Got: m.end - m.start})
			return ok
		}
		it := fileItem(name, m.start, m.end-m.start, SourceMbox)
		it.Locator = loc
		it.quoted, it.deepQuoted = m.quoted, m.deepQuoted
		ok = yield(it, nil)
		return ok
	})
	if err != nil && ok {
		return yield(errItem(name, SourceMbox), fmt.Errorf("mailbox: reading mbox: %w", err))
	}
	return ok
}

// unquote is an un-quoted variant of an mbox message. With rd (mboxrd), one '>' is
// removed from every line matching ^>+From . Else (mboxo) only lines matching
// ^>From  are candidates, and pick(i) says whether the i-th of them (0-based) is
// un-quoted: an mboxo writer quotes "From " but leaves ">From " as it is, so each
// such line may be either.
func unquote(b []byte, rd bool, pick func(int) bool) []byte {
	out := make([]byte, 0, len(b))
	idx := 0
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line = b[:i+1]
		}
		b = b[len(line):]
		if len(line) > 0 && line[0] == '>' {
			q := bytes.TrimLeft(line, ">")
			if hasPrefix(q, "From ") {
				switch {
				case rd:
					line = line[1:]
				case len(line)-len(q) == 1:
					if pick(idx) {
						line = line[1:]
					}
					idx++
				}
			}
		}
		out = append(out, line...)
	}
	return out
}

// unquoteHeader returns b with one '>' removed from every line of its header
// block (up to the first empty line) matching ^>+From , and how many lines that
// was; 0 (and b itself) when there is none.
func unquoteHeader(b []byte) ([]byte, int) {
	end, k := len(b), 0
	off := 0
	for line := range bytes.Lines(b) {
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			end = off
			break
		}
		if hasPrefix(bytes.TrimLeft(line, ">"), "From ") && line[0] == '>' {
			k++
		}
		off += len(line)
	}
	if k == 0 {
		return b, 0
	}
	out := unquote(b[:end], true, func(int) bool { return true })
	return append(out, b[end:]...), k
}

// countSingleQuoted counts the lines matching ^>From .
func countSingleQuoted(b []byte) int {
	n := 0
	for line := range bytes.Lines(b) {
		if hasPrefix(line, ">From ") {
			n++
		}
	}
	return n
}

// quoteMatch matches ^>+From at the start of a line given in pieces.
type quoteMatch struct {
	active bool
	gt     int // '>' seen
	from   int // bytes of "From " matched
}

func (q *quoteMatch) reset() { *q = quoteMatch{active: true} }

// feed consumes a piece; done reports a match, with the number of '>'.
func (q *quoteMatch) feed(p []byte) (gt int, done bool) {
	const from = "From "
	for _, c := range p {
		switch {
		case q.from == 0 && c == '>':
			q.gt++
		case c == from[q.from]:
			q.from++
			if q.from == len(from) {
				q.active = false
				return q.gt, true
			}
		default:
			q.active = false
			return 0, false
		}
	}
	return 0, false
}
