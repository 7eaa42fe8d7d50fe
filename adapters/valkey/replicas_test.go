package valkey_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// onReplica reads jobs from the replica alone.
func onReplica(t *testing.T, f *fixture, replica *valkeytest.Server) *valkey.Queue {
	t.Helper()
	q := valkey.NewQueue(replica.Client(t), f.cfg)
	t.Cleanup(q.Close)
	return q
}

func (f *fixture) pending() int64 {
	f.t.Helper()
	n, err := f.rdb.LLen(context.Background(), "recipe:{"+f.cfg.QueueName+"}:pending").Result()
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestEnqueueAnswersOnlyOnceTheReplicaHoldsTheJob(t *testing.T) {
	master := valkeytest.Start(t, false)
	replica := valkeytest.StartReplica(t, master)
	f := newFixture(t, master, map[string]string{"ENQUEUE_WAIT_REPLICAS": "1"})
	copies := onReplica(t, f, replica)
	ctx := context.Background()

	// Concurrent enqueues share script runs, and each run's WAIT.
	ids := make([]domain.JobID, 50)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			job, err := f.gens.Submit(ctx, request(t, "user"), application.Submission{})
			if err != nil {
				t.Errorf("Submit with the replica in sync = %v", err)
			}
			ids[i] = job.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if _, err := copies.Status(ctx, id); err != nil {
			t.Fatalf("replica's copy of job %s right after it was accepted: %v", id, err)
		}
	}

	// A stalled replica acknowledges nothing: the enqueue gives up after a second.
	replica.Pause()
	start := time.Now()
	_, err := f.gens.Submit(ctx, request(t, "user", "두부"), application.Submission{IdempotencyKey: "k1"})
	took := time.Since(start)
	unavailable, ok := errors.AsType[*application.UnavailableError](err)
	if !ok || unavailable.RetryAfter <= 0 {
		t.Fatalf("Submit with the replica stalled = %v, want an UnavailableError with a Retry-After", err)
	}
	if took < time.Second || took > 4*time.Second {
		t.Errorf("Submit with the replica stalled answered after %v, want after the 1s wait", took)
	}
	// The job was written on the master and stays there: it may still run.
	if got := f.pending(); got != int64(len(ids)+1) {
		t.Errorf("pending jobs after the refused enqueue = %d, want %d", got, len(ids)+1)
	}

	// Another api process, on connections that never wrote that job, retries with the
	// same key while the replica is still stalled: still not held by the replica, still 503.
	other := newFixture(t, master, map[string]string{"ENQUEUE_WAIT_REPLICAS": "1"})
	other.cfg.QueueName = f.cfg.QueueName
	otherGens := application.NewGenerations(valkey.NewQueue(other.rdb, other.cfg), nil, nil, nil)
	if _, err := otherGens.Submit(ctx, request(t, "user", "두부"), application.Submission{IdempotencyKey: "k1"}); !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("retry from another process with the replica stalled = %v, want ErrUnavailable", err)
	}

	// Once the replica is back, the same Idempotency-Key names that job: no second one.
	replica.Resume()
	valkeytest.WaitReplicas(t, master, 1)
	job, err := f.gens.Submit(ctx, request(t, "user", "두부"), application.Submission{IdempotencyKey: "k1"})
	if err != nil {
		t.Fatalf("Submit again with the same key = %v", err)
	}
	if got := f.pending(); got != int64(len(ids)+1) {
		t.Errorf("pending jobs after the retry = %d, want still %d", got, len(ids)+1)
	}
	if _, err := copies.Status(ctx, job.ID); err != nil {
		t.Errorf("replica's copy of the retried job %s: %v", job.ID, err)
	}

	replica.Stop()
	if _, err := f.gens.Submit(ctx, request(t, "user"), application.Submission{}); !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Submit with the replica gone = %v, want ErrUnavailable", err)
	}
}

func TestEnqueueWaitsForAsManyReplicasAsConfigured(t *testing.T) {
	master := valkeytest.Start(t, false)
	valkeytest.StartReplica(t, master)
	f := newFixture(t, master, map[string]string{"ENQUEUE_WAIT_REPLICAS": "2"})
	if _, err := f.gens.Submit(context.Background(), request(t, "user"), application.Submission{}); !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Submit waiting for 2 replicas with 1 = %v, want ErrUnavailable", err)
	}
}

// On a cluster the WAIT goes to the master of the queue's slot: a stalled replica of
// that master holds enqueues up, one of another master does not.
func TestEnqueueOnAClusterWaitsForTheReplicaOfTheQueuesMaster(t *testing.T) {
	masters := valkeytest.StartCluster(t)
	replicas := valkeytest.StartClusterReplicas(t, masters)
	srv := &valkeytest.Server{URL: "redis://" + masters[0] + "/0"}
	f := newFixture(t, srv, map[string]string{"VALKEY_CLUSTER_ADDRS": strings.Join(masters, ","), "ENQUEUE_WAIT_REPLICAS": "1"})
	ctx := context.Background()
	if _, err := f.gens.Submit(ctx, request(t, "user"), application.Submission{}); err != nil {
		t.Fatalf("Submit with every replica in sync = %v", err)
	}

	slot, err := f.rdb.ClusterKeySlot(ctx, "{"+f.cfg.QueueName+"}").Result()
	if err != nil {
		t.Fatal(err)
	}
	owner := int(slot) * len(masters) / 16384 // StartCluster splits the slots evenly, in order
	other := (owner + 1) % len(masters)

	replicas[other].Pause()
	if _, err := f.gens.Submit(ctx, request(t, "user"), application.Submission{}); err != nil {
		t.Errorf("Submit with another master's replica stalled = %v, want it accepted", err)
	}
	replicas[other].Resume()

	replicas[owner].Pause()
	defer replicas[owner].Resume()
	if _, err := f.gens.Submit(ctx, request(t, "user"), application.Submission{}); !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Submit with the queue master's replica stalled = %v, want ErrUnavailable", err)
	}
}
