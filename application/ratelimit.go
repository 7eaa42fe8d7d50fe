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

// RateCounter is the store of the budgets every api replica shares.
type RateCounter interface {
	// Take spends as many of want requests of client from b as fit, at least one when
	// any fits, and says how many it spent and how the budget stands after. Its error
	// wraps ErrUnavailable when the counts cannot be reached; nothing was spent then.
	Take(ctx context.Context, b Budget, client string, want int) (RateTake, error)
}

// RateTake is what a RateCounter spent and how the budget stands after it.
type RateTake struct {
	// Granted is how many of the requests asked for fit, 0 when none did.
	Granted int
	// Remaining is how many more requests the client may send at once.
	Remaining int
	// RetryAfter is, when none fitted, how long until the next one fits.
	RetryAfter time.Duration
	// ResetAfter is how long until the whole budget is back.
	ResetAfter time.Duration
}
