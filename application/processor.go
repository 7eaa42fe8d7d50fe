package application

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/domain"
)

// MaxBackoff caps the wait between two attempts of a job.
const MaxBackoff = time.Hour

// RetryPolicy says how often and how soon a failed job runs again.
type RetryPolicy struct {
	Attempts int           // attempts per job, the first one included
	Backoff  time.Duration // delay before the second attempt; it doubles for each next one
}

// Delay returns how long to wait after the failed attempt number attempt (1-based)
// before the next one, and false when the job should fail now: the failure is
// permanent or the attempts are used up. The delay is Backoff·2^(attempt-1), capped at
// MaxBackoff, with equal jitter (half fixed, half random), and never shorter than a
// provider's Retry-After.
func (p RetryPolicy) Delay(attempt int, err error, random func() float64) (time.Duration, bool) {
	if errors.Is(err, ErrPermanent) || attempt >= p.Attempts {
		return 0, false
	}
	base := min(p.Backoff, MaxBackoff)
	for i := 1; i < attempt && base < MaxBackoff; i++ {
		base = min(2*base, MaxBackoff)
	}
	delay := base/2 + time.Duration(random()*float64(base/2))
	if ra, ok := errors.AsType[*RetryAfterError](err); ok {
		delay = max(delay, ra.After)
	}
	return delay, true
}

// ProgressFunc reports a running job's progress (0..99). It never blocks for long and
// never fails: progress is advisory, the result is what counts.
type ProgressFunc func(progress int)

// Processor runs one claimed job: it is the worker's use case.
type Processor struct {
	generator RecipeGenerator
	policy    RetryPolicy
	log       *zap.Logger
	now       func() time.Time
	random    func() float64
}

// NewProcessor builds the use case; now may be nil for time.Now.
func NewProcessor(gen RecipeGenerator, policy RetryPolicy, log *zap.Logger, now func() time.Time) *Processor {
	if now == nil {
		now = time.Now
	}
	return &Processor{generator: gen, policy: policy, log: log, now: now, random: rand.Float64}
}

// Process generates the job's recipes, reporting progress 30 when the generator is asked
// and 80 when it answered (the queue reports 10 when the job is claimed and 100 when it
// completes). It returns ctx's cause when ctx ends first.
func (p *Processor) Process(ctx context.Context, job domain.Job, progress ProgressFunc) (domain.Result, error) {
	ctx = context.WithValue(ctx, jobKey{}, job)
	progress(domain.ProgressGenerating)
	res, err := p.generator.Generate(ctx, job.Request)
	if ctx.Err() != nil {
		return domain.Result{}, context.Cause(ctx)
	}
	if err != nil {
		return domain.Result{}, fmt.Errorf("generate recipes: %w", err)
	}
	progress(domain.ProgressGenerated)
	res.UserID = job.Request.UserID
	if res.GeneratedAt.IsZero() {
		res.GeneratedAt = p.now().UTC()
	}
	return res, nil
}

// RetryDelay applies the retry policy to a failed attempt; see RetryPolicy.Delay.
func (p *Processor) RetryDelay(attempt int, err error) (time.Duration, bool) {
	return p.policy.Delay(attempt, err, p.random)
}

// Attempts returns how many attempts a job gets.
func (p *Processor) Attempts() int { return p.policy.Attempts }

type jobKey struct{}

// JobFromContext returns the job a generator runs for, so that it can log the job's id
// and request id.
func JobFromContext(ctx context.Context) (domain.Job, bool) {
	job, ok := ctx.Value(jobKey{}).(domain.Job)
	return job, ok
}
