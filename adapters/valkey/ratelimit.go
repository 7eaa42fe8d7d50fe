package valkey

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// RateLimiter keeps the api's request budgets in Valkey with redis_rate, whose Lua script
// runs the generic cell rate algorithm on one key per client and budget, so every api
// replica draws on the same budgets. Each key carries the queue's hash tag: on Valkey
// Cluster the counts live on the node that already serves the queue, which every limited
// request reaches anyway, and all the keys of a deployment stay under one prefix. It is
// safe for concurrent use; Close stops it.
type RateLimiter struct {
	limiter *redis_rate.Limiter
	batch   *scriptBatcher
	keys    keys
	closing sync.Once
}

// NewRateLimiter builds the limiter on the queue named by QUEUE_NAME.
func NewRateLimiter(rdb redis.UniversalClient, cfg config.Config) *RateLimiter {
	b := newScriptBatcher(rdb)
	return &RateLimiter{limiter: redis_rate.NewLimiter(b), batch: b, keys: newKeys(cfg.QueueName)}
}

// Close stops the limiter; an Allow after Close fails with application.ErrUnavailable.
// Closing twice does nothing more.
func (l *RateLimiter) Close() { l.closing.Do(func() { close(l.batch.stop) }) }

// Take spends up to want requests of client from b; see application.RateCounter.
func (l *RateLimiter) Take(ctx context.Context, b application.Budget, client string, want int) (application.RateTake, error) {
	res, err := l.limiter.AllowAtMost(ctx, l.keys.rate(b.Name, client), redis_rate.Limit{Rate: b.Limit, Burst: b.Limit, Period: b.Period}, want)
	if err != nil {
		return application.RateTake{}, fmt.Errorf("rate limit %s: %w", b.Name, translate(err))
	}
	return application.RateTake{
		Granted:    res.Allowed,
		Remaining:  res.Remaining,
		RetryAfter: max(res.RetryAfter, 0),
		ResetAfter: max(res.ResetAfter, 0),
	}, nil
}

// scriptBatcher is the client redis_rate runs its script through. The EVALSHA calls that
// arrive while one pipeline is on the wire go out together in the next, so that under
// load the requests of many clients share one round trip; a lone call goes out at once.
// Every other command (EVAL and SCRIPT LOAD after a NOSCRIPT reply) passes through.
type scriptBatcher struct {
	redis.UniversalClient
	calls chan *evalCall
	stop  chan struct{}
}

type evalCall struct {
	sha  string
	keys []string
	args []any
	cmd  *redis.Cmd
	done chan struct{}
}

// maxEvalBatch is the most scripts one pipeline carries.
const maxEvalBatch = 256

// evalTimeout bounds one pipeline; a limiter that cannot answer sooner is unavailable.
const evalTimeout = time.Second

func newScriptBatcher(rdb redis.UniversalClient) *scriptBatcher {
	b := &scriptBatcher{UniversalClient: rdb, calls: make(chan *evalCall, maxEvalBatch), stop: make(chan struct{})}
	go gather(b.calls, maxEvalBatch, b.stop, b.flush)
	return b
}

// EvalSha runs the script in the next pipeline and returns its reply.
func (b *scriptBatcher) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *redis.Cmd {
	c := &evalCall{sha: sha, keys: keys, args: args, done: make(chan struct{})}
	if err := handOff(ctx, b.calls, c, c.done, b.stop); err != nil {
		cmd := redis.NewCmd(ctx)
		cmd.SetErr(&application.UnavailableError{RetryAfter: unavailableRetryAfter, Err: err})
		return cmd
	}
	return c.cmd
}

func (b *scriptBatcher) flush(batch []*evalCall) {
	ctx, cancel := context.WithTimeout(context.Background(), evalTimeout)
	defer cancel()
	pipe := b.Pipeline()
	for _, c := range batch {
		c.cmd = pipe.EvalSha(ctx, c.sha, c.keys, c.args...)
	}
	_, _ = pipe.Exec(ctx) // each command carries its own reply or error
	for _, c := range batch {
		close(c.done)
	}
}
