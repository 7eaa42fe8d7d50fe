// Package chain walks an ordered list of recipe generators (the AI_PROVIDERS chain) and
// returns the first answer its caller accepts.
// Each provider sits behind its own circuit breaker and is skipped while it asked to be
// left alone (429 with Retry-After).
package chain

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
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
	// offline engine's do (application.Answer.Partial). AI providers leave it false.
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
	// TracerProvider records one span per provider try, skips included, as a child of the
	// span of Generate's context; nil records none.
	TracerProvider trace.TracerProvider
	// BreakerFailures is how many failures in a row open a provider's circuit breaker;
	// DefaultBreakerFailures when 0.
	BreakerFailures uint32
	// BreakerCoolDown is how long an open breaker skips its provider before it lets one
	// call through (half-open): success closes it, failure opens it again.
	// DefaultBreakerCoolDown when 0.
	BreakerCoolDown time.Duration
	Now             func() time.Time // the clock of Retry-After skips; time.Now when nil
}

// Chain is an application.RecipeGenerator over several providers. It is safe for
// concurrent use; breakers and Retry-After skips are shared by all its calls.
type Chain struct {
	links    []*link
	timeout  time.Duration
	coolDown time.Duration
	log      *zap.Logger
	now      func() time.Time
	metrics  *metrics
	tracer   trace.Tracer // nil records no spans
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
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &Chain{
		timeout:  o.Timeout,
		coolDown: o.BreakerCoolDown,
		log:      o.Logger.Named("ai_chain"),
		now:      o.Now,
		metrics:  newMetrics(o.Registerer),
	}
	if o.TracerProvider != nil {
		c.tracer = o.TracerProvider.Tracer(tracerName)
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
	names := make([]string, len(c.links))
	for i, l := range c.links {
		names[i] = l.Name
	}
	c.metrics.chained(names)
	return c
}

// Generate asks each provider in turn, each call bounded by the timeout (AI_TIMEOUT) and
// by ctx, and returns the first answer that accept takes. An answer accept refuses counts
// as a temporary failure of its provider. A provider whose breaker is open, or that
// answered 429 less than its Retry-After ago, is skipped without a call.
//
// When ctx ends, Generate returns ctx's error at once, abandoning the running call. When
// no answer was accepted, the error is an *application.ProvidersError with one
// classified failure per provider.
func (c *Chain) Generate(ctx context.Context, req domain.GenerationRequest, accept application.AcceptFunc) (domain.Result, error) {
	failures := make([]application.ProviderFailure, 0, len(c.links))
	for i, l := range c.links {
		if err := ctx.Err(); err != nil {
			return domain.Result{}, err
		}
		res, failure := c.try(ctx, l, req, accept)
		if failure == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return domain.Result{}, ctx.Err()
		}
		failures = append(failures, *failure)
		if i < len(c.links)-1 {
			c.metrics.fellBack(l.Name, c.links[i+1].Name)
			c.log.Warn("provider failed, trying the next", zap.String("provider", l.Name),
				zap.String("next", c.links[i+1].Name), zap.Error(failure.Err))
		}
	}
	return domain.Result{}, &application.ProvidersError{Failures: failures}
}

// errAbandoned tells a breaker that a call ended because its caller gave up, which says
// nothing about the provider.
var errAbandoned = errors.New("call abandoned")

// try asks one provider, unless it is to be skipped, and offers its answer to accept.
func (c *Chain) try(ctx context.Context, l *link, req domain.GenerationRequest, accept application.AcceptFunc) (domain.Result, *application.ProviderFailure) {
	ctx, span := c.startTry(ctx, l)
	if wait := l.rateLimited(c.now()); wait > 0 {
		c.tried(span, l.Name, outcomeSkippedRateLimited, nil, 0)
		f := application.SkippedFailure(l.Name, wait, errors.New("skipped: rate limited"))
		return domain.Result{}, &f
	}
	done, err := l.breaker.Allow()
	if err != nil {
		c.tried(span, l.Name, outcomeSkippedOpen, nil, 0)
		f := c.skippedByBreaker(l, err)
		return domain.Result{}, &f
	}

	start := time.Now()
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	res, err := l.Generator.Generate(callCtx, req)
	timedOut := errors.Is(callCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	cancel()
	took := time.Since(start)

	if ctx.Err() != nil {
		done(errAbandoned)
		c.tried(span, l.Name, outcomeCancelled, nil, took)
		return domain.Result{}, &application.ProviderFailure{Provider: l.Name, Err: ctx.Err()}
	}
	switch {
	case err == nil:
		res, err = accept(application.Answer{Result: res, Provider: l.Name, Model: l.Model, Partial: l.Partial})
	case timedOut:
		err = fmt.Errorf("no answer within %s: %w", c.timeout, err)
	}
	if ra, ok := errors.AsType[*application.RetryAfterError](err); ok {
		l.rateLimit(c.now().Add(ra.After))
	}
	done(err)
	l.observe(c.now(), err)
	c.tried(span, l.Name, outcomeOf(err, timedOut), err, took)
	if err != nil {
		f := application.ClassifyFailure(l.Name, err)
		return domain.Result{}, &f
	}
	return res, nil
}
