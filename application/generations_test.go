package application_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

const (
	firstID  domain.JobID = "AAAAAAAAAAAAAAAAAAAAAAAAAA"
	secondID domain.JobID = "BBBBBBBBBBBBBBBBBBBBBBBBBB"
)

var (
	submittedAt = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	allowDomain = cmp.AllowUnexported(domain.Ingredients{}, domain.Status{})
)

func TestSubmit(t *testing.T) {
	req := mustRequest("user-42", []string{"계란", "밥"}, domain.Preferences{Servings: 2})
	q := newFakeQueue()
	g := application.NewGenerations(q, &fakeStatusStore{}, sequence(firstID), fixedClock(submittedAt))

	got, err := g.Submit(context.Background(), req, application.Submission{RequestID: "req-1"})
	if err != nil {
		t.Fatalf("Submit() error = %v", err)
	}
	want := domain.Job{ID: firstID, Request: req, RequestID: "req-1", CreatedAt: submittedAt}
	if diff := cmp.Diff(want, got, allowDomain); diff != "" {
		t.Errorf("Submit() job (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]domain.Job{want}, q.jobs, allowDomain); diff != "" {
		t.Errorf("Submit() enqueued (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]application.Idempotency{{}}, q.idems); diff != "" {
		t.Errorf("Submit() without a key passed idempotency (-want +got):\n%s", diff)
	}
}

func TestSubmitFreshIDs(t *testing.T) {
	req := mustRequest("", []string{"계란"}, domain.Preferences{})
	q := newFakeQueue()
	g := application.NewGenerations(q, &fakeStatusStore{}, sequence(firstID, secondID), fixedClock(submittedAt))

	var got []domain.JobID
	for range 2 {
		job, err := g.Submit(context.Background(), req, application.Submission{})
		if err != nil {
			t.Fatalf("Submit() error = %v", err)
		}
		got = append(got, job.ID)
	}
	if diff := cmp.Diff([]domain.JobID{firstID, secondID}, got); diff != "" {
		t.Errorf("Submit() twice without a key: ids (-want +got):\n%s", diff)
	}
	if len(q.jobs) != 2 {
		t.Errorf("Submit() twice without a key enqueued %d jobs, want 2", len(q.jobs))
	}
}

func TestSubmitDefaults(t *testing.T) {
	q := newFakeQueue()
	g := application.NewGenerations(q, &fakeStatusStore{}, nil, nil)
	before := time.Now()
	job, err := g.Submit(context.Background(), mustRequest("", []string{"계란"}, domain.Preferences{}), application.Submission{})
	after := time.Now()
	if err != nil {
		t.Fatalf("Submit() error = %v", err)
	}
	if _, err := domain.ParseJobID(string(job.ID)); err != nil {
		t.Errorf("Submit() with the default newID: ParseJobID(%q) error = %v, want a valid id", job.ID, err)
	}
	if job.CreatedAt.Before(before) || job.CreatedAt.After(after) {
		t.Errorf("Submit() with the default clock: CreatedAt = %v, want between %v and %v", job.CreatedAt, before, after)
	}
}

func TestSubmitIdempotencyKey(t *testing.T) {
	req := mustRequest("user-42", []string{"계란", "밥"}, domain.Preferences{Servings: 2})
	q := newFakeQueue()
	g := application.NewGenerations(q, &fakeStatusStore{}, sequence(firstID), fixedClock(submittedAt))

	if _, err := g.Submit(context.Background(), req, application.Submission{IdempotencyKey: "key-1"}); err != nil {
		t.Fatalf("Submit() error = %v", err)
	}
	want := []application.Idempotency{{Key: "key-1", Fingerprint: application.Fingerprint(req)}}
	if diff := cmp.Diff(want, q.idems); diff != "" {
		t.Errorf("Submit() with a key passed idempotency (-want +got):\n%s", diff)
	}
}

func TestSubmitRepeatedKey(t *testing.T) {
	first := mustRequest("user-42", []string{"계란", "밥"}, domain.Preferences{})
	tests := []struct {
		name    string
		give    domain.GenerationRequest
		want    domain.JobID
		wantErr error
	}{
		{name: "same request", give: first, want: firstID},
		{
			name: "same request once normalised",
			give: mustRequest(" user-42 ", []string{" 계란", "밥 ", "계란"}, domain.Preferences{Language: domain.Korean}),
			want: firstID,
		},
		{
			name:    "different request",
			give:    mustRequest("user-42", []string{"계란", "김치"}, domain.Preferences{}),
			wantErr: domain.ErrConflict,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newFakeQueue()
			g := application.NewGenerations(q, &fakeStatusStore{}, sequence(firstID, secondID), fixedClock(submittedAt))
			sub := application.Submission{IdempotencyKey: "key-1"}
			if _, err := g.Submit(context.Background(), first, sub); err != nil {
				t.Fatalf("first Submit() error = %v", err)
			}

			got, err := g.Submit(context.Background(), tt.give, sub)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("second Submit() error = %v, want %v", err, tt.wantErr)
			}
			if got.ID != tt.want {
				t.Errorf("second Submit() id = %q, want %q", got.ID, tt.want)
			}
			if len(q.jobs) != 1 {
				t.Errorf("Submit() twice with one key enqueued %d jobs, want 1", len(q.jobs))
			}
		})
	}
}

func TestSubmitQueueErrors(t *testing.T) {
	tests := []struct {
		name string
		give error
		want error
	}{
		{name: "unavailable", give: application.ErrUnavailable, want: application.ErrUnavailable},
		{
			name: "queue full",
			give: &application.UnavailableError{RetryAfter: 30 * time.Second, Err: errors.New("queue full")},
			want: application.ErrUnavailable,
		},
		{name: "conflict", give: domain.ErrConflict, want: domain.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newFakeQueue()
			q.err = tt.give
			g := application.NewGenerations(q, &fakeStatusStore{}, sequence(firstID), fixedClock(submittedAt))

			got, err := g.Submit(context.Background(), mustRequest("", []string{"계란"}, domain.Preferences{}), application.Submission{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Submit() error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), string(firstID)) {
				t.Errorf("Submit() error = %q, want it to name job %s", err, firstID)
			}
			if got.ID != "" {
				t.Errorf("Submit() failing job id = %q, want none", got.ID)
			}
		})
	}
}

func TestSubmitKeepsRetryAfter(t *testing.T) {
	q := newFakeQueue()
	q.err = &application.UnavailableError{RetryAfter: 30 * time.Second, Err: errors.New("queue full")}
	g := application.NewGenerations(q, &fakeStatusStore{}, sequence(firstID), fixedClock(submittedAt))

	_, err := g.Submit(context.Background(), mustRequest("", []string{"계란"}, domain.Preferences{}), application.Submission{})
	uerr, ok := errors.AsType[*application.UnavailableError](err)
	if !ok {
		t.Fatalf("Submit() error = %v, want an *UnavailableError", err)
	}
	if uerr.RetryAfter != 30*time.Second {
		t.Errorf("Submit() error RetryAfter = %v, want 30s", uerr.RetryAfter)
	}
}

func TestFingerprint(t *testing.T) {
	base := mustRequest("user-42", []string{"계란", "대파"}, domain.Preferences{
		Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 2,
	})
	tests := []struct {
		name     string
		give     domain.GenerationRequest
		wantSame bool
	}{
		{name: "itself", give: base, wantSame: true},
		{
			name: "spacing and duplicates",
			give: mustRequest("  user-42", []string{" 계란 ", "대파", "계란"}, domain.Preferences{
				Allergies: []string{"땅콩 ", "땅콩"}, MaxCookingTime: 30, Servings: 2, Language: domain.Korean,
			}),
			wantSame: true,
		},
		{
			name: "another user",
			give: mustRequest("user-43", []string{"계란", "대파"}, domain.Preferences{
				Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 2,
			}),
		},
		{
			name: "another ingredient",
			give: mustRequest("user-42", []string{"계란", "김치"}, domain.Preferences{
				Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 2,
			}),
		},
		{
			name: "another serving count",
			give: mustRequest("user-42", []string{"계란", "대파"}, domain.Preferences{
				Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 3,
			}),
		},
		{
			name: "no allergies",
			give: mustRequest("user-42", []string{"계란", "대파"}, domain.Preferences{MaxCookingTime: 30, Servings: 2}),
		},
		{
			name: "another language",
			give: mustRequest("user-42", []string{"계란", "대파"}, domain.Preferences{
				Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 2, Language: domain.English,
			}),
		},
	}
	want := application.Fingerprint(base)
	if len(want) != 64 || strings.Trim(want, "0123456789abcdef") != "" {
		t.Fatalf("Fingerprint(base) = %q, want 64 hex digits", want)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := application.Fingerprint(tt.give)
			if (got == want) != tt.wantSame {
				t.Errorf("Fingerprint(%s) = %s, base %s: same %t, want same %t", tt.name, got, want, got == want, tt.wantSame)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	stored := domain.JobStatus{ID: firstID, Status: domain.Processing(30), Attempts: 1, Language: domain.Korean, CreatedAt: submittedAt}
	tests := []struct {
		name     string
		storeErr error
		give     domain.JobID
		want     domain.JobStatus
		wantErr  error
	}{
		{name: "known", give: firstID, want: stored},
		{name: "unknown", give: secondID, wantErr: domain.ErrNotFound},
		{name: "store unavailable", storeErr: application.ErrUnavailable, give: firstID, wantErr: application.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeStatusStore{err: tt.storeErr, statuses: map[domain.JobID]domain.JobStatus{firstID: stored}}
			g := application.NewGenerations(newFakeQueue(), store, nil, nil)

			got, err := g.Status(context.Background(), tt.give)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Status(%s) error = %v, want %v", tt.give, err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), string(tt.give)) {
				t.Errorf("Status(%s) error = %q, want it to name the job", tt.give, err)
			}
			if diff := cmp.Diff(tt.want, got, allowDomain); diff != "" {
				t.Errorf("Status(%s) (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	tests := []struct {
		name    string
		stored  domain.Status // the state of firstID when Cancel runs
		give    domain.JobID
		want    domain.JobStatus
		wantErr error
	}{
		{name: "pending", stored: domain.Pending(), give: firstID, want: domain.JobStatus{ID: firstID, Status: domain.Cancelled()}},
		{name: "processing", stored: domain.Processing(30), give: firstID, want: domain.JobStatus{ID: firstID, Status: domain.Cancelled()}},
		{name: "unknown", stored: domain.Pending(), give: secondID, wantErr: domain.ErrNotFound},
		{name: "already cancelled", stored: domain.Cancelled(), give: firstID, wantErr: domain.ErrConflict},
		{name: "completed", stored: domain.Completed(), give: firstID, wantErr: domain.ErrConflict},
		{name: "failed", stored: domain.Failed(domain.FailureInternal), give: firstID, wantErr: domain.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newFakeQueue()
			g := application.NewGenerations(q, &fakeStatusStore{}, sequence(firstID), fixedClock(submittedAt))
			if _, err := g.Submit(context.Background(), mustRequest("", []string{"계란"}, domain.Preferences{}), application.Submission{}); err != nil {
				t.Fatalf("Submit() error = %v", err)
			}
			q.statuses[firstID] = tt.stored

			got, err := g.Cancel(context.Background(), tt.give)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Cancel(%s) error = %v, want %v", tt.give, err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), string(tt.give)) {
				t.Errorf("Cancel(%s) error = %q, want it to name the job", tt.give, err)
			}
			if diff := cmp.Diff(tt.want, got, allowDomain); diff != "" {
				t.Errorf("Cancel(%s) (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}
