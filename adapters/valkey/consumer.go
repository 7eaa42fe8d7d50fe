package valkey

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// endLabels name the finish script's modes in metrics.
var endLabels = map[string]string{"complete": "completed", "retry": "retry", "fail": "failed", "handback": "handed_back"}

// errLeaseLost is the cause of a job context whose lease another worker took over.
var errLeaseLost = errors.New("lease lost")

// ConsumerOptions tune one worker's consumer.
type ConsumerOptions struct {
	Concurrency     int           // jobs run at once
	Lease           time.Duration // how long a claimed job is held without a heartbeat
	ShutdownTimeout time.Duration // grace for running jobs on Stop
	ResultTTL       time.Duration // how long a completed job stays readable
	BlockTimeout    time.Duration // how long one BLMOVE waits for a job
	SweepInterval   time.Duration // how often expired leases and due retries are looked for
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
	}
}

// maxClaimBatch is the most jobs one claim script takes.
const maxClaimBatch = 64

// Consumer is the worker side of the queue: it claims jobs under a lease, runs them
// through the processor, renews their leases while they run, and records each attempt's
// end. Every consumer also sweeps: it puts jobs of dead workers and due retries back on
// the pending list. Start it once; Stop ends it.
type Consumer struct {
	rdb   redis.UniversalClient
	keys  keys
	proc  *application.Processor
	opts  ConsumerOptions
	log   *zap.Logger
	slots chan struct{}

	mu      sync.Mutex
	running map[domain.JobID]runningJob

	stopClaiming chan struct{}
	stopLoops    chan struct{}
	claimOnce    sync.Once
	loopsOnce    sync.Once
	sendersOnce  sync.Once
	claimDone    chan struct{}
	loops        sync.WaitGroup
	jobs         sync.WaitGroup
	stopSenders  chan struct{}
	pubsub       *redis.PubSub
	finisher     *finisher
	progress     *progressWriter
	metrics      *consumerMetrics
	down         atomic.Bool
}

type runningJob struct {
	token  int64
	cancel context.CancelCauseFunc
}

// NewConsumer builds a consumer of the queue named by QUEUE_NAME; its metrics go to reg.
func NewConsumer(rdb redis.UniversalClient, cfg config.Config, proc *application.Processor, opts ConsumerOptions, reg prometheus.Registerer, log *zap.Logger) *Consumer {
	k := newKeys(cfg.QueueName)
	stopSenders := make(chan struct{})
	c := &Consumer{
		rdb:          rdb,
		keys:         k,
		proc:         proc,
		opts:         opts,
		log:          log.Named("consumer"),
		slots:        make(chan struct{}, opts.Concurrency),
		running:      make(map[domain.JobID]runningJob),
		stopClaiming: make(chan struct{}),
		stopLoops:    make(chan struct{}),
		claimDone:    make(chan struct{}),
		metrics:      newConsumerMetrics(reg),
		stopSenders:  stopSenders,
		// Two senders overlap one script run's round trip with the next: the drain
		// measured about 8% faster than with one.
		finisher: newFinisher(rdb, k, opts.Lease, 2, stopSenders),
	}
	c.progress = newProgressWriter(rdb, k, c.isRunning, log)
	return c
}

// Start launches the consumer's loops and returns at once.
func (c *Consumer) Start() {
	c.pubsub = c.rdb.Subscribe(context.Background(), c.keys.cancelChannel())
	go c.claimLoop()
	c.loops.Add(4)
	go c.every(c.opts.Lease/3, c.renewLeases)
	go c.every(c.opts.SweepInterval, c.sweep)
	go c.listenCancels()
	go func() { defer c.loops.Done(); c.progress.run(c.stopLoops) }()
}

// Stop stops claiming, lets running jobs finish for up to ShutdownTimeout, then cancels
// the rest and hands them back to the pending list, where another worker takes them at
// once. It returns when every job has ended or ctx is done. Calling it again is harmless.
func (c *Consumer) Stop(ctx context.Context) error {
	c.stopClaimingJobs()
	finished := make(chan struct{})
	go func() { c.jobs.Wait(); close(finished) }()
	grace := time.NewTimer(c.opts.ShutdownTimeout)
	defer grace.Stop()
	select {
	case <-finished:
	case <-grace.C:
		c.log.Info("shutdown grace over, handing back running jobs", zap.Int("jobs", c.cancelAll(application.ErrShutdown)))
	case <-ctx.Done():
		c.cancelAll(application.ErrShutdown)
	}
	var err error
	select {
	case <-finished:
	case <-ctx.Done():
		err = fmt.Errorf("stop consumer: %w", ctx.Err())
	}
	c.stopBackgroundLoops()
	c.sendersOnce.Do(func() { close(c.stopSenders) })
	return err
}

// stopClaimingJobs ends the claim loop and waits for it; it may be called again.
func (c *Consumer) stopClaimingJobs() {
	c.claimOnce.Do(func() { close(c.stopClaiming) })
	<-c.claimDone
}

// stopBackgroundLoops ends heartbeats, sweeps, cancel listening and progress writing.
func (c *Consumer) stopBackgroundLoops() {
	c.loopsOnce.Do(func() {
		close(c.stopLoops)
		_ = c.pubsub.Close()
	})
	c.loops.Wait()
}

// claimLoop takes jobs while there are free slots: a batch at once while the pending
// list has jobs, else one BLMOVE that waits for the next.
func (c *Consumer) claimLoop() {
	defer close(c.claimDone)
	ctx := context.Background()
	pause := newPause(50*time.Millisecond, 2*time.Second)
	for {
		// Checked on its own first: a select with a free slot ready too would pick at
		// random and could go on claiming (and blocking in BLMOVE) after Stop.
		if c.stopping() {
			return
		}
		select {
		case <-c.stopClaiming:
			return
		case c.slots <- struct{}{}:
		}
		free := 1
		for free < maxClaimBatch && c.tryAcquire() {
			free++
		}
		jobs, err := c.claim(ctx, free, "")
		if err == nil && len(jobs) == 0 {
			var id string
			id, err = c.rdb.BLMove(ctx, c.keys.pending(), c.keys.inflight(), "RIGHT", "LEFT", c.opts.BlockTimeout).Result()
			switch {
			case errors.Is(err, redis.Nil):
				err = nil
			case err == nil:
				jobs, err = c.claim(ctx, 1, id)
			}
		}
		for range free - len(jobs) {
			<-c.slots
		}
		c.health(err)
		if err != nil {
			if !pause.wait(c.stopClaiming) {
				return
			}
			continue
		}
		pause.reset()
		for _, j := range jobs {
			c.jobs.Add(1)
			go c.execute(j)
		}
	}
}

func (c *Consumer) tryAcquire() bool {
	select {
	case c.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// claimedJob is a job this worker holds under lease token.
type claimedJob struct {
	job   domain.Job
	token int64
	err   error // the stored request could not be read
}

// claim runs the claim script: up to n jobs from pending, or the one id BLMOVE moved.
func (c *Consumer) claim(ctx context.Context, n int, movedID string) ([]claimedJob, error) {
	reply, err := claimScript.Run(ctx, c.rdb,
		[]string{c.keys.pending(), c.keys.leases(), c.keys.jobPrefix(), c.keys.inflight(), c.keys.orphans()},
		n, c.opts.Lease.Milliseconds(), movedID,
	).Slice()
	if err != nil {
		return nil, translate(err)
	}
	return parseClaimed(reply), nil
}

// claimedFields is how many reply fields take.lua appends per job.
const claimedFields = 6

// parseClaimed reads the fields per job that take.lua appends to a script's reply.
func parseClaimed(reply []any) []claimedJob {
	jobs := make([]claimedJob, 0, len(reply)/claimedFields)
	for i := 0; i+claimedFields <= len(reply); i += claimedFields {
		id, _ := reply[i].(string)
		token, _ := reply[i+1].(int64)
		attempt, _ := reply[i+2].(int64)
		reqJSON, _ := reply[i+3].(string)
		requestID, _ := reply[i+4].(string)
		created, _ := reply[i+5].(string)
		req, err := decodeRequest(reqJSON)
		jobs = append(jobs, claimedJob{
			job: domain.Job{
				ID: domain.JobID(id), Request: req, RequestID: requestID,
				CreatedAt: millis(created), Attempt: int(attempt),
			},
			token: token,
			err:   err,
		})
	}
	return jobs
}

// execute runs claimed jobs in one slot: the first, then each next job that recording
// the previous one's end took from the pending list.
func (c *Consumer) execute(cj claimedJob) {
	defer c.jobs.Done()
	defer func() { <-c.slots }()
	for next := &cj; next != nil; {
		next = c.runOne(*next)
	}
}

// runOne runs one claimed job, records how its attempt ended and returns the job the
// slot takes next, if any.
func (c *Consumer) runOne(cj claimedJob) *claimedJob {
	job := cj.job
	log := c.log.With(zap.String("job_id", string(job.ID)), zap.String("request_id", job.RequestID), zap.Int("attempt", job.Attempt))
	start := time.Now()
	end := func(mode, payload string, d time.Duration) *claimedJob {
		c.metrics.ended(endLabels[mode], time.Since(start))
		return c.finish(log, job.ID, cj.token, mode, payload, d)
	}
	if cj.err != nil {
		log.Error("stored request unreadable", zap.Error(cj.err))
		return end("fail", "stored request unreadable", 0)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	c.track(job.ID, runningJob{token: cj.token, cancel: cancel})
	defer c.untrack(job.ID)

	res, err := c.proc.Process(ctx, job, func(p int) { c.progress.report(job.ID, cj.token, p) })
	cause := context.Cause(ctx)
	switch {
	case err == nil:
		data, encErr := encodeResult(res)
		if encErr != nil {
			return end("fail", "result could not be stored", 0)
		}
		log.Info("job completed", zap.String("provider", res.Provider), zap.Duration("took", time.Since(start)))
		return end("complete", string(data), c.opts.ResultTTL)
	case errors.Is(cause, application.ErrCancelled):
		c.metrics.ended("cancelled", time.Since(start))
		log.Info("job cancelled")
	case errors.Is(cause, errLeaseLost):
		c.metrics.ended("lease_lost", time.Since(start))
		log.Warn("job abandoned: its lease was taken over")
	case errors.Is(cause, application.ErrShutdown):
		end("handback", "", 0)
		log.Info("job handed back for another worker")
	default:
		if delay, retry := c.proc.RetryDelay(job.Attempt, err); retry {
			log.Warn("attempt failed, retrying", zap.Error(err), zap.Duration("in", delay))
			return end("retry", err.Error(), delay)
		}
		log.Error("job failed", zap.Error(err))
		return end("fail", err.Error(), 0)
	}
	return nil
}

// finish runs the finish script, trying again for a while when Valkey is away; if it
// never answers, the lease expires and another worker takes the job up again. Unless the
// consumer is stopping (or the job is handed back), the script also takes the next
// pending job for this slot, which finish returns.
func (c *Consumer) finish(log *zap.Logger, id domain.JobID, token int64, mode, payload string, d time.Duration) *claimedJob {
	pause := newPause(100*time.Millisecond, 2*time.Second)
	for try := 1; ; try++ {
		call := &finishCall{id: id, token: token, mode: mode, payload: payload, ms: d.Milliseconds(),
			takeNext: mode != "handback" && !c.stopping()}
		err := c.finisher.finish(call)
		if err == nil {
			if !call.applied {
				log.Info("attempt end ignored: the job was cancelled or taken over", zap.String("end", mode))
			}
			return call.next
		}
		c.health(err)
		if try == 5 || !pause.wait(c.stopLoops) {
			log.Error("could not record the attempt's end; the lease will expire", zap.String("end", mode), zap.Error(err))
			return nil
		}
	}
}

// stopping reports whether Stop has begun.
func (c *Consumer) stopping() bool {
	select {
	case <-c.stopClaiming:
		return true
	default:
		return false
	}
}

func (c *Consumer) track(id domain.JobID, r runningJob) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.running[id] = r
}

// isRunning reports whether this worker still runs the job under token.
func (c *Consumer) isRunning(id domain.JobID, token int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.running[id]
	return ok && r.token == token
}

func (c *Consumer) untrack(id domain.JobID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.running, id)
}

// cancelRunning cancels one running job with cause, if this worker runs it.
func (c *Consumer) cancelRunning(id domain.JobID, cause error) {
	c.mu.Lock()
	r, ok := c.running[id]
	c.mu.Unlock()
	if ok {
		r.cancel(cause)
	}
}

// cancelAll cancels every running job with cause and says how many there were.
func (c *Consumer) cancelAll(cause error) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.running {
		r.cancel(cause)
	}
	return len(c.running)
}

// listenCancels cancels running jobs named on the cancel channel. go-redis resubscribes
// by itself after a lost connection.
func (c *Consumer) listenCancels() {
	defer c.loops.Done()
	for msg := range c.pubsub.Channel() {
		c.cancelRunning(domain.JobID(msg.Payload), application.ErrCancelled)
	}
}

// renewLeases extends the leases of all running jobs in one pipeline, and abandons the
// jobs whose lease was lost.
func (c *Consumer) renewLeases(ctx context.Context) error {
	c.mu.Lock()
	ids := make([]domain.JobID, 0, len(c.running))
	tokens := make([]int64, 0, len(c.running))
	for id, r := range c.running {
		ids = append(ids, id)
		tokens = append(tokens, r.token)
	}
	c.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	cmds, err := pipelineScripts(ctx, c.rdb, func(p redis.Pipeliner) []*redis.Cmd {
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
			c.cancelRunning(ids[i], errLeaseLost)
		}
	}
	return nil
}

// sweep puts the jobs of dead workers, due retries and orphans back on the pending list.
func (c *Consumer) sweep(ctx context.Context) error {
	counts, err := sweepScript.Run(ctx, c.rdb,
		[]string{c.keys.leases(), c.keys.pending(), c.keys.delayed(), c.keys.inflight(),
			c.keys.orphans(), c.keys.dead(), c.keys.jobPrefix()},
		c.proc.Attempts(), c.opts.Lease.Milliseconds(), 100,
	).Int64Slice()
	if err != nil {
		return translate(err)
	}
	if counts[0]+counts[2]+counts[3] > 0 {
		c.log.Warn("recovered jobs of lost workers",
			zap.Int64("requeued", counts[0]+counts[2]), zap.Int64("failed", counts[3]))
	}
	return nil
}

// every runs f each interval until the loops stop.
func (c *Consumer) every(interval time.Duration, f func(context.Context) error) {
	defer c.loops.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.stopLoops:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), interval)
			c.health(f(ctx))
			cancel()
		}
	}
}

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
