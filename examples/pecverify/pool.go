package main

import (
	"sync"
	"time"
)

// stall is what ordered does while the next result in order is not ready: when
// pending reports output waiting and the timer made by start fires before that
// result is ready, ordered calls idle (which writes what is waiting). Each wait
// starts a new timer, so idle runs only after a pause of the whole timer with no
// new result ready. idle returning false stops ordered as emit does. A nil stall,
// or a nil pending, start or idle, never calls idle.
type stall struct {
	pending func() bool
	start   func() (c <-chan time.Time, stop func() bool)
	idle    func() bool
}

// realTimer is a stall timer of d on the wall clock.
func realTimer(d time.Duration) func() (<-chan time.Time, func() bool) {
	return func() (<-chan time.Time, func() bool) {
		t := time.NewTimer(d)
		return t.C, t.Stop
	}
}

// wait receives from c; while it would block, it handles the stall s. ok is false
// when c is closed; stop is true when idle asked to stop.
func wait[V any](c <-chan V, s *stall) (v V, ok, stop bool) {
	select {
	case v, ok = <-c:
		return v, ok, false
	default:
	}
	if s == nil || s.pending == nil || s.start == nil || s.idle == nil || !s.pending() {
		v, ok = <-c
		return v, ok, false
	}
	fired, stopTimer := s.start()
	select {
	case v, ok = <-c:
		stopTimer()
		return v, ok, false
	case <-fired:
	}
	if !s.idle() {
		return v, false, true
	}
	v, ok = <-c
	return v, ok, false
}

// ordered runs work on every value produce yields, with n workers, and calls emit
// with the results in the order the values were produced, each as soon as it and
// every earlier result are done. At most window results wait for their turn (plus
// the n being computed): when the window is full, produce blocks. Nothing is kept
// once emitted. When emit returns false, produce is stopped (its yield returns
// false), the work under way is finished and discarded, and ordered returns. While
// the next result is not ready (not produced yet, or still being worked on), s
// says what to do (see stall).
func ordered[T, R any](n, window int, produce func(yield func(T) bool), work func(T) R, emit func(R) bool, s *stall) {
	n = max(n, 1)
	window = max(window, 1)
	type job struct {
		in  T
		out chan R
	}
	jobs := make(chan job)
	queue := make(chan chan R, window)
	done := make(chan struct{})

	var workers sync.WaitGroup
	for range n {
		workers.Go(func() {
			for j := range jobs {
				j.out <- work(j.in)
			}
		})
	}
	go func() {
		defer close(queue)
		defer close(jobs)
		produce(func(v T) bool {
			out := make(chan R, 1)
			select {
			case queue <- out:
			case <-done:
				return false
			}
			select {
			case jobs <- job{v, out}:
				return true
			case <-done:
				return false
			}
		})
	}()

	stopped := false
	stopNow := func() {
		stopped = true
		s = nil
		close(done)
	}
	for {
		out, ok, stop := wait(queue, s)
		if stop {
			stopNow()
			continue
		}
		if !ok {
			break
		}
		if stopped {
			continue
		}
		r, _, stop := wait(out, s)
		if stop {
			stopNow()
			continue
		}
		if !emit(r) {
			stopNow()
		}
	}
	workers.Wait()
}
