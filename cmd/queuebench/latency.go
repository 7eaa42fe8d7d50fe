package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

type latencies struct{ p50, p95, p99 float64 } // ms

// measureLatency runs an open-loop producer at latRate jobs/s while a worker runs, and
// takes the percentiles of handler start minus enqueue time.
func measureLatency(ctx context.Context, rdb *redis.Client, s settings) (latencies, error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return latencies{}, err
	}
	p, err := newProducer(s)
	if err != nil {
		return latencies{}, err
	}
	defer p.rdb.Close()
	w, err := startWorker(s, recordLatencyEnv+"=true")
	if err != nil {
		return latencies{}, err
	}
	interval := time.Second / time.Duration(s.latRate)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, s.latN)
	for i := range s.latN {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		wg.Go(func() {
			if err := p.submit(ctx, i+1); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		_, _ = w.stop()
		return latencies{}, err
	}
	if err := waitDrained(ctx, rdb, time.Minute); err != nil {
		_, _ = w.stop()
		return latencies{}, err
	}
	us, err := w.stop()
	if err != nil {
		return latencies{}, err
	}
	if len(us) != s.latN {
		return latencies{}, fmt.Errorf("worker measured %d jobs, want %d", len(us), s.latN)
	}
	slices.Sort(us)
	return latencies{p50: percentile(us, 50) / 1000, p95: percentile(us, 95) / 1000, p99: percentile(us, 99) / 1000}, nil
}
