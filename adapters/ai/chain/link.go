package chain

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
)

// link is a Link with its breaker and its Retry-After skip.
type link struct {
	Link
	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]

	mu       sync.Mutex
	until    time.Time // skip the provider before this instant (429 with Retry-After)
	openedAt time.Time // when the breaker last opened

	lastErr   string // the last call's error, for ProviderHealth
	lastErrAt time.Time
	lastOK    time.Time // the last call that succeeded
}

// newLink puts l behind a breaker that opens after failures failures in a row and lets a
// call through c.coolDown later. gobreaker reads time.Now itself; tests of the breaker
// run in a testing/synctest bubble, where that clock is fake.
func (c *Chain) newLink(l Link, failures uint32) *link {
	ln := &link{Link: l}
	ln.breaker = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        l.Name,
		MaxRequests: 1, // one probe while half-open
		Timeout:     c.coolDown,
		ReadyToTrip: func(n gobreaker.Counts) bool { return n.ConsecutiveFailures >= failures },
		IsExcluded:  func(err error) bool { return errors.Is(err, errAbandoned) },
		OnStateChange: func(name string, from, to gobreaker.State) {
			if to == gobreaker.StateOpen {
				ln.mu.Lock()
				ln.openedAt = c.now()
				ln.mu.Unlock()
			}
			c.metrics.breakerState(name, to)
			log := c.log.Info
			if to == gobreaker.StateOpen {
				log = c.log.Warn
			}
			log("circuit breaker state changed", zap.String("provider", name),
				zap.Stringer("from", from), zap.Stringer("to", to))
		},
	})
	c.metrics.breakerState(l.Name, gobreaker.StateClosed)
	return ln
}

// rateLimited returns how much longer the provider asked to be left alone, 0 when not.
func (l *link) rateLimited(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(l.until.Sub(now), 0)
}

// rateLimit skips the provider until t, or later when an earlier 429 asked for longer.
func (l *link) rateLimit(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.until) {
		l.until = t
	}
}

// skippedByBreaker describes a call the breaker refused. An open breaker is available
// again after the rest of its cool-down; a half-open one once its probe has answered,
// which a short wait covers.
func (c *Chain) skippedByBreaker(l *link, err error) application.ProviderFailure {
	if !errors.Is(err, gobreaker.ErrOpenState) {
		return application.SkippedFailure(l.Name, halfOpenWait,
			fmt.Errorf("skipped: circuit half-open, probe in flight: %w", err))
	}
	l.mu.Lock()
	rest := l.openedAt.Add(c.coolDown).Sub(c.now())
	l.mu.Unlock()
	return application.SkippedFailure(l.Name, min(max(rest, time.Second), c.coolDown),
		fmt.Errorf("skipped: circuit open after repeated failures: %w", err))
}

// halfOpenWait is how long a job waits for a half-open breaker's probe to answer.
const halfOpenWait = time.Second
