package valkey

import (
	"context"
	"sync"
	"time"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// registry is what a consumer knows of the jobs it runs: each one's lease token and how
// to cancel it. It also remembers, for a while, the cancels of jobs it does not run yet:
// a cancel that arrives between a job's claim and its start is not lost.
type registry struct {
	mu        sync.Mutex
	jobs      map[domain.JobID]runningJob
	cancelled map[domain.JobID]time.Time // cancels of jobs not running here, when they came
}

type runningJob struct {
	token  string
	cancel context.CancelCauseFunc
}

// earlyCancelMemory is how long a cancel of a job not running here is remembered.
const earlyCancelMemory = time.Minute

func newRegistry() *registry {
	return &registry{jobs: make(map[domain.JobID]runningJob), cancelled: make(map[domain.JobID]time.Time)}
}

// track records a job that starts; if its cancel came first, the job is cancelled at once.
func (r *registry) track(id domain.JobID, job runningJob) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs[id] = job
	if _, ok := r.cancelled[id]; ok {
		delete(r.cancelled, id)
		job.cancel(application.ErrCancelled)
	}
}

func (r *registry) untrack(id domain.JobID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.jobs, id)
}

// holds reports whether the job runs here under token.
func (r *registry) holds(id domain.JobID, token string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[id]
	return ok && j.token == token
}

// cancel cancels a job that runs here with cause.
func (r *registry) cancel(id domain.JobID, cause error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if j, ok := r.jobs[id]; ok {
		j.cancel(cause)
	}
}

// clientCancelled handles a client's cancel: the job is cancelled if it runs here, and
// remembered in case its claim's reply is still on its way.
func (r *registry) clientCancelled(id domain.JobID, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if j, ok := r.jobs[id]; ok {
		j.cancel(application.ErrCancelled)
		return
	}
	for old, at := range r.cancelled {
		if now.Sub(at) > earlyCancelMemory {
			delete(r.cancelled, old)
		}
	}
	r.cancelled[id] = now
}

// cancelAll cancels every job with cause and says how many there were.
func (r *registry) cancelAll(cause error) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range r.jobs {
		j.cancel(cause)
	}
	return len(r.jobs)
}

// leases lists the running jobs and their tokens.
func (r *registry) leases() ([]domain.JobID, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]domain.JobID, 0, len(r.jobs))
	tokens := make([]string, 0, len(r.jobs))
	for id, j := range r.jobs {
		ids = append(ids, id)
		tokens = append(tokens, j.token)
	}
	return ids, tokens
}
