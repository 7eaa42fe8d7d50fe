package valkey

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// Freeze stops the consumer's claims, heartbeats and sweeps without touching its running
// jobs, as a killed process would: their leases run out and other workers take them up.
func (c *Consumer) Freeze() {
	c.stopClaiming()
	c.stopBackground()
}

// ClaimAndForget claims up to n jobs as a claim whose reply was lost would: they are
// leased to this consumer, which never runs them.
func (c *Consumer) ClaimAndForget(ctx context.Context, n int) (int, error) {
	jobs, err := c.claim(ctx, n, "")
	return len(jobs), err
}

// Renew runs one heartbeat: the liveness key and the leases of the running jobs.
func (c *Consumer) Renew(ctx context.Context) error { return c.renew(ctx) }

// CountJobEvents makes q count its events in reg, as the api's module does.
func CountJobEvents(q *Queue, reg prometheus.Registerer) { q.events = newJobEvents(reg, apiEvents...) }
