package valkey

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// Queue is the api side of the job queue: it enqueues, reads and cancels jobs, and keeps
// the dead letters. It is safe for concurrent use.
type Queue struct {
	rdb        redis.UniversalClient
	enqueuer   *enqueuer
	stop       chan struct{}
	keys       keys
	maxPending int
	resultTTL  time.Duration
	events     *jobEvents  // nil counts nothing; the api's module sets it
	tracing    *jobTracing // nil traces nothing; the api's module sets it when tracing is on
}

// NewQueue builds the queue named by QUEUE_NAME with its QUEUE_MAX_LENGTH and RESULT_TTL;
// Close stops its background sender.
func NewQueue(rdb redis.UniversalClient, cfg config.Config) *Queue {
	stop := make(chan struct{})
	k := newKeys(cfg.QueueName)
	return &Queue{
		rdb: rdb, enqueuer: newEnqueuer(rdb, k, cfg.QueueMaxLength, stop), stop: stop,
		keys: k, maxPending: cfg.QueueMaxLength, resultTTL: cfg.ResultTTL,
	}
}

// Close stops the queue's background sender; an Enqueue after Close fails with
// application.ErrUnavailable.
func (q *Queue) Close() { close(q.stop) }

// queueFullRetryAfter is what clients are told to wait when the queue is full.
const queueFullRetryAfter = 10 * time.Second

// Enqueue writes the job and pushes it on the pending list in one atomic step (shared
// with the enqueues that arrive at the same moment); see application.JobQueue.
func (q *Queue) Enqueue(ctx context.Context, job domain.Job, idem application.Idempotency) (domain.JobID, error) {
	req, err := encodeRequest(job.Request)
	if err != nil {
		return "", err
	}
	ctx, span, tp := q.tracing.send(ctx, string(job.ID))
	defer span.End()
	c := &enqueueCall{ctx: ctx, id: string(job.ID), req: req, rid: job.RequestID,
		lang: string(job.Request.Preferences.Language), owner: job.Owner, idem: idem, tp: tp}
	if err := q.enqueuer.enqueue(c); err != nil {
		span.SetStatus(codes.Error, "enqueue failed")
		return "", err
	}
	if span.IsRecording() {
		span.SetAttributes(attribute.String("recipe.enqueue.verdict", string(c.verdict)))
	}
	switch c.verdict {
	case enqueueOK:
		q.events.add(eventEnqueued, 1)
		return domain.JobID(c.answer), nil
	case enqueueDup:
		return domain.JobID(c.answer), nil
	case enqueueConflict:
		return "", fmt.Errorf("idempotency key reused with another request: %w", domain.ErrConflict)
	case enqueueFull:
		return "", &application.UnavailableError{
			RetryAfter: queueFullRetryAfter,
			Err:        fmt.Errorf("queue holds %d waiting jobs", q.maxPending),
		}
	}
	return "", fmt.Errorf("enqueue: unexpected verdict %q", c.verdict)
}

// Status reads a job's status and, once completed, its result.
func (q *Queue) Status(ctx context.Context, id domain.JobID) (domain.JobStatus, error) {
	vals, err := q.rdb.HMGet(ctx, q.keys.job(id),
		"state", "progress", "attempts", "lang", "created", "updated", "err", "result", "owner").Result()
	if err != nil {
		return domain.JobStatus{}, translate(err)
	}
	return statusFromFields(id, vals)
}

// Cancel cancels a pending or running job; see application.JobQueue.
func (q *Queue) Cancel(ctx context.Context, id domain.JobID) (domain.JobStatus, error) {
	reply, err := cancelScript.Run(ctx, q.rdb,
		[]string{q.keys.job(id), q.keys.leases(), q.keys.delayed()},
		string(id), q.resultTTL.Milliseconds(), q.keys.cancelChannel(), q.keys.eventsChannel(),
	).Text()
	if err != nil {
		return domain.JobStatus{}, translate(err)
	}
	switch cancelVerdict(reply) {
	case cancelMissing:
		return domain.JobStatus{}, domain.ErrNotFound
	case cancelEnded:
		return domain.JobStatus{}, fmt.Errorf("job already ended: %w", domain.ErrConflict)
	}
	q.events.add(eventCancelled, 1)
	return q.Status(ctx, id)
}

// DeadLetters lists up to limit failed jobs, most recently failed first, from offset.
func (q *Queue) DeadLetters(ctx context.Context, offset, limit int) ([]domain.JobStatus, error) {
	ids, err := q.rdb.ZRevRange(ctx, q.keys.dead(), int64(offset), int64(offset+limit-1)).Result()
	if err != nil {
		return nil, translate(err)
	}
	out := make([]domain.JobStatus, 0, len(ids))
	for _, id := range ids {
		st, err := q.Status(ctx, domain.JobID(id))
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// RetryDead gives a dead-lettered job a fresh set of attempts.
func (q *Queue) RetryDead(ctx context.Context, id domain.JobID) error {
	return q.deadLetter(ctx, id, "retry")
}

// DeleteDead removes a dead-lettered job for good.
func (q *Queue) DeleteDead(ctx context.Context, id domain.JobID) error {
	return q.deadLetter(ctx, id, "delete")
}

func (q *Queue) deadLetter(ctx context.Context, id domain.JobID, action string) error {
	n, err := deadLetterScript.Run(ctx, q.rdb,
		[]string{q.keys.job(id), q.keys.dead(), q.keys.pending()}, string(id), action, q.keys.eventsChannel()).Int()
	if err != nil {
		return translate(err)
	}
	if n == 0 {
		return fmt.Errorf("job %s is not a dead letter: %w", id, domain.ErrNotFound)
	}
	return nil
}

// statusFromFields rebuilds a status from the fields Status reads, in that order.
func statusFromFields(id domain.JobID, vals []any) (domain.JobStatus, error) {
	field := func(i int) string {
		if i >= len(vals) { // a list reads fewer fields
			return ""
		}
		s, _ := vals[i].(string)
		return s
	}
	if field(0) == "" {
		return domain.JobStatus{}, domain.ErrNotFound
	}
	progress, _ := strconv.Atoi(field(1))
	status, err := domain.RestoreStatus(domain.State(field(0)), progress, failureOf(field(0), field(6)))
	if err != nil {
		return domain.JobStatus{}, err
	}
	attempts, _ := strconv.Atoi(field(2))
	js := domain.JobStatus{
		ID:        id,
		Owner:     field(8),
		Status:    status,
		Attempts:  attempts,
		Language:  domain.Language(field(3)),
		CreatedAt: millis(field(4)),
		UpdatedAt: millis(field(5)),
	}
	if field(5) == "" { // never changed since it was enqueued
		js.UpdatedAt = js.CreatedAt
	}
	if status.State() == domain.StateCompleted && len(vals) > 7 { // lists read no result
		if js.Result, err = decodeResult(field(7)); err != nil {
			return domain.JobStatus{}, err
		}
	}
	return js, nil
}

// failureOf reads the failure code stored with a failed job.
func failureOf(state, code string) domain.FailureCode {
	if domain.State(state) != domain.StateFailed {
		return ""
	}
	return domain.ParseFailureCode(code)
}

// millis parses a stored Unix time in milliseconds.
func millis(s string) time.Time {
	ms, _ := strconv.ParseInt(s, 10, 64)
	return time.UnixMilli(ms).UTC()
}
