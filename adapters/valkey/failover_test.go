package valkey_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/domain"
)

// A failover can lose the write that ended a job: the new master still shows it running
// under the lease of a worker that is alive but no longer holds it. The sweep extends such
// a lease once; when the worker does not renew it, the job runs again, and the lost end
// costs it no attempt.
func TestJobWhoseEndWasLostRunsAgainWhileItsWorkerLives(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_LEASE": "1s"})
	f.consumer()
	id := f.submit("user")
	f.waitState(id, domain.StateCompleted)

	ctx := context.Background()
	key := f.jobKey(id)
	worker, err := f.rdb.HGet(ctx, key, "worker").Result()
	if err != nil || worker == "" {
		t.Fatalf("worker of the completed job = %q, %v", worker, err)
	}
	pipe := f.rdb.TxPipeline()
	pipe.HSet(ctx, key, "state", "processing", "progress", 30, "lease", "token-of-the-lost-run", "confirmed", 1)
	pipe.ZAdd(ctx, "recipe:{"+f.cfg.QueueName+"}:leases", redis.Z{Score: float64(time.Now().Add(time.Second).UnixMilli()), Member: string(id)})
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	st := f.waitFor(id, "completed again", func(st domain.JobStatus) bool {
		return st.Status.State() == domain.StateCompleted && f.gen.callCount("user") == 2
	})
	if st.Attempts != 1 {
		t.Errorf("attempts after the lost end = %d, want 1: the lost write was not the job's fault", st.Attempts)
	}
}
