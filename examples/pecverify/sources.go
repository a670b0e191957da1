package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// source is one message to verify: its display path and its bytes (read lazily for
// plain files, already split for mbox messages).
type source struct {
	path string
	file string // file to read, "" when data is set
	data []byte
}

// collect expands the PATH arguments into message sources, in argument order and, for
// directories and mailboxes, in lexical order. Errors are reported per path and do not
// stop the walk.
func collect(paths []string, report func(error)) []source {
	var out []source
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			report(err)
			continue
		}
		if fi.IsDir() {
			out = append(out, walkDir(p, report)...)
			continue
		}
		out = append(out, fileSources(p, true, report)...)
	}
	return out
}

// fileSources returns the messages of one file: the messages of an mbox (a file
// starting with "From "), else the file itself when explicit is set or its name ends
// in .eml.
func fileSources(name string, explicit bool, report func(error)) []source {
	lower := strings.ToLower(name)
	if !explicit && !strings.HasSuffix(lower, ".eml") && !strings.HasSuffix(lower, ".mbox") {
		return nil
	}
	head, err := readHead(name, 5)
	if err != nil {
		report(err)
		return nil
	}
	if string(head) != "From " {
		return []source{{path: name, file: name}}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		report(err)
		return nil
	}
	var out []source
	for i, msg := range splitMbox(data) {
		out = append(out, source{path: fmt.Sprintf("%s#%d", name, i+1), data: msg})
	}
	return out
}

func readHead(name string, n int) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	k, _ := f.Read(buf)
	return buf[:k], nil
}

// isMaildir reports whether dir has the cur and new subdirectories of a maildir.
func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		fi, err := os.Stat(filepath.Join(dir, sub))
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// walkDir finds the messages under dir: .eml files and .mbox mailboxes anywhere, and
// every file in the cur and new directories of a maildir (tmp is skipped).
func walkDir(root string, report func(error)) []source {
	var out []source
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			report(err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if isMaildir(path) {
				out = append(out, maildirSources(path, report)...)
			}
			switch d.Name() {
			case "cur", "new", "tmp":
				if isMaildir(filepath.Dir(path)) {
					return fs.SkipDir
				}
			}
			return nil
		}
		if d.Type().IsRegular() {
			out = append(out, fileSources(path, false, report)...)
		}
		return nil
	})
	if err != nil {
		report(err)
	}
	return out
}

// maildirSources lists the messages of a maildir: the files of new and cur, sorted by
// name, hidden files skipped.
func maildirSources(dir string, report func(error)) []source {
	var names []string
	for _, sub := range []string{"cur", "new"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			report(err)
			continue
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				names = append(names, filepath.Join(dir, sub, e.Name()))
			}
		}
	}
	sort.Strings(names)
	out := make([]source, 0, len(names))
	for _, n := range names {
		out = append(out, source{path: n, file: n})
	}
	return out
}

// splitMbox splits an mbox file into messages. Every line starting with "From " opens
// a message (that line is dropped); the empty line before it belongs to the mbox
// format and is dropped too. Quoted From lines are unquoted the mboxrd way: one '>' is
// removed from any line matching ^>+From .
func splitMbox(data []byte) [][]byte {
	var msgs [][]byte
	var cur *bytes.Buffer
	flush := func() {
		if cur == nil {
			return
		}
		b := cur.Bytes()
		switch {
		case bytes.HasSuffix(b, []byte("\r\n\r\n")):
			b = b[:len(b)-2]
		case bytes.HasSuffix(b, []byte("\n\n")):
			b = b[:len(b)-1]
		}
		msgs = append(msgs, b)
	}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i+1]
		}
		data = data[len(line):]
		if bytes.HasPrefix(line, []byte("From ")) {
			flush()
			cur = new(bytes.Buffer)
			continue
		}
		if cur == nil {
			continue // garbage before the first From line
		}
		if q := bytes.TrimLeft(line, ">"); len(q) < len(line) && bytes.HasPrefix(q, []byte("From ")) {
			line = line[1:]
		}
		cur.Write(line)
	}
	flush()
	return msgs
}
