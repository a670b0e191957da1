package mailbox

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
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
		return yield(errItem(name, SourceZip), err)
	}
	defer f.Close()
	lim := o.Limits
	// archive/zip reads the whole central directory into memory: count its entries
	// first, from the end record, so that a zip of millions of entries is refused
	// before it is allocated.
	if n, ok := zipEntryCount(f, size); ok && n > uint64(lim.MaxZipEntries) {
		return yield(errItem(name, SourceZip), &LimitError{Limit: "MaxZipEntries", Max: int64(lim.MaxZipEntries), Got: int64(min(n, 1<<62))})
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return yield(errItem(name, SourceZip), fmt.Errorf("mailbox: zip: %w", err))
	}
	if len(zr.File) > lim.MaxZipEntries {
		return yield(errItem(name, SourceZip), &LimitError{Limit: "MaxZipEntries", Max: int64(lim.MaxZipEntries), Got: int64(len(zr.File))})
	}
	var total int64
	for _, zf := range zr.File {
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
	fail := func(err error) bool { return yield(errItem(loc, SourceZip), err) }
	u, c := int64(zf.UncompressedSize64), int64(zf.CompressedSize64)
	if u < 0 || c < 0 {
		return fail(fmt.Errorf("mailbox: zip entry: bad size: %w", zip.ErrFormat))
	}
	if zf.Flags&0x1 != 0 { // APPNOTE 4.4.4 bit 0: encrypted
		return fail(&FormatError{What: "an encrypted zip entry: export the mailbox without a password", Unsupported: true})
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
		Source:  SourceZip,
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

// zipEntryCount reads the number of entries from the end of central directory
// record (APPNOTE 4.3.16), or from the zip64 one when the record says 0xFFFF. ok is
// false when no record is found (zip.NewReader then says why).
func zipEntryCount(ra io.ReaderAt, size int64) (n uint64, ok bool) {
	const eocdLen, maxComment = 22, 65535
	tail := min(size, eocdLen+maxComment)
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, false
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, false
	}
	n = uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if n != 0xFFFF || i < 20 || !bytes.Equal(buf[i-20:i-16], []byte("PK\x06\x07")) {
		return n, true
	}
	// The zip64 end of central directory locator, then the record it points to.
	off := int64(binary.LittleEndian.Uint64(buf[i-20+8:]))
	rec := make([]byte, 56)
	if off < 0 || off > size-56 {
		return n, true
	}
	if _, err := ra.ReadAt(rec, off); err != nil || !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
		return n, true
	}
	return binary.LittleEndian.Uint64(rec[32:]), true
}
