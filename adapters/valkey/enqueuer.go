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
//
// With replicas > 0 (ENQUEUE_WAIT_REPLICAS) each script run is followed by WAIT on the same
// connection of the queue's master, and its jobs are answered only once that many replicas
// hold them: a job that fewer replicas acknowledged within replicaWaitTimeout gets
// application.ErrUnavailable, although it was written on the master and may still run.
type enqueuer struct {
	rdb        redis.UniversalClient
	keys       keys
	maxPending int
	replicas   int
	calls      chan *enqueueCall
	stop       <-chan struct{}
}

// replicaWaitTimeout is how long an enqueue waits for its replicas' acknowledgement.
// Healthy replicas acknowledge within a round trip; waiting longer would only hold up
// every request while a replica is away.
const replicaWaitTimeout = time.Second

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

func newEnqueuer(rdb redis.UniversalClient, k keys, maxPending, replicas int, stop <-chan struct{}) *enqueuer {
	e := &enqueuer{rdb: rdb, keys: k, maxPending: maxPending, replicas: replicas,
		calls: make(chan *enqueueCall, 4*maxEnqueueBatch), stop: stop}
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
	reply, unreplicated, err := e.send(ctx, keys, args)
	if err == nil && len(reply) != 2*len(live) {
		err = fmt.Errorf("enqueue: %d reply fields for %d jobs", len(reply), len(live))
	}
	for i, c := range live {
		if err != nil {
			c.err = translate(err)
			continue
		}
		c.verdict, c.answer = enqueueVerdict(reply[2*i]), reply[2*i+1]
		if unreplicated != nil && (c.verdict == enqueueOK || c.verdict == enqueueDup) {
			c.err = unreplicated
		}
	}
}

// send runs the enqueue script. When replicas must acknowledge, it also returns a
// non-nil unreplicated error if fewer did within replicaWaitTimeout.
func (e *enqueuer) send(ctx context.Context, keys []string, args []any) (reply []string, unreplicated, err error) {
	if e.replicas == 0 {
		reply, err = enqueueScript.Run(ctx, e.rdb, keys, args...).StringSlice()
		return reply, nil, err
	}
	master, err := queueMaster(ctx, e.rdb, e.keys)
	if err != nil {
		return nil, nil, err
	}
	// One pipeline is one connection: WAIT then waits for this script's writes.
	var wait *redis.Cmd
	cmds, err := pipelineScripts(ctx, master, func(p redis.Pipeliner) []*redis.Cmd {
		script := enqueueScript.EvalSha(ctx, p, keys, args...)
		wait = p.Do(ctx, "WAIT", e.replicas, replicaWaitTimeout.Milliseconds())
		return []*redis.Cmd{script}
	}, enqueueScript)
	if err != nil {
		return nil, nil, err
	}
	if reply, err = cmds[0].StringSlice(); err != nil {
		if cc, ok := e.rdb.(*redis.ClusterClient); ok && redis.HasErrorPrefix(err, "MOVED") {
			cc.ReloadState(ctx) // the slot moved to another master: ask for the new map
		}
		return nil, nil, err
	}
	acked, err := wait.Int64()
	switch {
	case err != nil:
		err = fmt.Errorf("wait for %d replicas: %w", e.replicas, err)
	case acked < int64(e.replicas):
		err = fmt.Errorf("%d of %d replicas acknowledged within %v", acked, e.replicas, replicaWaitTimeout)
	default:
		return reply, nil, nil
	}
	return reply, &application.UnavailableError{RetryAfter: unavailableRetryAfter,
		Err: fmt.Errorf("job written on the master only: %w", err)}, nil
}

// queueMaster is a client whose commands go to the master that holds the queue's keys:
// in a cluster, the master of the queue's slot (every key of a queue has one hash tag);
// otherwise the client itself, which talks to the single node or Sentinel's master.
func queueMaster(ctx context.Context, rdb redis.UniversalClient, k keys) (redis.UniversalClient, error) {
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		return rdb, nil
	}
	master, err := cc.MasterForKey(ctx, k.pending())
	if err != nil {
		return nil, translate(err)
	}
	return master, nil
}
