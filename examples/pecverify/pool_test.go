package main

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrdered(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 4, 8} {
		const total = 500
		window := 4 * n
		var produced, emitted, maxAhead atomic.Int64
		var got []int
		ordered(n, window,
			func(yield func(int) bool) {
				for i := range total {
					produced.Add(1)
					ahead := produced.Load() - emitted.Load()
					for {
						m := maxAhead.Load()
						if ahead <= m || maxAhead.CompareAndSwap(m, ahead) {
							break
						}
					}
					if !yield(i) {
						return
					}
				}
			},
			func(i int) int {
				if i%7 == 0 {
					time.Sleep(time.Duration(i%3) * time.Millisecond) // finish out of order
				}
				return i * 10
			},
			func(r int) bool {
				got = append(got, r)
				emitted.Add(1)
				return true
			}, nil)
		require.Len(t, got, total)
		for i, r := range got {
			require.Equal(t, i*10, r)
		}
		// The window plus the jobs being worked on plus the one handed over.
		assert.LessOrEqual(t, maxAhead.Load(), int64(window+n+2), "n=%d", n)
	}
}

func TestOrderedStops(t *testing.T) {
	t.Parallel()
	var produced atomic.Int64
	var got []int
	ordered(2, 4,
		func(yield func(int) bool) {
			for i := range 1_000_000 {
				produced.Add(1)
				if !yield(i) {
					return
				}
			}
		},
		func(i int) int { return i },
		func(r int) bool {
			got = append(got, r)
			return len(got) < 3
		}, nil)
	assert.Equal(t, []int{0, 1, 2}, got)
	assert.Less(t, produced.Load(), int64(100))
}

func TestOrderedEmpty(t *testing.T) {
	t.Parallel()
	calls := 0
	ordered(3, 12, func(func(int) bool) {}, func(i int) int { return i }, func(int) bool { calls++; return true }, nil)
	assert.Zero(t, calls)
}
