package application_test

import (
	"context"
	"errors"
	"testing"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

type historyByID map[domain.JobID]domain.HistoryEntry

func (h historyByID) ListByUser(context.Context, string, string, int, string) (application.HistoryPage, error) {
	return application.HistoryPage{}, nil
}

func (h historyByID) Get(_ context.Context, id domain.JobID) (domain.HistoryEntry, error) {
	if id == "down" {
		return domain.HistoryEntry{}, application.ErrUnavailable
	}
	e, ok := h[id]
	if !ok {
		return domain.HistoryEntry{}, domain.ErrNotFound
	}
	return e, nil
}

func TestStatusFallsBackToHistoryOnceExpired(t *testing.T) {
	store := &fakeStatusStore{statuses: map[domain.JobID]domain.JobStatus{
		firstID: {ID: firstID, Status: domain.Processing(30)},
	}}
	expired := domain.JobID("EXPIREDEXPIREDEXPIREDEXPIR")
	history := historyByID{expired: {JobID: expired, Attempts: 2, Result: domain.Result{Provider: "offline"}}}
	s := application.StatusWithHistory(store, history)

	if st, err := s.Status(context.Background(), firstID); err != nil || st.Status.State() != domain.StateProcessing {
		t.Errorf("Status(live) = %v, %v; want the store's processing status", st.Status.State(), err)
	}
	st, err := s.Status(context.Background(), expired)
	if err != nil || st.Status.State() != domain.StateCompleted || st.Result == nil || st.Result.Provider != "offline" || st.Attempts != 2 {
		t.Errorf("Status(expired) = %+v, %v; want the completed status from history", st, err)
	}
	if _, err := s.Status(context.Background(), "unknown"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Status(unknown) error = %v, want ErrNotFound", err)
	}
	if _, err := s.Status(context.Background(), "down"); !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Status(history down) error = %v, want ErrUnavailable", err)
	}
}
