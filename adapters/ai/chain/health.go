package chain

import (
	"time"
	"unicode/utf8"

	"github.com/sony/gobreaker/v2"

	"github.com/naengbu/recipe-ai/application"
)

// maxErrorText is the most characters of a provider's error kept for the dashboard.
const maxErrorText = 300

// observe remembers the end of one call of the provider, for ProviderHealth: its last
// error and its last success. Abandoned calls say nothing about the provider.
func (l *link) observe(at time.Time, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		l.lastOK = at
		return
	}
	text := err.Error()
	if utf8.RuneCountInString(text) > maxErrorText {
		text = string([]rune(text)[:maxErrorText]) + "…"
	}
	l.lastErr, l.lastErrAt = text, at
}

var breakerStates = map[gobreaker.State]application.BreakerState{
	gobreaker.StateClosed:   application.BreakerClosed,
	gobreaker.StateHalfOpen: application.BreakerHalfOpen,
	gobreaker.StateOpen:     application.BreakerOpen,
}

// ProviderHealth returns each provider's breaker state, failures in a row, last error and
// last success, in the chain's order. It is safe for concurrent use.
func (c *Chain) ProviderHealth() []application.ProviderHealth {
	out := make([]application.ProviderHealth, len(c.links))
	for i, l := range c.links {
		l.mu.Lock()
		out[i] = application.ProviderHealth{
			Provider:            l.Name,
			Breaker:             breakerStates[l.breaker.State()],
			ConsecutiveFailures: int(l.breaker.Counts().ConsecutiveFailures),
			LastError:           l.lastErr,
			LastErrorAt:         l.lastErrAt,
			LastSuccessAt:       l.lastOK,
		}
		l.mu.Unlock()
	}
	return out
}
