package mailbox

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// refSplit is the mbox split rule of scanMbox, written plainly over bytes in memory.
func refSplit(data []byte, skip int) []mboxMsg {
	var out []mboxMsg
	var cur *mboxMsg
	var lines [][2]int // [start, end) of the complete lines of cur
	finish := func(at int) {
		if cur == nil {
			return
		}
		end := at
		if k := len(lines); k > 0 && lines[k-1][1] == at {
			last := data[lines[k-1][0]:at]
			switch {
			case string(last) == "\r\n" && k > 1 && bytes.HasSuffix(data[lines[k-2][0]:lines[k-2][1]], []byte("\r\n")):
				end -= 2
			case string(last) == "\n" && k > 1:
				end--
			}
		}
		cur.end = int64(end)
		out = append(out, *cur)
		cur, lines = nil, nil
	}
	n := 0
	off := skip
	for off < len(data) {
		line := data[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		start := off
		off += len(line)
		complete := line[len(line)-1] == '\n'
		if bytes.HasPrefix(line, []byte("From ")) {
			finish(start)
			n++
			cur = &mboxMsg{n: n, start: int64(off)}
			continue
		}
		if cur == nil {
			continue
		}
		if q := bytes.TrimLeft(line, ">"); len(q) < len(line) && bytes.HasPrefix(q, []byte("From ")) {
			cur.quoted = true
			cur.deepQuoted = cur.deepQuoted || len(line)-len(q) > 1
		}
		if complete {
			lines = append(lines, [2]int{start, off})
		}
	}
	finish(len(data))
	return out
}

// FuzzScanMbox checks the streaming mbox splitter against refSplit, with line
// buffers from 16 bytes up, so lines longer than the buffer are covered.
func FuzzScanMbox(f *testing.F) {
	f.Add([]byte("From a\nSubject: x\n\nbody\n>From q\n>>From r\n\nFrom b\r\nS: y\r\n\r\n\r\n"), uint8(0))
	f.Add([]byte("From a\n"+string(bytes.Repeat([]byte(">"), 40))+"From x\n\nFrom "), uint8(3))
	f.Add([]byte("garbage\nFrom a\n\n\n"), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		want := refSplit(data, 0)
		for _, size := range []int{16 + int(sel%48), mboxBufSize} {
			var got []mboxMsg
			err := scanMbox(bytes.NewReader(data), size, 0, true, 1<<30, func(m *mboxMsg) bool {
				got = append(got, *m)
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("buffer %d: %d messages, want %d", size, len(got), len(want))
			}
			for i := range got {
				g, w := got[i], want[i]
				if g.n != w.n || g.start != w.start || g.end != w.end || g.quoted != w.quoted || g.deepQuoted != w.deepQuoted {
					t.Fatalf("buffer %d: message %d: got %+v, want %+v", size, i, g, w)
				}
				if !bytes.Equal(g.data, data[g.start:g.end]) {
					t.Fatalf("buffer %d: message %d: data differ", size, i)
				}
			}
		}
	})
}

// FuzzOpen feeds any bytes to the source detector and the readers, as a file and as
// standard input: no panic, every item either reads or has an error.
func FuzzOpen(f *testing.F) {
	f.Add([]byte("Subject: x\r\n\r\nbody\r\n"))
	f.Add([]byte("\xef\xbb\xbfFrom a\nSubject: x\n\n>From b\n"))
	f.Add([]byte("PK\x03\x04\x14\x00\x00\x00"))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	var zb bytes.Buffer
	writeZipTo(&zb, "cur/1", []byte("Subject: x\r\n\r\nbody\r\n"))
	f.Add(zb.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = detect(data)
		name := filepath.Join(t.TempDir(), "in")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, src := range []struct {
			name string
			o    *Options
		}{{name, nil}, {"-", &Options{Stdin: bytes.NewReader(data)}}} {
			read := 0
			for it, err := range Open(src.name, src.o) {
				if it == nil || it.Locator == "" {
					t.Fatalf("item without locator (err %v)", err)
				}
				if err != nil || read >= 3 {
					continue
				}
				read++
				if _, _, err := it.Read(nil); err == nil && it.Size() < 0 {
					t.Fatal("a read item has no size")
				}
			}
		}
	})
}
