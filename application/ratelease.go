package application

import (
	"context"
	"sync"
	"time"
)

// LeasedLimiter is the RateLimiter the api replicas use: it spends each request from the
// budgets of a shared RateCounter, but a busy client's requests are taken from the
// counter several at a time, so that a replica does not make a round trip to the
// counter for each request.
//
// How many requests a replica takes at once (its lease) follows the client's demand: as
// many as the client sent to this replica in the last leaseWindow, or as many as are
// waiting for the counter's answer when that is more, at least one and at most a
// fiftieth of the budget's Limit. A client that sends a request now and then gets
// leases of one, so its every request is counted in the shared store as it comes; only
// a client sending many requests a second gets bigger ones. A lease is held at most
// leaseHold: whatever the client has not used by then is given up, though the counter
// has spent it. So a replica never lets through more than the counter granted, and the
// whole error is on the strict side: a client whose demand stops short loses at most one
// lease, a fiftieth of its budget.
//
// A busy client's next lease is asked for once three quarters of the current one are
// spent, so that its requests go on being served from the rest meanwhile instead of
// waiting for the counter's answer every lease.
//
// A refused request is remembered until its RetryAfter: the client's next requests
// before then are refused by the replica itself, which answers the same as the counter
// would, since a budget only grows back with time.
//
// It is safe for concurrent use: the requests of one client that arrive while its
// replica asks the counter wait for that answer instead of asking again.
type LeasedLimiter struct {
	counter RateCounter
	now     func() time.Time

	mu        sync.Mutex
	leases    map[leaseKey]*lease
	lastSweep time.Time
}

const (
	// leaseWindow is how far back a client's demand is counted when its next lease is
	// sized.
	leaseWindow = 100 * time.Millisecond
	// leaseHold is how long a lease's unspent requests are held.
	leaseHold = 2 * leaseWindow
	// leaseShare is the most of a budget's Limit one lease takes: 1/leaseShare.
	leaseShare = 50
	// refillTimeout bounds a refill asked for ahead of need, which has no request's
	// context to end with.
	refillTimeout = time.Second
	// leaseIdle is how long an idle client's record is kept: longer than leaseHold, so
	// that a lease and the demand of the last window stay known.
	leaseIdle = time.Second
)

type leaseKey struct{ budget, client string }

// lease is one client's standing at one replica for one budget.
type lease struct {
	left      int       // requests granted by the counter, not yet spent here
	size      int       // how many the counter granted last
	heldUntil time.Time // when those are given up
	remaining int       // the counter's Remaining when it granted them
	resetAt   time.Time // when the whole budget is back, as the counter said
	refused   time.Time // until then, requests are refused here
	// demand counts requests in the window that began at windowStart; lastDemand is the
	// count of the window before it.
	demand, lastDemand int
	windowStart        time.Time
	lastUsed           time.Time
	// asking is the question to the counter for this client in progress, nil while
	// none is; waiting counts the requests waiting for its answer.
	asking  *question
	waiting int
}

// question is one Take in progress. done is closed once it is answered; err is then
// the counter's error, which the requests that waited for it share rather than each
// asking again: while the counter is slow to fail, they would otherwise wait for one
// another's failures in turn.
type question struct {
	done chan struct{}
	err  error
}

// ask starts a question to the counter. l.mu is held.
func (ls *lease) ask() *question {
	ls.asking = &question{done: make(chan struct{})}
	return ls.asking
}

// answered ends the question in progress with err. l.mu is held.
func (ls *lease) answered(q *question, err error) {
	q.err = err
	ls.asking = nil
	close(q.done)
}

// NewLeasedLimiter spends requests from counter; now is the clock (time.Now when nil).
func NewLeasedLimiter(counter RateCounter, now func() time.Time) *LeasedLimiter {
	if now == nil {
		now = time.Now
	}
	return &LeasedLimiter{counter: counter, now: now, leases: map[leaseKey]*lease{}}
}

// Allow spends one request of client from b; see RateLimiter.
func (l *LeasedLimiter) Allow(ctx context.Context, b Budget, client string) (RateDecision, error) {
	key := leaseKey{b.Name, client}
	for counted := false; ; counted = true {
		l.mu.Lock()
		now := l.now()
		ls := l.lease(key, now, !counted)
		if d, ok := ls.spend(now); ok {
			if ls.refillDue() {
				l.refill(ls, b, client)
			}
			l.mu.Unlock()
			return d, nil
		}
		if r := ls.asking; r != nil {
			ls.waiting++
			l.mu.Unlock()
			select {
			case <-r.done:
			case <-ctx.Done():
			}
			l.mu.Lock()
			ls.waiting--
			l.mu.Unlock()
			if err := ctx.Err(); err != nil {
				return RateDecision{}, err
			}
			if r.err != nil {
				return RateDecision{}, r.err // the counter cannot answer: none asks again now
			}
			continue // its answer may serve this request too
		}
		r := ls.ask()
		want := ls.want(b)
		l.mu.Unlock()

		t, err := l.counter.Take(ctx, b, client, want)

		l.mu.Lock()
		shared := err
		if ctx.Err() != nil {
			shared = nil // the request's own end, not the counter's: another may ask
		}
		ls.answered(r, shared)
		var d RateDecision
		if err == nil {
			d = ls.granted(t, l.now())
		}
		l.mu.Unlock()
		return d, err
	}
}

// refill asks the counter for the next lease of a busy client while the requests left
// of its current one are still spent, so that its requests need not wait for the
// answer. l.mu is held.
func (l *LeasedLimiter) refill(ls *lease, b Budget, client string) {
	r := ls.ask()
	want := ls.want(b)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), refillTimeout)
		defer cancel()
		t, err := l.counter.Take(ctx, b, client, want)
		l.mu.Lock()
		defer l.mu.Unlock()
		ls.answered(r, err)
		if err == nil {
			ls.topUp(t, l.now())
		}
	}()
}

// lease finds or makes key's lease and, when count is true, counts a request in its
// demand. Now and then it drops the leases of clients that have gone quiet. l.mu is
// held.
func (l *LeasedLimiter) lease(key leaseKey, now time.Time, count bool) *lease {
	if now.Sub(l.lastSweep) >= leaseIdle {
		for k, ls := range l.leases {
			if ls.asking == nil && now.Sub(ls.lastUsed) >= leaseIdle && !now.Before(ls.refused) {
				delete(l.leases, k)
			}
		}
		l.lastSweep = now
	}
	ls := l.leases[key]
	if ls == nil {
		ls = &lease{windowStart: now}
		l.leases[key] = ls
	}
	if since := now.Sub(ls.windowStart); since >= leaseWindow {
		ls.lastDemand = 0
		if since < 2*leaseWindow { // else the window just gone saw no request
			ls.lastDemand = ls.demand
		}
		ls.demand, ls.windowStart = 0, now
	}
	if count {
		ls.demand++
	}
	ls.lastUsed = now
	return ls
}

// spend answers from what the replica holds: a request of the lease, or the refusal
// still in force. ok is false when the counter must be asked.
func (ls *lease) spend(now time.Time) (d RateDecision, ok bool) {
	switch {
	case ls.left > 0 && now.Before(ls.heldUntil):
		ls.left--
		return ls.decision(now), true
	case now.Before(ls.refused):
		return RateDecision{RetryAfter: ls.refused.Sub(now), ResetAfter: max(ls.resetAt.Sub(now), 0)}, true
	}
	ls.left = 0 // given up
	return RateDecision{}, false
}

// refillDue says whether the next lease should be asked for now: the current one is
// more than one request and three quarters of it are spent.
func (ls *lease) refillDue() bool {
	return ls.asking == nil && ls.size > 1 && ls.left > 0 && ls.left <= ls.size/4
}

// topUp adds what the counter granted to what the lease still holds.
func (ls *lease) topUp(t RateTake, now time.Time) {
	ls.resetAt = now.Add(t.ResetAfter)
	if t.Granted <= 0 {
		ls.refused = now.Add(t.RetryAfter) // once the lease is spent
		return
	}
	if !now.Before(ls.heldUntil) {
		ls.left = 0 // given up
	}
	ls.left += t.Granted
	ls.size, ls.heldUntil, ls.remaining = t.Granted, now.Add(leaseHold), t.Remaining
}

// want is how many requests to ask the counter for: the client's demand in the last
// window, or the requests waiting now (this one and those waiting for its answer) when
// they are more, as in a burst that comes before any demand is known; at least one and
// at most a leaseShare-th of b's Limit.
func (ls *lease) want(b Budget) int {
	return max(1, min(max(ls.lastDemand, ls.waiting+1), b.Limit/leaseShare))
}

// granted keeps what the counter granted and spends the first request of it.
func (ls *lease) granted(t RateTake, now time.Time) RateDecision {
	ls.resetAt = now.Add(t.ResetAfter)
	if t.Granted <= 0 {
		ls.left, ls.refused = 0, now.Add(t.RetryAfter)
		return RateDecision{RetryAfter: t.RetryAfter, ResetAfter: t.ResetAfter}
	}
	ls.left, ls.heldUntil, ls.remaining = t.Granted-1, now.Add(leaseHold), t.Remaining
	ls.size = t.Granted
	return ls.decision(now)
}

// decision allows a request: the client may still send what the counter has left and
// what this replica holds for it.
func (ls *lease) decision(now time.Time) RateDecision {
	return RateDecision{Allowed: true, Remaining: ls.remaining + ls.left, ResetAfter: max(ls.resetAt.Sub(now), 0)}
}
