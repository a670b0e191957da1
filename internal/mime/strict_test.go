package mime

import (
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
