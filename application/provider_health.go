package application

import (
	"context"
	"slices"
	"time"
)

// BreakerState is the state of a provider's circuit breaker.
type BreakerState string

// The breaker states, from best to worst.
const (
	BreakerClosed   BreakerState = "closed"    // calls go through
	BreakerHalfOpen BreakerState = "half-open" // one probe call goes through
	BreakerOpen     BreakerState = "open"      // calls are skipped until the cool-down ends
)

var breakerRank = map[BreakerState]int{BreakerClosed: 0, BreakerHalfOpen: 1, BreakerOpen: 2}

// ProviderHealth is what one worker knows of one provider of its chain.
type ProviderHealth struct {
	Provider            string
	Breaker             BreakerState
	ConsecutiveFailures int
	LastError           string // with the provider's own words: for operators only
	LastErrorAt         time.Time
	LastSuccessAt       time.Time
}

// ProviderReport is one worker's view of its providers at a moment.
type ProviderReport struct {
	Worker    string
	At        time.Time
	Providers []ProviderHealth
}

// ProviderHealthSource gives the health of the providers of this process's chain.
type ProviderHealthSource interface {
	ProviderHealth() []ProviderHealth
}

// ProviderHealthWriter keeps the workers' reports where the api can read them.
type ProviderHealthWriter interface {
	// WriteProviderReport stores r, replacing the previous report of the same worker.
	WriteProviderReport(ctx context.Context, r ProviderReport) error
}

// ProviderHealthReader reads the reports the workers wrote.
type ProviderHealthReader interface {
	// ProviderReports returns the latest report of each worker that wrote one lately.
	ProviderReports(ctx context.Context) ([]ProviderReport, error)
}

// ReportEvery is how often a worker reports its providers' health.
const ReportEvery = 5 * time.Second

// reportFresh is how old a report may be and still count: a worker that has not
// reported for that long is gone.
const reportFresh = 4 * ReportEvery

// ProviderStatus is a provider's health over all the workers that reported lately.
type ProviderStatus struct {
	Provider string
	// Breaker is the worst state among the workers: open when any worker skips it.
	Breaker             BreakerState
	Workers             int // workers that reported it
	OpenOn              int // workers whose breaker is open
	ConsecutiveFailures int // the most among the workers
	LastError           string
	LastErrorAt         time.Time
	LastSuccessAt       time.Time
}

// summariseProviders merges the fresh reports per provider, in the order the first
// report lists them.
func summariseProviders(reports []ProviderReport, now time.Time) []ProviderStatus {
	var out []ProviderStatus
	index := map[string]int{}
	slices.SortFunc(reports, func(a, b ProviderReport) int { return a.At.Compare(b.At) })
	for _, r := range reports {
		if now.Sub(r.At) > reportFresh {
			continue
		}
		for _, p := range r.Providers {
			i, ok := index[p.Provider]
			if !ok {
				i = len(out)
				index[p.Provider] = i
				out = append(out, ProviderStatus{Provider: p.Provider, Breaker: BreakerClosed})
			}
			s := &out[i]
			s.Workers++
			if breakerRank[p.Breaker] > breakerRank[s.Breaker] {
				s.Breaker = p.Breaker
			}
			if p.Breaker == BreakerOpen {
				s.OpenOn++
			}
			s.ConsecutiveFailures = max(s.ConsecutiveFailures, p.ConsecutiveFailures)
			if p.LastErrorAt.After(s.LastErrorAt) {
				s.LastError, s.LastErrorAt = p.LastError, p.LastErrorAt
			}
			if p.LastSuccessAt.After(s.LastSuccessAt) {
				s.LastSuccessAt = p.LastSuccessAt
			}
		}
	}
	return out
}

// ProviderReporter writes this worker's view of its providers every ReportEvery, so that
// the dashboard on the api can show the breakers and recent errors.
type ProviderReporter struct {
	source ProviderHealthSource
	writer ProviderHealthWriter
	worker string
	every  time.Duration
	now    func() time.Time
}

// NewProviderReporter builds the reporter of the worker named worker; every 0 means
// ReportEvery.
func NewProviderReporter(source ProviderHealthSource, writer ProviderHealthWriter, worker string, every time.Duration) *ProviderReporter {
	if every <= 0 {
		every = ReportEvery
	}
	return &ProviderReporter{source: source, writer: writer, worker: worker, every: every, now: time.Now}
}

// Run reports at once, then every period, until ctx is done. A report that cannot be
// written is skipped: the next one replaces it.
func (r *ProviderReporter) Run(ctx context.Context) {
	tick := time.NewTicker(r.every)
	defer tick.Stop()
	for {
		wctx, cancel := context.WithTimeout(ctx, r.every)
		_ = r.writer.WriteProviderReport(wctx, ProviderReport{Worker: r.worker, At: r.now(), Providers: r.source.ProviderHealth()})
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
