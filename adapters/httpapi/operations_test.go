package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/buildinfo"
)

func TestHealth(t *testing.T) {
	down := func(context.Context) error { return errors.New("dial tcp 127.0.0.1:6379: connection refused") }
	rec := call(newAPIWith(newMemJobs(), newMemJobs(), down, prometheus.NewRegistry()), http.MethodGet, "/health", "", "", nil)
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("GET /health = %d %s, want 200 JSON", rec.Code, rec.Body)
	}
	if diff := cmp.Diff(map[string]string{"status": "ok", "version": buildinfo.Version()}, got); diff != "" {
		t.Errorf("GET /health while Valkey is down (-want +got):\n%s", diff)
	}
}

func TestReady(t *testing.T) {
	tests := []struct {
		name     string
		give     error // what the ReadyFunc answers
		want     int
		wantCode string // the error code, "" for 200
	}{
		{name: "Valkey answers", give: nil, want: http.StatusOK},
		{name: "Valkey down", give: errors.New("dial tcp 127.0.0.1:6379: connection refused"), want: http.StatusServiceUnavailable, wantCode: "not_ready"},
		{name: "ping timed out", give: context.DeadlineExceeded, want: http.StatusServiceUnavailable, wantCode: "not_ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []context.Context
			ready := func(ctx context.Context) error { asked = append(asked, ctx); return tt.give }
			rec := call(newAPIWith(newMemJobs(), newMemJobs(), ready, prometheus.NewRegistry()), http.MethodGet, "/ready", "", "", nil)

			if rec.Code != tt.want {
				t.Fatalf("GET /ready with ReadyFunc = %v: %d %s, want %d", tt.give, rec.Code, rec.Body, tt.want)
			}
			var body struct {
				Status string
				Error  struct{ Code string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("GET /ready body %s: %v", rec.Body, err)
			}
			if body.Error.Code != tt.wantCode {
				t.Errorf("GET /ready with ReadyFunc = %v: code %q, want %q", tt.give, body.Error.Code, tt.wantCode)
			}
			if strings.Contains(rec.Body.String(), "6379") {
				t.Errorf("GET /ready body = %s, want no internal address", rec.Body)
			}
			if len(asked) != 1 || asked[0] == nil {
				t.Errorf("GET /ready asked the ReadyFunc %d times, want once with the request's context", len(asked))
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	jobs := prometheus.NewCounter(prometheus.CounterOpts{Name: "recipe_jobs_submitted_total", Help: "Jobs accepted."})
	reg.MustRegister(jobs)
	jobs.Add(3)
	rec := call(newAPIWith(newMemJobs(), newMemJobs(), func(context.Context) error { return nil }, reg), http.MethodGet, "/metrics", "", "", nil)

	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %q, want 200 text/plain", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{"# TYPE recipe_jobs_submitted_total counter", "recipe_jobs_submitted_total 3"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET /metrics body = %s, want a line %q", rec.Body, want)
		}
	}
}

func TestOperationsRouter(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "recipe_worker_busy", Help: "Jobs running."}))
	h := httpapi.NewOperationsRouter(httpapi.NewOperations(func(context.Context) error { return nil }, reg, reg), zap.NewNop())
	tests := []struct {
		method   string
		path     string
		want     int
		wantText string
	}{
		{method: http.MethodGet, path: "/health", want: http.StatusOK, wantText: `"ok"`},
		{method: http.MethodGet, path: "/ready", want: http.StatusOK, wantText: `"ready"`},
		{method: http.MethodGet, path: "/metrics", want: http.StatusOK, wantText: "recipe_worker_busy 0"},
		{method: http.MethodPost, path: "/v1/recipe/generate", want: http.StatusNotFound, wantText: `"not_found"`},
		{method: http.MethodGet, path: "/docs/index.html", want: http.StatusNotFound, wantText: `"not_found"`},
		{method: http.MethodDelete, path: "/health", want: http.StatusMethodNotAllowed, wantText: `"method_not_allowed"`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := call(h, tt.method, tt.path, "application/json", `{"ingredients": ["계란"]}`, nil)
			if rec.Code != tt.want || !strings.Contains(rec.Body.String(), tt.wantText) {
				t.Errorf("worker %s %s = %d %s, want %d containing %s", tt.method, tt.path, rec.Code, rec.Body, tt.want, tt.wantText)
			}
		})
	}
}
