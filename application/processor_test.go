package application_test

import (
	"context"
	"errors"
	"fmt"
	"math"
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

// processJob is the job the processor tests run.
func processJob() domain.Job {
	req := mustRequest("user-42", []string{"계란", "밥"}, domain.Preferences{Servings: 2, Allergies: []string{"땅콩"}})
	job := domain.NewJob(firstID, req, "req-1", submittedAt)
	job.Attempt = 1
	return job
}

func recipe(name string, ingredients ...string) domain.Recipe {
	return domain.Recipe{
		Name: name, Description: name, Difficulty: domain.Easy, CookingTime: 10, Servings: 3,
		Ingredients: ingredients, Instructions: "1. 섞는다",
	}
}

func extra(name string, ingredients ...string) domain.Recipe {
	r := recipe(name, ingredients...)
	r.AdditionalIngredients = ingredients[len(ingredients)-1:]
	return r
}

// full is an AI provider's answer of exactly 3 + 2 recipes, none with peanuts.
func full() domain.Result {
	return domain.Result{
		ExistingIngredientsRecipes: []domain.Recipe{
			recipe("계란밥", "계란", "밥"), recipe("계란찜", "계란"), recipe("볶음밥", "밥", "계란"),
		},
		AdditionalIngredientsRecipes: []domain.Recipe{
			extra("김치볶음밥", "밥", "김치"), extra("오므라이스", "계란", "밥", "케첩"),
		},
		UserID: "someone-else", Provider: "liar", Model: "its-own",
	}
}

func newProcessor(chain application.ProviderChain, now func() time.Time, random float64) *application.Processor {
	p := application.NewProcessor(chain, application.RetryPolicy{Attempts: 3, Backoff: 2 * time.Second}, zap.NewNop(), now)
	application.SetRandom(p, func() float64 { return random })
	return p
}

func TestProcessCompletes(t *testing.T) {
	now := time.Date(2025, 3, 1, 18, 30, 0, 0, time.FixedZone("KST", 9*60*60))
	var atCall []int
	rep := &fakeReporter{}
	chain := &fakeChain{answers: []application.Answer{{Result: full(), Provider: "gemini", Model: "gemini-2.5-flash"}}}
	chain.onCall = func() { atCall = rep.reported() }
	p := newProcessor(chain, fixedClock(now), 0)
	job := processJob()

	got := p.Process(context.Background(), job, rep)
	progress := rep.reported()
	if got.Verdict != application.VerdictComplete {
		t.Fatalf("Process() verdict = %v (%v), want complete", got.Verdict, got.Err)
	}
	want := full()
	for i := range want.ExistingIngredientsRecipes {
		want.ExistingIngredientsRecipes[i].Servings = 2
	}
	for i := range want.AdditionalIngredientsRecipes {
		want.AdditionalIngredientsRecipes[i].Servings = 2
	}
	want.UserID, want.Provider, want.Model, want.GeneratedAt = "user-42", "gemini", "gemini-2.5-flash", now.UTC()
	if diff := cmp.Diff(want, got.Result); diff != "" {
		t.Errorf("Process() result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{domain.ProgressGenerating, domain.ProgressGenerated}, progress); diff != "" {
		t.Errorf("Process() progress (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{domain.ProgressGenerating}, atCall); diff != "" {
		t.Errorf("Process() progress when the chain was asked (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]domain.GenerationRequest{job.Request}, chain.requests, allowDomain); diff != "" {
		t.Errorf("Process() chain requests (-want +got):\n%s", diff)
	}
}

func TestProcessChecksEachAnswer(t *testing.T) {
	short := full()
	short.AdditionalIngredientsRecipes = short.AdditionalIngredientsRecipes[:1]
	peanuts := full()
	for i := range peanuts.ExistingIngredientsRecipes {
		peanuts.ExistingIngredientsRecipes[i].Ingredients = append(peanuts.ExistingIngredientsRecipes[i].Ingredients, "땅콩 30g")
	}
	partial := full()
	partial.ExistingIngredientsRecipes = partial.ExistingIngredientsRecipes[:1]
	partial.AdditionalIngredientsRecipes = nil
	tests := []struct {
		name         string
		answers      []application.Answer
		wantVerdict  application.Verdict
		wantProvider string
		wantCode     domain.FailureCode
	}{
		{
			name:        "3 + 1 from an AI provider is refused",
			answers:     []application.Answer{{Result: short, Provider: "gemini"}},
			wantVerdict: application.VerdictRetry, wantCode: domain.FailureInvalidAnswer,
		},
		{
			name:        "every existing recipe with the allergen is refused",
			answers:     []application.Answer{{Result: peanuts, Provider: "gemini"}},
			wantVerdict: application.VerdictRetry, wantCode: domain.FailureInvalidAnswer,
		},
		{
			name:        "a refused answer moves on to the next provider",
			answers:     []application.Answer{{Result: peanuts, Provider: "gemini"}, {Result: full(), Provider: "openai"}},
			wantVerdict: application.VerdictComplete, wantProvider: "openai",
		},
		{
			name:        "1 + 0 from a partial provider is accepted",
			answers:     []application.Answer{{Result: short, Provider: "gemini"}, {Result: partial, Provider: "offline", Partial: true}},
			wantVerdict: application.VerdictComplete, wantProvider: "offline",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newProcessor(&fakeChain{answers: tt.answers}, nil, 0).Process(context.Background(), processJob(), &fakeReporter{})
			if got.Verdict != tt.wantVerdict || got.Code != tt.wantCode || got.Result.Provider != tt.wantProvider {
				t.Errorf("Process() = %v %q provider %q (%v), want %v %q provider %q",
					got.Verdict, got.Code, got.Result.Provider, got.Err, tt.wantVerdict, tt.wantCode, tt.wantProvider)
			}
			if got.Verdict == application.VerdictRetry {
				pe, ok := errors.AsType[*application.ProvidersError](got.Err)
				if !ok || pe.Failures[0].Kind != application.FailureInvalid {
					t.Errorf("Process() Err = %v, want a *ProvidersError with an invalid answer", got.Err)
				}
			}
		})
	}
}

func TestProcessDecidesFailures(t *testing.T) {
	temporary := func(p string) application.ProviderFailure {
		return application.ClassifyFailure(p, errors.New("503 from upstream"))
	}
	limited := func(p string, after time.Duration) application.ProviderFailure {
		return application.ClassifyFailure(p, &application.RetryAfterError{After: after, Err: errors.New("429")})
	}
	permanent := func(p string) application.ProviderFailure {
		return application.ClassifyFailure(p, fmt.Errorf("invalid key: %w", application.ErrPermanent))
	}
	blocked := func(p string) application.ProviderFailure {
		return application.ClassifyFailure(p, fmt.Errorf("safety: %w: %w", application.ErrPermanent, application.ErrContentBlocked))
	}
	skipped := func(p string, after time.Duration) application.ProviderFailure {
		return application.SkippedFailure(p, after, errors.New("circuit open"))
	}
	tests := []struct {
		name     string
		attempt  int
		failures []application.ProviderFailure
		err      error
		random   float64
		want     application.Outcome
	}{
		{
			name: "temporary, attempts left: retry with backoff", attempt: 1, random: 0.5,
			failures: []application.ProviderFailure{temporary("gemini"), temporary("openai")},
			want:     application.Outcome{Verdict: application.VerdictRetry, Delay: 1500 * time.Millisecond, Code: domain.FailureProvidersUnavailable},
		},
		{
			name: "temporary on the last attempt: fail", attempt: 3,
			failures: []application.ProviderFailure{temporary("gemini")},
			want:     application.Outcome{Verdict: application.VerdictFail, Code: domain.FailureProvidersUnavailable},
		},
		{
			name: "every temporary failure asked to wait: retry no sooner", attempt: 1,
			failures: []application.ProviderFailure{limited("gemini", 40*time.Second), limited("openai", 20*time.Second)},
			want:     application.Outcome{Verdict: application.VerdictRetry, Delay: 20 * time.Second, Code: domain.FailureProvidersUnavailable},
		},
		{
			name: "all permanent: fail at once", attempt: 1,
			failures: []application.ProviderFailure{permanent("gemini"), permanent("openai")},
			want:     application.Outcome{Verdict: application.VerdictFail, Code: domain.FailureProvidersRejected},
		},
		{
			name: "blocked among permanent: content_blocked", attempt: 1,
			failures: []application.ProviderFailure{permanent("gemini"), blocked("openai")},
			want:     application.Outcome{Verdict: application.VerdictFail, Code: domain.FailureContentBlocked},
		},
		{
			name: "one temporary among permanent: retry", attempt: 1,
			failures: []application.ProviderFailure{permanent("gemini"), temporary("openai")},
			want:     application.Outcome{Verdict: application.VerdictRetry, Delay: time.Second, Code: domain.FailureProvidersUnavailable},
		},
		{
			name: "no provider called: wait for the first one, attempt kept", attempt: 3,
			failures: []application.ProviderFailure{skipped("gemini", 30*time.Second), skipped("openai", 8*time.Second)},
			want:     application.Outcome{Verdict: application.VerdictWait, Delay: 8 * time.Second},
		},
		{
			name: "no provider called: jitter of up to a quarter, at least a second", attempt: 1, random: 0.5,
			failures: []application.ProviderFailure{skipped("gemini", 8*time.Second)},
			want:     application.Outcome{Verdict: application.VerdictWait, Delay: 9 * time.Second},
		},
		{
			name: "skipped and failed on the last attempt: fail", attempt: 3,
			failures: []application.ProviderFailure{skipped("gemini", 8*time.Second), temporary("openai")},
			want:     application.Outcome{Verdict: application.VerdictFail, Code: domain.FailureProvidersUnavailable},
		},
		{
			name: "the chain's own fault: retried as internal", attempt: 1, err: errors.New("encode prompt"),
			want: application.Outcome{Verdict: application.VerdictRetry, Delay: time.Second, Code: domain.FailureInternal},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job := processJob()
			job.Attempt = tt.attempt
			got := newProcessor(&fakeChain{failures: tt.failures, err: tt.err}, nil, tt.random).Process(context.Background(), job, &fakeReporter{})
			if got.Err == nil {
				t.Errorf("Process() Err = nil, want the providers' error for the log")
			}
			got.Err = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Process() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProcessInterrupted(t *testing.T) {
	tests := []struct {
		name  string
		cause error
		want  application.Verdict
	}{
		{name: "client cancelled", cause: application.ErrCancelled, want: application.VerdictDrop},
		{name: "lease lost", cause: application.ErrLeaseLost, want: application.VerdictDrop},
		{name: "worker shutting down", cause: application.ErrShutdown, want: application.VerdictHandBack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			chain := &fakeChain{block: true, started: make(chan struct{})}
			go func() {
				<-chain.started
				cancel(tt.cause)
			}()
			rep := &fakeReporter{}
			got := newProcessor(chain, nil, 0).Process(ctx, processJob(), rep)
			progress := rep.reported()
			if got.Verdict != tt.want || !errors.Is(got.Err, tt.cause) {
				t.Fatalf("Process() = %v (%v), want %v (%v)", got.Verdict, got.Err, tt.want, tt.cause)
			}
			if diff := cmp.Diff([]int{domain.ProgressGenerating}, progress); diff != "" {
				t.Errorf("Process() cancelled progress (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProcessCancelledDespiteAnswer(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	chain := &fakeChain{answers: []application.Answer{{Result: full(), Provider: "gemini"}}}
	chain.onCall = func() { cancel(application.ErrCancelled) } // the answer arrives just after the cancel

	got := newProcessor(chain, nil, 0).Process(ctx, processJob(), &fakeReporter{})
	if got.Verdict != application.VerdictDrop {
		t.Fatalf("Process() verdict = %v, want drop", got.Verdict)
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
