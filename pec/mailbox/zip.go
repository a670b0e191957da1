package mailbox

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path"
	"strings"
)

// zipFile enumerates a zip export (the webmail "Formato maildir (.zip)"): every file
// entry that is a message, read straight from the zip, located "name!entry".
func zipFile(name string, size int64, o *Options, yield func(*Item, error) bool) bool {
	f, err := os.Open(name)
	if err != nil {
		return yield(errItem(name, KindZip), err)
	}
	defer f.Close()
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return yield(errItem(name, KindZip), fmt.Errorf("mailbox: zip: %w", err))
	}
	lim := o.Limits
	var total int64
	for i, zf := range zr.File {
		if i >= lim.MaxZipEntries {
			return yield(errItem(name+"!", KindZip), fmt.Errorf("%d entries not read: %w", len(zr.File)-i,
				&LimitError{Limit: "MaxZipEntries", Max: int64(lim.MaxZipEntries), Got: int64(len(zr.File))}))
		}
		if zf.FileInfo().IsDir() || strings.HasSuffix(zf.Name, "/") {
			continue
		}
		base := path.Base(zf.Name)
		parent := path.Base(path.Dir(zf.Name))
		lower := strings.ToLower(base)
		if strings.HasPrefix(base, ".") || strings.HasSuffix(lower, ".msf") || parent == "tmp" {
			continue
		}
		strict := parent == "cur" || parent == "new" || strings.HasSuffix(lower, ".eml")
		loc := name + "!" + zf.Name
		if !zipEntry(f, name, loc, zf, strict, &total, lim, yield) {
			return false
		}
	}
	return true
}

// zipEntry checks the limits of one entry, sniffs it and yields its item.
func zipEntry(f *os.File, name, loc string, zf *zip.File, strict bool, total *int64, lim Limits, yield func(*Item, error) bool) bool {
	fail := func(err error) bool { return yield(errItem(loc, KindZip), err) }
	u, c := int64(zf.UncompressedSize64), int64(zf.CompressedSize64)
	if u < 0 || c < 0 {
		return fail(fmt.Errorf("mailbox: zip entry: bad size: %w", zip.ErrFormat))
	}
	if zf.Method != zip.Store && zf.Method != zip.Deflate {
		if !strict {
			return true
		}
		return fail(&FormatError{What: fmt.Sprintf("a zip entry compressed with method %d (only store and deflate are read)", zf.Method), Unsupported: true})
	}
	off, err := zf.DataOffset()
	if err != nil {
		return fail(fmt.Errorf("mailbox: zip entry: %w", err))
	}
	ent := zipData{name: name, off: off, csize: c, usize: u, method: zf.Method, crc: zf.CRC32}
	// Sniff first (at most sniffBytes are inflated, whatever the entry declares), so
	// that entries that are not mail are skipped before the limits are applied.
	rc, err := ent.open(f)
	if err != nil {
		return fail(err)
	}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(rc, head)
	rc.Close()
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fail(err)
	}
	head = head[:n]
	switch detect(head) {
	case kindMessage:
		if !strict && !looksLikeMail(head) {
			return true
		}
	case kindMbox:
		return fail(&FormatError{What: "an mbox inside a zip archive: extract it and give the mbox", Head: quoteHead(head), Unsupported: true})
	case kindZip:
		if !strict {
			return true
		}
		return fail(&FormatError{What: "a zip archive inside a zip archive: extract it and give it as a mailbox export", Head: quoteHead(head), Unsupported: true})
	default:
		if !strict {
			return true
		}
		return fail(notMessage(head))
	}
	if u > lim.MaxZipRatio*c {
		got := u
		if c > 0 {
			got = (u + c - 1) / c
		}
		return fail(&LimitError{Limit: "MaxZipRatio", Max: lim.MaxZipRatio, Got: got})
	}
	if u > lim.MaxMessageBytes {
		return fail(&LimitError{Limit: "MaxMessageBytes", Max: lim.MaxMessageBytes, Got: u})
	}
	if *total+u > lim.MaxZipBytes {
		return fail(&LimitError{Limit: "MaxZipBytes", Max: lim.MaxZipBytes, Got: *total + u})
	}
	*total += u
	return yield(&Item{
		Locator: loc,
		Kind:    KindZip,
		size:    u,
		open: func() (io.ReadCloser, error) {
			f, err := openRange(ent.name, ent.off, ent.csize)
			if err != nil {
				return nil, err
			}
			rc, err := ent.open(f)
			if err != nil {
				f.Close()
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{rc, closers{rc, f}}, nil
		},
		readAt: func() (io.ReaderAt, func(), error) {
			f, err := openRange(ent.name, ent.off, ent.csize)
			if err != nil {
				return nil, func() {}, err
			}
			defer f.Close()
			rc, err := ent.open(f)
			if err != nil {
				return nil, func() {}, err
			}
			defer rc.Close()
			data := make([]byte, 0, ent.usize)
			buf := bytes.NewBuffer(data)
			if _, err := buf.ReadFrom(rc); err != nil {
				return nil, func() {}, err
			}
			return bytes.NewReader(buf.Bytes()), func() {}, nil
		},
	}, nil)
}

type closers []io.Closer

func (c closers) Close() error {
	var errs []error
	for _, x := range c {
		errs = append(errs, x.Close())
	}
	return errors.Join(errs...)
}

// zipData is where an entry's data is in the zip file, enough to read it without
// the central directory.
type zipData struct {
	name         string
	off          int64
	csize, usize int64
	method       uint16
	crc          uint32
}

// open returns a reader of the entry's uncompressed bytes that fails with
// zip.ErrFormat when they are more or fewer than declared and zip.ErrChecksum when
// their CRC-32 is not the declared one.
func (z zipData) open(ra io.ReaderAt) (io.ReadCloser, error) {
	sr := io.NewSectionReader(ra, z.off, z.csize)
	var r io.ReadCloser
	switch z.method {
	case zip.Store:
		r = io.NopCloser(sr)
	case zip.Deflate:
		r = flate.NewReader(sr)
	default:
		return nil, &FormatError{What: fmt.Sprintf("a zip entry compressed with method %d", z.method), Unsupported: true}
	}
	return &checked{r: r, z: z, h: crc32.NewIEEE()}, nil
}

type checked struct {
	r io.ReadCloser
	z zipData
	h hash.Hash32
	n int64
}

func (c *checked) Read(p []byte) (int, error) {
	if rem := c.z.usize - c.n + 1; int64(len(p)) > rem {
		p = p[:rem] // one byte more than declared is enough to see a lie
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.h.Write(p[:n])
	if c.n > c.z.usize {
		return n, fmt.Errorf("mailbox: zip entry longer than declared: %w", zip.ErrFormat)
	}
	if err == io.EOF {
		if c.n != c.z.usize {
			return n, fmt.Errorf("mailbox: zip entry shorter than declared: %w", zip.ErrFormat)
		}
		if c.h.Sum32() != c.z.crc {
			return n, zip.ErrChecksum
		}
	}
	return n, err
}

func (c *checked) Close() error { return c.r.Close() }
