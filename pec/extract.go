package pec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Extraction limits. Each one is a field of [ExtractOptions]; a zero field means the
// default.
const (
	// DefaultExtractMaxFiles caps the number of files [Extract] writes for one
	// message: 2000, the number of MIME entities [Read] parses by default.
	DefaultExtractMaxFiles = DefaultMaxParts

	// DefaultExtractMaxNameBytes caps the length of a file name written by [Extract]
	// (and of the names [SafeFileName] returns): 120 bytes of UTF-8, well under the
	// 255 bytes of common file systems, leaving room for a collision suffix.
	DefaultExtractMaxNameBytes = 120
)

// ErrUnsafePath is returned (wrapped) by [Extract] when the destination folder is a
// symbolic link, or was replaced while it was being opened.
var ErrUnsafePath = errors.New("pec: unsafe extraction path")

// ExtractOptions configures [Extract]. A nil *ExtractOptions means all defaults.
type ExtractOptions struct {
	// MaxFiles is the largest number of files written; one more makes Extract stop
	// with an error matching [ErrTooLarge] (a *[LimitError] with Limit "MaxFiles").
	// 0 means [DefaultExtractMaxFiles].
	MaxFiles int
	// MaxNameBytes is the longest file name written, in bytes; longer names are cut
	// (at a rune boundary, keeping the extension). 0 means
	// [DefaultExtractMaxNameBytes].
	MaxNameBytes int
}

// Extract writes the evidence a message carries into the folder dir: every
// attachment of m in order (for a PEC message: daticert.xml and postacert.eml,
// the original message as stored in its part), then every attachment of the
// original message m.Original (the documents the sender attached). Contents are
// read with [Attachment.Open], so large parts of a message read in streaming mode are
// copied from their source without being loaded. It returns the paths written, in
// order, also when it fails part way.
//
// File names come from the attachments, made safe by [SafeFileName] (no path
// separators, no "..", no control characters, no leading dots, at most
// MaxNameBytes); an attachment without a name is called "part-N" after its position.
// A name already present in dir (written before, or any existing file, a symbolic
// link included) is never opened: the file is written as "name (2).ext",
// "name (3).ext", and so on.
//
// dir is created when missing (its parent must exist). Extract refuses a dir that is
// a symbolic link, and files are created inside it with O_CREATE|O_EXCL through an
// [os.Root], so no symbolic link, planted before or during the run, is ever followed.
func Extract(m *Message, dir string, opts *ExtractOptions) ([]string, error) {
	o := ExtractOptions{}
	if opts != nil {
		o = *opts
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = DefaultExtractMaxFiles
	}
	if o.MaxNameBytes <= 0 {
		o.MaxNameBytes = DefaultExtractMaxNameBytes
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("pec: extract: %w", err)
	}
	root, err := openRootNoFollow(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()

	var parts []*Attachment
	for i := range m.Attachments {
		parts = append(parts, &m.Attachments[i])
	}
	if m.Original != nil {
		for i := range m.Original.Attachments {
			parts = append(parts, &m.Original.Attachments[i])
		}
	}
	var written []string
	for i, a := range parts {
		if len(written) >= o.MaxFiles {
			return written, fmt.Errorf("pec: extract: %w", &LimitError{Limit: "MaxFiles", Max: int64(o.MaxFiles)})
		}
		name := safeName(a.Name, o.MaxNameBytes)
		if name == "" {
			name = fmt.Sprintf("part-%d", i+1)
		}
		got, err := writePart(root, a, name, o.MaxNameBytes)
		if got != "" {
			written = append(written, filepath.Join(dir, got))
		}
		if err != nil {
			return written, fmt.Errorf("pec: extract %q: %w", name, err)
		}
	}
	return written, nil
}

// openRootNoFollow opens dir as an os.Root after checking that it is a directory and
// not a symbolic link, and that the directory opened is the one checked.
func openRootNoFollow(dir string) (*os.Root, error) {
	fi, err := os.Lstat(dir)
	if err != nil {
		return nil, fmt.Errorf("pec: extract: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 || !fi.IsDir() {
		return nil, fmt.Errorf("pec: extract: %s: %w: not a directory", dir, ErrUnsafePath)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("pec: extract: %w", err)
	}
	now, err := root.Stat(".")
	if err != nil || !os.SameFile(fi, now) {
		root.Close()
		return nil, fmt.Errorf("pec: extract: %s: %w: replaced while opened", dir, ErrUnsafePath)
	}
	return root, nil
}

// maxCollisions bounds the numbered names tried for one file.
const maxCollisions = 10000

// writePart creates a new file for a in root, numbering the name on collisions, and
// copies the content into it. It returns the name used.
func writePart(root *os.Root, a *Attachment, name string, maxBytes int) (string, error) {
	var f *os.File
	used := name
	for n := 1; ; n++ {
		if n > 1 {
			used = numbered(name, n, maxBytes)
		}
		var err error
		f, err = root.OpenFile(used, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || n >= maxCollisions {
			return "", err
		}
	}
	r, err := a.Open()
	if err != nil {
		f.Close()
		return used, err
	}
	_, err = io.Copy(f, r)
	r.Close()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return used, err
}

// numbered is name with " (n)" before its extension, cut to maxBytes.
func numbered(name string, n, maxBytes int) string {
	stem, ext := splitExt(name)
	suffix := fmt.Sprintf(" (%d)", n)
	return cutUTF8(stem, maxBytes-len(suffix)-len(ext)) + suffix + ext
}

// SafeFileName returns name made safe as a file name in a folder of its own: every
// path separator ('/' and '\'), control character, invalid UTF-8 byte, character
// that is not printable and character Windows refuses in names (<>:"|?*) becomes
// '_'; runs of dots become one dot (so no ".."); leading dots and spaces and trailing
// dots and spaces are removed; the result is cut to [DefaultExtractMaxNameBytes]
// bytes at a rune boundary, keeping a short extension. It returns "" when nothing is
// left. [Extract] names its files with it; a program naming a folder after a message
// locator can use it too.
func SafeFileName(name string) string {
	return safeName(name, DefaultExtractMaxNameBytes)
}

func safeName(name string, maxBytes int) string {
	var b strings.Builder
	prevDot := false
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1,
			r == '/', r == '\\', r < ' ', r == 0x7f,
			strings.ContainsRune(`<>:"|?*`, r),
			r != ' ' && !unicode.IsPrint(r):
			r = '_'
		}
		if r == '.' && prevDot {
			continue
		}
		prevDot = r == '.'
		b.WriteRune(r)
	}
	s := strings.TrimLeft(b.String(), ". ")
	s = strings.TrimRight(s, ". ")
	if len(s) > maxBytes {
		stem, ext := splitExt(s)
		s = strings.TrimRight(cutUTF8(stem, maxBytes-len(ext)), ". ") + ext
	}
	return s
}

// splitExt splits name before its extension, when the extension is short (up to 10
// bytes, the dot included) and not the whole name.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || len(name)-i > 10 {
		return name, ""
	}
	return name[:i], name[i:]
}

// cutUTF8 cuts s to at most n bytes at a rune boundary.
func cutUTF8(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
