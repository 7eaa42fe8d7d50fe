package valkey

import (
	"context"
	"errors"
)

// gather hands the calls that queue up while flush runs to the next flush, at most max at
// a time, until stop closes. Under load many callers share one round trip; a lone call
// is flushed at once, so it waits for nothing.
func gather[T any](calls <-chan T, max int, stop <-chan struct{}, flush func([]T)) {
	batch := make([]T, 0, max)
	for {
		select {
		case <-stop:
			return
		case c := <-calls:
			batch = append(batch[:0], c)
		}
	fill:
		for len(batch) < max {
			select {
			case c := <-calls:
				batch = append(batch, c)
			default:
				break fill
			}
		}
		flush(batch)
	}
}

// errSenderStopped: the senders stopped before the call was answered.
var errSenderStopped = errors.New("senders stopped")

// handOff gives call to the senders on calls and waits until done closes. It returns
// ctx's error if ctx ends before the call was handed over, and errSenderStopped if stop
// closes first; in both cases the call must not be read any more, since a sender may
// still be writing its answer.
func handOff[T any](ctx context.Context, calls chan<- T, call T, done, stop <-chan struct{}) error {
	select {
	case <-stop: // checked first: a select with room in calls too would pick at random
		return errSenderStopped
	default:
	}
	select {
	case calls <- call:
	case <-ctx.Done():
		return ctx.Err()
	case <-stop:
		return errSenderStopped
	}
	select {
	case <-done:
		return nil
	case <-stop:
		select {
		case <-done:
			return nil
		default:
			return errSenderStopped
		}
	}
}
