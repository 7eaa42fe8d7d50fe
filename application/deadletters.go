package application

import (
	"context"
	"errors"
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

// MaxRetryAll is the most dead letters one RetryAll puts back.
const MaxRetryAll = 10 * MaxDeadLetterPage

// RetryAll puts the failed jobs back in the queue, each with a fresh set of attempts, up
// to MaxRetryAll of them, and returns how many it put back. It takes the list first and
// then retries, so a job that fails again meanwhile is not retried twice; a job deleted
// or retried by someone else meanwhile is skipped.
func (d *DeadLetters) RetryAll(ctx context.Context) (int, error) {
	var ids []domain.JobID
	for len(ids) < MaxRetryAll {
		page, err := d.queue.DeadLetters(ctx, len(ids), MaxDeadLetterPage)
		if err != nil {
			return 0, fmt.Errorf("list dead letters: %w", err)
		}
		for _, st := range page {
			ids = append(ids, st.ID)
		}
		if len(page) < MaxDeadLetterPage {
			break
		}
	}
	retried := 0
	for _, id := range ids[:min(len(ids), MaxRetryAll)] {
		err := d.queue.RetryDead(ctx, id)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			continue
		case err != nil:
			return retried, fmt.Errorf("retry dead letter %s: %w", id, err)
		}
		retried++
	}
	return retried, nil
}
