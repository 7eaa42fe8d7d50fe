package application_test

import (
	"context"
	"errors"
	"testing"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// fakeDeadLetters keeps dead letters in a slice and records the pages asked for.
type fakeDeadLetters struct {
	dead  []domain.JobID
	pages [][2]int
}

func (f *fakeDeadLetters) DeadLetters(_ context.Context, offset, limit int) ([]domain.JobStatus, error) {
	f.pages = append(f.pages, [2]int{offset, limit})
	var out []domain.JobStatus
	for i := offset; i < len(f.dead) && i < offset+limit; i++ {
		out = append(out, domain.JobStatus{ID: f.dead[i], Status: domain.Failed(domain.FailureInternal)})
	}
	return out, nil
}

func (f *fakeDeadLetters) remove(id domain.JobID) error {
	for i, d := range f.dead {
		if d == id {
			f.dead = append(f.dead[:i], f.dead[i+1:]...)
			return nil
		}
	}
	return domain.ErrNotFound
}

func (f *fakeDeadLetters) RetryDead(_ context.Context, id domain.JobID) error  { return f.remove(id) }
func (f *fakeDeadLetters) DeleteDead(_ context.Context, id domain.JobID) error { return f.remove(id) }

func TestDeadLettersListClampsThePage(t *testing.T) {
	q := &fakeDeadLetters{dead: []domain.JobID{"A", "B", "C"}}
	d := application.NewDeadLetters(q)
	tests := []struct {
		giveOffset, giveLimit int
		wantPage              [2]int
		wantLen               int
	}{
		{0, 2, [2]int{0, 2}, 2},
		{-5, 0, [2]int{0, 1}, 1},
		{1, 1000, [2]int{1, application.MaxDeadLetterPage}, 2},
	}
	for _, tt := range tests {
		got, err := d.List(context.Background(), tt.giveOffset, tt.giveLimit)
		if err != nil || len(got) != tt.wantLen {
			t.Errorf("List(%d, %d) = %d jobs, %v; want %d", tt.giveOffset, tt.giveLimit, len(got), err, tt.wantLen)
		}
		if page := q.pages[len(q.pages)-1]; page != tt.wantPage {
			t.Errorf("List(%d, %d) asked the queue for %v, want %v", tt.giveOffset, tt.giveLimit, page, tt.wantPage)
		}
	}
}

func TestDeadLettersRetryAndDeleteWrapNotFound(t *testing.T) {
	q := &fakeDeadLetters{dead: []domain.JobID{"A", "B"}}
	d := application.NewDeadLetters(q)
	if err := d.Retry(context.Background(), "A"); err != nil {
		t.Fatalf("Retry(A) = %v, want nil", err)
	}
	if err := d.Delete(context.Background(), "B"); err != nil {
		t.Fatalf("Delete(B) = %v, want nil", err)
	}
	if len(q.dead) != 0 {
		t.Errorf("dead letters left = %v, want none", q.dead)
	}
	if err := d.Retry(context.Background(), "A"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Retry(A again) = %v, want ErrNotFound", err)
	}
}
