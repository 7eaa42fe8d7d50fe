package application

import (
	"context"
	"errors"

	"github.com/naengbu/recipe-ai/domain"
)

// statusWithHistory reads a job's status from the queue's store and, once the store has
// forgotten a job (its RESULT_TTL passed), from the history: a client that comes back
// after an hour still gets its recipes.
type statusWithHistory struct {
	status  StatusStore
	history HistoryReader
}

// StatusWithHistory is status, falling back to history for jobs status no longer knows.
func StatusWithHistory(status StatusStore, history HistoryReader) StatusStore {
	return &statusWithHistory{status: status, history: history}
}

func (s *statusWithHistory) Status(ctx context.Context, id domain.JobID) (domain.JobStatus, error) {
	st, err := s.status.Status(ctx, id)
	if !errors.Is(err, domain.ErrNotFound) {
		return st, err
	}
	entry, herr := s.history.Get(ctx, id)
	if herr != nil {
		if errors.Is(herr, domain.ErrNotFound) {
			return domain.JobStatus{}, err
		}
		return domain.JobStatus{}, herr
	}
	return entry.Status(), nil
}
