package valkey

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// pipelineScripts sends the EVALSHA commands that build queues in one round trip. A
// server that lost its script cache (it restarted) answers NOSCRIPT: the scripts are
// loaded and the batch is sent once more.
func pipelineScripts(ctx context.Context, rdb redis.UniversalClient, build func(redis.Pipeliner) []*redis.Cmd, scripts ...*redis.Script) ([]*redis.Cmd, error) {
	for try := 0; ; try++ {
		p := rdb.Pipeline()
		cmds := build(p)
		_, err := p.Exec(ctx)
		if err == nil || try == 1 || !redis.HasErrorPrefix(err, "NOSCRIPT") {
			if err != nil && !isReplyError(err) {
				return nil, translate(err)
			}
			return cmds, nil
		}
		for _, s := range scripts {
			if err := s.Load(ctx, rdb).Err(); err != nil {
				return nil, translate(err)
			}
		}
	}
}

// isReplyError reports whether err is one command's error reply rather than a failed
// connection; the other commands of the pipeline still ran.
func isReplyError(err error) bool {
	var reply redis.Error
	return errors.As(err, &reply)
}

// pause is a capped exponential wait between tries.
type pause struct{ first, max, next time.Duration }

func newPause(first, max time.Duration) *pause { return &pause{first: first, max: max, next: first} }

func (p *pause) reset() { p.next = p.first }

// wait sleeps for the next interval and reports false when stop closed first.
func (p *pause) wait(stop <-chan struct{}) bool {
	t := time.NewTimer(p.next)
	defer t.Stop()
	p.next = min(p.next*2, p.max)
	select {
	case <-stop:
		return false
	case <-t.C:
		return true
	}
}
