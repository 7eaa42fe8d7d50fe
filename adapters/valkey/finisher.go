package valkey

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/domain"
)

// finisher records the ends of attempts that arrive while it is busy in one run of the
// finish script; each end is still checked and applied on its own.
type finisher struct {
	rdb     redis.UniversalClient
	keys    keys
	lease   time.Duration
	worker  string // the worker id the jobs taken next are leased to
	history bool   // copy each completed job to the history outbox
	calls   chan *finishCall
	stop    <-chan struct{}
}

type finishCall struct {
	id       domain.JobID
	token    string
	mode     endMode
	payload  []byte // the result's record or the error's text, as the script's argument
	code     domain.FailureCode
	ms       int64
	takeNext bool

	applied bool
	next    *claimedJob
	err     error
	done    chan struct{}
}

// maxFinishBatch is the most ends one script run records.
const maxFinishBatch = 64

// newFinisher starts senders goroutines; two overlap one run's round trip with the next.
func newFinisher(rdb redis.UniversalClient, k keys, opts ConsumerOptions, worker string, senders int, stop <-chan struct{}) *finisher {
	f := &finisher{rdb: rdb, keys: k, lease: opts.Lease, worker: worker, history: opts.KeepHistory, calls: make(chan *finishCall, 4*maxFinishBatch), stop: stop}
	for range senders {
		go gather(f.calls, maxFinishBatch, stop, f.run)
	}
	return f
}

// errFinisherStopped answers the ends that arrive after the consumer stopped; their
// leases expire and other workers take the jobs up.
var errFinisherStopped = errors.New("consumer stopped")

// finish queues c for the next script run and waits for its outcome; on an error, c's
// other fields mean nothing.
func (f *finisher) finish(c *finishCall) error {
	c.done = make(chan struct{})
	if err := handOff(context.Background(), f.calls, c, c.done, f.stop); err != nil {
		return errFinisherStopped
	}
	return c.err
}

func (f *finisher) run(batch []*finishCall) {
	defer func() {
		for _, c := range batch {
			close(c.done)
		}
	}()
	keys := []string{f.keys.leases(), f.keys.pending(), f.keys.delayed(), f.keys.dead(), f.keys.jobPrefix(), f.keys.outbox()}
	args := []any{f.lease.Milliseconds(), rand.Text(), f.worker, claimedProgress, f.keys.eventsChannel(), boolArg(f.history)}
	for _, c := range batch {
		keys = append(keys, f.keys.job(c.id))
		args = append(args, string(c.id), c.token, string(c.mode), c.payload, string(c.code), c.ms, boolArg(c.takeNext))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sent := time.Now()
	reply, err := finishScript.Run(ctx, f.rdb, keys, args...).Slice()
	replied := time.Now()
	if err != nil {
		for _, c := range batch {
			c.err = translate(err)
		}
		return
	}
	for _, c := range batch {
		if len(reply) < 2 {
			c.err = fmt.Errorf("finish: reply too short for %d jobs", len(batch))
			continue
		}
		applied, _ := reply[0].(int64)
		hasNext, _ := reply[1].(int64)
		c.applied, reply = applied == 1, reply[2:]
		if hasNext == 1 && len(reply) >= claimedFields {
			next := parseClaimed(reply[:claimedFields])
			stamp(next, sent, replied)
			c.next, reply = &next[0], reply[claimedFields:]
		}
	}
}
