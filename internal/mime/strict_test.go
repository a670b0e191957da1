package mime

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeStrict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cte, in, want string
		bad                 bool
	}{
		{"escape", "quoted-printable", "a=3Db", "a=b", false},
		{"lower case escape", "quoted-printable", "a=3db", "a=b", false},
		{"soft break", "Quoted-Printable", "a=\r\nb", "ab", false},
		{"soft break after white space", "quoted-printable", "a= \t\r\nb", "ab", false},
		{"soft break with LF", "quoted-printable", "a=\nb", "ab", false},
		{"soft break at the end", "quoted-printable", "ab=", "ab", false},
		{"bad escape", "quoted-printable", "a=ZZb", "", true},
		{"half escape", "quoted-printable", "a=3", "", true},
		{"bare CR after =", "quoted-printable", "a=\rb", "", true},
		{"identity keeps =ZZ", "8bit", "a=ZZb", "a=ZZb", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeStrict(tc.cte, []byte(tc.in))
			if tc.bad {
				require.Error(t, err)
				assert.True(t, errors.Is(err, ErrMalformed))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
}

// FuzzDecodeStrict: DecodeStrict accepts a subset of what Decode accepts, with
// the same bytes.
func FuzzDecodeStrict(f *testing.F) {
	f.Add("quoted-printable", []byte("caf=C3=A9=\r\n!"))
	f.Add("quoted-printable", []byte("a=ZZ"))
	f.Add("base64", []byte("Y2lh\r\nbw=="))
	f.Fuzz(func(t *testing.T, cte string, b []byte) {
		got, err := DecodeStrict(cte, b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v matches neither ErrMalformed nor ErrTooLarge", err)
			}
			return
		}
		want, werr := Decode(cte, b)
		if werr != nil || !bytes.Equal(got, want) {
			t.Fatalf("DecodeStrict %q, Decode %q %v", got, want, werr)
		}
	})
}
