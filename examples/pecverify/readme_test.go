package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/internal/testutil"
)

// The README's reason-code table lists exactly the envelope Code* constants (the
// values of signature.reason_code), read from the envelope sources so that a new
// code fails here until the README lists it.
func TestREADMEReasonCodes(t *testing.T) {
	t.Parallel()
	var want []string
	for _, v := range testutil.StringConsts(t, filepath.Join("..", "..", "envelope"), nil, "Code") {
		want = append(want, v)
	}
	require.NotEmpty(t, want)

	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var got []string
	in := false
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case strings.HasPrefix(line, "| reason code |"):
			in = true
		case in && strings.HasPrefix(line, "|---"):
		case in && strings.HasPrefix(line, "| "):
			got = append(got, strings.TrimSpace(strings.SplitN(line, "|", 3)[1]))
		default:
			in = false
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	assert.Equal(t, want, got, "README reason-code table")
}
