package mailbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestUnquoteHeader: only the header block of an mbox message is un-quoted, one
// '>' per line matching ^>+From .
func TestUnquoteHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		k              int
	}{
		{"none", "From: a@b.it\r\nSubject: x\r\n\r\n>From here\r\n", "From: a@b.it\r\nSubject: x\r\n\r\n>From here\r\n", 0},
		{"quoted From field", "From: a@b.it\r\n>From : m@e.it\r\n\r\n>From here\r\n", "From: a@b.it\r\nFrom : m@e.it\r\n\r\n>From here\r\n", 1},
		{"deeply quoted", "X: y\n>>From x\n\nbody\n", "X: y\n>From x\n\nbody\n", 1},
		{"no body", "X: y\n>From x\n", "X: y\nFrom x\n", 1},
		{"only in the body", "X: y\n\n>From x\n", "X: y\n\n>From x\n", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, k := unquoteHeader([]byte(tc.in))
			assert.Equal(t, tc.k, k)
			assert.Equal(t, tc.want, string(got))
		})
	}
}
