package valkey

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/domain"
)

// maxClaimBatch is the most jobs one claim script takes.
const maxClaimBatch = 64

// claimLoop takes jobs while there are free slots: a batch at once while the pending
// list has jobs, else one BLMOVE that waits for the next. It returns once ctx is done.
func (c *Consumer) claimLoop(ctx context.Context) {
	pause := newPause(50*time.Millisecond, 2*time.Second)
	for {
		// Checked on its own first: a select with a free slot ready too would pick at
		// random and could go on claiming (and blocking in BLMOVE) after Stop.
		if ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case c.slots <- struct{}{}:
		}
		free := 1
		for free < maxClaimBatch && c.tryAcquire() {
			free++
		}
		jobs, err := c.claimOrWait(free)
		for range free - len(jobs) {
			<-c.slots
		}
		c.health(err)
		if err != nil {
			if !pause.wait(ctx.Done()) {
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

// claimOrWait claims up to n pending jobs, or, when there are none, waits BlockTimeout
// for one with BLMOVE. BLMOVE is not given a context that Stop cancels: it ends within
// BlockTimeout, and a cancelled blocking call would leave its id moved but unclaimed.
func (c *Consumer) claimOrWait(n int) ([]claimedJob, error) {
	ctx := context.Background()
	jobs, err := c.claim(ctx, n, "")
	if err != nil || len(jobs) > 0 {
		return jobs, err
	}
	id, err := c.rdb.BLMove(ctx, c.keys.pending(), c.keys.inflight(), "RIGHT", "LEFT", c.opts.BlockTimeout).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, nil
	case err != nil:
		return nil, translate(err)
	}
	return c.claim(ctx, 1, id)
}

func (c *Consumer) tryAcquire() bool {
	select {
	case c.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// claimedJob is a job this worker holds under a lease token.
type claimedJob struct {
	job         domain.Job
	token       string
	err         error  // the stored request could not be read
	traceparent string // the trace the api stored with the job; "" for none
	claimStart  time.Time
	claimEnd    time.Time // when the claim was sent and when its reply arrived
}

// claim runs the claim script: up to n jobs from pending, or the one id BLMOVE moved.
// Each claim gets a fresh random lease token; if its reply is lost (go-redis resends
// after a timeout), the jobs it leased are never confirmed and the sweep puts them back
// without spending an attempt.
func (c *Consumer) claim(ctx context.Context, n int, movedID string) ([]claimedJob, error) {
	sent := time.Now()
	reply, err := claimScript.Run(ctx, c.rdb,
		[]string{c.keys.pending(), c.keys.leases(), c.keys.jobPrefix(), c.keys.inflight(), c.keys.orphans()},
		n, c.opts.Lease.Milliseconds(), movedID, rand.Text(), c.worker, claimedProgress, c.keys.eventsChannel(),
	).Slice()
	if err != nil {
		return nil, translate(err)
	}
	jobs := parseClaimed(reply)
	stamp(jobs, sent, time.Now())
	return jobs, nil
}

// claimedFields is how many reply fields take.lua appends per job.
const claimedFields = 7

// parseClaimed reads the fields per job that take.lua appends to a script's reply.
func parseClaimed(reply []any) []claimedJob {
	jobs := make([]claimedJob, 0, len(reply)/claimedFields)
	for i := 0; i+claimedFields <= len(reply); i += claimedFields {
		id, _ := reply[i].(string)
		token, _ := reply[i+1].(string)
		attempt, _ := reply[i+2].(int64)
		reqJSON, _ := reply[i+3].(string)
		requestID, _ := reply[i+4].(string)
		created, _ := reply[i+5].(string)
		tp, _ := reply[i+6].(string)
		req, err := decodeRequest(reqJSON)
		jobs = append(jobs, claimedJob{
			job: domain.Job{
				ID: domain.JobID(id), Request: req, RequestID: requestID,
				CreatedAt: millis(created), Attempt: int(attempt),
			},
			token:       token,
			err:         err,
			traceparent: tp,
		})
	}
	return jobs
}
