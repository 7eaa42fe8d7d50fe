package valkey

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// upkeep keeps this worker's leases and the queue in order until ctx is done. Each tick
// it first renews: it refreshes the worker's liveness key and the leases of its running
// jobs (every Lease/3); then it sweeps. After Valkey was away, it renews at once and
// holds its sweeps back for one lease, so that every live worker renews before anyone
// takes their expired leases for the leases of dead workers.
func (c *Consumer) upkeep(ctx context.Context) {
	tick := time.NewTicker(c.opts.SweepInterval)
	defer tick.Stop()
	renewEvery := c.opts.Lease / 3
	var lastRenew, sweepFrom time.Time
	outage := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := time.Now()
		if outage || now.Sub(lastRenew) >= renewEvery {
			if err := c.step(ctx, c.renew); err != nil {
				outage = true
				continue
			}
			if outage {
				outage, sweepFrom = false, now.Add(c.opts.Lease)
			}
			lastRenew = now
		}
		if now.Before(sweepFrom) {
			continue
		}
		if err := c.step(ctx, c.sweep); err != nil {
			outage = true
		}
	}
}

// step runs one upkeep call bounded by a sweep interval (a second at least), and logs
// Valkey's health.
func (c *Consumer) step(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, max(c.opts.SweepInterval, time.Second))
	defer cancel()
	err := f(ctx)
	c.health(err)
	return err
}

// renew refreshes the worker's liveness key and extends the leases of all its running
// jobs in one pipeline; the jobs whose lease was lost are abandoned.
func (c *Consumer) renew(ctx context.Context) error {
	ids, tokens := c.running.leases()
	cmds, err := pipelineScripts(ctx, c.rdb, func(p redis.Pipeliner) []*redis.Cmd {
		p.Set(ctx, c.keys.worker(c.worker), 1, c.opts.Lease)
		cmds := make([]*redis.Cmd, len(ids))
		for i, id := range ids {
			cmds[i] = renewScript.EvalSha(ctx, p, []string{c.keys.leases(), c.keys.job(id)},
				string(id), tokens[i], c.opts.Lease.Milliseconds())
		}
		return cmds
	}, renewScript)
	if err != nil {
		return err
	}
	for i, cmd := range cmds {
		if n, err := cmd.Int(); err == nil && n == 0 {
			c.running.cancel(ids[i], application.ErrLeaseLost)
		}
	}
	return nil
}

// sweep puts the jobs of dead workers, due retries and orphans back on the pending list.
func (c *Consumer) sweep(ctx context.Context) error {
	reply, err := sweepScript.Run(ctx, c.rdb,
		[]string{c.keys.leases(), c.keys.pending(), c.keys.delayed(), c.keys.inflight(),
			c.keys.orphans(), c.keys.dead(), c.keys.jobPrefix(), c.keys.workerPrefix()},
		c.proc.Attempts(), c.opts.Lease.Milliseconds(), 100, c.opts.Lease.Milliseconds(),
		lostWorkerError, string(domain.FailureWorkerLost), c.keys.eventsChannel(),
	).Int64Slice()
	if err != nil {
		return translate(err)
	}
	n, err := parseSweepCounts(reply)
	if err != nil {
		return err
	}
	c.tally.add(tallyFailed, n.Failed)
	// A lost worker's job put back spent its attempt: a retry; one out of attempts failed.
	c.events.add(eventRetried, n.Recovered)
	c.events.add(eventFailed, n.Failed)
	if n.Recovered+n.Failed > 0 {
		c.log.Warn("recovered jobs of lost workers", zap.Int64("requeued", n.Recovered), zap.Int64("failed", n.Failed))
	}
	if n.Refunded > 0 {
		c.log.Info("returned unconfirmed claims without spending an attempt", zap.Int64("jobs", n.Refunded))
	}
	return nil
}

// listenCancels cancels running jobs named on the cancel channel until the subscription
// closes. go-redis resubscribes by itself after a lost connection.
func (c *Consumer) listenCancels(pubsub *redis.PubSub) {
	for msg := range pubsub.Channel() {
		c.running.clientCancelled(domain.JobID(msg.Payload), time.Now())
	}
}
