package application_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// fakeQueue is an in-memory JobQueue that keeps what it was given. It honours the port's
// contract for idempotency keys and cancellation; err, when set, fails every Enqueue.
type fakeQueue struct {
	mu       sync.Mutex
	err      error
	jobs     []domain.Job              // enqueued jobs, in order
	idems    []application.Idempotency // the idempotency passed to each Enqueue call
	keys     map[string]application.Idempotency
	keyJobs  map[string]domain.JobID
	statuses map[domain.JobID]domain.Status
}

func newFakeQueue() *fakeQueue {
	return &fakeQueue{
		keys:     make(map[string]application.Idempotency),
		keyJobs:  make(map[string]domain.JobID),
		statuses: make(map[domain.JobID]domain.Status),
	}
}

func (q *fakeQueue) Enqueue(_ context.Context, job domain.Job, idem application.Idempotency) (domain.JobID, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.idems = append(q.idems, idem)
	if q.err != nil {
		return "", q.err
	}
	if idem.Key != "" {
		if first, ok := q.keys[idem.Key]; ok {
			if first.Fingerprint != idem.Fingerprint {
				return "", fmt.Errorf("idempotency key %q: %w", idem.Key, domain.ErrConflict)
			}
			return q.keyJobs[idem.Key], nil
		}
		q.keys[idem.Key] = idem
		q.keyJobs[idem.Key] = job.ID
	}
	q.jobs = append(q.jobs, job)
	q.statuses[job.ID] = domain.Pending()
	return job.ID, nil
}

func (q *fakeQueue) Cancel(_ context.Context, id domain.JobID) (domain.JobStatus, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	st, ok := q.statuses[id]
	switch {
	case !ok:
		return domain.JobStatus{}, domain.ErrNotFound
	case st.State().Terminal():
		return domain.JobStatus{}, domain.ErrConflict
	}
	q.statuses[id] = domain.Cancelled()
	return domain.JobStatus{ID: id, Status: domain.Cancelled()}, nil
}

// fakeStatusStore is an in-memory StatusStore; err, when set, fails every read.
type fakeStatusStore struct {
	err      error
	statuses map[domain.JobID]domain.JobStatus
}

func (s *fakeStatusStore) Status(_ context.Context, id domain.JobID) (domain.JobStatus, error) {
	if s.err != nil {
		return domain.JobStatus{}, s.err
	}
	st, ok := s.statuses[id]
	if !ok {
		return domain.JobStatus{}, domain.ErrNotFound
	}
	return st, nil
}

// fakeChain answers like a provider chain: it offers each of answers to accept in turn,
// then reports the failures it was given plus one per refused answer. With a stream, it
// first streams the recipes of streamed[i] for answer i, named with its provider, and
// after a refused answer that streamed, a reset, as the chain does.
type fakeChain struct {
	answers  []application.Answer
	streamed [][]application.Streamed
	failures []application.ProviderFailure
	err      error // returned as it is when set, as a chain's internal fault
	block    bool
	started  chan struct{}
	onCall   func() // runs when Generate is called, before it answers

	mu        sync.Mutex
	requests  []domain.GenerationRequest
	streaming []bool // whether each call was given a stream
}

func (g *fakeChain) Generate(ctx context.Context, req domain.GenerationRequest, accept application.AcceptFunc, stream application.StreamFunc) (domain.Result, error) {
	g.mu.Lock()
	g.requests = append(g.requests, req)
	g.streaming = append(g.streaming, stream != nil)
	g.mu.Unlock()
	if g.onCall != nil {
		g.onCall()
	}
	if g.started != nil {
		close(g.started)
	}
	if g.block {
		<-ctx.Done()
		return domain.Result{}, ctx.Err()
	}
	if g.err != nil {
		return domain.Result{}, g.err
	}
	failures := slices.Clone(g.failures)
	for i, a := range g.answers {
		var streamed []application.Streamed
		if stream != nil && i < len(g.streamed) {
			streamed = g.streamed[i]
		}
		for _, s := range streamed {
			s.Provider = a.Provider
			stream(s)
		}
		res, err := accept(a)
		if err == nil {
			return res, nil
		}
		if len(streamed) > 0 {
			stream(application.Streamed{Provider: a.Provider, Reset: true})
		}
		failures = append(failures, application.ClassifyFailure(a.Provider, err))
	}
	return domain.Result{}, &application.ProvidersError{Failures: failures}
}

// sequence returns a newID func that hands out ids in order.
func sequence(ids ...domain.JobID) func() domain.JobID {
	var mu sync.Mutex
	return func() domain.JobID {
		mu.Lock()
		defer mu.Unlock()
		id := ids[0]
		ids = ids[1:]
		return id
	}
}

// fixedClock returns a now func that always answers t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// mustRequest builds a valid request or fails the test binary's setup.
func mustRequest(userID string, ingredients []string, prefs domain.Preferences) domain.GenerationRequest {
	req, err := domain.NewGenerationRequest(userID, ingredients, prefs)
	if err != nil {
		panic(fmt.Sprintf("NewGenerationRequest(%q, %q, %+v): %v", userID, ingredients, prefs, err))
	}
	return req
}

// fakeReporter keeps what a run reported, in order.
type fakeReporter struct {
	mu       sync.Mutex
	progress []int
	partials []domain.Partial
}

func (r *fakeReporter) Progress(p int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = append(r.progress, p)
}

func (r *fakeReporter) Partial(p domain.Partial, progress int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.partials = append(r.partials, p)
	r.progress = append(r.progress, progress)
}

// reported returns a copy of the progress reported so far.
func (r *fakeReporter) reported() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.progress)
}
