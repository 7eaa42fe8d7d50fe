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

// metrics are the chain's Prometheus collectors. A nil *metrics records nothing.
type metrics struct {
	calls    *prometheus.CounterVec
	duration *prometheus.HistogramVec
	state    *prometheus.GaugeVec
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

func (m *metrics) called(provider, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.calls.WithLabelValues(provider, outcome).Inc()
	if outcome != outcomeSkippedOpen && outcome != outcomeSkippedRateLimited {
		m.duration.WithLabelValues(provider).Observe(took.Seconds())
	}
}

// breakerState exports s; gobreaker numbers its states 0 closed, 1 half-open, 2 open.
func (m *metrics) breakerState(provider string, s gobreaker.State) {
	if m == nil {
		return
	}
	m.state.WithLabelValues(provider).Set(float64(s))
}
