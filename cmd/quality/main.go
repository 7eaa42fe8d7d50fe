// Command quality runs the offline engine over the everyday fridges of the quality suite
// and prints its figures as JSON lines on stdout, in the shape of the benchmark's
// recipe-engine-bench/v1 lines, and every fridge whose obvious dish did not come back as
// made from what the user has on stderr. It exits 1 when an answer breaks a constraint or
// suggests buying for a dish not built on the fridge.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/naengbu/recipe-ai/adapters/ai/offline"
	"github.com/naengbu/recipe-ai/adapters/ai/offline/quality"
	"github.com/naengbu/recipe-ai/domain"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quality:", err)
		os.Exit(1)
	}
}

func run() error {
	fridges, err := quality.Fridges()
	if err != nil {
		return err
	}
	gen := offline.New()
	rep, err := quality.Run(context.Background(), gen, domain.DefaultLexicon(), fridges)
	if err != nil {
		return err
	}
	params := map[string]any{"catalogue": rep.Model, "fridges": rep.Fridges}
	for name, g := range rep.Groups {
		params[name] = g.Fridges
	}
	for _, m := range []struct {
		name, unit, better string
		value              float64
	}{
		{"quality_obvious_any", "%", "higher", 100 * rep.HitRate()},
		{"quality_obvious_existing", "%", "higher", 100 * rep.ExistingRate()},
		{"quality_korean_existing", "%", "higher", 100 * groupRate(rep, "korean")},
		{"quality_western_existing", "%", "higher", 100 * groupRate(rep, "western")},
		{"quality_constraint_breaks", "count", "lower", float64(len(rep.Breaks))},
		{"quality_unrelated_additional", "count", "lower", float64(len(rep.Unrelated))},
	} {
		v := float64(int(m.value*10+0.5)) / 10
		line, _ := json.Marshal(map[string]any{
			"schema": "recipe-engine-bench/v1", "library": "recipe-offline-engine", "library_version": commit(),
			"runtime": runtime.Version(), "measurement": m.name, "variant": "default", "unit": m.unit, "better": m.better,
			"runs": []float64{v}, "median": v, "min": v, "max": v, "params": params,
			"host": map[string]any{"cpus": runtime.NumCPU()}, "time": time.Now().UTC().Format(time.RFC3339),
		})
		fmt.Println(string(line))
	}
	for _, m := range rep.Misses {
		fmt.Fprintln(os.Stderr, "miss:", m)
	}
	for _, u := range rep.Unknown {
		fmt.Fprintln(os.Stderr, "unknown dish:", u)
	}
	for _, b := range rep.Breaks {
		fmt.Fprintln(os.Stderr, "break:", b)
	}
	for _, u := range rep.Unrelated {
		fmt.Fprintln(os.Stderr, "unrelated:", u)
	}
	if len(rep.Breaks) > 0 || len(rep.Unrelated) > 0 {
		return fmt.Errorf("%d answers break a constraint, %d suggestions are not built on the fridge", len(rep.Breaks), len(rep.Unrelated))
	}
	return nil
}

func groupRate(rep quality.Report, name string) float64 {
	g := rep.Groups[name]
	if g == nil || g.Fridges == 0 {
		return 0
	}
	return float64(g.Existing) / float64(g.Fridges)
}

// commit is the checkout's short commit, as the benchmark names it; "unknown" outside one.
func commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
