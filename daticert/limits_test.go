package daticert_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/daticert"
)

// baseElements is the number of elements in baseDoc.
const baseElements = 16

// nest returns base with unknown elements nested inside dati so that the
// deepest element is at depth depth (dati is at depth 2).
func nest(base string, depth int) string {
	n := depth - 2
	return strings.Replace(base, "<dati>", "<dati>"+strings.Repeat("<x>", n)+strings.Repeat("</x>", n), 1)
}

// withElements returns base padded with empty unknown elements inside dati
// to n elements in all.
func withElements(base string, n int) string {
	return strings.Replace(base, "<dati>", "<dati>"+strings.Repeat("<x/>", n-baseElements), 1)
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	base := baseDoc(t)
	padTo := func(n int) string { return base + strings.Repeat(" ", n-len(base)) }
	tests := []struct {
		name string
		doc  string
		opts *daticert.ParseOptions
		err  error // nil: must parse
		path string
		line int
	}{
		{"bytes default at limit", padTo(daticert.DefaultMaxBytes), nil, nil, "", 0},
		{"bytes default over limit", padTo(daticert.DefaultMaxBytes + 1), nil, daticert.ErrTooLarge, "", 0},
		{"bytes zero means default", padTo(daticert.DefaultMaxBytes + 1), &daticert.ParseOptions{}, daticert.ErrTooLarge, "", 0},
		{"bytes negative means default", padTo(daticert.DefaultMaxBytes), &daticert.ParseOptions{MaxBytes: -1}, nil, "", 0},
		{"bytes custom at limit", base, &daticert.ParseOptions{MaxBytes: len(base)}, nil, "", 0},
		{"bytes custom over limit", base, &daticert.ParseOptions{MaxBytes: len(base) - 1}, daticert.ErrTooLarge, "", 0},

		{"depth default at limit", nest(base, daticert.DefaultMaxDepth), nil, nil, "", 0},
		{"depth default over limit", nest(base, daticert.DefaultMaxDepth+1), nil, daticert.ErrTooDeep,
			"postacert/dati" + strings.Repeat("/x", daticert.DefaultMaxDepth-1), 10},
		{"depth custom at limit", base, &daticert.ParseOptions{MaxDepth: 4}, nil, "", 0},
		{"depth custom over limit", base, &daticert.ParseOptions{MaxDepth: 3}, daticert.ErrTooDeep, "postacert/dati/data/giorno", 13},

		{"elements default at limit", withElements(base, daticert.DefaultMaxElements), nil, nil, "", 0},
		{"elements default over limit", withElements(base, daticert.DefaultMaxElements+1), nil, daticert.ErrTooLarge, "postacert/dati/consegna", 19},
		{"elements custom at limit", base, &daticert.ParseOptions{MaxElements: baseElements}, nil, "", 0},
		{"elements custom over limit", base, &daticert.ParseOptions{MaxElements: baseElements - 1}, daticert.ErrTooLarge, "postacert/dati/consegna", 19},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := daticert.Parse([]byte(tc.doc), tc.opts)
			if tc.err == nil {
				require.NoError(t, err)
				c.Raw = nil
				assert.Equal(t, validCert(), c)
				return
			}
			assert.Nil(t, c)
			require.ErrorIs(t, err, tc.err)
			var pe *daticert.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.path, pe.Path)
			assert.Equal(t, tc.line, pe.Line)
		})
	}
}

func TestParseOptionsNotModified(t *testing.T) {
	t.Parallel()
	opts := &daticert.ParseOptions{}
	_, err := daticert.Parse([]byte(baseDoc(t)), opts)
	require.NoError(t, err)
	assert.Equal(t, &daticert.ParseOptions{}, opts)
}
