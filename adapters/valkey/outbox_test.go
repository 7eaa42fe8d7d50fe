package valkey_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// memHistory is a history that can be down; it keeps one entry per job as PostgreSQL does.
type memHistory struct {
	mu      sync.Mutex
	down    bool
	entries map[domain.JobID]domain.HistoryEntry
	saves   int
}

func (h *memHistory) Save(_ context.Context, e domain.HistoryEntry) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return &application.UnavailableError{Err: errors.New("history down")}
	}
	h.saves++
	if _, ok := h.entries[e.JobID]; !ok {
		h.entries[e.JobID] = e
	}
	return nil
}

func (h *memHistory) setDown(down bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.down = down
}

func (h *memHistory) entry(id domain.JobID) (domain.HistoryEntry, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.entries[id]
	return e, ok
}

// A history outage delays the history but loses nothing, even past RESULT_TTL, and holds
// no job up; each completed job is written once, with the result its status showed.
func TestOutboxOutlivesAHistoryOutage(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{
		"DATABASE_URL": "postgres://unused", "RESULT_TTL": "1s",
	})
	history := &memHistory{entries: map[domain.JobID]domain.HistoryEntry{}, down: true}
	f.consumer()
	id := f.submit("kept")
	done := f.waitState(id, domain.StateCompleted) // not held up by the outage
	time.Sleep(1500 * time.Millisecond)            // the status expires meanwhile

	outbox := valkey.NewOutbox(f.rdb, f.cfg, history, f.log)
	if _, err := outbox.Drain(context.Background()); err == nil {
		t.Fatal("Drain with the history down: no error")
	}
	history.setDown(false)
	if n, err := outbox.Drain(context.Background()); err != nil || n != 1 {
		t.Fatalf("Drain = %d, %v; want the one record", n, err)
	}
	e, ok := history.entry(id)
	if !ok || e.Request.UserID != "kept" || e.Attempts != 1 || !e.Result.GeneratedAt.Equal(done.Result.GeneratedAt) ||
		len(e.Result.ExistingIngredientsRecipes) != len(done.Result.ExistingIngredientsRecipes) {
		t.Errorf("history entry = %+v, want the completed result of user kept", e)
	}
	if n, _ := outbox.Drain(context.Background()); n != 0 {
		t.Errorf("second Drain wrote %d, want nothing left", n)
	}
}

// A late duplicate completion (a zombie worker) adds no second record.
func TestOutboxGetsOneRecordPerJob(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"DATABASE_URL": "postgres://unused", "JOB_LEASE": "1s"})
	release := make(chan struct{})
	f.gen.on("dup", func(ctx context.Context, call int) error {
		if call == 1 {
			<-release
		}
		return nil
	})
	id := f.submit("dup")
	slow := f.consumer(func(o *valkey.ConsumerOptions) { o.Concurrency = 1 })
	<-f.gen.started
	f.waitReported(id)
	slow.Freeze()
	f.consumer()
	f.waitState(id, domain.StateCompleted)
	close(release)
	time.Sleep(300 * time.Millisecond)
	if n := f.rdb.LLen(context.Background(), "recipe:{"+f.cfg.QueueName+"}:history-outbox").Val(); n != 1 {
		t.Errorf("outbox records = %d, want 1", n)
	}
}
