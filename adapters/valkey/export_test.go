package valkey

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
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

// WritePartial runs the partial result script for job id under token, as a worker's
// progress writer does.
func WritePartial(ctx context.Context, rdb redis.UniversalClient, cfg config.Config, id domain.JobID, token, record string) error {
	k := newKeys(cfg.QueueName)
	return partialScript.Run(ctx, rdb, []string{k.job(id)}, token, 50, record, k.eventsChannel(), string(id)).Err()
}

// CountJobEvents makes q count its events in reg, as the api's module does.
func CountJobEvents(q *Queue, reg prometheus.Registerer) { q.events = newJobEvents(reg, apiEvents...) }

// Subscribed says whether f holds a subscription now.
func (f *Feed) Subscribed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sub != nil
}

// SetLinger sets how long f stays subscribed after its last watcher left.
func (f *Feed) SetLinger(d time.Duration) { f.linger = d }

// EventsChannel is the channel the workers announce the jobs of cfg's queue on.
func EventsChannel(cfg config.Config) string { return newKeys(cfg.QueueName).eventsChannel() }
