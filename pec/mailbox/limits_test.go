package mailbox

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limitCase runs Open with limits and counts the items and the LimitErrors naming
// limit.
type limitCase struct {
	name   string
	limits Limits
	items  int // all items
	over   int // items with a LimitError naming limit
	limit  string
}

func runLimits(t *testing.T, src string, cases []limitCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items, over := 0, 0
			for it, err := range Open(src, &Options{Limits: tc.limits}) {
				require.NotNil(t, it)
				items++
				if err == nil {
					continue
				}
				var le *LimitError
				require.ErrorAs(t, err, &le, "%s", it.Locator)
				assert.ErrorIs(t, err, ErrTooLarge)
				assert.Equal(t, tc.limit, le.Limit)
				over++
			}
			assert.Equal(t, tc.items, items)
			assert.Equal(t, tc.over, over)
		})
	}
}

func TestLimitMboxMessageBytes(t *testing.T) {
	t.Parallel()
	msg := []byte("Subject: x\n\n" + strings.Repeat("a", 100) + "\n") // 113 bytes
	d := t.TempDir()
	name := writeFile(t, filepath.Join(d, "mbox"), mboxWrite(false, msg, []byte("Subject: y\n\nb\n"), msg))
	runLimits(t, name, []limitCase{
		{"at the limit", Limits{MaxMessageBytes: int64(len(msg))}, 3, 0, "MaxMessageBytes"},
		{"one past", Limits{MaxMessageBytes: int64(len(msg) - 1)}, 3, 2, "MaxMessageBytes"},
	})
	t.Run("stdin", func(t *testing.T) {
		for _, tc := range []struct {
			max  int64
			over int
		}{{int64(len(msg)), 0}, {int64(len(msg) - 1), 1}} {
			over := 0
			for _, err := range Open("-", &Options{Stdin: bytes.NewReader(msg), Limits: Limits{MaxMessageBytes: tc.max}}) {
				if err != nil {
					assert.ErrorIs(t, err, ErrTooLarge)
					over++
				}
			}
			assert.Equal(t, tc.over, over)
		}
	})
}

func TestLimitDirDepth(t *testing.T) {
	t.Parallel()
	d := t.TempDir()
	writeFile(t, filepath.Join(d, "a.eml"), []byte("Subject: 0\n\n"))
	writeFile(t, filepath.Join(d, "1", "2", "3", "a.eml"), []byte("Subject: 3\n\n"))
	runLimits(t, d, []limitCase{
		{"at the limit", Limits{MaxDirDepth: 3}, 2, 0, "MaxDirDepth"},
		{"one past", Limits{MaxDirDepth: 2}, 2, 1, "MaxDirDepth"},
	})
}

func TestLimitZip(t *testing.T) {
	t.Parallel()
	msg := []byte("Subject: x\r\n\r\n" + strings.Repeat("abcd", 250) + "\r\n")
	d := t.TempDir()
	var entries []testEntry
	for i := range 5 {
		entries = append(entries, testEntry{fmt.Sprintf("cur/%d", i), msg, zip.Deflate})
	}
	name := writeZip(t, filepath.Join(d, "x.zip"), entries)
	zr, err := zip.OpenReader(name)
	require.NoError(t, err)
	u, c := int64(zr.File[0].UncompressedSize64), int64(zr.File[0].CompressedSize64)
	zr.Close()
	ratio := (u + c - 1) / c
	require.Greater(t, ratio, int64(2))
	runLimits(t, name, []limitCase{
		{"entries at the limit", Limits{MaxZipEntries: 5}, 5, 0, "MaxZipEntries"},
		{"entries one past", Limits{MaxZipEntries: 4}, 1, 1, "MaxZipEntries"},
		{"bytes at the limit", Limits{MaxZipBytes: 5 * u}, 5, 0, "MaxZipBytes"},
		{"bytes one past", Limits{MaxZipBytes: 5*u - 1}, 5, 1, "MaxZipBytes"},
		{"ratio at the limit", Limits{MaxZipRatio: ratio}, 5, 0, "MaxZipRatio"},
		{"ratio one past", Limits{MaxZipRatio: ratio - 1}, 5, 5, "MaxZipRatio"},
		{"entry size at the limit", Limits{MaxMessageBytes: u}, 5, 0, "MaxMessageBytes"},
		{"entry size one past", Limits{MaxMessageBytes: u - 1}, 5, 5, "MaxMessageBytes"},
	})
}

// A zip bomb: an entry that declares a small size but inflates to more, or declares
// a huge ratio, never makes the reader allocate more than declared.
func TestZipLies(t *testing.T) {
	t.Parallel()
	noise := make([]byte, 30000)
	for i := range noise {
		noise[i] = byte(i * 7919 >> 3)
	}
	big := append([]byte("Subject: x\r\n\r\n"), base64.StdEncoding.EncodeToString(noise)...)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(big)
	fw.Close()
	cases := []struct {
		name  string
		usize uint64
		crc   uint32
		is    error
	}{
		{"declares fewer bytes", 100, crc32.ChecksumIEEE(big[:100]), zip.ErrFormat},
		{"declares more bytes", uint64(len(big) + 10), crc32.ChecksumIEEE(big), zip.ErrFormat},
		{"bad checksum", uint64(len(big)), 1, zip.ErrChecksum},
		{"a bomb", 1 << 40, 0, ErrTooLarge},
		{"encrypted", uint64(len(big)), crc32.ChecksumIEEE(big), ErrUnsupported},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			var flags uint16
			if tc.is == ErrUnsupported {
				flags = 1
			}
			w, err := zw.CreateRaw(&zip.FileHeader{Name: "cur/1", Method: zip.Deflate, Flags: flags,
				CompressedSize64: uint64(comp.Len()), UncompressedSize64: tc.usize, CRC32: tc.crc})
			require.NoError(t, err)
			w.Write(comp.Bytes())
			require.NoError(t, zw.Close())
			name := filepath.Join(t.TempDir(), "x.zip")
			require.NoError(t, os.WriteFile(name, b.Bytes(), 0o644))
			for it, err := range Open(name, nil) {
				if err == nil {
					_, _, err = it.Read(nil)
				}
				assert.ErrorIs(t, err, tc.is)
			}
		})
	}
}

func writeZipTo(w *bytes.Buffer, name string, data []byte) {
	zw := zip.NewWriter(w)
	fw, _ := zw.Create(name)
	fw.Write(data)
	zw.Close()
}

// A zip of more than 65,535 entries has a zip64 end record: the count is read from it.
func TestLimitZipEntriesZip64(t *testing.T) {
	t.Parallel()
	const n = 70_000
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range n {
		_, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("x/%d", i), Method: zip.Store})
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	got, ok := zipEntryCount(bytes.NewReader(b.Bytes()), int64(b.Len()))
	require.True(t, ok)
	assert.Equal(t, uint64(n), got)
	name := writeFile(t, filepath.Join(t.TempDir(), "big.zip"), b.Bytes())
	runLimits(t, name, []limitCase{
		{"at the limit", Limits{MaxZipEntries: n}, 0, 0, "MaxZipEntries"},
		{"one past", Limits{MaxZipEntries: n - 1}, 1, 1, "MaxZipEntries"},
	})
}
