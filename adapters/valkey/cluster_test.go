package valkey_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// TestQueueRunsOnValkeyCluster runs every script of the queue on a three-master cluster:
// all keys of a queue share one hash tag, so each script's keys live in one slot.
func TestQueueRunsOnValkeyCluster(t *testing.T) {
	addrs := valkeytest.StartCluster(t)
	srv := &valkeytest.Server{URL: "redis://" + addrs[0] + "/0"}
	f := newFixture(t, srv, map[string]string{"VALKEY_CLUSTER_ADDRS": strings.Join(addrs, ","), "JOB_ATTEMPTS": "2"})
	ctx := context.Background()
	f.gen.on("fails", func(context.Context, int) error { return errors.New("temporary") })

	done := f.submit("done")
	again, err := f.gens.Submit(ctx, request(t, "keyed"), application.Submission{IdempotencyKey: "k1"})
	if err != nil {
		t.Fatalf("Submit(keyed) error = %v", err)
	}
	if dup, err := f.gens.Submit(ctx, request(t, "keyed"), application.Submission{IdempotencyKey: "k1"}); err != nil || dup.ID != again.ID {
		t.Errorf("Submit(same key) = %s, %v; want %s", dup.ID, err, again.ID)
	}
	cancelled := f.submit("cancelled")
	if _, err := f.gens.Cancel(ctx, cancelled); err != nil {
		t.Fatalf("Cancel error = %v", err)
	}
	failed := f.submit("fails")

	f.consumer()
	for _, id := range []domain.JobID{done, again.ID} {
		if st := f.waitState(id, domain.StateCompleted); st.Result == nil {
			t.Errorf("job %s completed without a result", id)
		}
	}
	f.waitState(failed, domain.StateFailed) // a retry through the delayed set, then a dead letter
	if st, err := f.gens.Status(ctx, cancelled); err != nil || st.Status.State() != domain.StateCancelled {
		t.Errorf("Status(cancelled) = %v, %v; want cancelled", st.Status.State(), err)
	}
	dead, err := application.NewDeadLetters(f.queue).List(ctx, 0, 10)
	if err != nil || len(dead) != 1 || dead[0].ID != failed {
		t.Errorf("dead letters = %v, %v; want the failed job", dead, err)
	}
}

// TestQueueRunsThroughSentinel finds the master through Sentinel and runs a job on it.
func TestQueueRunsThroughSentinel(t *testing.T) {
	sentinel := valkeytest.StartSentinel(t, "recipes")
	srv := &valkeytest.Server{URL: "redis://127.0.0.1:1/0"} // only the db of VALKEY_URL applies in Sentinel mode
	f := newFixture(t, srv, map[string]string{"VALKEY_SENTINEL_ADDRS": sentinel, "VALKEY_SENTINEL_MASTER": "recipes"})
	id := f.submit("through-sentinel")
	f.consumer()
	if st := f.waitState(id, domain.StateCompleted); st.Result == nil {
		t.Errorf("job %s completed without a result", id)
	}
}
