package mime

import (
	"bytes"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsFromLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want bool
	}{
		{"From MAILER-DAEMON Tue Jun  3 09:15:42 2025", true},
		{"From a@b.example Tue Jun  3 09:15:42 2025\r", true},
		{"From a@b.example", true},
		{"From : x@y.example", false}, // a From field, white space before the colon
		{"From\t: x@y.example", false},
		{"From: x@y.example", false},
		{"Subject: From x", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, IsFromLine([]byte(tc.line)), "%q", tc.line)
	}
	fields, skipped := Fields([]byte("From : x@y.example\r\n"))
	require.Len(t, fields, 1)
	assert.Equal(t, "From", fields[0].Name)
	assert.Zero(t, skipped)
	// ReadHeader and the scanner skip a separator and keep a "From :" field.
	h, _, err := ReadHeader([]byte("From : x@y.example\r\nTo: z\r\n\r\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, "x@y.example", h.Get("From"))
	sc, err := ScanBytes([]byte("From : x@y.example\r\nTo: z\r\n\r\nbody\r\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, int64(0), sc.Parts[0].HeaderOff)
}

// TestScanBOM: a UTF-8 BOM before a message is skipped by every scan mode, with
// offsets of the input; one elsewhere is not.
func TestScanBOM(t *testing.T) {
	t.Parallel()
	msg := "From: a@b.example\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
	tests := []struct {
		name    string
		raw     string
		bom     bool
		hdrOff  int64
		wantHdr string
	}{
		{"no BOM", msg, false, 0, "From: a@b.example\r\nContent-Type: text/plain\r\n"},
		{"a BOM", BOM + msg, true, 3, "From: a@b.example\r\nContent-Type: text/plain\r\n"},
		{"a BOM only", BOM, true, 3, ""},
		{"two bytes of a BOM", BOM[:2], false, 0, ""},
		{"a BOM after a line", "X: y\r\n" + BOM + msg, false, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := []byte(tc.raw)
			ways := map[string]func() (*Scan, error){
				"bytes":    func() (*Scan, error) { return ScanBytes(raw, nil) },
				"readerAt": func() (*Scan, error) { return ScanReaderAt(bytes.NewReader(raw), int64(len(raw)), nil) },
				"reader":   func() (*Scan, error) { return ScanReader(iotest.OneByteReader(bytes.NewReader(raw)), nil) },
			}
			for way, f := range ways {
				sc, err := f()
				require.NoError(t, err, way)
				assert.Equal(t, tc.bom, sc.BOM, way)
				assert.Equal(t, tc.hdrOff, sc.Parts[0].HeaderOff, way)
				if tc.wantHdr != "" {
					assert.Equal(t, tc.wantHdr, string(sc.Header), way)
				}
			}
		})
	}
}
