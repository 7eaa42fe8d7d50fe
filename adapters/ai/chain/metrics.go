package chain

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sony/gobreaker/v2"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// Outcomes of one provider call, the outcome label of recipe_ai_provider_calls_total.
const (
	outcomeSuccess            = "success"
	outcomeRateLimited        = "rate_limited"   // 429
	outcomePermanent          = "permanent"      // bad key, rejected request, blocked content
	outcomeInvalidAnswer      = "invalid_answer" // breaks the result rules or the constraints
	outcomeTimeout            = "timeout"
	outcomeTemporary          = "temporary" // 5xx, network
	outcomeCancelled          = "cancelled" // the job's context ended
	outcomeSkippedOpen        = "skipped_circuit_open"
	outcomeSkippedRateLimited = "skipped_rate_limited"
)

func outcomeOf(err error, timedOut bool) string {
	switch {
	case err == nil:
		return outcomeSuccess
	case timedOut || errors.Is(err, context.DeadlineExceeded):
		return outcomeTimeout
	case errors.Is(err, application.ErrPermanent):
		return outcomePermanent
	case errors.Is(err, domain.ErrInvalidAnswer):
		return outcomeInvalidAnswer
	}
	if _, ok := errors.AsType[*application.RetryAfterError](err); ok {
		return outcomeRateLimited
	}
	return outcomeTemporary
}

// Kinds of provider error, the kind label of recipe_ai_provider_errors_total.
const (
	kindTemporary     = "temporary"
	kindPermanent     = "permanent"
	kindBlocked       = "blocked"
	kindInvalidAnswer = "invalid_answer"
	kindTimeout       = "timeout"
	kindRateLimited   = "rate_limited"
	kindSkipped       = "skipped"
)

// errorKinds are the error kinds of the call outcomes that are errors; a permanent
// outcome is "blocked" when the provider blocked the content.
var errorKinds = map[string]string{
	outcomeTemporary: kindTemporary, outcomePermanent: kindPermanent,
	outcomeInvalidAnswer: kindInvalidAnswer, outcomeTimeout: kindTimeout,
	outcomeRateLimited: kindRateLimited, outcomeSkippedOpen: kindSkipped,
	outcomeSkippedRateLimited: kindSkipped,
}

// errorKindOf is the error kind of a call that ended with outcome and err, "" when the
// call did not fail (success) or its caller gave up (cancelled).
func errorKindOf(outcome string, err error) string {
	kind := errorKinds[outcome]
	if kind == kindPermanent && errors.Is(err, application.ErrContentBlocked) {
		return kindBlocked
	}
	return kind
}

// metrics are the chain's Prometheus collectors. A nil *metrics records nothing.
type metrics struct {
	calls     *prometheus.CounterVec
	errors    *prometheus.CounterVec
	fallbacks *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	state     *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	return &metrics{
		calls: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "recipe_ai_provider_calls_total",
			Help: "Recipe generator calls by provider and outcome, skips included.",
		}, []string{"provider", "outcome"})),
		errors: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "recipe_ai_provider_errors_total",
			Help: "Recipe generator failures by provider and kind: temporary, permanent, blocked, invalid_answer, timeout, rate_limited, skipped (not called: cooling down after a 429 or circuit open).",
		}, []string{"provider", "kind"})),
		fallbacks: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "recipe_ai_provider_fallbacks_total",
			Help: "Times the chain moved on from one provider to the next after the first failed or was skipped, by from and to.",
		}, []string{"from", "to"})),
		duration: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "recipe_ai_provider_call_duration_seconds",
			Help:    "How long recipe generator calls took, by provider; skips excluded.",
			Buckets: []float64{0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120},
		}, []string{"provider"})),
		state: register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "recipe_ai_provider_circuit_state",
			Help: "Circuit breaker state by provider: 0 closed, 1 half-open, 2 open.",
		}, []string{"provider"})),
	}
}

// register registers c, or returns the collector already registered under its name.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		if are, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err) // a name clash with another collector: a programming error
	}
	return c
}

// called records one call of provider (or its skip) that ended with outcome and err.
func (m *metrics) called(provider, outcome string, err error, took time.Duration) {
	if m == nil {
		return
	}
	m.calls.WithLabelValues(provider, outcome).Inc()
	if kind := errorKindOf(outcome, err); kind != "" {
		m.errors.WithLabelValues(provider, kind).Inc()
	}
	if outcome != outcomeSkippedOpen && outcome != outcomeSkippedRateLimited {
		m.duration.WithLabelValues(provider).Observe(took.Seconds())
	}
}

// allErrorKinds are the kinds a provider's error series start with, at zero.
var allErrorKinds = []string{kindTemporary, kindPermanent, kindBlocked, kindInvalidAnswer, kindTimeout, kindRateLimited, kindSkipped}

// chained creates the error series of each provider and the fallback series of each
// step of the chain at zero, so that dashboards and alerts see them before the first
// failure.
func (m *metrics) chained(names []string) {
	if m == nil {
		return
	}
	for i, name := range names {
		for _, kind := range allErrorKinds {
			m.errors.WithLabelValues(name, kind)
		}
		if i+1 < len(names) {
			m.fallbacks.WithLabelValues(name, names[i+1])
		}
	}
}

// fellBack records that the chain moved on from provider from to provider to.
func (m *metrics) fellBack(from, to string) {
	if m == nil {
		return
	}
	m.fallbacks.WithLabelValues(from, to).Inc()
}

// breakerState exports s; gobreaker numbers its states 0 closed, 1 half-open, 2 open.
func (m *metrics) breakerState(provider string, s gobreaker.State) {
	if m == nil {
		return
	}
	m.state.WithLabelValues(provider).Set(float64(s))
}
