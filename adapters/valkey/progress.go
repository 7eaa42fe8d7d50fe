package valkey

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/domain"
)

// progressWriter writes progress reports and partial results in the background. It
// gathers them for a short interval (a partial result ends the interval at once), keeps
// the highest progress and the latest partial result of each job, drops the jobs that
// ended meanwhile (their end already says more) and writes the rest in one pipeline. Progress is
// advisory: when Valkey is slow or away reports are dropped rather than holding up a
// job, and the script ignores late or backward ones.
type progressWriter struct {
	rdb      redis.UniversalClient
	keys     keys
	log      *zap.Logger
	running  func(domain.JobID, string) bool
	updates  chan progressUpdate
	interval time.Duration
}

type progressUpdate struct {
	id       domain.JobID
	token    string
	progress int
	partial  *domain.Partial // a partial result that replaces the job's; nil for none
}

// progressInterval is how long reports gather before they are written.
const progressInterval = 10 * time.Millisecond

// flushNow is always ready: a flush the writer does at its next turn, without a timer.
var flushNow = func() <-chan time.Time {
	c := make(chan time.Time)
	close(c)
	return c
}()

func newProgressWriter(rdb redis.UniversalClient, k keys, running func(domain.JobID, string) bool, log *zap.Logger) *progressWriter {
	return &progressWriter{rdb: rdb, keys: k, log: log.Named("progress"), running: running,
		updates: make(chan progressUpdate, 1024), interval: progressInterval}
}

// report queues one update without blocking.
func (w *progressWriter) report(u progressUpdate) {
	select {
	case w.updates <- u:
	default:
		w.log.Debug("progress report dropped", zap.String("job_id", string(u.id)))
	}
}

// run gathers and writes updates until stop closes.
func (w *progressWriter) run(stop <-chan struct{}) {
	gathered := make(map[domain.JobID]progressUpdate)
	var flush <-chan time.Time
	for {
		select {
		case <-stop:
			return
		case u := <-w.updates:
			gathered[u.id] = merge(gathered[u.id], u)
			switch {
			case u.partial != nil: // a streamed recipe is news: write it at once
				flush = flushNow
			case flush == nil:
				flush = time.After(w.interval)
			}
		case <-flush:
			flush = nil
			w.gatherQueued(gathered)
			batch := make([]progressUpdate, 0, len(gathered))
			for _, u := range gathered {
				if w.running(u.id, u.token) {
					batch = append(batch, u)
				}
			}
			clear(gathered)
			if len(batch) > 0 {
				w.write(batch)
			}
		}
	}
}

// gatherQueued merges the updates already queued into gathered, without waiting: a flush
// that a partial result brought forward takes along what arrived meanwhile. It takes at
// most a queue's length, so that a steady stream of reports cannot hold up the flush.
func (w *progressWriter) gatherQueued(gathered map[domain.JobID]progressUpdate) {
	for range cap(w.updates) {
		select {
		case u := <-w.updates:
			gathered[u.id] = merge(gathered[u.id], u)
		default:
			return
		}
	}
}

func (w *progressWriter) write(batch []progressUpdate) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := pipelineScripts(ctx, w.rdb, func(p redis.Pipeliner) []*redis.Cmd {
		cmds := make([]*redis.Cmd, len(batch))
		for i, u := range batch {
			if u.partial != nil {
				data, err := encodePartial(u.partial)
				if err == nil {
					cmds[i] = partialScript.EvalSha(ctx, p, []string{w.keys.job(u.id)}, u.token, u.progress, data, w.keys.eventsChannel(), string(u.id))
					continue
				}
				w.log.Warn("partial result could not be encoded", zap.String("job_id", string(u.id)), zap.Error(err))
			}
			cmds[i] = progressScript.EvalSha(ctx, p, []string{w.keys.job(u.id)}, u.token, u.progress, w.keys.eventsChannel(), string(u.id))
		}
		return cmds
	}, progressScript, partialScript)
	if err != nil {
		w.log.Debug("progress reports lost", zap.Int("reports", len(batch)), zap.Error(err))
	}
}

// merge folds the later update u of a job into the gathered prev: the highest progress and
// the latest partial result of the same run of the job; an update under another lease
// token replaces everything.
func merge(prev, u progressUpdate) progressUpdate {
	if prev.token != u.token {
		return u
	}
	prev.progress = max(prev.progress, u.progress)
	if u.partial != nil {
		prev.partial = u.partial
	}
	return prev
}

// progressCmd sends one progress report through run (EvalSha in a pipeline, Run alone).
func progressCmd(ctx context.Context, c redis.Scripter, k keys, u progressUpdate,
	run func(context.Context, redis.Scripter, []string, ...any) *redis.Cmd) *redis.Cmd {
	return run(ctx, c, []string{k.job(u.id)}, u.token, u.progress, k.eventsChannel(), string(u.id))
}

// WriteProgress writes one progress report of a running job as a worker's progress
// writer does, through the same script: it is written, and announced to the api's
// streams, only while token holds the job's lease and progress is higher than before.
// It reports whether it was written. Workers report through their consumer; this is for
// tools that stand in for a worker, such as the benchmarks.
func WriteProgress(ctx context.Context, rdb redis.UniversalClient, queue string, id domain.JobID, token string, progress int) (bool, error) {
	n, err := progressCmd(ctx, rdb, newKeys(queue), progressUpdate{id: id, token: token, progress: progress}, progressScript.Run).Int()
	if err != nil {
		return false, translate(err)
	}
	return n == 1, nil
}

// LeaseToken returns the lease token under which a worker holds the running job id, for
// WriteProgress; domain.ErrNotFound when the job is not held.
func LeaseToken(ctx context.Context, rdb redis.UniversalClient, queue string, id domain.JobID) (string, error) {
	f, err := rdb.HMGet(ctx, newKeys(queue).job(id), "state", "lease").Result()
	if err != nil {
		return "", translate(err)
	}
	token, _ := f[1].(string)
	if f[0] != string(domain.StateProcessing) || token == "" {
		return "", domain.ErrNotFound
	}
	return token, nil
}
