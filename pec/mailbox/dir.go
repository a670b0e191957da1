package mailbox

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// walker enumerates a directory tree lazily: one os.ReadDir per directory, in
// lexical order, depth first.
type walker struct {
	o     *Options
	yield func(*Item, error) bool
}

// dir enumerates the directory path at the given depth below the root; it returns
// false when the caller stopped the iteration.
func (w *walker) dir(path string, depth int) bool {
	entries, err := os.ReadDir(path)
	if err != nil {
		return w.yield(errItem(path, SourceUnknown), err)
	}
	maildir := false
	for _, e := range entries {
		if (e.Name() == "cur" || e.Name() == "new") && e.IsDir() {
			maildir = true
		}
	}
	// Files in a maildir's cur/ and new/ must be messages.
	base := filepath.Base(path)
	inMaildir := base == "cur" || base == "new"
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(path, name)
		typ := e.Type()
		if typ&fs.ModeSymlink != 0 {
			st, err := os.Stat(full)
			if err != nil {
				if !w.yield(errItem(full, SourceUnknown), err) {
					return false
				}
				continue
			}
			if st.IsDir() {
				continue // symlinked directories are not followed (no loops)
			}
			typ = st.Mode().Type()
		}
		switch {
		case typ.IsDir():
			if maildir && name == "tmp" {
				continue // a maildir's tmp/ holds messages being delivered
			}
			if depth+1 > w.o.Limits.MaxDirDepth {
				if !w.yield(errItem(full, SourceUnknown), &LimitError{Limit: "MaxDirDepth", Max: int64(w.o.Limits.MaxDirDepth), Got: int64(depth + 1)}) {
					return false
				}
				continue
			}
			if !w.dir(full, depth+1) {
				return false
			}
		case typ.IsRegular():
			lower := strings.ToLower(name)
			if strings.HasPrefix(name, ".") || strings.HasSuffix(lower, ".msf") {
				continue // hidden files, Thunderbird indexes
			}
			strict := inMaildir || strings.HasSuffix(lower, ".eml") || strings.HasSuffix(lower, ".mbox")
			if !file(full, strict, w.o, w.yield) {
				return false
			}
		}
	}
	return true
}
