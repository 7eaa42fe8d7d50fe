package valkey_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

func TestCancelPendingJobNeverStarts(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"RESULT_TTL": "90s"})
	id := f.submit("cancel-me")
	st, err := f.gens.Cancel(context.Background(), id)
	if err != nil || st.Status.State() != domain.StateCancelled {
		t.Fatalf("Cancel(pending) = %v, %v; want cancelled", st.Status.State(), err)
	}
	if ttl := f.rdb.PTTL(context.Background(), f.jobKey(id)).Val(); ttl <= 80*time.Second || ttl > 90*time.Second {
		t.Errorf("PTTL(cancelled job) = %v, want about RESULT_TTL 90s", ttl)
	}
	after := f.submit("after") // a later job proves the consumer ran past the cancelled one
	f.consumer()
	f.waitState(after, domain.StateCompleted)
	if n := f.gen.callCount("cancel-me"); n != 0 {
		t.Errorf("generator calls for the cancelled job = %d, want 0", n)
	}
	if _, err := f.gens.Cancel(context.Background(), id); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("Cancel(cancelled) error = %v, want ErrConflict", err)
	}
	if _, err := f.gens.Cancel(context.Background(), domain.NewJobID()); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Cancel(unknown) error = %v, want ErrNotFound", err)
	}
}

func TestCancelRunningJobAbandonsTheProviderCallWithinOneSecond(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	abandoned := make(chan time.Time, 1)
	f.gen.on("running", func(ctx context.Context, _ int) error {
		<-ctx.Done()
		abandoned <- time.Now()
		return ctx.Err()
	})
	id := f.submit("running")
	f.consumer()
	f.waitFor(id, "asking the provider", func(st domain.JobStatus) bool { return st.Status.Progress() == domain.ProgressGenerating })
	cancelled := time.Now()
	if _, err := f.gens.Cancel(context.Background(), id); err != nil {
		t.Fatalf("Cancel(running) error = %v", err)
	}
	select {
	case at := <-abandoned:
		if d := at.Sub(cancelled); d > time.Second {
			t.Errorf("provider call abandoned %v after the cancel, want within 1s", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the provider call was never abandoned")
	}
	time.Sleep(100 * time.Millisecond) // let a wrong late completion land, if there were one
	st := f.waitState(id, domain.StateCancelled)
	if st.Result != nil {
		t.Errorf("cancelled job has a result: %+v", st.Result)
	}
	if n := f.gen.callCount("running"); n != 1 {
		t.Errorf("generator calls = %d, want 1 (a cancelled job is not retried)", n)
	}
}

func TestIdempotencyKeyMapsToTheFirstJob(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	ctx := context.Background()
	sub := application.Submission{IdempotencyKey: "order-7"}
	first, err := f.gens.Submit(ctx, request(t, "u", "계란", "대파"), sub)
	if err != nil {
		t.Fatalf("Submit(first) error = %v", err)
	}
	again, err := f.gens.Submit(ctx, request(t, "u", " 계란 ", "대파", "계란"), sub)
	if err != nil || again.ID != first.ID {
		t.Fatalf("Submit(same key, same body) = %s, %v; want %s", again.ID, err, first.ID)
	}
	if _, err := f.gens.Submit(ctx, request(t, "u", "김치"), sub); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("Submit(same key, other body) error = %v, want ErrConflict", err)
	}
	pending := "recipe:{" + f.cfg.QueueName + "}:pending"
	if n := f.rdb.LLen(ctx, pending).Val(); n != 1 {
		t.Errorf("LLEN pending = %d, want 1", n)
	}
	ttl := f.rdb.PTTL(ctx, "recipe:{"+f.cfg.QueueName+"}:idem:order-7").Val()
	if ttl < 23*time.Hour || ttl > 24*time.Hour {
		t.Errorf("PTTL(idempotency key) = %v, want about 24h", ttl)
	}
}

func TestFullQueueRefusesWithRetryAfterAndWritesNothing(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"QUEUE_MAX_LENGTH": "2"})
	ctx := context.Background()
	f.submit("a")
	f.submit("b")
	_, err := f.gens.Submit(ctx, request(t, "c"), application.Submission{})
	var unavailable *application.UnavailableError
	if !errors.As(err, &unavailable) || unavailable.RetryAfter <= 0 {
		t.Fatalf("Submit(full queue) error = %v, want UnavailableError with RetryAfter", err)
	}
	keys := f.rdb.Keys(ctx, "recipe:{"+f.cfg.QueueName+"}:job:*").Val()
	if len(keys) != 2 {
		t.Errorf("job records = %d, want 2 (the refused job writes nothing)", len(keys))
	}
}

func TestTemporaryFailuresRetryWithBackoffThenDeadLetter(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_ATTEMPTS": "3", "JOB_BACKOFF": "100ms"})
	f.gen.on("flaky", func(context.Context, int) error { return errors.New("provider answered 500") })
	id := f.submit("flaky")
	f.consumer()
	st := f.waitState(id, domain.StateFailed)
	if st.Attempts != 3 || st.Status.Failure() != domain.FailureProvidersUnavailable {
		t.Fatalf("Status(failed) = %+v, want 3 attempts and providers_unavailable", st)
	}
	if strings.Contains(st.FailureSentence(), "500") {
		t.Errorf("client-facing error %q carries the provider's own text", st.FailureSentence())
	}
	f.gen.mu.Lock()
	at := f.gen.callAt["flaky"]
	f.gen.mu.Unlock()
	// Equal jitter: the wait after attempt n is at least half of 100ms·2^(n-1).
	for i, min := range []time.Duration{50 * time.Millisecond, 100 * time.Millisecond} {
		if gap := at[i+1].Sub(at[i]); gap < min {
			t.Errorf("wait before attempt %d = %v, want at least %v", i+2, gap, min)
		}
	}
	dead, err := f.queue.DeadLetters(context.Background(), 0, 10)
	if err != nil || len(dead) != 1 || dead[0].ID != id {
		t.Fatalf("DeadLetters = %v, %v; want the failed job", dead, err)
	}
	if ttl := f.rdb.PTTL(context.Background(), f.jobKey(id)).Val(); ttl != -1 {
		t.Errorf("PTTL(failed job) = %v, want none: dead letters stay until retried or deleted", ttl)
	}
	history := f.rdb.HGet(context.Background(), f.jobKey(id), "history").Val()
	if n := strings.Count(history, `"attempt"`); n != 3 || !strings.Contains(history, "provider answered 500") {
		t.Errorf("attempt history = %s, want 3 entries with the provider's error", history)
	}
}

func TestPermanentFailureFailsAtOnce(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_ATTEMPTS": "5"})
	f.gen.on("badkey", func(context.Context, int) error {
		return fmt.Errorf("invalid API key: %w", application.ErrPermanent)
	})
	id := f.submit("badkey")
	f.consumer()
	if st := f.waitState(id, domain.StateFailed); st.Attempts != 1 || st.Status.Failure() != domain.FailureProvidersRejected {
		t.Errorf("attempts = %d, code %q; want 1, providers_rejected", st.Attempts, st.Status.Failure())
	}
}

func TestDeadLetterRetryAndDelete(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_ATTEMPTS": "1"})
	ctx := context.Background()
	fail := true
	var mu sync.Mutex
	f.gen.on("dl", func(context.Context, int) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("temporary")
		}
		return nil
	})
	id := f.submit("dl")
	gone := f.submit("dl-gone")
	f.gen.on("dl-gone", func(context.Context, int) error { return errors.New("temporary") })
	f.consumer()
	f.waitState(id, domain.StateFailed)
	f.waitState(gone, domain.StateFailed)
	mu.Lock()
	fail = false
	mu.Unlock()
	dead := application.NewDeadLetters(f.queue)
	if listed, err := dead.List(ctx, 0, 10); err != nil || len(listed) != 2 {
		t.Fatalf("List = %d dead letters, %v; want 2", len(listed), err)
	}
	if err := dead.Retry(ctx, id); err != nil {
		t.Fatalf("Retry error = %v", err)
	}
	if st := f.waitState(id, domain.StateCompleted); st.Attempts != 1 {
		t.Errorf("attempts after a dead-letter retry = %d, want a fresh count of 1", st.Attempts)
	}
	if err := dead.Delete(ctx, gone); err != nil {
		t.Fatalf("Delete error = %v", err)
	}
	if _, err := f.queue.Status(ctx, gone); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Status(deleted) error = %v, want ErrNotFound", err)
	}
	if err := dead.Retry(ctx, id); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("RetryDead(not dead) error = %v, want ErrNotFound", err)
	}
}

func TestJobOfLostWorkerIsTakenUpAfterItsLease(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_LEASE": "1s"})
	f.gen.on("lost", func(ctx context.Context, call int) error {
		if call == 1 {
			return blockUntilCancelled(ctx, call) // the first worker hangs, as if dead
		}
		return nil
	})
	id := f.submit("lost")
	dead := f.consumer(func(o *valkey.ConsumerOptions) { o.Concurrency = 1 })
	<-f.gen.started
	f.waitReported(id)
	dead.Freeze() // stops its heartbeats and sweeps, as a killed process would
	f.consumer()
	st := f.waitState(id, domain.StateCompleted)
	if st.Attempts != 2 || st.Result.Model != "call-2" {
		t.Errorf("Status = attempts %d model %q, want the second attempt's result", st.Attempts, st.Result.Model)
	}
}

func TestLateDuplicateCompletionIsIgnored(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_LEASE": "1s"})
	release := make(chan struct{})
	f.gen.on("dup", func(ctx context.Context, call int) error {
		if call == 1 {
			<-release // the first worker stalls past its lease, then finishes anyway
		}
		return nil
	})
	id := f.submit("dup")
	slow := f.consumer(func(o *valkey.ConsumerOptions) { o.Concurrency = 1 })
	<-f.gen.started
	slow.Freeze()
	f.consumer()
	first := f.waitState(id, domain.StateCompleted)
	close(release)
	time.Sleep(200 * time.Millisecond)
	second := f.waitState(id, domain.StateCompleted)
	if first.Result.Model != "call-2" || second.Result.Model != "call-2" {
		t.Errorf("result models = %q then %q, want the recovering attempt's call-2 both times", first.Result.Model, second.Result.Model)
	}
}

func TestShutdownHandsRunningJobsBackAtOnce(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_LEASE": "30s"})
	f.gen.on("long", func(ctx context.Context, call int) error {
		if call == 1 {
			return blockUntilCancelled(ctx, call)
		}
		return nil
	})
	id := f.submit("long")
	first := f.consumer(func(o *valkey.ConsumerOptions) { o.ShutdownTimeout = 100 * time.Millisecond })
	<-f.gen.started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := first.Stop(ctx); err != nil {
		t.Fatalf("Stop error = %v", err)
	}
	st := f.waitState(id, domain.StatePending)
	if st.Attempts != 0 {
		t.Errorf("attempts after hand-back = %d, want 0 (a hand-back is no failed attempt)", st.Attempts)
	}
	start := time.Now()
	f.consumer()
	f.waitState(id, domain.StateCompleted)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second worker took %v, want far less than the 30s lease", d)
	}
}

func TestOrphanOfBLMOVEIsReturnedToPending(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_LEASE": "1s"})
	ctx := context.Background()
	id := f.submit("orphan")
	prefix := "recipe:{" + f.cfg.QueueName + "}:"
	// A worker that died right after BLMOVE leaves the id on the in-flight list, unleased.
	if err := f.rdb.LMove(ctx, prefix+"pending", prefix+"inflight", "RIGHT", "LEFT").Err(); err != nil {
		t.Fatalf("LMOVE error = %v", err)
	}
	f.consumer()
	f.waitState(id, domain.StateCompleted)
	if n := f.rdb.LLen(ctx, prefix+"inflight").Val(); n != 0 {
		t.Errorf("LLEN inflight = %d, want 0", n)
	}
}

func TestManyJobsOverThreeConsumersRunExactlyOnce(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	const jobs = 300
	ids := make([]domain.JobID, jobs)
	for i := range ids {
		ids[i] = f.submit(fmt.Sprintf("many-%d", i))
	}
	for range 3 {
		f.consumer()
	}
	for _, id := range ids {
		f.waitState(id, domain.StateCompleted)
	}
	for i := range jobs {
		if n := f.gen.callCount(fmt.Sprintf("many-%d", i)); n != 1 {
			t.Errorf("job many-%d ran %d times, want 1", i, n)
		}
	}
}

func TestValkeyOutageIsUnavailableAndBothSidesRecover(t *testing.T) {
	srv := valkeytest.Start(t, false)
	f := newFixture(t, srv, nil)
	f.consumer()
	f.waitState(f.submit("before"), domain.StateCompleted)

	srv.Stop()
	_, err := f.gens.Submit(context.Background(), request(t, "during"), application.Submission{})
	if !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("Submit(valkey down) error = %v, want ErrUnavailable", err)
	}
	if _, err := f.gens.Status(context.Background(), domain.NewJobID()); !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Status(valkey down) error = %v, want ErrUnavailable", err)
	}
	time.Sleep(300 * time.Millisecond) // the consumer meets the outage
	if err := srv.Restart(); err != nil {
		t.Fatalf("Restart error = %v", err)
	}
	f.waitState(f.submit("after"), domain.StateCompleted)
}

func TestConcurrentEnqueuesKeepBackpressureAndIdempotencyExact(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"QUEUE_MAX_LENGTH": "10"})
	ctx := context.Background()
	first, err := f.gens.Submit(ctx, request(t, "c0"), application.Submission{IdempotencyKey: "same"})
	if err != nil {
		t.Fatalf("Submit(first keyed) error = %v", err)
	}
	const callers = 60
	var wg sync.WaitGroup
	ids := make([]domain.JobID, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			sub := application.Submission{}
			if i%2 == 0 { // half of the callers repeat the first request under its key
				sub.IdempotencyKey = "same"
			}
			job, err := f.gens.Submit(ctx, request(t, fmt.Sprintf("c%d", i%2)), sub)
			ids[i], errs[i] = job.ID, err
		})
	}
	wg.Wait()
	keyed, accepted, full := map[domain.JobID]bool{}, 0, 0
	for i, err := range errs {
		switch {
		case err == nil && i%2 == 0:
			keyed[ids[i]] = true
		case err == nil:
			accepted++
		case errors.Is(err, application.ErrUnavailable):
			full++
		default:
			t.Errorf("Submit %d error = %v", i, err)
		}
	}
	if len(keyed) != 1 || !keyed[first.ID] {
		t.Errorf("the %d callers repeating an Idempotency-Key got job ids %v, want only %s (even once the queue is full)", callers/2, keyed, first.ID)
	}
	if accepted != 9 || full != callers/2-9 {
		t.Errorf("unkeyed callers: %d accepted, %d refused; want 9 (10 minus the keyed job) and %d", accepted, full, callers/2-9)
	}
	if n := f.rdb.LLen(ctx, "recipe:{"+f.cfg.QueueName+"}:pending").Val(); n != 10 {
		t.Errorf("LLEN pending = %d, want exactly QUEUE_MAX_LENGTH 10", n)
	}
}

func TestHeartbeatsKeepALongJobOnOneWorker(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_LEASE": "1s"})
	f.gen.on("long", func(ctx context.Context, _ int) error {
		select {
		case <-time.After(2500 * time.Millisecond): // well past the lease: only renewals keep it
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	id := f.submit("long")
	f.consumer()
	f.consumer() // a second worker whose sweeps would take the job over without renewals
	st := f.waitState(id, domain.StateCompleted)
	if n := f.gen.callCount("long"); n != 1 || st.Attempts != 1 {
		t.Errorf("generator calls = %d, attempts = %d; want 1 and 1", n, st.Attempts)
	}
}

func TestLostLeaseAbandonsTheRun(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_LEASE": "1s"})
	abandoned := make(chan struct{})
	f.gen.on("taken", func(ctx context.Context, call int) error {
		if call > 1 { // the sweeper puts the job back once the stale lease runs out
			return nil
		}
		<-ctx.Done()
		close(abandoned)
		return ctx.Err()
	})
	id := f.submit("taken")
	f.consumer()
	<-f.gen.started
	// Another claim of the job (as after a recovery) makes this worker's lease token stale.
	if err := f.rdb.HSet(context.Background(), f.jobKey(id), "lease", "another-claim").Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-abandoned:
	case <-time.After(5 * time.Second):
		t.Fatal("the run whose lease was taken over was never abandoned")
	}
	f.waitFor(id, "counted as dropped", func(domain.JobStatus) bool {
		return testutil.ToFloat64(f.ends.WithLabelValues("dropped")) == 1
	})
}

func TestLostWorkerOutOfAttemptsGoesToTheDeadLetters(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_LEASE": "1s", "JOB_ATTEMPTS": "1"})
	f.gen.on("doomed", blockUntilCancelled)
	id := f.submit("doomed")
	dead := f.consumer()
	<-f.gen.started
	f.waitReported(id)
	dead.Freeze()
	f.consumer()
	st := f.waitState(id, domain.StateFailed)
	if st.Status.Failure() != domain.FailureWorkerLost {
		t.Errorf("failure = %q, want worker_lost", st.Status.Failure())
	}
	if history := f.rdb.HGet(context.Background(), f.jobKey(id), "history").Val(); !strings.Contains(history, "lease expired") {
		t.Errorf("history = %s, want the lost worker named", history)
	}
	letters, err := application.NewDeadLetters(f.queue).List(context.Background(), 0, 10)
	if err != nil || len(letters) != 1 || letters[0].ID != id {
		t.Errorf("dead letters = %v, %v; want the job", letters, err)
	}
}

// Idempotency keys are scoped per API key: two callers may use the same key.
func TestIdempotencyKeysOfDifferentOwnersNeverMeet(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	ctx := context.Background()
	sub := application.Submission{IdempotencyKey: "same-key"}
	a, err := f.gens.Submit(application.WithCaller(ctx, "kaaa"), request(t, "u", "계란"), sub)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.gens.Submit(application.WithCaller(ctx, "kbbb"), request(t, "u", "김치"), sub)
	if err != nil || b.ID == a.ID {
		t.Fatalf("Submit(other owner, same key, other body) = %s, %v; want a job of its own", b.ID, err)
	}
	again, err := f.gens.Submit(application.WithCaller(ctx, "kaaa"), request(t, "u", "계란"), sub)
	if err != nil || again.ID != a.ID {
		t.Errorf("Submit(same owner, same key) = %s, %v; want the first job %s", again.ID, err, a.ID)
	}
	if _, err := f.gens.Status(application.WithCaller(ctx, "kbbb"), a.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Status(another owner's job) error = %v, want ErrNotFound", err)
	}
	if st, err := f.gens.Status(application.WithCaller(ctx, "kaaa"), a.ID); err != nil || st.Owner != "kaaa" {
		t.Errorf("Status(own job) = owner %q, %v", st.Owner, err)
	}
}
