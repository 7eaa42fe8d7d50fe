package application_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// fakeBoard is an in-memory JobBoard: jobs per list, and tallies per minute.
type fakeBoard struct {
	counts  application.QueueCounts
	tallies map[time.Time]application.MinuteTally
	lists   map[application.BoardState][]application.JobSummary
	details map[domain.JobID]application.JobDetail
	asked   [][2]time.Time // the spans Tallies was asked for
	filters []application.JobFilter
}

func (b *fakeBoard) Counts(context.Context) (application.QueueCounts, error) { return b.counts, nil }

func (b *fakeBoard) Tallies(_ context.Context, from, to time.Time) ([]application.MinuteTally, error) {
	b.asked = append(b.asked, [2]time.Time{from, to})
	var out []application.MinuteTally
	for m := from; !m.After(to); m = m.Add(time.Minute) {
		t := b.tallies[m]
		t.Minute = m
		out = append(out, t)
	}
	return out, nil
}

func (b *fakeBoard) Jobs(_ context.Context, f application.JobFilter) (application.JobPage, error) {
	b.filters = append(b.filters, f)
	var out application.JobPage
	for _, j := range b.lists[f.State] {
		if f.UserID == "" || j.UserID == f.UserID {
			out.Jobs = append(out.Jobs, j)
		}
	}
	out.Total = int64(len(out.Jobs))
	return out, nil
}

func (b *fakeBoard) Job(_ context.Context, id domain.JobID) (application.JobDetail, error) {
	d, ok := b.details[id]
	if !ok {
		return application.JobDetail{}, domain.ErrNotFound
	}
	return d, nil
}

type fakeHealth struct{ reports []application.ProviderReport }

func (h *fakeHealth) ProviderReports(context.Context) ([]application.ProviderReport, error) {
	return h.reports, nil
}

var boardNow = time.Date(2026, 3, 1, 12, 30, 20, 0, time.UTC)

func TestAdminOverviewSumsTheLastHour(t *testing.T) {
	minute := boardNow.Truncate(time.Minute)
	board := &fakeBoard{
		counts: application.QueueCounts{Pending: 4, Processing: 2, Delayed: 1, Failed: 3},
		tallies: map[time.Time]application.MinuteTally{
			minute:                        {Completed: 30, Failed: 2, Retried: 5},
			minute.Add(-59 * time.Minute): {Completed: 60, Failed: 8},
			minute.Add(-60 * time.Minute): {Completed: 1000, Failed: 1000}, // an hour ago: outside
		},
	}
	admin := application.NewAdmin(board, &fakeHealth{}, newFakeQueue(), func() time.Time { return boardNow })

	got, err := admin.Overview(t.Context())
	if err != nil {
		t.Fatalf("Overview() error = %v", err)
	}
	if got.Counts != board.counts {
		t.Errorf("Overview().Counts = %+v, want %+v", got.Counts, board.counts)
	}
	h := got.LastHour
	if h.Completed != 90 || h.Failed != 10 || h.Retried != 5 || len(h.Minutes) != 60 {
		t.Errorf("Overview().LastHour = %d completed, %d failed, %d retried over %d minutes, want 90, 10, 5 over 60",
			h.Completed, h.Failed, h.Retried, len(h.Minutes))
	}
	if h.Throughput != 1.5 || h.FailureRate != 0.1 {
		t.Errorf("Overview() throughput %v/min, failure rate %v, want 1.5 and 0.1", h.Throughput, h.FailureRate)
	}
	if want := [2]time.Time{minute.Add(-59 * time.Minute), minute}; board.asked[0] != want {
		t.Errorf("Tallies asked for %v, want %v", board.asked[0], want)
	}
}

func TestAdminOverviewFailureRateWithoutEnds(t *testing.T) {
	admin := application.NewAdmin(&fakeBoard{}, &fakeHealth{}, newFakeQueue(), func() time.Time { return boardNow })
	got, err := admin.Overview(t.Context())
	if err != nil {
		t.Fatalf("Overview() error = %v", err)
	}
	if got.LastHour.FailureRate != 0 || got.LastHour.Throughput != 0 {
		t.Errorf("Overview() of an idle queue = %+v, want rate and throughput 0", got.LastHour)
	}
}

func TestAdminOverviewMergesFreshProviderReports(t *testing.T) {
	health := &fakeHealth{reports: []application.ProviderReport{
		{Worker: "w1", At: boardNow.Add(-2 * time.Second), Providers: []application.ProviderHealth{
			{Provider: "gemini", Breaker: application.BreakerOpen, ConsecutiveFailures: 5, LastError: "503 overloaded", LastErrorAt: boardNow.Add(-3 * time.Second)},
			{Provider: "offline", Breaker: application.BreakerClosed, LastSuccessAt: boardNow.Add(-time.Second)},
		}},
		{Worker: "w2", At: boardNow.Add(-time.Second), Providers: []application.ProviderHealth{
			{Provider: "gemini", Breaker: application.BreakerClosed, ConsecutiveFailures: 1, LastError: "timeout", LastErrorAt: boardNow.Add(-10 * time.Second)},
			{Provider: "offline", Breaker: application.BreakerClosed},
		}},
		{Worker: "gone", At: boardNow.Add(-time.Hour), Providers: []application.ProviderHealth{
			{Provider: "openai", Breaker: application.BreakerOpen},
		}},
	}}
	admin := application.NewAdmin(&fakeBoard{}, health, newFakeQueue(), func() time.Time { return boardNow })
	got, err := admin.Overview(t.Context())
	if err != nil {
		t.Fatalf("Overview() error = %v", err)
	}
	want := []application.ProviderStatus{
		{Provider: "gemini", Breaker: application.BreakerOpen, Workers: 2, OpenOn: 1, ConsecutiveFailures: 5,
			LastError: "503 overloaded", LastErrorAt: boardNow.Add(-3 * time.Second)},
		{Provider: "offline", Breaker: application.BreakerClosed, Workers: 2, LastSuccessAt: boardNow.Add(-time.Second)},
	}
	if diff := cmp.Diff(want, got.Providers); diff != "" {
		t.Errorf("Overview().Providers (-want +got):\n%s", diff)
	}
}

func TestAdminSearch(t *testing.T) {
	id := domain.NewJobID()
	board := &fakeBoard{
		details: map[domain.JobID]application.JobDetail{id: {
			Status:  domain.JobStatus{ID: id, Status: domain.Failed(domain.FailureInternal), Result: &domain.Result{}},
			Request: domain.RestoreGenerationRequest("user-7", []string{"계란"}, domain.Preferences{}),
			Errors:  []application.AttemptError{{Attempt: 1, Error: "first"}, {Attempt: 2, Error: "last"}},
		}},
		lists: map[application.BoardState][]application.JobSummary{
			application.BoardPending:   {{UserID: "user-7", Status: domain.JobStatus{ID: "P"}}, {UserID: "user-8"}},
			application.BoardCompleted: {{UserID: "user-7", Status: domain.JobStatus{ID: "C"}}},
		},
	}
	admin := application.NewAdmin(board, &fakeHealth{}, newFakeQueue(), nil)

	byID, err := admin.Search(t.Context(), " "+string(id)+" ", 20)
	if err != nil {
		t.Fatalf("Search(job id) error = %v", err)
	}
	if len(byID.Jobs) != 1 || byID.Jobs[0].Status.ID != id || byID.Jobs[0].UserID != "user-7" ||
		byID.Jobs[0].LastError != "last" || byID.Jobs[0].Status.Result != nil {
		t.Errorf("Search(job id) = %+v, want the one job, its user and last error, no result", byID)
	}

	byUser, err := admin.Search(t.Context(), "user-7", 20)
	if err != nil {
		t.Fatalf("Search(user) error = %v", err)
	}
	var ids []domain.JobID
	for _, j := range byUser.Jobs {
		ids = append(ids, j.Status.ID)
	}
	if diff := cmp.Diff([]domain.JobID{"P", "C"}, ids); diff != "" || byUser.Total != 2 {
		t.Errorf("Search(user-7) ids (-want +got):\n%s total %d", diff, byUser.Total)
	}

	if _, err := admin.Search(t.Context(), "  ", 20); !errors.Is(err, domain.ErrInvalidInput) {
		t.Errorf("Search(blank) error = %v, want ErrInvalidInput", err)
	}
}

func TestAdminJobsClampsThePage(t *testing.T) {
	board := &fakeBoard{}
	admin := application.NewAdmin(board, &fakeHealth{}, newFakeQueue(), nil)
	for _, give := range [][2]int{{-5, 0}, {10, 1000}} {
		if _, err := admin.Jobs(t.Context(), application.BoardFailed, give[0], give[1]); err != nil {
			t.Fatalf("Jobs(%v) error = %v", give, err)
		}
	}
	want := []application.JobFilter{
		{State: application.BoardFailed, Offset: 0, Limit: 20},
		{State: application.BoardFailed, Offset: 10, Limit: application.MaxBoardPage},
	}
	if diff := cmp.Diff(want, board.filters); diff != "" {
		t.Errorf("filters passed to the board (-want +got):\n%s", diff)
	}
}

func TestAdminCancel(t *testing.T) {
	q := newFakeQueue()
	id := domain.NewJobID()
	q.statuses[id] = domain.Pending()
	admin := application.NewAdmin(&fakeBoard{}, &fakeHealth{}, q, nil)
	st, err := admin.Cancel(t.Context(), id)
	if err != nil || st.Status.State() != domain.StateCancelled {
		t.Fatalf("Cancel(pending) = %+v, %v, want cancelled", st, err)
	}
	if _, err := admin.Cancel(t.Context(), id); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("Cancel(cancelled) error = %v, want ErrConflict", err)
	}
}

func TestParseBoardState(t *testing.T) {
	for _, s := range application.BoardStates {
		if got, err := application.ParseBoardState(string(s)); err != nil || got != s {
			t.Errorf("ParseBoardState(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := application.ParseBoardState("cancelled"); !errors.Is(err, domain.ErrInvalidInput) {
		t.Errorf("ParseBoardState(cancelled) error = %v, want ErrInvalidInput", err)
	}
}

func TestDeadLettersRetryAll(t *testing.T) {
	f := &fakeDeadLetters{}
	for range application.MaxDeadLetterPage + 5 {
		f.dead = append(f.dead, domain.NewJobID())
	}
	n, err := application.NewDeadLetters(f).RetryAll(t.Context())
	if err != nil || n != application.MaxDeadLetterPage+5 {
		t.Fatalf("RetryAll() = %d, %v, want %d", n, err, application.MaxDeadLetterPage+5)
	}
	if len(f.dead) != 0 {
		t.Errorf("dead letters after RetryAll = %d, want 0", len(f.dead))
	}
}

// fakeWriter records the reports written to it.
type fakeWriter struct {
	reports chan application.ProviderReport
}

func (w *fakeWriter) WriteProviderReport(_ context.Context, r application.ProviderReport) error {
	w.reports <- r
	return nil
}

type fixedSource []application.ProviderHealth

func (s fixedSource) ProviderHealth() []application.ProviderHealth { return s }

func TestProviderReporterWritesUntilStopped(t *testing.T) {
	w := &fakeWriter{reports: make(chan application.ProviderReport, 10)}
	src := fixedSource{{Provider: "offline", Breaker: application.BreakerClosed}}
	r := application.NewProviderReporter(src, w, "w1", 10*time.Millisecond)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	for range 2 {
		select {
		case got := <-w.reports:
			if got.Worker != "w1" || len(got.Providers) != 1 || got.At.IsZero() {
				t.Errorf("report = %+v, want w1's one provider with a time", got)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no report written")
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}
