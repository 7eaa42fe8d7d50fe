package valkey

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// enqueuer sends the enqueues that arrive while it is busy as one run of the enqueue
// script: under load, concurrent requests share one round trip and one script call,
// while each job keeps its own atomic checks inside it. An idle enqueuer sends a lone
// job at once, so it adds no latency.
type enqueuer struct {
	rdb        redis.UniversalClient
	keys       keys
	maxPending int
	calls      chan *enqueueCall
	stop       <-chan struct{}
}

type enqueueCall struct {
	ctx     context.Context
	id      string
	req     []byte
	rid     string
	lang    string
	owner   string
	idem    application.Idempotency
	tp      string // W3C traceparent, "" when not tracing
	verdict enqueueVerdict
	answer  string
	err     error
	done    chan struct{}
}

// maxEnqueueBatch is the most jobs one script run takes.
const maxEnqueueBatch = 128

func newEnqueuer(rdb redis.UniversalClient, k keys, maxPending int, stop <-chan struct{}) *enqueuer {
	e := &enqueuer{rdb: rdb, keys: k, maxPending: maxPending, calls: make(chan *enqueueCall, 4*maxEnqueueBatch), stop: stop}
	go gather(e.calls, maxEnqueueBatch, stop, e.run)
	return e
}

// errQueueClosed answers enqueues that arrive after the queue was closed.
var errQueueClosed = &application.UnavailableError{RetryAfter: unavailableRetryAfter, Err: errors.New("queue closed")}

// enqueue queues c for the next script run and waits for its verdict; on an error,
// c's other fields mean nothing.
func (e *enqueuer) enqueue(c *enqueueCall) error {
	c.done = make(chan struct{})
	err := handOff(c.ctx, e.calls, c, c.done, e.stop)
	switch {
	case errors.Is(err, errSenderStopped):
		return errQueueClosed
	case err != nil:
		return err
	}
	return c.err
}

// run sends one batch; a call whose caller gave up meanwhile is left out.
func (e *enqueuer) run(batch []*enqueueCall) {
	defer func() {
		for _, c := range batch {
			close(c.done)
		}
	}()
	live := batch[:0:0]
	keys := []string{e.keys.pending(), e.keys.delayed()}
	args := []any{e.maxPending, application.IdempotencyWindow.Milliseconds()}
	for _, c := range batch {
		if c.err = c.ctx.Err(); c.err != nil {
			continue
		}
		idemKey := e.keys.pending() // any key of the queue's slot; unused without a key
		if c.idem.Key != "" {
			idemKey = e.keys.idempotency(c.owner, c.idem.Key) // scoped per API key
		}
		keys = append(keys, e.keys.job(domain.JobID(c.id)), idemKey)
		args = append(args, c.id, c.req, c.rid, c.lang, c.idem.Fingerprint, c.owner, c.tp)
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(within(live[0].ctx), 5*time.Second)
	defer cancel()
	reply, err := enqueueScript.Run(ctx, e.rdb, keys, args...).StringSlice()
	if err == nil && len(reply) != 2*len(live) {
		err = fmt.Errorf("enqueue: %d reply fields for %d jobs", len(reply), len(live))
	}
	for i, c := range live {
		if err != nil {
			c.err = translate(err)
			continue
		}
		c.verdict, c.answer = enqueueVerdict(reply[2*i]), reply[2*i+1]
	}
}
