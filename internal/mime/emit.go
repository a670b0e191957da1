package mime

import "hash"

// scratchFlush is the size at which the canonicalisation scratch buffer is hashed.
const scratchFlush = 64 << 10

// owed line ends of the emitter.
const (
	oweNone = iota
	oweRaw  // a CRLF is owed and sits in the scan buffer at [re, re+2)
	oweLit  // a CRLF is owed and must be written literally
)

var crlf = []byte("\r\n")

// emitter feeds the canonical form of the signed entity into the hashes. The entity
// is a sequence of lines; each line's content is written, and its line end is owed
// as a canonical CRLF until the next line arrives, so that the line end that
// precedes the closing delimiter (which belongs to the delimiter) is never written.
//
// Bytes are not written line by line. While the input uses CRLF, the emitter keeps a
// run [rs, re) of the scan buffer that is already canonical and writes it in one call
// when the run is interrupted or the buffer is about to move. Once a bare LF shows up
// it switches to copying: lines and CRLFs are appended to a scratch buffer that is
// hashed every scratchFlush bytes.
type emitter struct {
	on      bool
	hs      []hash.Hash
	rs, re  int // direct run in the scan buffer (rs == re: empty)
	owe     int
	copying bool
	scratch []byte
	n       int64 // canonical bytes accepted so far (owed line end excluded)
	lf      bool  // a bare LF was canonicalised
}

func (e *emitter) write(b []byte) {
	for _, h := range e.hs {
		h.Write(b)
	}
}

func (e *emitter) flushRun(buf []byte) {
	if e.re > e.rs {
		e.write(buf[e.rs:e.re])
	}
	e.rs, e.re = 0, 0
}

func (e *emitter) flushScratch() {
	if len(e.scratch) > 0 {
		e.write(e.scratch)
		e.scratch = e.scratch[:0]
	}
	e.copying = false
}

// line accepts one line of the entity: content buf[cs:ce] and a raw line end of
// eol bytes (0: a segment of a line longer than the buffer, or the last line at EOF;
// 1: bare LF; 2: CRLF). The raw line end, if any, sits at buf[ce:ce+eol].
func (e *emitter) line(buf []byte, cs, ce, eol int) {
	// Pay the owed line end, then append the content.
	switch e.owe {
	case oweRaw:
		// The owed CRLF is buf[re:re+2] and this line starts right after it.
		e.n += 2
		e.re = ce
		e.n += int64(ce - cs)
		goto end
	case oweLit:
		e.n += 2
		if e.copying {
			e.scratch = append(e.scratch, crlf...)
		} else {
			e.flushRun(buf)
			e.write(crlf)
		}
	}
	e.n += int64(ce - cs)
	if e.copying {
		e.scratch = append(e.scratch, buf[cs:ce]...)
	} else if e.re > e.rs {
		e.re = ce // contiguous with the run
	} else {
		e.rs, e.re = cs, ce
	}
end:
	switch eol {
	case 0:
		e.owe = oweNone
	case 1:
		e.lf = true
		if !e.copying {
			e.flushRun(buf)
			e.copying = true
		}
		e.owe = oweLit
	default:
		if e.copying {
			e.owe = oweLit
		} else {
			e.owe = oweRaw
		}
	}
	if e.copying && len(e.scratch) >= scratchFlush {
		e.flushScratch()
	}
}

// detach writes the pending run before the scan buffer moves.
func (e *emitter) detach(buf []byte) {
	if !e.on {
		return
	}
	e.flushRun(buf)
	if e.owe == oweRaw {
		e.owe = oweLit
	}
}

// finish writes everything still pending and drops the owed line end.
func (e *emitter) finish(buf []byte) {
	e.flushRun(buf)
	e.flushScratch()
	e.owe = oweNone
	e.on = false
}
