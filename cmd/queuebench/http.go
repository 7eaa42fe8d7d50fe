package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	httpQueue = "queuebench-http"
	// httpRate is a request budget far above what one host can send, so the limiter runs
	// on every request and refuses none.
	httpRate = "1000000/s"
	// httpKeys is how many API keys the keyed variant spreads its requests over.
	httpKeys = 50
)

// httpRep is one repetition of the HTTP measurement.
type httpRep struct {
	post, status load
	alone        load    // POST with the worker stopped: the api's own capacity
	rss          float64 // the api's VmHWM, MiB, after the default loads
	keyed        *load   // nil when the api refused API_KEYS
	load1        float64 // the host's load average over a minute before the first load
}

// httpEnv is the api's and the worker's configuration: the service's defaults except for
// the queue (its own), its length (the offline worker drains slower than the api
// accepts, so a full queue would turn POSTs into 503s) and the rate limits (far above
// the load).
func httpEnv(addr string) map[string]string {
	return map[string]string{
		"VALKEY_URL":          "redis://" + addr + "/0",
		"QUEUE_NAME":          httpQueue,
		"QUEUE_MAX_LENGTH":    "100000000",
		"RATE_LIMIT_GENERATE": httpRate,
		"RATE_LIMIT_STATUS":   httpRate,
		"AI_PROVIDERS":        "offline",
	}
}

// httpBench is what the HTTP measurement runs on: the binaries and a Valkey server of
// its own, which no other benchmark flushes while the api uses it.
type httpBench struct {
	bin  string
	addr string
	rdb  *redis.Client
}

// httpProcs are the processes that share the host's cores during a load, besides wrk:
// their CPU time per request says where the cores went.
type httpProcs struct {
	api      *service
	worker   *service // nil while no worker runs
	redisPID int      // 0 when unknown
}

// measureHTTP runs one repetition: a fresh api and offline worker on a flushed database;
// GET of a completed job's status, then POST /v1/recipe/generate, each for s.httpTime
// with s.conc connections after a one-second warm-up; then POST again with the worker
// stopped; then, on an empty queue with a fresh worker and an api with API keys, POST
// again with the requests spread over httpKeys keys.
func measureHTTP(ctx context.Context, hb *httpBench, s settings) (httpRep, error) {
	if err := hb.rdb.FlushDB(ctx).Err(); err != nil {
		return httpRep{}, err
	}
	bin := hb.bin
	env := httpEnv(hb.addr)
	procs := httpProcs{redisPID: serverPID(ctx, hb.rdb)}
	worker, err := startService(bin+"/worker", env)
	if err != nil {
		return httpRep{}, err
	}
	defer func() { worker.stop() }()
	api, err := startService(bin+"/api", env)
	if err != nil {
		return httpRep{}, err
	}
	procs.api, procs.worker = api, worker
	body := strings.TrimSpace(string(payload))
	statusPath, err := completedJob(api, body)
	if err != nil {
		api.stop()
		return httpRep{}, err
	}
	rep := httpRep{load1: loadAverage()}
	get := request{method: "GET", path: statusPath}
	post := request{method: "POST", path: "/v1/recipe/generate", body: body}
	for _, m := range []struct {
		req request
		out *load
	}{{get, &rep.status}, {post, &rep.post}} {
		if *m.out, err = warmAndLoad(procs, m.req, s); err != nil {
			api.stop()
			return httpRep{}, fmt.Errorf("%s %s: %w", m.req.method, m.req.path, err)
		}
	}
	rep.rss, err = api.peakRSS()
	if err != nil {
		api.stop()
		return httpRep{}, err
	}
	worker.stop()
	procs.worker = nil
	rep.alone, err = warmAndLoad(procs, post, s)
	api.stop()
	if err != nil {
		return httpRep{}, fmt.Errorf("POST with the worker stopped: %w", err)
	}

	if err := hb.rdb.FlushDB(ctx).Err(); err != nil {
		return httpRep{}, err
	}
	if worker, err = startService(bin+"/worker", env); err != nil {
		return httpRep{}, err
	}
	keys := make([]string, httpKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench-%02d-%s", i+1, rand.Text())
	}
	env["API_KEYS"] = strings.Join(keys, ",")
	keyed, err := startService(bin+"/api", env)
	if errors.Is(err, errRefused) {
		progressf("skipping POST with API keys: %v", err)
		return rep, nil
	}
	if err != nil {
		return httpRep{}, err
	}
	defer keyed.stop()
	post.keys = keys
	l, err := warmAndLoad(httpProcs{api: keyed, worker: worker, redisPID: procs.redisPID}, post, s)
	if err != nil {
		return httpRep{}, fmt.Errorf("POST with API keys: %w", err)
	}
	rep.keyed = &l
	return rep, nil
}

// serverPID is the Valkey server's process id, from INFO; 0 when it cannot be read.
func serverPID(ctx context.Context, rdb *redis.Client) int {
	info, err := rdb.Info(ctx, "server").Result()
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "process_id:"); ok {
			pid, _ := strconv.Atoi(v)
			return pid
		}
	}
	return 0
}

// cpuTimes reads the CPU time each of the processes has used so far; an unknown one
// reads 0.
func (p httpProcs) cpuTimes() (api, worker, server time.Duration, err error) {
	if api, err = p.api.cpuTime(); err != nil {
		return 0, 0, 0, err
	}
	if p.worker != nil {
		if worker, err = p.worker.cpuTime(); err != nil {
			return 0, 0, 0, err
		}
	}
	if p.redisPID != 0 {
		if server, err = processCPU(p.redisPID); err != nil {
			return 0, 0, 0, err
		}
	}
	return api, worker, server, nil
}

// completed reads how many jobs the worker has completed so far; 0 while none runs.
func (p httpProcs) completed() (float64, error) {
	if p.worker == nil {
		return 0, nil
	}
	return p.worker.counter(`recipe_jobs_total{event="completed"}`)
}

func warmAndLoad(procs httpProcs, req request, s settings) (load, error) {
	api := procs.api
	if _, err := runWrk(api.url(""), req, time.Second, s.conc, s.httpThreads); err != nil {
		return load{}, err
	}
	progressf("  %s %s for %v with %d connections", req.method, req.path, s.httpTime, s.conc)
	apiBefore, workerBefore, serverBefore, err := procs.cpuTimes()
	if err != nil {
		return load{}, err
	}
	doneBefore, err := procs.completed()
	if err != nil {
		return load{}, err
	}
	l, err := runWrk(api.url(""), req, s.httpTime, s.conc, s.httpThreads)
	if err != nil {
		return load{}, err
	}
	apiAfter, workerAfter, serverAfter, err := procs.cpuTimes()
	if err != nil {
		return load{}, err
	}
	doneAfter, err := procs.completed()
	if err != nil {
		return load{}, err
	}
	l.Completed = int64(doneAfter - doneBefore)
	perRequest := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(l.Requests) }
	l.APICPU = perRequest(apiAfter - apiBefore)
	l.WorkerCPU = perRequest(workerAfter - workerBefore)
	l.ServerCPU = perRequest(serverAfter - serverBefore)
	progressf("  %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d not 2xx; CPU µs/request: api %.1f, worker %.1f, valkey %.1f, wrk %.1f; %.0f jobs/s completed",
		l.rate(), l.p50ms(), l.p99ms(), l.failed(), l.APICPU, l.WorkerCPU, l.ServerCPU, l.ClientCPU, l.completedRate())
	if l.failed() > 0 {
		progressf("  not 2xx: %d status ≥ 400 (now: %s), socket errors: %d connect, %d read, %d write, %d timeout",
			l.Status, sample(api, req), l.Connect, l.Read, l.Write, l.Timeout)
	}
	return l, nil
}

// httpReady says why the HTTP measurement cannot run, or nil.
func httpReady() error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed (make bench installs it with deployments/ensure-deps.sh wrk)")
	}
	return nil
}

// reportHTTP prints the HTTP lines: req/s, p50, p99, non-2xx and the api's CPU time per
// request, per route and variant, and the api's peak RSS.
func reportHTTP(r *reporter, s settings, reps []httpRep) {
	// The host is shared: its load before each repetition says how much else ran.
	loads := make([]float64, len(reps))
	for i, rep := range reps {
		loads[i] = rep.load1
	}
	params := func(route string, l func(httpRep) load, extra map[string]any) map[string]any {
		var n int64
		for _, rep := range reps {
			n += l(rep).Requests
		}
		p := map[string]any{
			"n": n / int64(len(reps)), "route": route, "duration_s": s.httpTime.Seconds(),
			"threads": s.httpThreads, "client": "wrk", "worker": "offline, running",
			"rate_limits": httpRate, "queue_max_length": 100000000, "host_load_1m": loads,
		}
		for k, v := range extra {
			p[k] = v
		}
		return p
	}
	routes := []struct {
		name, route, variant string
		body                 int
		pick                 func(httpRep) load
		extra                map[string]any
	}{
		{"http_status", "GET /v1/recipe/status/{jobId} (completed)", "default", 0, func(r httpRep) load { return r.status }, nil},
		{"http_generate", "POST /v1/recipe/generate", "default", len(strings.TrimSpace(string(payload))), func(r httpRep) load { return r.post }, nil},
		{"http_generate", "POST /v1/recipe/generate", "worker_stopped", len(strings.TrimSpace(string(payload))), func(r httpRep) load { return r.alone },
			map[string]any{"worker": "stopped"}},
		{"http_generate", "POST /v1/recipe/generate", "api_keys", len(strings.TrimSpace(string(payload))), func(r httpRep) load { return *r.keyed },
			map[string]any{"api_keys": httpKeys, "keys": "one per request in turn, each thread over all keys"}},
	}
	for _, rt := range routes {
		if rt.variant == "api_keys" && reps[0].keyed == nil {
			continue
		}
		p := params(rt.route, rt.pick, rt.extra)
		p["payload_bytes"] = rt.body
		collect := func(f func(load) float64) []float64 {
			out := make([]float64, len(reps))
			for i, rep := range reps {
				out[i] = f(rt.pick(rep))
			}
			return out
		}
		r.lineAs(rt.variant, rt.name, "req/s", "higher", collect(load.rate), p)
		r.lineAs(rt.variant, rt.name+"_p50", "ms", "lower", collect(load.p50ms), p)
		r.lineAs(rt.variant, rt.name+"_p99", "ms", "lower", collect(load.p99ms), p)
		r.lineAs(rt.variant, rt.name+"_non_2xx", "responses", "lower", collect(func(l load) float64 { return float64(l.failed()) }), p)
		r.lineAs(rt.variant, rt.name+"_api_cpu", "µs/request", "lower", collect(load.cpuUs), p)
		r.lineAs(rt.variant, rt.name+"_worker_cpu", "µs/request", "lower", collect(func(l load) float64 { return l.WorkerCPU }), p)
		r.lineAs(rt.variant, rt.name+"_valkey_cpu", "µs/request", "lower", collect(func(l load) float64 { return l.ServerCPU }), p)
		r.lineAs(rt.variant, rt.name+"_wrk_cpu", "µs/request", "lower", collect(func(l load) float64 { return l.ClientCPU }), p)
		if rt.name == "http_generate" && rt.variant != "worker_stopped" {
			r.lineAs(rt.variant, rt.name+"_worker_completed", "jobs/s", "higher", collect(load.completedRate), p)
		}
	}
	rss := make([]float64, len(reps))
	for i, rep := range reps {
		rss[i] = rep.rss
	}
	p := params("GET status, then POST", func(r httpRep) load { return r.post }, nil)
	p["payload_bytes"] = len(strings.TrimSpace(string(payload)))
	r.lineAs("default", "api_peak_rss", "MiB", "lower", rss, p)
}

// httpSetup prepares the HTTP measurement when the run includes it (nil when it does
// not): it builds the binaries, or takes those in PEERS_HTTP_BIN to compare two versions,
// and starts a throwaway Valkey server on a free port. The func undoes it all. Without
// wrk the measurement is left out with a line on stderr, unless it was asked for alone.
func httpSetup(s settings) (*httpBench, func(), error) {
	if !s.measures("http") {
		return nil, func() {}, nil
	}
	if err := httpReady(); err != nil {
		if s.only == "http" {
			return nil, nil, err
		}
		progressf("skipping the HTTP measurement: %v", err)
		return nil, func() {}, nil
	}
	var undo []func()
	cleanup := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	hb := &httpBench{bin: os.Getenv("PEERS_HTTP_BIN")}
	if hb.bin != "" {
		progressf("measuring the api and worker binaries in %s", hb.bin)
	} else {
		dir, err := os.MkdirTemp("", "queuebench-bin-")
		if err != nil {
			return nil, nil, err
		}
		undo = append(undo, func() { _ = os.RemoveAll(dir) })
		progressf("building bin/api and bin/worker for the HTTP measurement")
		if err := buildBinaries(dir); err != nil {
			cleanup()
			return nil, nil, err
		}
		hb.bin = dir
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	stop, err := ensureServer(addr)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	hb.addr = addr
	hb.rdb = redis.NewClient(&redis.Options{Addr: addr})
	undo = append(undo, stop, func() { hb.rdb.Close() })
	return hb, cleanup, nil
}

// loadAverage reads the host's load average over the last minute; 0 when unknown.
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	_, _ = fmt.Sscan(string(data), &l)
	return l
}

// sample sends req once more and describes the answer, to say what the failures were.
func sample(api *service, req request) string {
	r, err := http.NewRequest(req.method, api.url(req.path), strings.NewReader(req.body))
	if err != nil {
		return err.Error()
	}
	r.Header.Set("Content-Type", "application/json")
	if len(req.keys) > 0 {
		r.Header.Set("Authorization", "Bearer "+req.keys[0])
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	return fmt.Sprintf("%d %s", resp.StatusCode, body)
}
