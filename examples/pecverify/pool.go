package main

import "sync"

// ordered runs work on every value produce yields, with n workers, and calls emit
// with the results in the order the values were produced, each as soon as it and
// every earlier result are done. At most window results wait for their turn (plus
// the n being computed): when the window is full, produce blocks. Nothing is kept
// once emitted. When emit returns false, produce is stopped (its yield returns
// false), the work under way is finished and discarded, and ordered returns.
func ordered[T, R any](n, window int, produce func(yield func(T) bool), work func(T) R, emit func(R) bool) {
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
	for out := range queue {
		if stopped {
			continue
		}
		if !emit(<-out) {
			stopped = true
			close(done)
		}
	}
	workers.Wait()
}
