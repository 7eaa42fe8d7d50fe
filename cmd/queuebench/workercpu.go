package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// workerEnv is the real worker's configuration for the benchmark's queue: the service's
// defaults (streaming on, its own concurrency, info logs) with the offline engine as the
// only provider.
func workerEnv(s settings) map[string]string {
	return map[string]string{
		"VALKEY_URL":   fmt.Sprintf("redis://%s/%d", s.addr, s.db),
		"QUEUE_NAME":   benchQueue,
		"AI_PROVIDERS": "offline",
	}
}

// workerCPURep is one drain of a backlog by the real worker binary.
type workerCPURep struct {
	perJob float64 // µs of the worker's CPU time per job, its start-up excluded
	rate   float64 // jobs/s from the worker's start to the last completion
	load1  float64
}

// benchWorkerCPU measures the real cmd/worker binary (or PEERS_WORKER_BIN) with the
// offline provider as deployed: s.n jobs are queued through the real enqueue path, the
// worker is started and drains them, and its CPU time (user and system, from /proc) is
// divided by the jobs. The CPU time one start takes on an empty queue is measured first
// and subtracted.
func benchWorkerCPU(ctx context.Context, rdb *redis.Client, r *reporter, s settings) error {
	bin, done, err := commandBinary("PEERS_WORKER_BIN", "worker")
	if err != nil {
		return err
	}
	defer done()
	startup, err := workerStartupCPU(ctx, rdb, s, bin)
	if err != nil {
		return err
	}
	var perJob, rate, load []float64
	for rep := 1; rep <= s.reps; rep++ {
		progressf("rep %d/%d: the worker binary drains %d offline jobs", rep, s.reps, s.n)
		m, err := measureWorkerCPU(ctx, rdb, s, bin, startup)
		if err != nil {
			return fmt.Errorf("worker_cpu: %w", err)
		}
		perJob, rate, load = append(perJob, m.perJob), append(rate, m.rate), append(load, m.load1)
	}
	params := map[string]any{"worker_processes": 1, "provider": "offline", "streaming": true,
		"startup_cpu_ms": startup.Milliseconds(), "host_load_1m": load}
	r.line("worker_job_cpu", "µs", "lower", perJob, params)
	r.line("worker_drain", "jobs/s", "higher", rate, params)
	return nil
}

// workerStartupCPU returns the CPU time the worker uses to start and become ready on an
// empty queue.
func workerStartupCPU(ctx context.Context, rdb *redis.Client, s settings, bin string) (time.Duration, error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return 0, err
	}
	w, err := startService(bin, workerEnv(s))
	if err != nil {
		return 0, err
	}
	defer w.stop()
	return w.cpuTime()
}

func measureWorkerCPU(ctx context.Context, rdb *redis.Client, s settings, bin string, startup time.Duration) (workerCPURep, error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return workerCPURep{}, err
	}
	p, err := newProducer(s)
	if err != nil {
		return workerCPURep{}, err
	}
	defer p.rdb.Close()
	if _, err := p.submitAll(ctx, s.n, s.conc); err != nil {
		return workerCPURep{}, err
	}
	load1 := loadAverage()
	start := time.Now()
	w, err := startService(bin, workerEnv(s))
	if err != nil {
		return workerCPURep{}, err
	}
	defer w.stop()
	if err := waitDrained(ctx, rdb, 5*time.Minute); err != nil {
		return workerCPURep{}, err
	}
	took := time.Since(start)
	cpu, err := w.cpuTime()
	if err != nil {
		return workerCPURep{}, err
	}
	if completed := countCompleted(ctx, rdb); completed != s.n {
		return workerCPURep{}, fmt.Errorf("%d jobs completed, want %d", completed, s.n)
	}
	return workerCPURep{
		perJob: float64((cpu - startup).Microseconds()) / float64(s.n),
		rate:   float64(s.n) / took.Seconds(),
		load1:  load1,
	}, nil
}
