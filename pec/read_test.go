package pec_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/pec"
	"github.com/sigillo/sigillo/receipt"
)

func TestReadErrors(t *testing.T) {
	t.Parallel()
	msg := []byte(fxOriginal())
	ioErr := errors.New("disk on fire")
	tests := []struct {
		name    string
		in      func() []byte
		r       func([]byte) *bytes.Reader
		opts    *pec.Options
		wantErr error
		limit   string
	}{
		{name: "message at MaxMessageBytes", in: func() []byte { return msg }, opts: &pec.Options{Limits: pec.Limits{MaxMessageBytes: int64(len(msg))}}},
		{name: "message over MaxMessageBytes", in: func() []byte { return msg }, opts: &pec.Options{Limits: pec.Limits{MaxMessageBytes: int64(len(msg) - 1)}},
			wantErr: pec.ErrTooLarge, limit: "MaxMessageBytes"},
		{name: "header over MaxHeaderBytes", in: func() []byte { return msg }, opts: &pec.Options{Limits: pec.Limits{MaxHeaderBytes: 10}},
			wantErr: pec.ErrTooLarge, limit: "MaxHeaderBytes"},
		{name: "empty", in: func() []byte { return nil }, wantErr: pec.ErrNotMessage},
		{name: "blank", in: func() []byte { return []byte("\r\n\r\n") }, wantErr: pec.ErrNotMessage},
		{name: "not a header", in: func() []byte { return []byte("hello world\r\nthis is text\r\n") }, wantErr: pec.ErrNotMessage},
		{name: "mbox From line skipped", in: func() []byte { return append([]byte("From alice@example.it Tue Jun  3 09:15:40 2025\n"), msg...) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := pec.Read(bytes.NewReader(tt.in()), tt.opts)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, receipt.KindNotPEC, m.Kind)
				assert.Equal(t, fxSubject, m.Subject)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, m)
			if tt.limit != "" {
				var le *pec.LimitError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, tt.limit, le.Limit)
			}
		})
	}

	t.Run("I/O error", func(t *testing.T) {
		_, err := pec.Read(iotest.ErrReader(ioErr), nil)
		require.ErrorIs(t, err, ioErr)
	})
	t.Run("ReadFile missing", func(t *testing.T) {
		_, err := pec.ReadFile("testdata/does-not-exist.eml", nil)
		require.Error(t, err)
	})
}

// TestReadPartHeaderLimit: every header block, a part's included, is bounded
// by MaxHeaderBytes, at the limit and one past it, in every mode.
func TestReadPartHeaderLimit(t *testing.T) {
	t.Parallel()
	head := "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	field := "X-Big: " + strings.Repeat("a", 2000) + "\r\n"
	in := head + field + "\r\ntext\r\n--b--\r\n"
	for _, tc := range []struct {
		max  int
		fail bool
	}{{len(field), false}, {len(field) - 1, true}} {
		o := &pec.Options{Limits: pec.Limits{MaxHeaderBytes: tc.max}}
		for _, read := range []func() (*pec.Message, error){
			func() (*pec.Message, error) { return pec.Read(strings.NewReader(in), o) },
			func() (*pec.Message, error) { return pec.ReadReaderAt(strings.NewReader(in), int64(len(in)), o) },
		} {
			m, err := read()
			if tc.fail {
				require.ErrorIs(t, err, pec.ErrTooLarge)
				var le *pec.LimitError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, "MaxHeaderBytes", le.Limit)
				continue
			}
			require.NoError(t, err)
			require.Len(t, m.Texts, 1)
		}
	}
}

// TestReadLenient checks that damaged but readable messages give a result.
func TestReadLenient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		code string
	}{
		{"header line without colon", "Subject: x\r\nthis is not a field\r\n\r\nbody\r\n", pec.CodeMIMEMalformed},
		{"multipart without boundary", "Subject: x\r\nContent-Type: multipart/mixed\r\n\r\nbody\r\n", pec.CodeMIMEMalformed},
		{"header only", "Subject: x\r\n", ""},
		{"LF line ends", strings.ReplaceAll(fxOriginal(), "\r\n", "\n"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := pec.Read(strings.NewReader(tt.in), &pec.Options{Limits: pec.Limits{MaxHeaderBytes: 1000}})
			require.NoError(t, err)
			assert.Equal(t, receipt.KindNotPEC, m.Kind)
			if tt.code != "" {
				assert.Contains(t, codes(m), tt.code)
			}
		})
	}
}

func TestReadRealSender(t *testing.T) {
	t.Parallel()
	tests := []struct{ from, want string }{
		{`"Per conto di: alice@pec.example.it" <posta-certificata@pec.example.it>`, "alice@pec.example.it"},
		{`"per conto di: <alice@pec.example.it>" <posta-certificata@pec.example.it>`, "alice@pec.example.it"},
		{`"On behalf of: alice@pec.example.it" <certified-mail@pec.example.it>`, "alice@pec.example.it"},
		{`=?iso-8859-1?Q?Per_conto_di:_alice@pec.example.it?= <posta-certificata@pec.example.it>`, "alice@pec.example.it"},
		{`posta-certificata@pec.example.it`, ""},
		{`"Alice" <alice@pec.example.it>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			t.Parallel()
			m, err := pec.Read(strings.NewReader("From: "+tt.from+"\r\nSubject: x\r\n\r\nbody\r\n"), nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.RealSender)
		})
	}
}
