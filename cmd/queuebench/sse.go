package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/domain"
)

// streamOpeners is how many clients open streams at once.
const streamOpeners = 100

// maxWorkerConcurrency is the most jobs one worker process runs (WORKER_CONCURRENCY).
const maxWorkerConcurrency = 1000

// idleMemory is what one api process holds with many idle streams open, in MiB.
type idleMemory struct{ rss, peak float64 }

// measureIdleStreams starts the api binary, queues sseStreams jobs through the real
// enqueue path, opens one stream per job, each on its own connection, and reads the
// api's VmRSS and VmHWM once every stream has had its first event and is idle.
func measureIdleStreams(ctx context.Context, rdb *redis.Client, s settings, bin string) (idleMemory, error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return idleMemory{}, err
	}
	api, err := startAPI(s, bin)
	if err != nil {
		return idleMemory{}, err
	}
	defer api.stop()
	before, _, err := api.memory()
	if err != nil {
		return idleMemory{}, err
	}
	ids, err := submitJobs(ctx, s, s.sseStreams)
	if err != nil {
		return idleMemory{}, err
	}
	start := time.Now()
	streams, err := openStreams(api.addr, ids, domain.StatePending)
	defer closeStreams(streams)
	if err != nil {
		return idleMemory{}, err
	}
	progressf("opened %d streams in %v", len(streams), time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * time.Second) // idle: nothing changes, the stream goroutines are parked
	if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", api.cmd.Process.Pid)); err != nil || len(fds) < len(streams) {
		return idleMemory{}, fmt.Errorf("api holds %d descriptors for %d streams (%w)", len(fds), len(streams), err)
	}
	rss, peak, err := api.memory()
	if err != nil {
		return idleMemory{}, err
	}
	progressf("api: VmRSS %.1f MiB before, %.1f MiB with %d streams open (%.1f KiB a stream); VmHWM %.1f MiB",
		before, rss, len(streams), (rss-before)*1024/float64(len(streams)), peak)
	return idleMemory{rss: rss, peak: peak}, nil
}

// measureEventLatency measures how long a worker's progress write takes to reach a
// client: sseLatStreams jobs run on real worker processes whose provider holds them,
// one stream follows each, and the benchmark writes progress reports through the
// service's progress script under each job's lease, open-loop at sseRate, to the jobs in
// turn. A delay runs from just before the script call to the client's reading of the
// status event, so it includes the script's own round trip, the announcement, the api's
// read of the job and the event's way to the client.
func measureEventLatency(ctx context.Context, rdb *redis.Client, s settings, bin string) (latencies, error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return latencies{}, err
	}
	n := s.sseLatStreams
	api, err := startAPI(s, bin)
	if err != nil {
		return latencies{}, err
	}
	defer api.stop()
	ids, err := submitJobs(ctx, s, n)
	if err != nil {
		return latencies{}, err
	}
	var workers []*workerProcess
	defer func() {
		for _, w := range workers {
			_, _ = w.stop()
		}
	}()
	for left := n; left > 0; left -= maxWorkerConcurrency {
		w, err := startWorker(s, blockEnv+"=true", "SHUTDOWN_TIMEOUT=1s",
			fmt.Sprintf("WORKER_CONCURRENCY=%d", min(left, maxWorkerConcurrency)))
		if err != nil {
			return latencies{}, err
		}
		workers = append(workers, w)
	}
	tokens, err := waitRunning(ctx, s, ids)
	if err != nil {
		return latencies{}, err
	}
	streams, err := openStreams(api.addr, ids, domain.StateProcessing)
	if err != nil {
		closeStreams(streams)
		return latencies{}, err
	}

	// Report i goes to job i mod n with progress first + i/n: each report moves its job
	// forward, and the reports of one job lie n/sseRate apart, so none coalesce.
	first := domain.ProgressGenerating + 1
	sent := make([]atomic.Int64, s.sseEvents) // µs
	got := make([]atomic.Int64, s.sseEvents)  // µs
	var readers sync.WaitGroup
	for j, st := range streams {
		readers.Go(func() {
			for {
				ev, err := st.next()
				if err != nil {
					return // closed at the end
				}
				if i := (ev.progress-first)*n + j; ev.name == "status" && i >= 0 && i < len(got) {
					got[i].Store(time.Now().UnixMicro())
				}
			}
		})
	}
	defer readers.Wait()
	defer closeStreams(streams)

	cli, err := valkeyClient(s)
	if err != nil {
		return latencies{}, err
	}
	defer cli.Close()
	interval := time.Second / time.Duration(s.sseRate)
	start := time.Now()
	var writers sync.WaitGroup
	errs := make(chan error, s.sseEvents)
	for i := range s.sseEvents {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		writers.Go(func() {
			j := i % n
			sent[i].Store(time.Now().UnixMicro())
			written, err := valkey.WriteProgress(ctx, cli, benchQueue, ids[j], tokens[j], first+i/n)
			if err == nil && !written {
				err = fmt.Errorf("progress %d of job %s was not written", first+i/n, ids[j])
			}
			if err != nil {
				errs <- err
			}
		})
	}
	writers.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return latencies{}, err
	}
	missing := 0
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		missing = 0
		for i := range got {
			if got[i].Load() == 0 {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
	}
	if missing > 0 {
		return latencies{}, fmt.Errorf("%d of %d progress events never reached their stream", missing, len(got))
	}
	ms := make([]float64, len(got))
	for i := range got {
		ms[i] = float64(got[i].Load()-sent[i].Load()) / 1000
	}
	slices.Sort(ms)
	return latencies{p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99)}, nil
}

// submitJobs queues n jobs through the real enqueue path and returns their ids in order.
func submitJobs(ctx context.Context, s settings, n int) ([]domain.JobID, error) {
	p, err := newProducer(s)
	if err != nil {
		return nil, err
	}
	defer p.rdb.Close()
	ids := make([]domain.JobID, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, s.conc)
	for range s.conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				id, err := p.submitJob(ctx, i+1)
				if err != nil {
					errs <- err
					return
				}
				ids[i] = id
			}
		})
	}
	wg.Wait()
	close(errs)
	return ids, <-errs
}

// waitRunning waits until every job runs on a worker and shows the progress a worker
// reports when it asks the providers, and returns the jobs' lease tokens.
func waitRunning(ctx context.Context, s settings, ids []domain.JobID) ([]string, error) {
	p, err := newProducer(s)
	if err != nil {
		return nil, err
	}
	defer p.rdb.Close()
	tokens := make([]string, len(ids))
	deadline := time.Now().Add(time.Minute)
	for j, id := range ids {
		for {
			st, err := p.gens.Status(ctx, id)
			if err != nil {
				return nil, err
			}
			if st.Status.State() == domain.StateProcessing && st.Status.Progress() >= domain.ProgressGenerating {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("job %s is %s at %d%%, not running, after a minute", id, st.Status.State(), st.Status.Progress())
			}
			time.Sleep(10 * time.Millisecond)
		}
		if tokens[j], err = valkey.LeaseToken(ctx, p.rdb, benchQueue, id); err != nil {
			return nil, fmt.Errorf("lease of job %s: %w", id, err)
		}
	}
	return tokens, nil
}

// openStreams opens one stream per job, streamOpeners at a time, and checks that each
// first event is the job's status in state want. On an error it returns the streams
// opened so far, for the caller to close.
func openStreams(addr string, ids []domain.JobID, want domain.State) ([]*stream, error) {
	streams := make([]*stream, len(ids))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, streamOpeners)
	for range min(streamOpeners, len(ids)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) {
					return
				}
				st, ev, err := openStream(addr, ids[i])
				if err == nil && (ev.name != "status" || ev.state != string(want)) {
					st.close()
					err = fmt.Errorf("first event of %s: %s %s, want status %s", ids[i], ev.name, ev.state, want)
				}
				if err != nil {
					errs <- err
					next.Store(int64(len(ids))) // the others stop too
					return
				}
				streams[i] = st
			}
		})
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return slices.DeleteFunc(streams, func(st *stream) bool { return st == nil }), errors.Join(all...)
}

func closeStreams(streams []*stream) {
	for _, st := range streams {
		st.close()
	}
}

// valkeyClient is a client of the benchmark's server as the service builds one.
func valkeyClient(s settings) (redis.UniversalClient, error) {
	cfg, err := benchConfig(s, nil)
	if err != nil {
		return nil, err
	}
	return valkey.NewClient(cfg, s.conc+10)
}
