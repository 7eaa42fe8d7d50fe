package application

import (
	"context"
	"time"
)

// Budget is a request budget of one client: at most Limit requests at once, refilled
// evenly over Period (the generic cell rate algorithm), so a client that has spent it
// gets one more request every Period/Limit and the whole budget back after Period.
type Budget struct {
	Name   string // names the budget where it is counted, such as "generate"
	Limit  int
	Period time.Duration
}

// RateDecision says whether one request fits its client's budget, and how the budget
// stands after it.
type RateDecision struct {
	Allowed bool
	// Remaining is how many more requests the client may send at once.
	Remaining int
	// RetryAfter is, for a refused request, how long until the next one fits.
	RetryAfter time.Duration
	// ResetAfter is how long until the whole budget is back.
	ResetAfter time.Duration
}

// RateLimiter counts requests against budgets that every api replica shares.
type RateLimiter interface {
	// Allow counts one request of client against b, unless it does not fit, and says
	// which. Its error wraps ErrUnavailable when the counts cannot be reached; the
	// request was then not counted.
	Allow(ctx context.Context, b Budget, client string) (RateDecision, error)
}
