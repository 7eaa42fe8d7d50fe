package valkey_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// An attempt in which no provider was called (all cooling down after a 429 or behind an
// open breaker) waits until the first is available again, without spending the attempt:
// a job with one attempt still completes after two such waits.
func TestSkippedProvidersWaitWithoutSpendingTheAttempt(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_ATTEMPTS": "1"})
	f.gen.on("skipped", func(_ context.Context, call int) error {
		if call <= 2 {
			return skipped(300 * time.Millisecond)
		}
		return nil
	})
	id := f.submit("skipped")
	f.consumer()
	st := f.waitState(id, domain.StateCompleted)
	if st.Attempts != 1 {
		t.Errorf("attempts = %d, want 1: waiting for a provider spends none", st.Attempts)
	}
	f.gen.mu.Lock()
	at := f.gen.callAt["skipped"]
	f.gen.mu.Unlock()
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < 300*time.Millisecond {
			t.Errorf("call %d came %v after the one before, want at least the 300ms the providers asked for", i+1, gap)
		}
	}
	if got := testutil.ToFloat64(f.ends.WithLabelValues("waited")); got != 2 {
		t.Errorf("recipe_worker_attempts_total{end=waited} = %v, want 2", got)
	}
}

// Jobs of one burst that all wait for the same provider do not wake at one instant.
func TestWaitsOfABurstAreSpread(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	f.gen.on("burst", func(_ context.Context, call int) error { return skipped(2 * time.Second) })
	ids := make([]domain.JobID, 20)
	for i := range ids {
		ids[i] = f.submit("burst")
	}
	f.consumer()
	delayed := "recipe:{" + f.cfg.QueueName + "}:delayed"
	f.waitFor(ids[0], "waiting", func(domain.JobStatus) bool {
		return f.rdb.ZCard(context.Background(), delayed).Val() == int64(len(ids))
	})
	due := f.rdb.ZRangeWithScores(context.Background(), delayed, 0, -1).Val()
	lo, hi := due[0].Score, due[len(due)-1].Score
	if hi-lo < 100 {
		t.Errorf("wake-ups spread over %vms, want jitter of up to half a second", hi-lo)
	}
}

// A claim whose reply was lost leaves its jobs leased to a worker that never runs them.
// They come back after the lease without costing an attempt, even though that worker is
// alive and keeps its liveness key.
func TestLostClaimReplyCostsNoAttempt(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_ATTEMPTS": "1", "JOB_LEASE": "1s"})
	ctx := context.Background()
	policy := application.RetryPolicy{Attempts: 1, Backoff: time.Second}
	ghost := valkey.NewConsumer(f.rdb, f.cfg, application.NewProcessor(f.gen, policy, f.log, nil),
		valkey.ConsumerOptionsFrom(f.cfg), prometheus.NewRegistry(), f.log)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // the ghost lives on: its heartbeats go on, for no job
		for {
			_ = ghost.Renew(ctx)
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	})
	t.Cleanup(func() { close(stop); wg.Wait() })

	id := f.submit("lost-reply")
	if n, err := ghost.ClaimAndForget(ctx, 5); err != nil || n != 1 {
		t.Fatalf("ClaimAndForget = %d, %v; want the one job", n, err)
	}
	if token := f.rdb.HGet(ctx, f.jobKey(id), "lease").Val(); len(token) < 20 {
		t.Errorf("lease token = %q, want a random one that no restore can roll back onto", token)
	}
	f.consumer()
	st := f.waitState(id, domain.StateCompleted)
	if st.Attempts != 1 {
		t.Errorf("attempts = %d, want 1: the lost claim spent none", st.Attempts)
	}
}

// A Valkey outage longer than the lease (a restart) must not make the workers' sweeps
// take each other's healthy jobs: every running job completes on its first attempt.
func TestOutageLongerThanTheLeaseCostsNoAttempt(t *testing.T) {
	srv := valkeytest.Start(t, true)
	f := newFixture(t, srv, map[string]string{"JOB_LEASE": "1s", "JOB_ATTEMPTS": "2"})
	release := make(chan struct{})
	f.gen.on("long", func(ctx context.Context, call int) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	ids := make([]domain.JobID, 3)
	for i := range ids {
		ids[i] = f.submit("long")
	}
	for range 3 {
		f.consumer(func(o *valkey.ConsumerOptions) { o.Concurrency = 1 })
	}
	for _, id := range ids {
		f.waitReported(id)
	}
	srv.Stop()
	time.Sleep(2500 * time.Millisecond) // every lease and liveness key runs out meanwhile
	if err := srv.Restart(); err != nil {
		t.Fatalf("Restart error = %v", err)
	}
	time.Sleep(1500 * time.Millisecond) // the workers reconnect, renew and sweep
	close(release)
	for _, id := range ids {
		if st := f.waitState(id, domain.StateCompleted); st.Attempts != 1 {
			t.Errorf("job %s attempts = %d, want 1: its worker was alive all along", id, st.Attempts)
		}
	}
	if n := f.gen.callCount("long"); n != 3 {
		t.Errorf("provider calls = %d, want 3: no job taken over", n)
	}
}

// An enqueue that go-redis resends after a timeout finds its job already stored: the job
// is neither reset nor pushed twice.
func TestResentEnqueueNeverResetsAJob(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	ctx := context.Background()
	job := domain.NewJob(domain.NewJobID(), request(t, "resent"), "req-resent", time.Now())
	if _, err := f.queue.Enqueue(ctx, job, application.Idempotency{}); err != nil {
		t.Fatalf("Enqueue error = %v", err)
	}
	f.consumer()
	f.waitState(job.ID, domain.StateCompleted)
	if _, err := f.queue.Enqueue(ctx, job, application.Idempotency{}); err != nil {
		t.Fatalf("Enqueue(again) error = %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	if st := f.waitState(job.ID, domain.StateCompleted); st.Result == nil {
		t.Errorf("status after the resend = %+v, want the completed result kept", st)
	}
	if n := f.gen.callCount("resent"); n != 1 {
		t.Errorf("provider calls = %d, want 1: the job was not pushed again", n)
	}
}

// QUEUE_MAX_LENGTH counts the delayed retries too, so a provider outage reaches
// backpressure instead of piling up jobs.
func TestQueueMaxLengthCountsDelayedRetries(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"QUEUE_MAX_LENGTH": "2", "JOB_BACKOFF": "1m"})
	f.gen.on("down", func(context.Context, int) error { return errors.New("provider answered 503") })
	a, b := f.submit("down"), f.submit("down")
	f.consumer()
	for _, id := range []domain.JobID{a, b} {
		f.waitFor(id, "waiting to retry", func(st domain.JobStatus) bool {
			return st.Status.State() == domain.StatePending && st.Attempts == 1
		})
	}
	_, err := f.gens.Submit(context.Background(), request(t, "third"), application.Submission{})
	if !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Submit with 2 delayed retries and QUEUE_MAX_LENGTH 2: error = %v, want ErrUnavailable", err)
	}
}
