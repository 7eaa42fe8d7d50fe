package valkey

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// Board reads the queue for the dashboard: counts, per-minute tallies, the jobs of each
// list and a job's detail. It implements application.JobBoard and is safe for
// concurrent use.
type Board struct {
	rdb  redis.UniversalClient
	keys keys
}

// NewBoard reads the queue named by QUEUE_NAME.
func NewBoard(rdb redis.UniversalClient, cfg config.Config) *Board {
	return &Board{rdb: rdb, keys: newKeys(cfg.QueueName)}
}

// searchCap is how many jobs of one list a search by user reads at most, newest first.
const searchCap = 1000

// Counts returns the length of each list in one round trip.
func (b *Board) Counts(ctx context.Context) (application.QueueCounts, error) {
	pipe := b.rdb.Pipeline()
	pending := pipe.LLen(ctx, b.keys.pending())
	running := pipe.ZCard(ctx, b.keys.leases())
	delayed := pipe.ZCard(ctx, b.keys.delayed())
	dead := pipe.ZCard(ctx, b.keys.dead())
	if _, err := pipe.Exec(ctx); err != nil {
		return application.QueueCounts{}, translate(err)
	}
	return application.QueueCounts{
		Pending: pending.Val(), Processing: running.Val(), Delayed: delayed.Val(), Failed: dead.Val(),
	}, nil
}

// Tallies reads the per-minute hashes the workers add to, in one round trip.
func (b *Board) Tallies(ctx context.Context, from, to time.Time) ([]application.MinuteTally, error) {
	first, last := from.Unix()/60, to.Unix()/60
	if last < first {
		return nil, nil
	}
	pipe := b.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, 0, last-first+1)
	for m := first; m <= last; m++ {
		cmds = append(cmds, pipe.HMGet(ctx, b.keys.tally(m), tallyCompleted, tallyFailed, tallyRetried))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, translate(err)
	}
	out := make([]application.MinuteTally, len(cmds))
	for i, cmd := range cmds {
		v := cmd.Val()
		out[i] = application.MinuteTally{
			Minute:    time.Unix((first+int64(i))*60, 0).UTC(),
			Completed: count(v, 0), Failed: count(v, 1), Retried: count(v, 2),
		}
	}
	return out, nil
}

func count(vals []any, i int) int64 {
	if i >= len(vals) {
		return 0
	}
	s, _ := vals[i].(string)
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// listed is one id of a list, with its score where the list is a sorted set.
type listed struct {
	id    string
	score float64
}

// Jobs returns a page of one list. Pending and processing jobs are listed newest first,
// delayed ones by the time they run again, failed ones by the time they failed, latest
// first, and completed ones by the time they completed, latest first (only those whose
// status is still kept). With f.UserID the newest searchCap jobs of the list are searched.
func (b *Board) Jobs(ctx context.Context, f application.JobFilter) (application.JobPage, error) {
	if f.UserID == "" && f.State != application.BoardCompleted {
		ids, total, err := b.ids(ctx, f.State, int64(f.Offset), int64(f.Offset+f.Limit-1))
		if err != nil {
			return application.JobPage{}, err
		}
		jobs, err := b.summaries(ctx, f.State, ids)
		return application.JobPage{Jobs: jobs, Total: total}, err
	}
	ids, total, err := b.ids(ctx, f.State, 0, searchCap-1)
	if err != nil {
		return application.JobPage{}, err
	}
	jobs, err := b.summaries(ctx, f.State, ids)
	if err != nil {
		return application.JobPage{}, err
	}
	kept := jobs[:0]
	for _, j := range jobs {
		if f.UserID == "" || j.UserID == f.UserID {
			kept = append(kept, j)
		}
	}
	page := application.JobPage{Total: int64(len(kept)), Partial: f.UserID != "" && total > searchCap}
	if f.Offset < len(kept) {
		page.Jobs = kept[f.Offset:min(len(kept), f.Offset+f.Limit)]
	}
	return page, nil
}

// ids reads the ids from start to stop (inclusive) of a list, and the list's length.
func (b *Board) ids(ctx context.Context, state application.BoardState, start, stop int64) ([]listed, int64, error) {
	pipe := b.rdb.Pipeline()
	var total *redis.IntCmd
	var list *redis.StringSliceCmd
	var scored *redis.ZSliceCmd
	switch state {
	case application.BoardPending:
		total, list = pipe.LLen(ctx, b.keys.pending()), pipe.LRange(ctx, b.keys.pending(), start, stop)
	case application.BoardCompleted:
		total, list = pipe.LLen(ctx, b.keys.recentCompleted()), pipe.LRange(ctx, b.keys.recentCompleted(), start, stop)
	case application.BoardProcessing:
		total, scored = pipe.ZCard(ctx, b.keys.leases()), pipe.ZRevRangeWithScores(ctx, b.keys.leases(), start, stop)
	case application.BoardDelayed:
		total, scored = pipe.ZCard(ctx, b.keys.delayed()), pipe.ZRangeWithScores(ctx, b.keys.delayed(), start, stop)
	case application.BoardFailed:
		total, scored = pipe.ZCard(ctx, b.keys.dead()), pipe.ZRevRangeWithScores(ctx, b.keys.dead(), start, stop)
	default:
		return nil, 0, fmt.Errorf("list %q: %w", state, domain.ErrInvalidInput)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, 0, translate(err)
	}
	var out []listed
	if list != nil {
		for _, id := range list.Val() {
			out = append(out, listed{id: id})
		}
	} else {
		for _, z := range scored.Val() {
			id, _ := z.Member.(string)
			out = append(out, listed{id: id, score: z.Score})
		}
	}
	return out, total.Val(), nil
}

// summaryFields are the fields a list reads of each job: statusFromFields' first seven
// (no result, no owner), then the request and the last error.
var summaryFields = []string{"state", "progress", "attempts", "lang", "created", "updated", "err", "req", "lasterr"}

// summaries reads the jobs of ids in one round trip. Jobs that expired or no longer
// belong to the list (a cancelled id stays in the pending list until a worker skips it)
// are left out.
func (b *Board) summaries(ctx context.Context, state application.BoardState, ids []listed) ([]application.JobSummary, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := b.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(ids))
	for i, l := range ids {
		cmds[i] = pipe.HMGet(ctx, b.keys.job(domain.JobID(l.id)), summaryFields...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, translate(err)
	}
	out := make([]application.JobSummary, 0, len(ids))
	for i, cmd := range cmds {
		vals := cmd.Val()
		st, err := statusFromFields(domain.JobID(ids[i].id), vals[:7])
		if err != nil || !belongs(state, st.Status.State()) {
			continue
		}
		s := application.JobSummary{Status: st, UserID: userOf(vals[7]), LastError: text(vals[8])}
		if state == application.BoardDelayed {
			s.RunAt = time.UnixMilli(int64(ids[i].score)).UTC()
		}
		out = append(out, s)
	}
	return out, nil
}

// belongs reports whether a job in state is still what the list holds.
func belongs(list application.BoardState, state domain.State) bool {
	switch list {
	case application.BoardPending, application.BoardDelayed:
		return state == domain.StatePending
	case application.BoardProcessing:
		return state == domain.StateProcessing
	case application.BoardCompleted:
		return state == domain.StateCompleted
	case application.BoardFailed:
		return state == domain.StateFailed
	}
	return false
}

func text(v any) string { s, _ := v.(string); return s }

// userOf reads the user id of a stored request.
func userOf(v any) string {
	var r struct {
		UserID string `json:"userId"`
	}
	_ = json.Unmarshal([]byte(text(v)), &r)
	return r.UserID
}

// detailFields are the fields Job reads: Status's nine, then the rest.
var detailFields = []string{"state", "progress", "attempts", "lang", "created", "updated", "err", "result", "owner", "req", "rid", "history"}

// attemptRecord is one entry of a job's stored error history.
type attemptRecord struct {
	Attempt int    `json:"attempt"`
	Error   string `json:"error"`
	At      int64  `json:"at"` // Unix ms
}

// Job reads everything the queue keeps of a job, in one round trip.
func (b *Board) Job(ctx context.Context, id domain.JobID) (application.JobDetail, error) {
	pipe := b.rdb.Pipeline()
	fields := pipe.HMGet(ctx, b.keys.job(id), detailFields...)
	runAt := pipe.ZScore(ctx, b.keys.delayed(), string(id))
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return application.JobDetail{}, translate(err)
	}
	vals := fields.Val()
	st, err := statusFromFields(id, vals[:9])
	if err != nil {
		return application.JobDetail{}, err
	}
	d := application.JobDetail{Status: st, RequestID: text(vals[10])}
	if d.Request, err = decodeRequest(text(vals[9])); err != nil {
		return application.JobDetail{}, err
	}
	if h := text(vals[11]); h != "" && h != "{}" { // cjson encodes an empty array as {}
		var history []attemptRecord
		if err := json.Unmarshal([]byte(h), &history); err != nil {
			return application.JobDetail{}, fmt.Errorf("decode history of %s: %w", id, err)
		}
		for _, a := range history {
			d.Errors = append(d.Errors, application.AttemptError{Attempt: a.Attempt, Error: a.Error, At: time.UnixMilli(a.At).UTC()})
		}
	}
	if runAt.Err() == nil {
		d.Delayed, d.RunAt = true, time.UnixMilli(int64(runAt.Val())).UTC()
	}
	return d, nil
}
