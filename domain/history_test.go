package domain_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

func historyJob(t *testing.T) (domain.Job, domain.Result) {
	t.Helper()
	req, err := domain.NewGenerationRequest("user-42", []string{"계란", "대파"}, domain.Preferences{Language: domain.English, Servings: 2})
	if err != nil {
		t.Fatalf("NewGenerationRequest error = %v", err)
	}
	created := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	job := domain.NewJob("KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A", req, "req-1", created)
	job.Attempt = 2
	result := domain.Result{
		ExistingIngredientsRecipes: []domain.Recipe{{Name: "계란말이", Difficulty: domain.Easy, CookingTime: 10, Servings: 2}},
		UserID:                     "user-42", Provider: "offline", Model: "catalogue", GeneratedAt: created.Add(20 * time.Second),
	}
	return job, result
}

func TestNewHistoryEntry(t *testing.T) {
	job, result := historyJob(t)
	completed := job.CreatedAt.Add(21 * time.Second)

	got := domain.NewHistoryEntry(job, result, completed)

	want := domain.HistoryEntry{
		JobID: job.ID, Request: job.Request, Attempts: 2,
		CreatedAt: job.CreatedAt, CompletedAt: completed, Result: result,
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(domain.Ingredients{})); diff != "" {
		t.Errorf("NewHistoryEntry (-want +got):\n%s", diff)
	}
}

func TestHistoryEntryStatus(t *testing.T) {
	job, result := historyJob(t)
	completed := job.CreatedAt.Add(21 * time.Second)
	entry := domain.NewHistoryEntry(job, result, completed)

	st := entry.Status()

	if st.Status.State() != domain.StateCompleted || st.Status.Progress() != 100 {
		t.Errorf("Status() state, progress = %s, %d, want completed, 100", st.Status.State(), st.Status.Progress())
	}
	if st.ID != job.ID || st.Attempts != 2 || st.Language != domain.English {
		t.Errorf("Status() id, attempts, language = %s, %d, %s, want %s, 2, en", st.ID, st.Attempts, st.Language, job.ID)
	}
	if !st.CreatedAt.Equal(job.CreatedAt) || !st.UpdatedAt.Equal(completed) {
		t.Errorf("Status() created, updated = %v, %v, want %v, %v", st.CreatedAt, st.UpdatedAt, job.CreatedAt, completed)
	}
	if st.Result == nil {
		t.Fatal("Status().Result = nil, want the entry's result")
	}
	if diff := cmp.Diff(result, *st.Result); diff != "" {
		t.Errorf("Status().Result (-want +got):\n%s", diff)
	}
	if st.Message() != "Completed" {
		t.Errorf("Status().Message() = %q, want %q", st.Message(), "Completed")
	}
	st.Result.Model = "changed"
	if entry.Result.Model != "catalogue" {
		t.Errorf("changing Status().Result changed the entry: Model = %q", entry.Result.Model)
	}
}
