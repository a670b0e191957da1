package mailbox

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heapGrowth enumerates name and returns how many items it gave and the largest
// growth of the live heap seen (sampled every 10,000 items, after a GC).
func heapGrowth(t *testing.T, name string) (int, uint64) {
	t.Helper()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	n := 0
	for it, err := range Open(name, nil) {
		require.NoError(t, err)
		require.Positive(t, it.Size())
		n++
		if n%10000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base {
				peak = max(peak, ms.HeapAlloc-base)
			}
		}
	}
	return n, peak
}

const manyMessages = 100_000

// An mbox of 100,000 tiny messages enumerates in flat memory: nothing is kept per
// message.
func TestFlatMemoryMbox(t *testing.T) {
	name := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(name)
	require.NoError(t, err)
	w := bufio.NewWriter(f)
	for i := range manyMessages {
		fmt.Fprintf(w, "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\nSubject: %d\n\nbody\n>From quoted\n\n", i)
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	n, growth := heapGrowth(t, name)
	assert.Equal(t, manyMessages, n)
	assert.Less(t, growth, uint64(4<<20), "heap grew by %d bytes", growth)
	t.Logf("mbox of %d messages: heap growth %d KiB", n, growth>>10)
}

// A maildir folder of 100,000 files enumerates in memory bounded by its one
// directory listing (os.ReadDir), not by what is kept per message.
func TestFlatMemoryFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 100,000 files")
	}
	cur := filepath.Join(t.TempDir(), "Maildir", "cur")
	require.NoError(t, os.MkdirAll(cur, 0o755))
	// Hard links to a few files are much faster to make than 100,000 files (and a
	// file has at most 65,000 links on ext4).
	var seed string
	for i := range manyMessages {
		name := filepath.Join(cur, fmt.Sprintf("%d.host:2,S", i))
		if i%50_000 == 0 {
			seed = name
			require.NoError(t, os.WriteFile(seed, []byte("Subject: x\n\nbody\n"), 0o644))
			continue
		}
		require.NoError(t, os.Link(seed, name))
	}
	n, growth := heapGrowth(t, filepath.Dir(cur))
	assert.Equal(t, manyMessages, n)
	assert.Less(t, growth, uint64(48<<20), "heap grew by %d bytes", growth)
	t.Logf("folder of %d files: heap growth %d KiB", n, growth>>10)
}
