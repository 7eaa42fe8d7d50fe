package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// discardJobs accepts every job and keeps none: the queue costs nothing, so a benchmark
// measures the api's own work.
type discardJobs struct{}

func (discardJobs) Enqueue(_ context.Context, job domain.Job, _ application.Idempotency) (domain.JobID, error) {
	return job.ID, nil
}

func (discardJobs) Cancel(context.Context, domain.JobID) (domain.JobStatus, error) {
	return domain.JobStatus{}, domain.ErrNotFound
}

func (discardJobs) Status(context.Context, domain.JobID) (domain.JobStatus, error) {
	return domain.JobStatus{}, domain.ErrNotFound
}

// grantingCounter grants every request asked for.
type grantingCounter struct{}

func (grantingCounter) Take(_ context.Context, _ application.Budget, _ string, want int) (application.RateTake, error) {
	return application.RateTake{Granted: want, Remaining: 1 << 20, ResetAfter: time.Second}, nil
}

// BenchmarkCreateGeneration is one POST /v1/recipe/generate through the api's router,
// middleware and rate limits (far above the load), with the request body of `make
// bench`, on a queue that costs nothing: the api's CPU and allocations per accepted job,
// without the network and Valkey.
func BenchmarkCreateGeneration(b *testing.B) {
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"RATE_LIMIT_GENERATE": "1000000/s", "RATE_LIMIT_STATUS": "1000000/s"}[k]
	})
	if err != nil {
		b.Fatal(err)
	}
	log := zap.NewNop()
	g := application.NewGenerations(discardJobs{}, discardJobs{}, nil, nil)
	limits := httpapi.NewLimits(application.NewLeasedLimiter(grantingCounter{}, nil), cfg, log)
	h := httpapi.NewRouter(httpapi.NewHandler(g, application.NewStreams(discardJobs{}, silentFeed{}, 0), log),
		httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry()),
		nil, limits, log)
	const body = `{"userId":"user-42","ingredients":["계란","대파","김치","밥","양파","돼지고기","두부","고추장","간장","참기름","마늘"],` +
		`"preferences":{"dietary":"none","cuisine":"korean","allergies":["땅콩"],"maxCookingTime":30,"servings":2,"language":"ko"}}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/recipe/generate", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
