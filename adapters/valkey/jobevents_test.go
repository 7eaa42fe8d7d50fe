package valkey_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// recipe_jobs_total counts each event where it happens: enqueued and cancelled on the
// api's queue, the rest on the worker, once per job event however many scripts ran.
func TestJobEventsAreCountedWhereTheyHappen(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_ATTEMPTS": "2"})
	apiReg := prometheus.NewPedanticRegistry()
	valkey.CountJobEvents(f.queue, apiReg)
	f.gen.on("flaky", func(_ context.Context, call int) error {
		if call == 1 {
			return errors.New("status 500")
		}
		return nil
	})
	f.gen.on("bad-key", func(context.Context, int) error { return fmt.Errorf("bad key: %w", application.ErrPermanent) })
	f.gen.on("cooling", func(_ context.Context, call int) error {
		if call == 1 {
			return skipped(50 * time.Millisecond)
		}
		return nil
	})

	ctx := context.Background()
	sub := application.Submission{IdempotencyKey: "once"}
	ok, err := f.gens.Submit(ctx, request(t, "ok"), sub)
	if err != nil {
		t.Fatalf("Submit(ok) error = %v", err)
	}
	if again, err := f.gens.Submit(ctx, request(t, "ok"), sub); err != nil || again.ID != ok.ID {
		t.Fatalf("Submit(replay) = %s, %v; want %s", again.ID, err, ok.ID)
	}
	cancelled := f.submit("cancel-me")
	if _, err := f.gens.Cancel(ctx, cancelled); err != nil {
		t.Fatalf("Cancel(pending) error = %v", err)
	}
	flaky, bad, cooling := f.submit("flaky"), f.submit("bad-key"), f.submit("cooling")

	f.consumer()
	for _, id := range []domain.JobID{ok.ID, flaky, cooling} {
		f.waitState(id, domain.StateCompleted)
	}
	f.waitState(bad, domain.StateFailed)

	wantAPI := `
# HELP recipe_jobs_total Job lifecycle events, counted by the binary where they happen: the api counts enqueued and cancelled, the worker started, completed, failed, retried and deferred (a wait that spent no attempt).
# TYPE recipe_jobs_total counter
recipe_jobs_total{event="cancelled"} 1
recipe_jobs_total{event="enqueued"} 5
`
	if err := testutil.GatherAndCompare(apiReg, strings.NewReader(wantAPI), "recipe_jobs_total"); err != nil {
		t.Errorf("api's recipe_jobs_total: %v", err)
	}
	// ok 1, flaky 2, bad-key 1, cooling 2 runs; the cancelled job never starts.
	wantWorker := `
# HELP recipe_jobs_total Job lifecycle events, counted by the binary where they happen: the api counts enqueued and cancelled, the worker started, completed, failed, retried and deferred (a wait that spent no attempt).
# TYPE recipe_jobs_total counter
recipe_jobs_total{event="completed"} 3
recipe_jobs_total{event="deferred"} 1
recipe_jobs_total{event="failed"} 1
recipe_jobs_total{event="retried"} 1
recipe_jobs_total{event="started"} 6
`
	// The last end is counted once its script has answered, just after the state changed.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := testutil.GatherAndCompare(f.reg, strings.NewReader(wantWorker), "recipe_jobs_total")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("worker's recipe_jobs_total: %v", err)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}
