package application_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

func TestRetryPolicyDelay(t *testing.T) {
	policy := application.RetryPolicy{Attempts: 5, Backoff: 2 * time.Second}
	temporary := errors.New("provider answered 503")
	tests := []struct {
		name      string
		policy    application.RetryPolicy
		attempt   int
		err       error
		random    float64
		want      time.Duration
		wantRetry bool
	}{
		{name: "first attempt, no jitter", policy: policy, attempt: 1, err: temporary, random: 0, want: time.Second, wantRetry: true},
		{name: "first attempt, half jitter", policy: policy, attempt: 1, err: temporary, random: 0.5, want: 1500 * time.Millisecond, wantRetry: true},
		{
			name: "first attempt, most jitter", policy: policy, attempt: 1, err: temporary, random: math.Nextafter(1, 0),
			want: 2*time.Second - time.Nanosecond, wantRetry: true,
		},
		{name: "second attempt doubles", policy: policy, attempt: 2, err: temporary, random: 0, want: 2 * time.Second, wantRetry: true},
		{name: "second attempt, half jitter", policy: policy, attempt: 2, err: temporary, random: 0.5, want: 3 * time.Second, wantRetry: true},
		{name: "third attempt", policy: policy, attempt: 3, err: temporary, random: 0.25, want: 5 * time.Second, wantRetry: true},
		{name: "fourth attempt", policy: policy, attempt: 4, err: temporary, random: 0, want: 8 * time.Second, wantRetry: true},
		{name: "attempts used up", policy: policy, attempt: 5, err: temporary, random: 0.5},
		{name: "past the last attempt", policy: policy, attempt: 6, err: temporary, random: 0.5},
		{name: "one attempt only", policy: application.RetryPolicy{Attempts: 1, Backoff: time.Second}, attempt: 1, err: temporary},
		{name: "permanent", policy: policy, attempt: 1, err: application.ErrPermanent, random: 0.5},
		{name: "wrapped permanent", policy: policy, attempt: 1, err: fmt.Errorf("gemini: invalid key: %w", application.ErrPermanent)},
		{
			name: "retry-after longer than the backoff", policy: policy, attempt: 1, random: 0.5,
			err:  &application.RetryAfterError{After: 10 * time.Second, Err: temporary},
			want: 10 * time.Second, wantRetry: true,
		},
		{
			name: "wrapped retry-after", policy: policy, attempt: 2, random: 0,
			err:  fmt.Errorf("openai: %w", &application.RetryAfterError{After: 7 * time.Second, Err: temporary}),
			want: 7 * time.Second, wantRetry: true,
		},
		{
			name: "retry-after shorter than the backoff", policy: policy, attempt: 1, random: 0.5,
			err:  &application.RetryAfterError{After: 500 * time.Millisecond, Err: temporary},
			want: 1500 * time.Millisecond, wantRetry: true,
		},
		{
			name: "retry-after of a permanent failure", policy: policy, attempt: 1, random: 0.5,
			err: &application.RetryAfterError{After: 10 * time.Second, Err: application.ErrPermanent},
		},
		{
			name: "retry-after with attempts used up", policy: policy, attempt: 5, random: 0.5,
			err: &application.RetryAfterError{After: 10 * time.Second, Err: temporary},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, retry := tt.policy.Delay(tt.attempt, tt.err, func() float64 { return tt.random })
			if got != tt.want || retry != tt.wantRetry {
				t.Errorf("%+v.Delay(%d, %v, random %v) = %v, %t, want %v, %t",
					tt.policy, tt.attempt, tt.err, tt.random, got, retry, tt.want, tt.wantRetry)
			}
		})
	}
}

func TestProcessorRetryDelay(t *testing.T) {
	p := application.NewProcessor(&fakeGenerator{}, application.RetryPolicy{Attempts: 3, Backoff: 2 * time.Second}, zap.NewNop(), nil)
	if got := p.Attempts(); got != 3 {
		t.Errorf("Attempts() = %d, want 3", got)
	}
	for range 100 {
		got, retry := p.RetryDelay(2, errors.New("timeout"))
		if !retry || got < 2*time.Second || got >= 4*time.Second {
			t.Fatalf("RetryDelay(2, timeout) = %v, %t, want 2s <= delay < 4s, true", got, retry)
		}
	}
	if got, retry := p.RetryDelay(1, application.ErrPermanent); retry {
		t.Errorf("RetryDelay(1, ErrPermanent) = %v, %t, want 0, false", got, retry)
	}
}

// processJob is the job the processor tests run.
func processJob() domain.Job {
	req := mustRequest("user-42", []string{"계란", "밥"}, domain.Preferences{Servings: 2})
	return domain.NewJob(firstID, req, "req-1", submittedAt)
}

// generated is a generator's answer; each call returns fresh slices.
func generated() domain.Result {
	return domain.Result{
		ExistingIngredientsRecipes: []domain.Recipe{{
			Name: "계란밥", Difficulty: domain.Easy, CookingTime: 10, Servings: 2,
			Ingredients: []string{"계란", "밥"}, Instructions: "1. 섞는다",
		}},
		UserID:   "someone-else",
		Provider: "offline",
		Model:    "rules-v1",
	}
}

func TestProcess(t *testing.T) {
	kst := time.FixedZone("KST", 9*60*60)
	now := time.Date(2025, 3, 1, 18, 30, 0, 0, kst)
	setAt := time.Date(2025, 3, 1, 9, 29, 0, 0, time.UTC)
	tests := []struct {
		name string
		give domain.Result // what the generator answers
		want domain.Result
	}{
		{
			name: "fills user and time",
			give: generated(),
			want: func() domain.Result {
				r := generated()
				r.UserID, r.GeneratedAt = "user-42", now.UTC()
				return r
			}(),
		},
		{
			name: "keeps the generator's time",
			give: func() domain.Result { r := generated(); r.GeneratedAt = setAt; return r }(),
			want: func() domain.Result { r := generated(); r.UserID, r.GeneratedAt = "user-42", setAt; return r }(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var progress, atCall []int
			gen := &fakeGenerator{result: tt.give}
			gen.onCall = func() { atCall = slices.Clone(progress) }
			p := application.NewProcessor(gen, application.RetryPolicy{Attempts: 3, Backoff: time.Second}, zap.NewNop(), fixedClock(now))
			job := processJob()

			got, err := p.Process(context.Background(), job, func(pr int) { progress = append(progress, pr) })
			if err != nil {
				t.Fatalf("Process() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Process() result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int{domain.ProgressGenerating, domain.ProgressGenerated}, progress); diff != "" {
				t.Errorf("Process() progress (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int{domain.ProgressGenerating}, atCall); diff != "" {
				t.Errorf("Process() progress when the generator was asked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]domain.GenerationRequest{job.Request}, gen.requests, allowDomain); diff != "" {
				t.Errorf("Process() generator requests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProcessGeneratorErrors(t *testing.T) {
	temporary := errors.New("provider answered 503")
	retryAfter := &application.RetryAfterError{After: 20 * time.Second, Err: temporary}
	tests := []struct {
		name string
		give error
		want error
	}{
		{name: "temporary", give: temporary, want: temporary},
		{name: "permanent", give: fmt.Errorf("invalid key: %w", application.ErrPermanent), want: application.ErrPermanent},
		{name: "retry after", give: retryAfter, want: retryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var progress []int
			p := application.NewProcessor(&fakeGenerator{result: generated(), err: tt.give}, application.RetryPolicy{Attempts: 3, Backoff: time.Second}, zap.NewNop(), nil)

			got, err := p.Process(context.Background(), processJob(), func(pr int) { progress = append(progress, pr) })
			if !errors.Is(err, tt.want) {
				t.Fatalf("Process() error = %v, want %v", err, tt.want)
			}
			if err == tt.give {
				t.Errorf("Process() error = %v unwrapped, want context added", err)
			}
			if diff := cmp.Diff(domain.Result{}, got); diff != "" {
				t.Errorf("Process() failing result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int{domain.ProgressGenerating}, progress); diff != "" {
				t.Errorf("Process() failing progress (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProcessCancelled(t *testing.T) {
	tests := []struct {
		name  string
		cause error
	}{
		{name: "client cancelled", cause: application.ErrCancelled},
		{name: "worker shutting down", cause: application.ErrShutdown},
		{name: "no cause", cause: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			gen := &fakeGenerator{block: true, started: make(chan struct{})}
			go func() {
				<-gen.started
				cancel(tt.cause)
			}()
			var progress []int
			p := application.NewProcessor(gen, application.RetryPolicy{Attempts: 3, Backoff: time.Second}, zap.NewNop(), nil)

			got, err := p.Process(ctx, processJob(), func(pr int) { progress = append(progress, pr) })
			if want := context.Cause(ctx); err != want {
				t.Fatalf("Process() error = %v, want the context's cause %v", err, want)
			}
			if diff := cmp.Diff(domain.Result{}, got); diff != "" {
				t.Errorf("Process() cancelled result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int{domain.ProgressGenerating}, progress); diff != "" {
				t.Errorf("Process() cancelled progress (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProcessCancelledDespiteAnswer(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	gen := &fakeGenerator{result: generated()}
	gen.onCall = func() { cancel(application.ErrCancelled) } // the answer arrives just after the cancel
	p := application.NewProcessor(gen, application.RetryPolicy{Attempts: 3, Backoff: time.Second}, zap.NewNop(), nil)

	got, err := p.Process(ctx, processJob(), func(int) {})
	if !errors.Is(err, application.ErrCancelled) {
		t.Fatalf("Process() error = %v, want %v", err, application.ErrCancelled)
	}
	if diff := cmp.Diff(domain.Result{}, got); diff != "" {
		t.Errorf("Process() cancelled result (-want +got):\n%s", diff)
	}
}

func TestRetryPolicyDelayIsCappedForLargeAttempts(t *testing.T) {
	p := application.RetryPolicy{Attempts: 100, Backoff: 3 * time.Hour}
	for _, attempt := range []int{0, 1, 30, 99} {
		d, ok := p.Delay(attempt, errors.New("temporary"), func() float64 { return 1 })
		if !ok || d <= 0 || d > application.MaxBackoff {
			t.Errorf("Delay(%d) = %v, %v; want a positive delay of at most %v", attempt, d, ok, application.MaxBackoff)
		}
	}
}
