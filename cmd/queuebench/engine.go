package main

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/ai/offline"
)

// benchEngine measures the offline engine on the benchmark's request: time, bytes and
// allocations per Generate, each rep a testing.Benchmark run.
func benchEngine(r *reporter) error {
	req, err := parseBody(payload)
	if err != nil {
		return err
	}
	gen := offline.New()
	var us, bytes, allocs []float64
	var model string
	for rep := 1; rep <= r.s.reps; rep++ {
		progressf("rep %d/%d: offline engine", rep, r.s.reps)
		res := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := gen.Generate(context.Background(), req)
				if err != nil {
					b.Fatal(err)
				}
				model = out.Model
			}
		})
		if res.N == 0 {
			return fmt.Errorf("offline engine benchmark did not run")
		}
		us = append(us, float64(res.NsPerOp())/float64(time.Microsecond))
		bytes = append(bytes, float64(res.AllocedBytesPerOp()))
		allocs = append(allocs, float64(res.AllocsPerOp()))
	}
	for _, m := range []struct {
		name, unit string
		runs       []float64
	}{{"engine_generate", "us", us}, {"engine_bytes", "B/op", bytes}, {"engine_allocs", "allocs/op", allocs}} {
		r.print(map[string]any{
			"schema": "recipe-engine-bench/v1", "library": "recipe-offline-engine", "library_version": r.commit,
			"runtime": runtime.Version(), "measurement": m.name, "variant": "default", "unit": m.unit, "better": "lower",
			"runs": rounded(m.runs), "median": round(median(m.runs)), "min": round(minOf(m.runs)), "max": round(maxOf(m.runs)),
			"params": map[string]any{"catalogue": model, "ingredients": req.Ingredients.Len(), "reps": r.s.reps},
			"host":   map[string]any{"cpus": runtime.NumCPU()}, "time": time.Now().UTC().Format(time.RFC3339),
		})
	}
	return nil
}
