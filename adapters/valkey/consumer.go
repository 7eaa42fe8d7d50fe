package valkey

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// ConsumerOptions tune one worker's consumer.
type ConsumerOptions struct {
	Concurrency     int           // jobs run at once
	Lease           time.Duration // how long a claimed job is held without a heartbeat
	ShutdownTimeout time.Duration // grace for running jobs on Stop
	ResultTTL       time.Duration // how long a completed job stays readable
	BlockTimeout    time.Duration // how long one BLMOVE waits for a job
	SweepInterval   time.Duration // how often expired leases and due retries are looked for
	KeepHistory     bool          // copy completed jobs to the history outbox (DATABASE_URL is set)
}

// ConsumerOptionsFrom takes the consumer's settings from the configuration.
func ConsumerOptionsFrom(cfg config.Config) ConsumerOptions {
	return ConsumerOptions{
		Concurrency:     cfg.WorkerConcurrency,
		Lease:           cfg.JobLease,
		ShutdownTimeout: cfg.ShutdownTimeout,
		ResultTTL:       cfg.ResultTTL,
		BlockTimeout:    time.Second,
		SweepInterval:   min(cfg.JobLease/4, 250*time.Millisecond),
		KeepHistory:     cfg.DatabaseURL != "",
	}
}

// Consumer is the worker side of the queue: it claims jobs under a lease (claiming.go),
// runs them through the processor and carries out its decision (running.go), and keeps
// its leases and the queue in order (upkeep.go): heartbeats, its liveness key, sweeps
// that put the jobs of dead workers and due retries back, and cancel messages. Start it
// once; Stop ends it.
type Consumer struct {
	rdb    redis.UniversalClient
	keys   keys
	proc   *application.Processor
	opts   ConsumerOptions
	log    *zap.Logger
	worker string // this consumer's id: its liveness key and its jobs' "worker" field
	slots  chan struct{}

	running  *registry
	finisher *finisher
	progress *progressWriter
	metrics  *consumerMetrics
	tally    *tally // the dashboard's per-minute counts
	events   *jobEvents
	tracing  *jobTracing // nil traces nothing; the worker's module sets it when tracing is on
	down     atomic.Bool

	claimCtx    context.Context // done once Stop begins: no more claims
	stopClaims  context.CancelFunc
	claims      errgroup.Group
	stopLoops   context.CancelFunc
	loops       errgroup.Group
	stopSenders context.CancelFunc
	jobs        sync.WaitGroup
}

// NewConsumer builds a consumer of the queue named by QUEUE_NAME; its metrics go to reg.
func NewConsumer(rdb redis.UniversalClient, cfg config.Config, proc *application.Processor, opts ConsumerOptions, reg prometheus.Registerer, log *zap.Logger) *Consumer {
	k := newKeys(cfg.QueueName)
	sendersCtx, stopSenders := context.WithCancel(context.Background())
	worker := rand.Text()
	c := &Consumer{
		rdb:     rdb,
		keys:    k,
		proc:    proc,
		opts:    opts,
		worker:  worker,
		slots:   make(chan struct{}, opts.Concurrency),
		running: newRegistry(),
		metrics: newConsumerMetrics(reg),
		tally:   newTally(rdb, k),
		events:  newJobEvents(reg, workerEvents...),
		// Two senders overlap one script run's round trip with the next: the drain
		// measured about 8% faster than with one.
		finisher:    newFinisher(rdb, k, opts, worker, 2, sendersCtx.Done()),
		stopSenders: stopSenders,
	}
	c.log = log.Named("consumer").With(zap.String("worker", c.worker))
	c.progress = newProgressWriter(rdb, k, c.running.holds, log)
	c.claimCtx, c.stopClaims = context.WithCancel(context.Background())
	return c
}

// Start launches the consumer's loops and returns at once.
func (c *Consumer) Start() {
	loopsCtx, stopLoops := context.WithCancel(context.Background())
	c.stopLoops = stopLoops
	pubsub := c.rdb.Subscribe(loopsCtx, c.keys.cancelChannel())
	context.AfterFunc(loopsCtx, func() { _ = pubsub.Close() })

	c.claims.Go(func() error { c.claimLoop(c.claimCtx); return nil })
	c.loops.Go(func() error { c.upkeep(loopsCtx); return nil })
	c.loops.Go(func() error { c.listenCancels(pubsub); return nil })
	c.loops.Go(func() error { c.progress.run(loopsCtx.Done()); return nil })
	c.loops.Go(func() error { c.tally.run(loopsCtx); return nil })
}

// Stop stops claiming, lets running jobs finish for up to ShutdownTimeout, then cancels
// the rest, which hand themselves back to the pending list, where another worker takes
// them at once. It returns when every job has ended or ctx is done. Calling it again is
// harmless.
func (c *Consumer) Stop(ctx context.Context) error {
	c.stopClaiming()
	finished := make(chan struct{})
	go func() { c.jobs.Wait(); close(finished) }()
	grace := time.NewTimer(c.opts.ShutdownTimeout)
	defer grace.Stop()
	select {
	case <-finished:
	case <-grace.C:
		c.log.Info("shutdown grace over, handing back running jobs", zap.Int("jobs", c.running.cancelAll(application.ErrShutdown)))
	case <-ctx.Done():
		c.running.cancelAll(application.ErrShutdown)
	}
	var err error
	select {
	case <-finished:
	case <-ctx.Done():
		err = fmt.Errorf("stop consumer: %w", ctx.Err())
	}
	c.stopBackground()
	c.stopSenders()
	// Without its liveness key, the leases of jobs it could not hand back expire at once.
	dctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = c.rdb.Del(dctx, c.keys.worker(c.worker)).Err()
	return err
}

// stopClaiming ends the claim loop and waits for it.
func (c *Consumer) stopClaiming() {
	c.stopClaims()
	_ = c.claims.Wait()
}

// stopBackground ends heartbeats, sweeps, cancel listening and progress writing.
func (c *Consumer) stopBackground() {
	if c.stopLoops != nil {
		c.stopLoops()
	}
	_ = c.loops.Wait()
}

// stopping reports whether Stop has begun.
func (c *Consumer) stopping() bool { return c.claimCtx.Err() != nil }

// health logs when Valkey goes away and when it comes back, once each.
func (c *Consumer) health(err error) {
	switch {
	case err == nil:
		if c.down.CompareAndSwap(true, false) {
			c.log.Info("valkey reachable again")
		}
	case errors.Is(err, application.ErrUnavailable):
		if c.down.CompareAndSwap(false, true) {
			c.log.Warn("valkey unreachable; retrying", zap.Error(err))
		}
	default:
		c.log.Error("queue operation failed", zap.Error(err))
	}
}
