package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is an idle timer driven by the test: every timer started is handed
// to the test on started (dropped when nobody takes it, and then it never fires),
// and fires when the test sends on it.
type fakeClock struct{ started chan chan time.Time }

func newFakeClock() *fakeClock { return &fakeClock{started: make(chan chan time.Time, 64)} }

func (f *fakeClock) start() (<-chan time.Time, func() bool) {
	c := make(chan time.Time, 1)
	select {
	case f.started <- c:
	default:
	}
	return c, func() bool { return true }
}

// guard is how long a test waits for something that must happen before it fails
// instead of hanging: a guard against a deadlock, never a timing assertion.
const guard = time.Minute

func recv[V any](t *testing.T, c <-chan V, what string) V {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(guard):
		t.Fatalf("%s did not happen", what)
	}
	panic("unreachable")
}

// TestOrderedStall checks when ordered calls the stall's idle: only while the next
// result in order is not ready (not produced, or still in work), only after the
// timer fired, and never when nothing is pending.
func TestOrderedStall(t *testing.T) {
	t.Parallel()
	t.Run("next not produced", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		release := make(chan struct{})
		var mu sync.Mutex
		var emitted, written []int
		var pendingRows []int
		produced := 0
		idled := make(chan struct{}, 8)
		s := &stall{
			pending: func() bool { mu.Lock(); defer mu.Unlock(); return len(pendingRows) > 0 },
			start:   clock.start,
			idle: func() bool {
				mu.Lock()
				defer mu.Unlock()
				written = append(written, pendingRows...)
				pendingRows = nil
				idled <- struct{}{}
				return true
			},
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			ordered(2, 8, func(yield func(int) bool) {
				produced++
				if !yield(0) {
					return
				}
				<-release
				produced++
				yield(1)
			}, func(i int) int { return i }, func(r int) bool {
				mu.Lock()
				defer mu.Unlock()
				emitted = append(emitted, r)
				pendingRows = append(pendingRows, r)
				return true
			}, s)
		}()
		timer := recv(t, clock.started, "the idle timer start")
		mu.Lock()
		assert.Equal(t, []int{0}, emitted)
		assert.Empty(t, written, "nothing is written before the timer fires")
		mu.Unlock()
		timer <- time.Time{}
		recv(t, idled, "the idle write")
		close(release) // only now can the second value be produced
		recv(t, done, "the end of ordered")
		assert.Equal(t, []int{0}, written, "the first result was written before the second was produced")
		assert.Equal(t, []int{0, 1}, emitted)
		assert.Equal(t, 2, produced)
	})
	t.Run("next in work", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		hold := make(chan struct{})
		idles := 0
		idled := make(chan struct{}, 8)
		var got []int
		done := make(chan struct{})
		go func() {
			defer close(done)
			ordered(2, 8, func(yield func(int) bool) {
				_ = yield(0) && yield(1)
			}, func(i int) int {
				if i == 1 {
					<-hold
				}
				return i
			}, func(r int) bool { got = append(got, r); return true },
				&stall{pending: func() bool { return len(got) > idles }, start: clock.start,
					idle: func() bool { idles++; idled <- struct{}{}; return true }})
		}()
		// A timer may also start while result 1 is not yet queued and be dropped
		// when it is: fire every timer started until idle runs.
	fire:
		for {
			select {
			case timer := <-clock.started:
				timer <- time.Time{}
			case <-idled:
				break fire
			case <-time.After(guard):
				t.Fatal("the idle write did not happen")
			}
		}
		close(hold)
		recv(t, done, "the end of ordered")
		assert.Equal(t, []int{0, 1}, got)
		assert.Equal(t, 1, idles)
	})
	t.Run("ready before the timer", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		release := make(chan struct{})
		idles := 0
		var got []int
		done := make(chan struct{})
		go func() {
			defer close(done)
			ordered(1, 4, func(yield func(int) bool) {
				if yield(0) {
					<-release
					yield(1)
				}
			}, func(i int) int { return i }, func(r int) bool { got = append(got, r); return true },
				&stall{pending: func() bool { return len(got) > 0 }, start: clock.start,
					idle: func() bool { idles++; return true }})
		}()
		recv(t, clock.started, "the idle timer start") // never fired
		close(release)
		recv(t, done, "the end of ordered")
		assert.Equal(t, []int{0, 1}, got)
		assert.Zero(t, idles)
	})
	t.Run("nothing pending starts no timer", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		var got []int
		ordered(2, 4, func(yield func(int) bool) {
			for i := range 50 {
				if !yield(i) {
					return
				}
			}
		}, func(i int) int { return i }, func(r int) bool { got = append(got, r); return true },
			&stall{pending: func() bool { return false }, start: clock.start, idle: func() bool { panic("idle") }})
		assert.Len(t, got, 50)
		assert.Empty(t, clock.started)
	})
	t.Run("idle false stops", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		release := make(chan struct{})
		var got []int
		done := make(chan struct{})
		go func() {
			defer close(done)
			ordered(1, 4, func(yield func(int) bool) {
				if yield(0) {
					<-release
					yield(1) // may still be taken, and is then discarded
				}
			}, func(i int) int { return i }, func(r int) bool { got = append(got, r); return true },
				&stall{pending: func() bool { return len(got) > 0 }, start: clock.start, idle: func() bool { return false }})
		}()
		recv(t, clock.started, "the idle timer start") <- time.Time{}
		close(release)
		recv(t, done, "the end of ordered")
		assert.Equal(t, []int{0}, got, "nothing is emitted once idle stopped the run")
	})
}

// slowReader serves first, then blocks until release is closed, then serves rest.
type slowReader struct {
	first, rest []byte
	release     chan struct{}
	waited      bool
	served      atomic.Int64 // bytes handed out
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.first) > 0 {
		n := copy(p, r.first)
		r.first = r.first[n:]
		r.served.Add(int64(n))
		return n, nil
	}
	if !r.waited {
		<-r.release
		r.waited = true
	}
	if len(r.rest) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	r.served.Add(int64(n))
	return n, nil
}

// notifyWriter keeps what is written and signals every write.
type notifyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
}

func (w *notifyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *notifyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestHumanStreams: with a slow source (an mbox on standard input whose second
// message is not there yet), the human line of the first message is written
// before the second message can even be read: when the idle timer fires while
// the output waits for the next record.
func TestHumanStreams(t *testing.T) {
	t.Parallel()
	one, err := os.ReadFile(messagesDir + "/breve/01-accettazione.eml")
	require.NoError(t, err)
	two, err := os.ReadFile(messagesDir + "/breve/04-avvenuta-consegna-bob@pec.example.org.eml")
	require.NoError(t, err)
	box := mboxo([][]byte{one, two})
	// The first chunk ends with the "From " line that opens the second message, so
	// the first message is complete and the second is not.
	cut := bytes.LastIndex(box, []byte("From MAILER-DAEMON"))
	cut += bytes.IndexByte(box[cut:], '\n') + 1
	in := &slowReader{first: box[:cut], rest: box[cut:], release: make(chan struct{})}

	clock := newFakeClock()
	stdout := &notifyWriter{wrote: make(chan struct{}, 1)}
	var stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- runWith([]string{"-roots", trustPEM, "-j", "2", "-"}, in, stdout, &stderr, clock.start)
	}()

	timer := recv(t, clock.started, "the idle timer start (the output waiting for the second record)")
	assert.Empty(t, stdout.String(), "the first line waits for the timer")
	timer <- time.Time{}
	recv(t, stdout.wrote, "the first line")
	first := stdout.String()
	lines := strings.Split(strings.TrimSuffix(first, "\n"), "\n")
	require.Len(t, lines, 1, "%q", first)
	assert.Regexp(t, `^-#1 +accettazione +certified +Example PEC S\.p\.A\. +2025-03-17T09:30:00Z +ACCETTAZIONE: Fattura marzo$`, lines[0])
	assert.Equal(t, int64(cut), in.served.Load(), "the second message was not given yet")

	close(in.release)
	assert.Equal(t, 0, recv(t, code, "the end of the run"))
	all := stdout.String()
	require.True(t, strings.HasPrefix(all, first))
	rest := strings.Split(strings.TrimSuffix(strings.TrimPrefix(all, first), "\n"), "\n")
	require.Len(t, rest, 1, "%q", all)
	assert.Regexp(t, `^-#2 +avvenuta-consegna/breve +certified `, rest[0])
	assert.Equal(t, "pecverify: 2 messages: 2 certified, 0 not certified; accettazione 1, avvenuta-consegna 1\n", stderr.String())
}
