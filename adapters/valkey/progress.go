package valkey

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/domain"
)

// progressWriter writes progress reports in the background, batching those of all
// running jobs into one pipeline. Progress is advisory: when Valkey is slow or away,
// reports are dropped rather than holding up a job; the script ignores late ones.
type progressWriter struct {
	rdb     redis.UniversalClient
	keys    keys
	log     *zap.Logger
	updates chan progressUpdate
}

type progressUpdate struct {
	id       domain.JobID
	token    int64
	progress int
}

const progressBatch = 256

func newProgressWriter(rdb redis.UniversalClient, k keys, log *zap.Logger) *progressWriter {
	return &progressWriter{rdb: rdb, keys: k, log: log.Named("progress"), updates: make(chan progressUpdate, 4*progressBatch)}
}

// report queues one update without blocking.
func (w *progressWriter) report(id domain.JobID, token int64, progress int) {
	select {
	case w.updates <- progressUpdate{id: id, token: token, progress: progress}:
	default:
		w.log.Debug("progress report dropped", zap.String("job_id", string(id)))
	}
}

// run writes queued updates until stop closes.
func (w *progressWriter) run(stop <-chan struct{}) {
	batch := make([]progressUpdate, 0, progressBatch)
	for {
		select {
		case <-stop:
			return
		case u := <-w.updates:
			batch = append(batch[:0], u)
		}
	drain:
		for len(batch) < progressBatch {
			select {
			case u := <-w.updates:
				batch = append(batch, u)
			default:
				break drain
			}
		}
		w.write(batch)
	}
}

// write sends one batch, keeping only the highest report of each job.
func (w *progressWriter) write(batch []progressUpdate) {
	latest := make(map[domain.JobID]int, len(batch))
	kept := batch[:0]
	for _, u := range batch {
		if i, ok := latest[u.id]; ok {
			kept[i].progress = max(kept[i].progress, u.progress)
			continue
		}
		latest[u.id] = len(kept)
		kept = append(kept, u)
	}
	batch = kept
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := pipelineScripts(ctx, w.rdb, func(p redis.Pipeliner) []*redis.Cmd {
		cmds := make([]*redis.Cmd, len(batch))
		for i, u := range batch {
			cmds[i] = progressScript.EvalSha(ctx, p, []string{w.keys.job(u.id)}, u.token, u.progress)
		}
		return cmds
	}, progressScript)
	if err != nil {
		w.log.Debug("progress reports lost", zap.Int("reports", len(batch)), zap.Error(err))
	}
}
