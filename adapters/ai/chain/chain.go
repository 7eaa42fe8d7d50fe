// Package chain walks an ordered list of recipe generators (the AI_PROVIDERS chain) and
// returns the first answer that keeps the result rules and the request's constraints.
// Each provider sits behind its own circuit breaker and is skipped while it asked to be
// left alone (429 with Retry-After).
package chain

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// Link is one provider of the chain.
type Link struct {
	Name      string // "gemini", "openai", "offline": logs, metrics and the result's provider
	Model     string // recorded in the result when set; the generator's own otherwise
	Generator application.RecipeGenerator
	// Partial marks a generator whose answers may hold fewer than 3 + 2 recipes, as the
	// offline engine's do: they must pass domain.CheckRecipes rather than
	// domain.CheckAnswer. AI providers leave it false.
	Partial bool
}

// Defaults of Options.
const (
	DefaultTimeout         = 60 * time.Second
	DefaultBreakerFailures = 5
	DefaultBreakerCoolDown = 30 * time.Second
)

// Options configure a Chain. The zero value works.
type Options struct {
	Timeout    time.Duration         // bounds one provider call (AI_TIMEOUT); DefaultTimeout when 0
	Logger     *zap.Logger           // nil logs nothing
	Registerer prometheus.Registerer // nil exports no metrics
	// BreakerFailures is how many failures in a row open a provider's circuit breaker;
	// DefaultBreakerFailures when 0.
	BreakerFailures uint32
	// BreakerCoolDown is how long an open breaker skips its provider before it lets one
	// call through (half-open): success closes it, failure opens it again.
	// DefaultBreakerCoolDown when 0.
	BreakerCoolDown time.Duration
	Lexicon         *domain.Lexicon  // matches allergies; domain.DefaultLexicon() when nil
	Now             func() time.Time // the clock of Retry-After skips; time.Now when nil
}

// Chain is an application.RecipeGenerator over several providers. It is safe for
// concurrent use; breakers and Retry-After skips are shared by all its calls.
type Chain struct {
	links    []*link
	timeout  time.Duration
	coolDown time.Duration
	log      *zap.Logger
	lex      *domain.Lexicon
	now      func() time.Time
	metrics  *metrics
}

// New builds a chain over links, in order. It panics when a link has no generator, a
// wiring mistake. With Options.Registerer it registers its metrics there; a second chain
// on the same registerer shares them.
func New(links []Link, o Options) *Chain {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.BreakerFailures == 0 {
		o.BreakerFailures = DefaultBreakerFailures
	}
	if o.BreakerCoolDown <= 0 {
		o.BreakerCoolDown = DefaultBreakerCoolDown
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Lexicon == nil {
		o.Lexicon = domain.DefaultLexicon()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &Chain{
		timeout:  o.Timeout,
		coolDown: o.BreakerCoolDown,
		log:      o.Logger.Named("ai_chain"),
		lex:      o.Lexicon,
		now:      o.Now,
		metrics:  newMetrics(o.Registerer),
	}
	for i, l := range links {
		if l.Generator == nil {
			panic(fmt.Sprintf("chain: link %d (%q) has no generator", i, l.Name))
		}
		if l.Name == "" {
			l.Name = fmt.Sprintf("link%d", i)
		}
		c.links = append(c.links, c.newLink(l, o.BreakerFailures))
	}
	return c
}

// Generate asks each provider in turn, each call bounded by the timeout and by ctx, and
// returns the first answer that passes domain.CheckAnswer (domain.CheckRecipes for a
// Partial link) and domain.EnforceConstraints, with the link's Name and Model recorded.
// An answer that breaks them counts as a temporary failure of its provider. A provider
// whose breaker is open, or that answered 429 less than its Retry-After ago, is skipped.
//
// When ctx ends, Generate returns ctx's error at once, abandoning the running call. When
// every provider failed, the error is an *Error listing each failure; it wraps
// application.ErrPermanent when all of them were permanent, and is wrapped in a
// *application.RetryAfterError with the smallest wait when every temporary failure
// carried one.
func (c *Chain) Generate(ctx context.Context, req domain.GenerationRequest) (domain.Result, error) {
	if len(c.links) == 0 {
		return domain.Result{}, fmt.Errorf("%w: no AI provider configured", application.ErrPermanent)
	}
	failures := make([]Failure, 0, len(c.links))
	for i, l := range c.links {
		if err := ctx.Err(); err != nil {
			return domain.Result{}, err
		}
		res, err := c.try(ctx, l, req)
		if err == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return domain.Result{}, ctx.Err()
		}
		failures = append(failures, Failure{Provider: l.Name, Err: err})
		if i < len(c.links)-1 {
			c.log.Warn("provider failed, trying the next", zap.String("provider", l.Name),
				zap.String("next", c.links[i+1].Name), zap.Error(err))
		}
	}
	return domain.Result{}, newError(failures)
}

// errAbandoned tells a breaker that a call ended because its caller gave up, which says
// nothing about the provider.
var errAbandoned = errors.New("call abandoned")

// try asks one provider, unless it is to be skipped, and checks its answer.
func (c *Chain) try(ctx context.Context, l *link, req domain.GenerationRequest) (domain.Result, error) {
	if wait := l.rateLimited(c.now()); wait > 0 {
		c.metrics.called(l.Name, outcomeSkippedRateLimited, 0)
		return domain.Result{}, &application.RetryAfterError{After: wait, Err: errors.New("skipped: rate limited")}
	}
	done, err := l.breaker.Allow()
	if err != nil {
		c.metrics.called(l.Name, outcomeSkippedOpen, 0)
		return domain.Result{}, c.skippedByBreaker(l, err)
	}

	start := time.Now()
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	res, err := l.Generator.Generate(callCtx, req)
	timedOut := errors.Is(callCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	cancel()
	took := time.Since(start)

	if ctx.Err() != nil {
		done(errAbandoned)
		c.metrics.called(l.Name, outcomeCancelled, took)
		return domain.Result{}, ctx.Err()
	}
	switch {
	case err == nil:
		res, err = c.accept(l, req, res)
	case timedOut:
		err = fmt.Errorf("no answer within %s: %w", c.timeout, err)
	}
	if ra, ok := errors.AsType[*application.RetryAfterError](err); ok {
		l.rateLimit(c.now().Add(ra.After))
	}
	done(err)
	c.metrics.called(l.Name, outcomeOf(err, timedOut), took)
	return res, err
}

// accept applies the result rules and the request's constraints to an answer.
func (c *Chain) accept(l *link, req domain.GenerationRequest, res domain.Result) (domain.Result, error) {
	check := domain.CheckAnswer
	if l.Partial {
		check = domain.CheckRecipes
	}
	if err := check(res); err != nil {
		return domain.Result{}, fmt.Errorf("answer breaks the result rules: %w", err)
	}
	kept, dropped, err := domain.EnforceConstraints(res, req.Preferences, c.lex)
	for _, v := range dropped {
		c.log.Info("recipe dropped", zap.String("provider", l.Name), zap.String("recipe", v.Recipe), zap.String("reason", v.Reason))
	}
	if err != nil {
		return domain.Result{}, fmt.Errorf("answer breaks the request's constraints: %w", err)
	}
	kept.Provider = l.Name
	if l.Model != "" {
		kept.Model = l.Model
	}
	if kept.UserID == "" {
		kept.UserID = req.UserID
	}
	if kept.GeneratedAt.IsZero() {
		kept.GeneratedAt = c.now().UTC()
	}
	return kept, nil
}
