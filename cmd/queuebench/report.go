package main

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// reporter prints measurements as peers-queue-bench/v1 JSON lines.
type reporter struct {
	s            settings
	commit       string
	client       string
	redisVersion string
	payloadBytes int
}

func newReporter(ctx context.Context, rdb *redis.Client, s settings) *reporter {
	r := &reporter{s: s, commit: gitCommit(), client: "go-redis", payloadBytes: len(jobBody(s.n, time.Now().UnixMicro()))}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/redis/go-redis/v9" {
				r.client = "go-redis " + dep.Version
			}
		}
	}
	for _, line := range strings.Split(rdb.Info(ctx, "server").Val(), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			r.redisVersion = v
		}
	}
	return r
}

// line prints one measurement of the default variant; extra params join the common ones.
func (r *reporter) line(measurement, unit, better string, runs []float64, extra map[string]any) {
	r.lineAs("default", measurement, unit, better, runs, extra)
}

// lineAs prints one measurement of the named variant; extra params join (and override)
// the common ones.
func (r *reporter) lineAs(variant, measurement, unit, better string, runs []float64, extra map[string]any) {
	params := map[string]any{"n": r.s.n, "concurrency": r.s.conc, "payload_bytes": r.payloadBytes, "reps": r.s.reps}
	for k, v := range extra {
		params[k] = v
	}
	r.print(map[string]any{
		"schema": "peers-queue-bench/v1", "library": "recipe-queue", "library_version": r.commit,
		"client": r.client, "runtime": runtime.Version(), "redis_version": r.redisVersion,
		"measurement": measurement, "variant": variant, "unit": unit, "better": better,
		"runs": rounded(runs), "median": round(median(runs)), "min": round(minOf(runs)), "max": round(maxOf(runs)),
		"params": params, "host": map[string]any{"cpus": runtime.NumCPU()},
		"time": time.Now().UTC().Format(time.RFC3339),
	})
}

func (r *reporter) print(v map[string]any) {
	data, _ := json.Marshal(v)
	_, _ = os.Stdout.Write(append(data, '\n'))
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile returns the p-th percentile (0..100) of sorted xs, nearest rank.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func minOf(xs []float64) float64 { return slices.Min(xs) }
func maxOf(xs []float64) float64 { return slices.Max(xs) }

func round(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

func rounded(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = round(x)
	}
	return out
}
