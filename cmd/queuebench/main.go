// Command queuebench measures the job queue through the service's real enqueue path and
// a real worker process, and prints one JSON line per measurement (schema
// peers-queue-bench/v1) on stdout; progress goes to stderr. It also measures the offline
// recipe engine, and how soon streamed recipes reach a client (stream.go). Settings come
// from PEERS_* variables; see README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/domain"
)

// settings are the benchmark's sizes, from the environment.
type settings struct {
	addr    string
	db      int
	n       int
	conc    int
	reps    int
	latN    int
	latRate int
	only    string // PEERS_MEASURE: enqueue, enqueue_queue, drain, latency, http, stream, sse_idle, sse_latency (sse: both), worker_cpu or engine alone; all when empty

	sseStreams    int // idle event streams held by one api process
	sseLatStreams int // streams open while the event latency is measured
	sseEvents     int // progress reports whose delay is measured
	sseRate       int // progress reports per second
	// httpTime and httpThreads: each HTTP load's length and wrk's threads.
	httpTime    time.Duration
	httpThreads int
}

// measures reports whether the run includes the named phase.
func (s settings) measures(phase string) bool {
	return s.only == "" || s.only == phase || (s.only == "sse" && strings.HasPrefix(phase, "sse_"))
}

func loadSettings() settings {
	return settings{
		addr:    envOr("PEERS_REDIS_ADDR", "127.0.0.1:6390"),
		db:      envInt("PEERS_REDIS_DB", 0),
		n:       envInt("PEERS_N", 20000),
		conc:    envInt("PEERS_CONC", 50),
		reps:    envInt("PEERS_REPS", 3),
		latN:    envInt("PEERS_LAT_N", 2000),
		latRate: envInt("PEERS_LAT_RATE", 500),
		only:    os.Getenv("PEERS_MEASURE"),

		sseStreams:    envInt("PEERS_SSE_STREAMS", 10000),
		sseLatStreams: envInt("PEERS_SSE_LAT_STREAMS", 1000),
		sseEvents:     envInt("PEERS_SSE_EVENTS", 2000),
		sseRate:       envInt("PEERS_SSE_RATE", 500),
		httpTime:      time.Duration(envInt("PEERS_HTTP_SECONDS", 10)) * time.Second,
		httpThreads:   envInt("PEERS_HTTP_THREADS", 2),
	}
}

func main() {
	if os.Getenv(workerRoleEnv) != "" {
		if err := runWorker(); err != nil {
			fmt.Fprintln(os.Stderr, "queuebench worker:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "queuebench:", err)
		os.Exit(1)
	}
}

func run() error {
	s := loadSettings()
	stop, err := ensureServer(s.addr)
	if err != nil {
		return err
	}
	defer stop()
	rdb := redis.NewClient(&redis.Options{Addr: s.addr, DB: s.db, PoolSize: s.conc + 10})
	defer rdb.Close()
	ctx := context.Background()
	r := newReporter(ctx, rdb, s)

	enqueue := make([]float64, 0, s.reps)
	enqueueQueue := make([]float64, 0, s.reps)
	drain := make([]float64, 0, s.reps)
	rss := make([]float64, 0, s.reps)
	var p50, p95, p99 []float64
	var httpReps []httpRep
	hb, cleanup, err := httpSetup(s)
	if err != nil {
		return err
	}
	defer cleanup()
	for rep := 1; rep <= s.reps; rep++ {
		if s.measures("enqueue") {
			progressf("rep %d/%d: enqueue %d jobs with %d producers", rep, s.reps, s.n, s.conc)
			rate, err := measureEnqueue(ctx, rdb, s)
			if err != nil {
				return fmt.Errorf("enqueue: %w", err)
			}
			enqueue = append(enqueue, rate)
		}
		if s.measures("enqueue_queue") {
			progressf("rep %d/%d: enqueue %d validated jobs through the queue port with %d producers", rep, s.reps, s.n, s.conc)
			rate, err := measureEnqueueQueue(ctx, rdb, s)
			if err != nil {
				return fmt.Errorf("enqueue_queue: %w", err)
			}
			enqueueQueue = append(enqueueQueue, rate)
		}
		if s.measures("drain") {
			progressf("rep %d/%d: drain %d jobs with one worker process", rep, s.reps, s.n)
			rate, peak, err := measureDrain(ctx, rdb, s)
			if err != nil {
				return fmt.Errorf("drain: %w", err)
			}
			drain, rss = append(drain, rate), append(rss, peak)
		}
		if s.measures("latency") {
			progressf("rep %d/%d: latency of %d jobs at %d jobs/s", rep, s.reps, s.latN, s.latRate)
			lat, err := measureLatency(ctx, rdb, s)
			if err != nil {
				return fmt.Errorf("latency: %w", err)
			}
			p50, p95, p99 = append(p50, lat.p50), append(p95, lat.p95), append(p99, lat.p99)
		}
		if hb != nil {
			progressf("rep %d/%d: HTTP with wrk, %d connections", rep, s.reps, s.conc)
			h, err := measureHTTP(ctx, hb, s)
			if err != nil {
				return fmt.Errorf("http: %w", err)
			}
			httpReps = append(httpReps, h)
		}
	}
	if len(enqueue) > 0 {
		r.line("enqueue", "jobs/s", "higher", enqueue, nil)
	}
	if len(enqueueQueue) > 0 {
		r.line("enqueue_queue", "jobs/s", "higher", enqueueQueue, map[string]any{"validated_before_timing": true})
	}
	if len(drain) > 0 {
		r.line("drain", "jobs/s", "higher", drain, map[string]any{"worker_processes": 1})
		r.line("worker_peak_rss", "MiB", "lower", rss, map[string]any{"worker_processes": 1})
	}
	if len(p50) > 0 {
		lat := map[string]any{"n": s.latN, "rate": s.latRate, "worker_processes": 1}
		r.line("latency_p50", "ms", "lower", p50, lat)
		r.line("latency_p95", "ms", "lower", p95, lat)
		r.line("latency_p99", "ms", "lower", p99, lat)
	}
	if len(httpReps) > 0 {
		reportHTTP(r, s, httpReps)
	}
	if s.measures("stream") {
		if err := benchStream(ctx, rdb, r); err != nil {
			return fmt.Errorf("stream: %w", err)
		}
	}
	if err := benchStreams(ctx, rdb, r, s); err != nil {
		return err
	}
	if s.measures("worker_cpu") {
		if err := benchWorkerCPU(ctx, rdb, r, s); err != nil {
			return err
		}
	}
	if !s.measures("engine") {
		return nil
	}
	return benchEngine(r)
}

// benchStreams measures the api binary's event streams: the memory of idle streams and
// the delay of a progress report.
func benchStreams(ctx context.Context, rdb *redis.Client, r *reporter, s settings) error {
	if !s.measures("sse_idle") && !s.measures("sse_latency") {
		return nil
	}
	if maxEvents := s.sseLatStreams * (99 - domain.ProgressGenerating); s.sseEvents > maxEvents {
		return fmt.Errorf("PEERS_SSE_EVENTS: at most %d with %d streams (progress stops at 99)", maxEvents, s.sseLatStreams)
	}
	bin, done, err := commandBinary("PEERS_API_BIN", "api")
	if err != nil {
		return err
	}
	defer done()
	var rss, peak []float64
	var p50, p95, p99 []float64
	for rep := 1; rep <= s.reps; rep++ {
		if s.measures("sse_idle") {
			progressf("rep %d/%d: %d idle event streams on one api process", rep, s.reps, s.sseStreams)
			m, err := measureIdleStreams(ctx, rdb, s, bin)
			if err != nil {
				return fmt.Errorf("sse_idle: %w", err)
			}
			rss, peak = append(rss, m.rss), append(peak, m.peak)
		}
		if s.measures("sse_latency") {
			progressf("rep %d/%d: delay of %d progress reports at %d/s with %d streams open", rep, s.reps, s.sseEvents, s.sseRate, s.sseLatStreams)
			lat, err := measureEventLatency(ctx, rdb, s, bin)
			if err != nil {
				return fmt.Errorf("sse_latency: %w", err)
			}
			p50, p95, p99 = append(p50, lat.p50), append(p95, lat.p95), append(p99, lat.p99)
		}
	}
	if len(rss) > 0 {
		idle := map[string]any{"n": s.sseStreams, "concurrency": streamOpeners, "api_processes": 1, "target_mib": 150}
		r.line("sse_idle_streams_rss", "MiB", "lower", rss, idle)
		r.line("sse_idle_streams_peak_rss", "MiB", "lower", peak, idle)
	}
	if len(p50) > 0 {
		lat := map[string]any{"n": s.sseEvents, "concurrency": s.sseLatStreams, "streams": s.sseLatStreams,
			"rate": s.sseRate, "api_processes": 1, "target_p99_ms": 10}
		r.line("sse_event_latency_p50", "ms", "lower", p50, lat)
		r.line("sse_event_latency_p95", "ms", "lower", p95, lat)
		r.line("sse_event_latency_p99", "ms", "lower", p99, lat)
	}
	return nil
}

func progressf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	n, err := strconv.Atoi(os.Getenv(name))
	if err != nil || n <= 0 {
		return def
	}
	return n
}

// gitCommit names the code measured.
func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
