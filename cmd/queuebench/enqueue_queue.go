package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// measureEnqueueQueue measures the queue port alone: the requests are decoded and
// validated before the clock starts, as peer queues enqueue an opaque payload, and conc
// producers call Queue.Enqueue once per job (job record, list push, backpressure check).
func measureEnqueueQueue(ctx context.Context, rdb *redis.Client, s settings) (float64, error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return 0, err
	}
	cfg, err := benchConfig(s, map[string]string{"QUEUE_MAX_LENGTH": strconv.Itoa(10 * max(s.n, s.latN))})
	if err != nil {
		return 0, err
	}
	client, err := valkey.NewClient(cfg, s.conc+10)
	if err != nil {
		return 0, err
	}
	defer client.Close()
	q := valkey.NewQueue(client, cfg)
	defer q.Close()

	jobs := make([]domain.Job, s.n)
	now := time.Now()
	for i := range jobs {
		req, err := parseBody(jobBody(i+1, now.UnixMicro()))
		if err != nil {
			return 0, err
		}
		jobs[i] = domain.NewJob(domain.NewJobID(), req, "bench-"+strconv.Itoa(i+1), now)
	}

	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, s.conc)
	start := time.Now()
	for range s.conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				if _, err := q.Enqueue(ctx, jobs[i], application.Idempotency{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	if got := rdb.LLen(ctx, "recipe:{"+benchQueue+"}:pending").Val(); got != int64(s.n) {
		return 0, fmt.Errorf("pending list holds %d jobs, want %d", got, s.n)
	}
	return float64(s.n) / took.Seconds(), nil
}
