package valkey

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/domain"
)

// The fields of a tally hash: what the attempts that ended in that minute did.
const (
	tallyCompleted = "completed" // jobs completed
	tallyFailed    = "failed"    // jobs failed for good, into the dead letters
	tallyRetried   = "retried"   // attempts failed and retried
)

// tallyFields maps the ends the dashboard counts to their tally field.
var tallyFields = map[endMode]string{endComplete: tallyCompleted, endFail: tallyFailed, endRetry: tallyRetried}

const (
	// tallyTTL keeps a minute's tally past the dashboard's hour.
	tallyTTL = 2 * time.Hour
	// recentCompletedCap is how many completed job ids the dashboard can list.
	recentCompletedCap = 1000
	// tallyEvery is how often a worker adds its counts to Valkey.
	tallyEvery = time.Second
)

// tally counts the ends of this worker's attempts per minute in memory and adds them to
// Valkey's per-minute hashes once a second, with the ids of the jobs completed meanwhile:
// the dashboard's throughput and failure rate cost one pipeline per worker and second,
// and nothing on the path that ends a job. Counts that cannot be written are kept for the
// next flush; those of a worker killed in between are lost, which the dashboard's figures
// can bear. It is safe for concurrent use.
type tally struct {
	rdb  redis.UniversalClient
	keys keys
	now  func() time.Time

	mu        sync.Mutex
	counts    map[int64]map[string]int64 // Unix minute -> field -> count
	completed []string                   // ids completed since the last flush, oldest first
}

func newTally(rdb redis.UniversalClient, k keys) *tally {
	return &tally{rdb: rdb, keys: k, now: time.Now, counts: map[int64]map[string]int64{}}
}

// ended counts an end the finish script applied.
func (t *tally) ended(mode endMode, id domain.JobID) {
	field, ok := tallyFields[mode]
	if !ok {
		return
	}
	t.add(field, 1)
	if mode == endComplete {
		t.mu.Lock()
		t.completed = append(t.completed, string(id))
		t.mu.Unlock()
	}
}

// add counts n ends of one kind in the current minute.
func (t *tally) add(field string, n int64) {
	if n <= 0 {
		return
	}
	m := t.now().Unix() / 60
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts[m] == nil {
		t.counts[m] = map[string]int64{}
	}
	t.counts[m][field] += n
}

// flush adds the counts to Valkey; on failure they stay for the next flush.
func (t *tally) flush(ctx context.Context) error {
	t.mu.Lock()
	counts, completed := t.counts, t.completed
	t.counts, t.completed = map[int64]map[string]int64{}, nil
	t.mu.Unlock()
	if len(counts) == 0 && len(completed) == 0 {
		return nil
	}
	pipe := t.rdb.Pipeline()
	for m, fields := range counts {
		for f, n := range fields {
			pipe.HIncrBy(ctx, t.keys.tally(m), f, n)
		}
		pipe.Expire(ctx, t.keys.tally(m), tallyTTL)
	}
	if len(completed) > 0 {
		ids := make([]any, len(completed))
		for i, id := range completed {
			ids[i] = id
		}
		pipe.LPush(ctx, t.keys.recentCompleted(), ids...)
		pipe.LTrim(ctx, t.keys.recentCompleted(), 0, recentCompletedCap-1)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.restore(counts, completed)
		return translate(err)
	}
	return nil
}

func (t *tally) restore(counts map[int64]map[string]int64, completed []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for m, fields := range counts {
		if t.counts[m] == nil {
			t.counts[m] = map[string]int64{}
		}
		for f, n := range fields {
			t.counts[m][f] += n
		}
	}
	t.completed = append(completed, t.completed...)
	if over := len(t.completed) - recentCompletedCap; over > 0 {
		t.completed = t.completed[over:]
	}
}

// run flushes every tallyEvery until ctx is done, then once more.
func (t *tally) run(ctx context.Context) {
	tick := time.NewTicker(tallyEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = t.flush(fctx)
			cancel()
			return
		case <-tick.C:
			fctx, cancel := context.WithTimeout(ctx, time.Second)
			_ = t.flush(fctx)
			cancel()
		}
	}
}
