package valkey_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// waitTallies reads the last minutes' tallies until want holds on their sum, failing the
// test after 10 s: the workers add their counts once a second.
func waitTallies(t *testing.T, b *valkey.Board, want application.MinuteTally) application.MinuteTally {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		now := time.Now()
		minutes, err := b.Tallies(t.Context(), now.Add(-5*time.Minute), now)
		if err != nil {
			t.Fatalf("Tallies() error = %v", err)
		}
		var sum application.MinuteTally
		for _, m := range minutes {
			sum.Completed += m.Completed
			sum.Failed += m.Failed
			sum.Retried += m.Retried
		}
		if sum == want {
			if len(minutes) != 6 {
				t.Errorf("Tallies(5 minutes ago .. now) = %d minutes, want 6", len(minutes))
			}
			return sum
		}
		if time.Now().After(deadline) {
			t.Fatalf("tallies of the last minutes = %+v, want %+v", sum, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func ids(page application.JobPage) []domain.JobID {
	var out []domain.JobID
	for _, j := range page.Jobs {
		out = append(out, j.Status.ID)
	}
	return out
}

func TestBoardListsCountsAndTalliesTheJobs(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	ctx := t.Context()
	board := valkey.NewBoard(f.rdb, f.cfg)
	f.gen.on("dead", func(context.Context, int) error {
		return fmt.Errorf("%w: status 401: key sk-test rejected", application.ErrPermanent)
	})
	release := make(chan struct{})
	f.gen.on("slow", func(ctx context.Context, _ int) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})

	waiting := []domain.JobID{f.submit("u1"), f.submit("u2")}
	counts, err := board.Counts(ctx)
	if err != nil || counts != (application.QueueCounts{Pending: 2}) {
		t.Fatalf("Counts() with two jobs waiting = %+v, %v, want 2 pending", counts, err)
	}
	pending, err := board.Jobs(ctx, application.JobFilter{State: application.BoardPending, Limit: 10})
	if err != nil {
		t.Fatalf("Jobs(pending) error = %v", err)
	}
	if diff := cmp.Diff([]domain.JobID{waiting[1], waiting[0]}, ids(pending)); diff != "" || pending.Total != 2 {
		t.Errorf("Jobs(pending) ids, newest first (-want +got):\n%s total %d", diff, pending.Total)
	}
	if pending.Jobs[0].UserID != "u2" || pending.Jobs[0].Status.CreatedAt.IsZero() {
		t.Errorf("Jobs(pending)[0] = %+v, want user u2 and a creation time", pending.Jobs[0])
	}

	dead, slow := f.submit("dead"), f.submit("slow")
	f.consumer()
	f.waitState(dead, domain.StateFailed)
	f.waitReported(slow)
	for _, id := range waiting {
		f.waitState(id, domain.StateCompleted)
	}
	waitTallies(t, board, application.MinuteTally{Completed: 2, Failed: 1})

	counts, err = board.Counts(ctx)
	if err != nil || counts != (application.QueueCounts{Processing: 1, Failed: 1}) {
		t.Errorf("Counts() = %+v, %v, want 1 processing and 1 failed", counts, err)
	}
	tests := []struct {
		state application.BoardState
		want  []domain.JobID
	}{
		{state: application.BoardPending, want: nil},
		{state: application.BoardProcessing, want: []domain.JobID{slow}},
		{state: application.BoardFailed, want: []domain.JobID{dead}},
	}
	for _, tt := range tests {
		page, err := board.Jobs(ctx, application.JobFilter{State: tt.state, Limit: 10})
		if err != nil {
			t.Fatalf("Jobs(%s) error = %v", tt.state, err)
		}
		if diff := cmp.Diff(tt.want, ids(page)); diff != "" {
			t.Errorf("Jobs(%s) ids (-want +got):\n%s", tt.state, diff)
		}
	}
	completed, err := board.Jobs(ctx, application.JobFilter{State: application.BoardCompleted, Limit: 10})
	if err != nil || len(completed.Jobs) != 2 || completed.Total != 2 || completed.Jobs[0].Status.Result != nil {
		t.Errorf("Jobs(completed) = %+v, %v, want the two jobs without their results", completed, err)
	}
	failed, _ := board.Jobs(ctx, application.JobFilter{State: application.BoardFailed, Limit: 10})
	if j := failed.Jobs[0]; j.UserID != "dead" || !strings.Contains(j.LastError, "key sk-test rejected") ||
		j.Status.Status.Failure() != domain.FailureProvidersRejected {
		t.Errorf("Jobs(failed)[0] = %+v, want user dead, the provider's words and providers_rejected", j)
	}

	byUser, err := board.Jobs(ctx, application.JobFilter{State: application.BoardCompleted, UserID: "u2", Limit: 10})
	if err != nil || len(byUser.Jobs) != 1 || byUser.Jobs[0].Status.ID != waiting[1] || byUser.Total != 1 {
		t.Errorf("Jobs(completed of u2) = %+v, %v, want the job of u2", byUser, err)
	}

	d, err := board.Job(ctx, dead)
	if err != nil {
		t.Fatalf("Job(dead) error = %v", err)
	}
	if d.Request.UserID != "dead" || d.RequestID != "req-dead" || len(d.Errors) != 1 || d.Errors[0].Attempt != 1 ||
		!strings.Contains(d.Errors[0].Error, "rejected") || time.Since(d.Errors[0].At) > time.Minute || d.Delayed {
		t.Errorf("Job(dead) = %+v, want its request, request id and one error of attempt 1", d)
	}
	done, err := board.Job(ctx, waiting[0])
	if err != nil || done.Status.Result == nil || len(done.Status.Result.ExistingIngredientsRecipes) != 1 {
		t.Errorf("Job(completed) = %+v, %v, want its result", done, err)
	}
	if _, err := board.Job(ctx, domain.NewJobID()); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Job(unknown) error = %v, want ErrNotFound", err)
	}
	close(release)
	f.waitState(slow, domain.StateCompleted)
	waitTallies(t, board, application.MinuteTally{Completed: 3, Failed: 1})
}

func TestBoardShowsDelayedRetries(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_BACKOFF": "30s"})
	board := valkey.NewBoard(f.rdb, f.cfg)
	f.gen.on("flaky", func(context.Context, int) error { return errors.New("provider answered 500") })
	id := f.submit("flaky")
	f.consumer()
	waitTallies(t, board, application.MinuteTally{Retried: 1})

	page, err := board.Jobs(t.Context(), application.JobFilter{State: application.BoardDelayed, Limit: 10})
	if err != nil || len(page.Jobs) != 1 || page.Jobs[0].Status.ID != id {
		t.Fatalf("Jobs(delayed) = %+v, %v, want the flaky job", page, err)
	}
	if runAt := page.Jobs[0].RunAt; time.Until(runAt) < 10*time.Second || time.Until(runAt) > time.Minute {
		t.Errorf("Jobs(delayed)[0].RunAt = %v from now, want the backoff ahead", time.Until(runAt))
	}
	d, err := board.Job(t.Context(), id)
	if err != nil || !d.Delayed || d.RunAt.IsZero() || len(d.Errors) != 1 || d.Status.Attempts != 1 {
		t.Errorf("Job(delayed) = %+v, %v, want delayed with one error after attempt 1", d, err)
	}
	counts, _ := board.Counts(t.Context())
	if counts.Delayed != 1 {
		t.Errorf("Counts().Delayed = %d, want 1", counts.Delayed)
	}
}

func TestProviderHealthReportsRoundTrip(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	h := valkey.NewProviderHealth(f.rdb, f.cfg)
	at := time.Now().UTC().Truncate(time.Millisecond)
	give := application.ProviderReport{Worker: "w1", At: at, Providers: []application.ProviderHealth{
		{Provider: "gemini", Breaker: application.BreakerOpen, ConsecutiveFailures: 5, LastError: "503", LastErrorAt: at.Add(-time.Second)},
		{Provider: "offline", Breaker: application.BreakerClosed, LastSuccessAt: at},
	}}
	if err := h.WriteProviderReport(t.Context(), give); err != nil {
		t.Fatalf("WriteProviderReport() error = %v", err)
	}
	old := application.ProviderReport{Worker: "gone", At: at.Add(-2 * time.Hour)}
	if err := h.WriteProviderReport(t.Context(), old); err != nil {
		t.Fatalf("WriteProviderReport(old) error = %v", err)
	}
	got, err := h.ProviderReports(t.Context())
	if err != nil {
		t.Fatalf("ProviderReports() error = %v", err)
	}
	if diff := cmp.Diff([]application.ProviderReport{give}, got); diff != "" {
		t.Errorf("ProviderReports() (-want +got):\n%s", diff)
	}
	key := "recipe:{" + f.cfg.QueueName + "}:providers"
	if fields := f.rdb.HKeys(t.Context(), key).Val(); !cmp.Equal(fields, []string{"w1"}) {
		t.Errorf("HKEYS providers after a read = %v, want the gone worker's report deleted", fields)
	}
	if ttl := f.rdb.PTTL(t.Context(), key).Val(); ttl < 59*time.Minute {
		t.Errorf("PTTL(providers) = %v, want about an hour", ttl)
	}
}
