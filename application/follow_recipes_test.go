package application_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// liveJob is one job whose status a test changes, announcing each change as the feed
// would.
type liveJob struct {
	mu   sync.Mutex
	st   domain.JobStatus
	poke func()
}

func newLiveJob(st domain.JobStatus) *liveJob { return &liveJob{st: st} }

func (j *liveJob) Status(context.Context, domain.JobID) (domain.JobStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.st, nil
}

func (j *liveJob) Watch(_ domain.JobID, poke func()) func() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.poke = poke
	return func() {}
}

// set changes the status and announces it.
func (j *liveJob) set(change func(*domain.JobStatus)) {
	j.mu.Lock()
	change(&j.st)
	j.st.UpdatedAt = j.st.UpdatedAt.Add(time.Millisecond)
	poke := j.poke
	j.mu.Unlock()
	if poke != nil {
		poke()
	}
}

// followLines runs Follow and sends each event as a line: status:<progress>,
// recipe:<kind>/<index>/<name>, reset, or the terminal event's name.
func followLines(t *testing.T, j *liveJob) <-chan string {
	t.Helper()
	out := make(chan string, 64)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		defer close(out)
		_ = application.NewStreams(j, j, time.Hour).FollowEach(ctx, knownJob, func(ev application.Event) error {
			switch {
			case ev.Kind == application.EventStatus:
				out <- "status:" + string(rune('0'+ev.Status.Status.Progress()/10))
			case ev.Kind == application.EventRecipe && ev.Reset:
				out <- "reset"
			case ev.Kind == application.EventRecipe:
				out <- "recipe:" + string(ev.Recipe.Kind) + "/" + string(rune('0'+ev.Recipe.Index)) + "/" + ev.Recipe.Recipe.Name
			default:
				out <- string(ev.Kind)
			}
			return nil
		})
	}()
	return out
}

// expect reads len(want) events and compares them with want.
func expect(t *testing.T, events <-chan string, want ...string) {
	t.Helper()
	got := make([]string, 0, len(want))
	for range want {
		select {
		case ev := <-events:
			got = append(got, ev)
		case <-time.After(5 * time.Second):
			t.Fatalf("events = %q, then nothing within 5s; want %q", got, want)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}

const knownJob domain.JobID = "AAAAAAAAAAAAAAAAAAAAAAAAAA"

func partialOf(run string, recipes ...string) *domain.Partial {
	p := domain.Partial{Run: run, Provider: "gemini"}
	for _, name := range recipes {
		kind := domain.KindExisting
		if p.Count(kind) == domain.ExistingRecipeCount {
			kind = domain.KindAdditional
		}
		p = p.With(kind, recipe(name, "계란"))
	}
	return &p
}

func TestFollowSendsEachStreamedRecipeOnce(t *testing.T) {
	j := newLiveJob(domain.JobStatus{ID: knownJob, Status: domain.Processing(40), Partial: partialOf("r1", "계란밥")})
	events := followLines(t, j)
	expect(t, events, "status:4", "recipe:existing/0/계란밥")

	j.set(func(st *domain.JobStatus) {
		st.Status, st.Partial = domain.Processing(60), partialOf("r1", "계란밥", "계란찜", "볶음밥")
	})
	expect(t, events, "status:6", "recipe:existing/1/계란찜", "recipe:existing/2/볶음밥")

	j.set(func(st *domain.JobStatus) {
		st.Status, st.Partial = domain.Processing(70), partialOf("r1", "계란밥", "계란찜", "볶음밥", "오므라이스")
	})
	expect(t, events, "status:7", "recipe:additional/0/오므라이스")

	done := partialOf("r1", "계란밥", "계란찜", "볶음밥", "오므라이스", "김치전").Result()
	j.set(func(st *domain.JobStatus) { st.Status, st.Partial, st.Result = domain.Completed(), nil, &done })
	expect(t, events, "completed")
}

func TestFollowResetsWhenTheRecipesAreVoid(t *testing.T) {
	j := newLiveJob(domain.JobStatus{ID: knownJob, Status: domain.Processing(50), Partial: partialOf("r1", "계란밥", "계란찜")})
	events := followLines(t, j)
	expect(t, events, "status:5", "recipe:existing/0/계란밥", "recipe:existing/1/계란찜")

	// The provider failed: the partial result is cleared and a new run begins. A stream
	// that reads the new run with as many recipes as it sent must not take them for the
	// old ones.
	j.set(func(st *domain.JobStatus) { st.Partial = partialOf("r2", "김치전", "두부조림") })
	expect(t, events, "status:5", "reset", "recipe:existing/0/김치전", "recipe:existing/1/두부조림")

	j.set(func(st *domain.JobStatus) { st.Partial = partialOf("r3") })
	expect(t, events, "status:5", "reset")

	// A retry: the job waits again, then runs with fresh recipes.
	j.set(func(st *domain.JobStatus) { st.Partial = partialOf("r3", "계란국") })
	expect(t, events, "status:5", "recipe:existing/0/계란국")
	j.set(func(st *domain.JobStatus) { st.Status, st.Partial = domain.Pending(), nil })
	expect(t, events, "status:0", "reset")
}

func TestFollowOfAJobWithoutStreamedRecipesSendsNoRecipeEvent(t *testing.T) {
	j := newLiveJob(domain.JobStatus{ID: knownJob, Status: domain.Processing(30)})
	events := followLines(t, j)
	expect(t, events, "status:3")
	j.set(func(st *domain.JobStatus) { st.Status = domain.Processing(80) })
	expect(t, events, "status:8")
	j.set(func(st *domain.JobStatus) { st.Status = domain.Completed() })
	expect(t, events, "completed")
}

func TestFollowSettlesTheRecipesSentBeforeTheEnd(t *testing.T) {
	same := partialOf("r1", "계란밥", "계란찜").Result()
	other := partialOf("r9", "김치전").Result()
	tests := []struct {
		name string
		end  func(*domain.JobStatus)
		want []string
	}{
		{name: "completed with the recipes sent", end: func(st *domain.JobStatus) { st.Status, st.Result = domain.Completed(), &same }, want: []string{"completed"}},
		{name: "completed by a fallback", end: func(st *domain.JobStatus) { st.Status, st.Result = domain.Completed(), &other }, want: []string{"reset", "completed"}},
		{name: "failed", end: func(st *domain.JobStatus) { st.Status = domain.Failed(domain.FailureProvidersUnavailable) }, want: []string{"reset", "failed"}},
		{name: "cancelled", end: func(st *domain.JobStatus) { st.Status = domain.Cancelled() }, want: []string{"reset", "cancelled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := newLiveJob(domain.JobStatus{ID: knownJob, Status: domain.Processing(50), Partial: partialOf("r1", "계란밥", "계란찜")})
			events := followLines(t, j)
			expect(t, events, "status:5", "recipe:existing/0/계란밥", "recipe:existing/1/계란찜")
			j.set(func(st *domain.JobStatus) { tt.end(st); st.Partial = nil })
			expect(t, events, tt.want...)
		})
	}
}
