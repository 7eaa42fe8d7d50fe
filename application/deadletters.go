package application

import (
	"context"
	"fmt"

	"github.com/naengbu/recipe-ai/domain"
)

// DeadLetterQueue keeps the jobs that failed for good.
type DeadLetterQueue interface {
	// DeadLetters lists up to limit failed jobs from offset, most recently failed first.
	DeadLetters(ctx context.Context, offset, limit int) ([]domain.JobStatus, error)
	// RetryDead gives a failed job a fresh set of attempts; domain.ErrNotFound when the
	// job is no dead letter.
	RetryDead(ctx context.Context, id domain.JobID) error
	// DeleteDead removes a failed job for good; domain.ErrNotFound when it is no dead letter.
	DeleteDead(ctx context.Context, id domain.JobID) error
}

// MaxDeadLetterPage is the most dead letters one List returns.
const MaxDeadLetterPage = 100

// DeadLetters lets an operator inspect, retry and delete the jobs that failed for good.
type DeadLetters struct{ queue DeadLetterQueue }

// NewDeadLetters builds the use case on its port.
func NewDeadLetters(q DeadLetterQueue) *DeadLetters { return &DeadLetters{queue: q} }

// List returns a page of failed jobs with their errors, most recent first; limit is
// clamped to 1..MaxDeadLetterPage and a negative offset counts as 0.
func (d *DeadLetters) List(ctx context.Context, offset, limit int) ([]domain.JobStatus, error) {
	jobs, err := d.queue.DeadLetters(ctx, max(offset, 0), min(max(limit, 1), MaxDeadLetterPage))
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return jobs, nil
}

// Retry puts a failed job back in the queue with a fresh set of attempts.
func (d *DeadLetters) Retry(ctx context.Context, id domain.JobID) error {
	if err := d.queue.RetryDead(ctx, id); err != nil {
		return fmt.Errorf("retry dead letter %s: %w", id, err)
	}
	return nil
}

// Delete removes a failed job for good.
func (d *DeadLetters) Delete(ctx context.Context, id domain.JobID) error {
	if err := d.queue.DeleteDead(ctx, id); err != nil {
		return fmt.Errorf("delete dead letter %s: %w", id, err)
	}
	return nil
}
