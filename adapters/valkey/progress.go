package valkey

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/domain"
)

// progressWriter writes progress reports in the background. It gathers them for a short
// interval, keeps the highest report of each job, drops the jobs that ended meanwhile
// (their end already says more) and writes the rest in one pipeline. Progress is
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
}

// progressInterval is how long reports gather before they are written.
const progressInterval = 10 * time.Millisecond

func newProgressWriter(rdb redis.UniversalClient, k keys, running func(domain.JobID, string) bool, log *zap.Logger) *progressWriter {
	return &progressWriter{rdb: rdb, keys: k, log: log.Named("progress"), running: running,
		updates: make(chan progressUpdate, 1024), interval: progressInterval}
}

// report queues one update without blocking.
func (w *progressWriter) report(id domain.JobID, token string, progress int) {
	select {
	case w.updates <- progressUpdate{id: id, token: token, progress: progress}:
	default:
		w.log.Debug("progress report dropped", zap.String("job_id", string(id)))
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
			if prev, ok := gathered[u.id]; !ok || u.progress > prev.progress || u.token != prev.token {
				gathered[u.id] = u
			}
			if flush == nil {
				flush = time.After(w.interval)
			}
		case <-flush:
			flush = nil
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

func (w *progressWriter) write(batch []progressUpdate) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := pipelineScripts(ctx, w.rdb, func(p redis.Pipeliner) []*redis.Cmd {
		cmds := make([]*redis.Cmd, len(batch))
		for i, u := range batch {
			cmds[i] = progressCmd(ctx, p, w.keys, u, progressScript.EvalSha)
		}
		return cmds
	}, progressScript)
	if err != nil {
		w.log.Debug("progress reports lost", zap.Int("reports", len(batch)), zap.Error(err))
	}
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
