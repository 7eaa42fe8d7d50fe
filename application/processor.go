package application

import (
	"context"
	crand "crypto/rand"
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

// Processor runs one claimed job: it is the worker's use case, and the one place that
// decides how a run ends. It checks each provider's answer against the result rules and
// the request's constraints, stamps the accepted result, and turns a failure into a
// retry, a failure, or a wait that spends no attempt.
type Processor struct {
	chain     ProviderChain
	policy    RetryPolicy
	lex       *domain.Lexicon
	log       *zap.Logger
	now       func() time.Time
	random    func() float64
	newRun    func() string // names a run of streamed recipes
	streaming bool
}

// NewProcessor builds the use case; now may be nil for time.Now.
func NewProcessor(chain ProviderChain, policy RetryPolicy, log *zap.Logger, now func() time.Time) *Processor {
	if now == nil {
		now = time.Now
	}
	return &Processor{chain: chain, policy: policy, lex: domain.DefaultLexicon(), log: log, now: now,
		random: rand.Float64, newRun: crand.Text}
}

// StreamRecipes makes the processor ask the providers that can to stream their answers,
// and publish each recipe that passes the checks the moment it is written (STREAMING).
// Call it before the first Process.
func (p *Processor) StreamRecipes(on bool) { p.streaming = on }

// Process runs one attempt of job and decides its outcome. It reports progress 30 when
// the providers are asked and 80 when an answer is being checked (the queue reports 10
// when the job is claimed and 100 when it completes). With StreamRecipes on, each recipe
// a provider streams is checked on its own and, when it passes, published through report
// as part of a partial result, the progress moving 10 further per recipe; the recipes
// published are voided when their provider fails and the chain moves on. When ctx ends
// first, the outcome follows its cause: ErrShutdown hands the job back, ErrCancelled and
// ErrLeaseLost drop it.
func (p *Processor) Process(ctx context.Context, job domain.Job, report Reporter) Outcome {
	ctx = context.WithValue(ctx, jobKey{}, job)
	report.Progress(domain.ProgressGenerating)
	// One job's recipes are all checked against the same constraints: resolved once, and
	// a streamed recipe's verdict is reused when it comes back in the whole answer.
	cons := domain.NewConstraints(job.Request.Preferences, p.lex)
	var stream StreamFunc
	if p.streaming {
		stream = p.newLiveRecipes(job, cons, report).take
	}
	res, err := p.chain.Generate(ctx, job.Request, func(a Answer) (domain.Result, error) {
		report.Progress(domain.ProgressGenerated)
		return p.accept(job, cons, a)
	}, stream)
	if ctx.Err() != nil {
		return interrupted(context.Cause(ctx))
	}
	if err == nil {
		return Outcome{Verdict: VerdictComplete, Result: res}
	}
	return p.failed(job, err)
}

// accept applies the result rules and the request's constraints cons to an answer and
// stamps the result with its provider, model, user and time.
func (p *Processor) accept(job domain.Job, cons *domain.Constraints, a Answer) (domain.Result, error) {
	check := domain.CheckAnswer
	if a.Partial {
		check = domain.CheckRecipes
	}
	if err := check(a.Result); err != nil {
		return domain.Result{}, fmt.Errorf("answer breaks the result rules: %w", err)
	}
	kept, dropped, err := cons.Enforce(a.Result)
	for _, v := range dropped {
		p.log.Info("recipe dropped", zap.String("job_id", string(job.ID)), zap.String("provider", a.Provider),
			zap.String("recipe", v.Recipe), zap.String("reason", v.Reason))
	}
	if err != nil {
		return domain.Result{}, fmt.Errorf("answer breaks the request's constraints: %w", err)
	}
	kept.Provider = a.Provider
	if a.Model != "" {
		kept.Model = a.Model
	}
	kept.UserID = job.Request.UserID
	kept.GeneratedAt = p.now().UTC()
	return kept, nil
}

// interrupted is the outcome of a run whose context ended with cause.
func interrupted(cause error) Outcome {
	if errors.Is(cause, ErrShutdown) {
		return Outcome{Verdict: VerdictHandBack, Err: cause}
	}
	return Outcome{Verdict: VerdictDrop, Err: cause}
}

// failed decides what follows a run that produced no result.
func (p *Processor) failed(job domain.Job, err error) Outcome {
	pe, ok := errors.AsType[*ProvidersError](err)
	if !ok {
		// Not the providers' doing: the service's own fault, retried like a temporary one.
		return p.retryOrFail(job.Attempt, 0, domain.FailureInternal, err)
	}
	if !pe.called() {
		return Outcome{Verdict: VerdictWait, Delay: p.spread(pe.firstAvailable()), Err: err}
	}
	retryable, after, code := pe.classify()
	if !retryable {
		return Outcome{Verdict: VerdictFail, Code: code, Err: err}
	}
	return p.retryOrFail(job.Attempt, after, code, err)
}

func (p *Processor) retryOrFail(attempt int, after time.Duration, code domain.FailureCode, err error) Outcome {
	cause := errors.New("temporary failure")
	if after > 0 {
		cause = &RetryAfterError{After: after, Err: cause}
	}
	if delay, ok := p.policy.Delay(attempt, cause, p.random); ok {
		return Outcome{Verdict: VerdictRetry, Delay: delay, Code: code, Err: err}
	}
	return Outcome{Verdict: VerdictFail, Code: code, Err: err}
}

// minWait is the shortest wait for a provider to become available again.
const minWait = 100 * time.Millisecond

// spread adds up to a quarter (at least a second) of random delay to d, so that the jobs
// of a burst do not all wake at one instant.
func (p *Processor) spread(d time.Duration) time.Duration {
	d = max(d, minWait)
	return d + time.Duration(p.random()*float64(max(d/4, time.Second)))
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
