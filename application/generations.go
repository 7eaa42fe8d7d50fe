package application

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// IdempotencyWindow is how long an Idempotency-Key names the job it first created.
const IdempotencyWindow = 24 * time.Hour

// Idempotency ties a submission to a client's Idempotency-Key. Fingerprint identifies the
// request body, so a reused key with another body can be told apart.
type Idempotency struct {
	Key         string
	Fingerprint string
}

// JobQueue hands accepted jobs to the workers and takes them back when cancelled.
type JobQueue interface {
	// Enqueue makes job visible to exactly one worker and returns its id. With a non-empty
	// idem.Key the first job enqueued under that key within IdempotencyWindow wins: the same
	// fingerprint returns that job's id and enqueues nothing; another fingerprint gives
	// domain.ErrConflict. Its error wraps ErrUnavailable when the queue cannot be reached
	// or is full.
	Enqueue(ctx context.Context, job domain.Job, idem Idempotency) (domain.JobID, error)
	// Cancel stops a job: a pending one never starts, a running one's worker is told to
	// abandon it. It gives domain.ErrNotFound for an unknown job and domain.ErrConflict
	// for one that already ended.
	Cancel(ctx context.Context, id domain.JobID) (domain.JobStatus, error)
}

// Submission is what a client sends besides the request itself.
type Submission struct {
	IdempotencyKey string
	RequestID      string
}

// Generations serves the api binary: submit, read and cancel generations.
type Generations struct {
	queue  JobQueue
	status StatusStore
	newID  func() domain.JobID
	now    func() time.Time
}

// NewGenerations builds the use cases on their ports; newID and now may be nil for the
// defaults (domain.NewJobID, time.Now).
func NewGenerations(queue JobQueue, status StatusStore, newID func() domain.JobID, now func() time.Time) *Generations {
	if newID == nil {
		newID = domain.NewJobID
	}
	if now == nil {
		now = time.Now
	}
	return &Generations{queue: queue, status: status, newID: newID, now: now}
}

// Submit queues a generation and returns the job that will answer it. A repeated
// Idempotency-Key with the same request returns the first job instead.
func (g *Generations) Submit(ctx context.Context, req domain.GenerationRequest, sub Submission) (domain.Job, error) {
	job, _, err := g.submit(ctx, req, sub)
	return job, err
}

// Accept queues a generation as Submit does and returns the status to answer with: a new
// job is pending; a repeated Idempotency-Key gets the first job's current status
// (completed when it has finished), or pending when that status can no longer be read.
func (g *Generations) Accept(ctx context.Context, req domain.GenerationRequest, sub Submission) (domain.JobStatus, error) {
	job, replayed, err := g.submit(ctx, req, sub)
	if err != nil {
		return domain.JobStatus{}, err
	}
	pending := domain.JobStatus{
		ID: job.ID, Status: domain.Pending(), Language: req.Preferences.Language,
		CreatedAt: job.CreatedAt, UpdatedAt: job.CreatedAt,
	}
	if !replayed {
		return pending, nil
	}
	st, err := g.Status(ctx, job.ID)
	if err != nil {
		return pending, nil //nolint:nilerr // the job was accepted; its status has expired
	}
	return st, nil
}

func (g *Generations) submit(ctx context.Context, req domain.GenerationRequest, sub Submission) (domain.Job, bool, error) {
	job := domain.NewJob(g.newID(), req, sub.RequestID, g.now())
	job.Owner = CallerFrom(ctx)
	var idem Idempotency
	if sub.IdempotencyKey != "" {
		idem = Idempotency{Key: sub.IdempotencyKey, Fingerprint: Fingerprint(req)}
	}
	id, err := g.queue.Enqueue(ctx, job, idem)
	if err != nil {
		return domain.Job{}, false, fmt.Errorf("enqueue job %s: %w", job.ID, err)
	}
	replayed := id != job.ID
	job.ID = id
	return job, replayed, nil
}

// Status returns what a client may see of a job: another API key's job is not found.
func (g *Generations) Status(ctx context.Context, id domain.JobID) (domain.JobStatus, error) {
	st, err := g.status.Status(ctx, id)
	if err != nil {
		return domain.JobStatus{}, fmt.Errorf("load status %s: %w", id, err)
	}
	if !visible(ctx, st.Owner) {
		return domain.JobStatus{}, hidden(id)
	}
	return st, nil
}

// Cancel cancels a job that has not ended yet; another API key's job is not found.
func (g *Generations) Cancel(ctx context.Context, id domain.JobID) (domain.JobStatus, error) {
	if CallerFrom(ctx) != "" { // with API keys, only the job's own key may cancel it
		if _, err := g.Status(ctx, id); err != nil {
			return domain.JobStatus{}, fmt.Errorf("cancel job %s: %w", id, err)
		}
	}
	st, err := g.queue.Cancel(ctx, id)
	if err != nil {
		return domain.JobStatus{}, fmt.Errorf("cancel job %s: %w", id, err)
	}
	return st, nil
}

// Fingerprint identifies a request by its normalised content, so that two bodies that
// differ only in spacing, duplicates or field order count as the same request.
func Fingerprint(req domain.GenerationRequest) string {
	canonical, _ := json.Marshal(struct {
		User        string
		Ingredients []string
		Prefs       domain.Preferences
	}{req.UserID, req.Ingredients.Names(), req.Preferences})
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}
