package valkey

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// execute runs claimed jobs in one slot: the first, then each next job that recording
// the previous one's end took from the pending list.
func (c *Consumer) execute(cj claimedJob) {
	defer c.jobs.Done()
	defer func() { <-c.slots }()
	for next := &cj; next != nil; {
		next = c.runOne(*next)
	}
}

// runOne runs one claimed job through the processor, carries out the outcome it decided
// and returns the job the slot takes next, if any.
func (c *Consumer) runOne(cj claimedJob) *claimedJob {
	job := cj.job
	// Lazy: the fields are encoded only if the job logs something at an enabled level.
	log := c.log.WithLazy(zap.String("job_id", string(job.ID)), zap.String("request_id", job.RequestID), zap.Int("attempt", job.Attempt))
	start := time.Now()
	c.events.add(eventStarted, 1)

	var out application.Outcome
	if cj.err != nil {
		out = application.Outcome{Verdict: application.VerdictFail, Code: domain.FailureInternal, Err: cj.err}
	} else {
		base, endSpan := c.tracing.run(cj)
		ctx, cancel := context.WithCancelCause(base)
		c.running.track(job.ID, runningJob{token: cj.token, cancel: cancel})
		out = c.proc.Process(ctx, job, jobReporter{w: c.progress, id: job.ID, token: cj.token})
		defer c.running.untrack(job.ID) // after the end is recorded: heartbeats go on meanwhile
		defer cancel(nil)
		defer endSpan(out)
	}
	c.metrics.ended(out.Verdict, time.Since(start))
	logOutcome(log, out, time.Since(start))
	return c.record(log, job.ID, cj.token, out)
}

// logOutcome says how a run ended, once.
func logOutcome(log *zap.Logger, out application.Outcome, took time.Duration) {
	switch out.Verdict {
	case application.VerdictComplete:
		log.Info("job completed", zap.String("provider", out.Result.Provider), zap.Duration("took", took))
	case application.VerdictRetry:
		log.Warn("attempt failed, retrying", zap.Error(out.Err), zap.Duration("in", out.Delay))
	case application.VerdictFail:
		log.Error("job failed", zap.String("error_code", string(out.Code)), zap.Error(out.Err))
	case application.VerdictWait:
		log.Info("no provider available, waiting without spending the attempt", zap.Duration("in", out.Delay), zap.Error(out.Err))
	case application.VerdictHandBack:
		log.Info("job handed back for another worker")
	case application.VerdictDrop:
		log.Info("job abandoned", zap.NamedError("cause", out.Err))
	}
}

// record carries out the outcome with the finish script, trying again while Valkey is
// away for as long as the consumer runs: the job stays tracked meanwhile, so its lease
// is renewed as soon as Valkey answers again. Unless the consumer is stopping (or the job
// is handed back), the script also takes the next pending job for this slot, which
// record returns.
func (c *Consumer) record(log *zap.Logger, id domain.JobID, token string, out application.Outcome) *claimedJob {
	mode, ok := endModes[out.Verdict]
	if !ok {
		return nil // dropped: the cancel or the other worker already said how it ends
	}
	call := finishCall{id: id, token: token, mode: mode, ms: out.Delay.Milliseconds()}
	switch out.Verdict {
	case application.VerdictComplete:
		data, err := encodeResult(out.Result)
		if err != nil {
			log.Error("result could not be stored", zap.Error(err))
			call.mode, call.payload, call.code = endFail, []byte(err.Error()), domain.FailureInternal
			break
		}
		call.payload, call.ms = data, c.opts.ResultTTL.Milliseconds()
	case application.VerdictRetry, application.VerdictFail:
		call.payload, call.code = []byte(out.Err.Error()), out.Code
	}
	pause := newPause(100*time.Millisecond, 2*time.Second)
	for {
		try := call
		try.takeNext = mode != endHandBack && !c.stopping()
		err := c.finisher.finish(&try)
		if err == nil {
			if !try.applied {
				log.Info("attempt end ignored: the job was cancelled or taken over", zap.String("end", string(mode)))
			} else {
				c.tally.ended(try.mode, id)
				c.events.add(endEvents[try.mode], 1)
			}
			return try.next
		}
		c.health(err)
		if errors.Is(err, errFinisherStopped) || !pause.wait(c.finisher.stop) {
			log.Error("could not record the attempt's end; the lease will expire", zap.String("end", string(mode)), zap.Error(err))
			return nil
		}
	}
}
