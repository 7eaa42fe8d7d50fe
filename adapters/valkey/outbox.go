package valkey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// Outbox writes completed jobs to the history. The finish script that makes a result
// final appends a copy of it (request, times, result) to the queue's outbox list in the
// same atomic step, only when it applies, so a redelivered job or a zombie worker's late
// end never adds a second record, and the record holds the result the status shows. The
// workers drain the list into PostgreSQL; a record leaves it only once written, so a
// PostgreSQL outage delays the history but neither loses a result nor holds jobs up,
// whatever RESULT_TTL is.
type Outbox struct {
	rdb     redis.UniversalClient
	keys    keys
	history application.HistoryWriter
	log     *zap.Logger
	idle    time.Duration
	stop    context.CancelFunc
	done    chan struct{}
}

// outboxBatch is how many records one step reads.
const outboxBatch = 100

// NewOutbox builds the drainer of the queue named by QUEUE_NAME into history.
func NewOutbox(rdb redis.UniversalClient, cfg config.Config, history application.HistoryWriter, log *zap.Logger) *Outbox {
	return &Outbox{rdb: rdb, keys: newKeys(cfg.QueueName), history: history, log: log.Named("outbox"), idle: 200 * time.Millisecond}
}

// Start drains in the background until Stop.
func (o *Outbox) Start() {
	ctx, stop := context.WithCancel(context.Background())
	o.stop, o.done = stop, make(chan struct{})
	go func() {
		defer close(o.done)
		pause := newPause(o.idle, 30*time.Second)
		for ctx.Err() == nil {
			n, err := o.Drain(ctx)
			switch {
			case err != nil:
				o.log.Warn("history not written yet; will try again", zap.Error(err))
			case n > 0:
				pause.reset()
				continue
			default:
				pause.reset()
			}
			if !pause.wait(ctx.Done()) {
				return
			}
		}
	}()
}

// Stop ends the drainer and waits for it.
func (o *Outbox) Stop() {
	if o.stop != nil {
		o.stop()
		<-o.done
	}
}

// outboxRecord is what finish.lua appends for a completed job.
type outboxRecord struct {
	ID        string `json:"id"`
	Request   string `json:"req"`
	Created   int64  `json:"created"`
	Completed int64  `json:"completed"`
	Attempts  int    `json:"attempts"`
	Result    string `json:"result"`
	Owner     string `json:"owner"`
}

// Drain writes the records waiting in the outbox and removes each once written; it
// returns how many it wrote. Several workers may drain at once: the history keeps one
// row per job.
func (o *Outbox) Drain(ctx context.Context) (int, error) {
	raw, err := o.rdb.LRange(ctx, o.keys.outbox(), 0, outboxBatch-1).Result()
	if err != nil {
		return 0, translate(err)
	}
	written := 0
	for _, r := range raw {
		entry, err := decodeOutboxRecord(r)
		if err != nil {
			o.log.Error("unreadable history record dropped", zap.Error(err))
		} else if err := o.history.Save(ctx, entry); err != nil {
			return written, fmt.Errorf("save history of job %s: %w", entry.JobID, err)
		}
		if err := o.rdb.LRem(ctx, o.keys.outbox(), 1, r).Err(); err != nil {
			return written, translate(err)
		}
		written++
	}
	return written, nil
}

func decodeOutboxRecord(raw string) (domain.HistoryEntry, error) {
	var rec outboxRecord
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return domain.HistoryEntry{}, fmt.Errorf("decode history record: %w", err)
	}
	if rec.ID == "" {
		return domain.HistoryEntry{}, errors.New("decode history record: no job id")
	}
	req, err := decodeRequest(rec.Request)
	if err != nil {
		return domain.HistoryEntry{}, err
	}
	res, err := decodeResult(rec.Result)
	if err != nil {
		return domain.HistoryEntry{}, err
	}
	return domain.HistoryEntry{
		JobID:       domain.JobID(rec.ID),
		Request:     req,
		Attempts:    rec.Attempts,
		CreatedAt:   time.UnixMilli(rec.Created).UTC(),
		CompletedAt: time.UnixMilli(rec.Completed).UTC(),
		Result:      *res,
		Owner:       rec.Owner,
	}, nil
}
