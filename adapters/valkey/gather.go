package valkey

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
