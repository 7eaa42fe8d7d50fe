package valkey

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// batcher sends the script calls that arrive while it is busy as one pipeline: under
// load, many concurrent callers share one round trip (and one read and one write on each
// side) instead of paying for one each. An idle batcher sends a lone call at once, so it
// adds no latency. Each call still runs as its own script, with its own guarantees.
type batcher struct {
	rdb     redis.UniversalClient
	calls   chan *scriptCall
	timeout time.Duration
}

type scriptCall struct {
	script *redis.Script
	keys   []string
	args   []any
	ctx    context.Context
	result *redis.Cmd
	done   chan struct{} // nil for fire-and-forget calls
}

// maxBatch is the most calls one pipeline carries.
const maxBatch = 256

// newBatcher starts senders goroutines that feed on one queue of calls; they end when
// stop closes.
func newBatcher(rdb redis.UniversalClient, senders int, stop <-chan struct{}) *batcher {
	b := &batcher{rdb: rdb, calls: make(chan *scriptCall, 4*maxBatch), timeout: 5 * time.Second}
	for range senders {
		go b.send(stop)
	}
	return b
}

// run sends the call in the next pipeline and waits for its reply.
func (b *batcher) run(ctx context.Context, s *redis.Script, keys []string, args ...any) *redis.Cmd {
	c := &scriptCall{script: s, keys: keys, args: args, ctx: ctx, done: make(chan struct{})}
	select {
	case b.calls <- c:
	case <-ctx.Done():
		cmd := redis.NewCmd(ctx)
		cmd.SetErr(ctx.Err())
		return cmd
	}
	<-c.done
	return c.result
}

// post queues a call whose reply nobody waits for; when the queue is full it is dropped
// and post reports false.
func (b *batcher) post(s *redis.Script, keys []string, args ...any) bool {
	select {
	case b.calls <- &scriptCall{script: s, keys: keys, args: args, ctx: context.Background()}:
		return true
	default:
		return false
	}
}

func (b *batcher) send(stop <-chan struct{}) {
	batch := make([]*scriptCall, 0, maxBatch)
	for {
		select {
		case <-stop:
			return
		case c := <-b.calls:
			batch = append(batch[:0], c)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case c := <-b.calls:
				batch = append(batch, c)
			default:
				break fill
			}
		}
		b.exec(batch)
	}
}

// exec sends one batch. A call whose caller gave up meanwhile is left out; a call that
// met NOSCRIPT (the server lost its script cache) is sent again alone, which loads it.
func (b *batcher) exec(batch []*scriptCall) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	pipe := b.rdb.Pipeline()
	for _, c := range batch {
		if c.ctx.Err() != nil {
			c.result = redis.NewCmd(c.ctx)
			c.result.SetErr(c.ctx.Err())
			continue
		}
		c.result = c.script.EvalSha(ctx, pipe, c.keys, c.args...)
	}
	_, _ = pipe.Exec(ctx)
	for _, c := range batch {
		if redis.HasErrorPrefix(c.result.Err(), "NOSCRIPT") {
			c.result = c.script.Run(ctx, b.rdb, c.keys, c.args...)
		}
		if c.done != nil {
			close(c.done)
		}
	}
}
