package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// Module provides the history store on DATABASE_URL as application.HistoryWriter and
// application.HistoryReader; add it only when config.DatabaseURL is set. The migrations
// run when the app starts. A database that is away then is no error: the binaries start,
// the store answers ErrUnavailable, and the migrations are tried again in the background
// until they succeed. The pool closes when the app stops.
var Module = fx.Module("postgres",
	fx.Provide(newManagedStore, fx.Private),
	fx.Provide(
		func(s *Store) application.HistoryWriter { return s },
		func(s *Store) application.HistoryReader { return s },
	),
)

// firstMigrationWait bounds the migration attempt at start, so a database that does not
// answer leaves the other start hooks their share of fx's start timeout.
const firstMigrationWait = 5 * time.Second

func newManagedStore(lc fx.Lifecycle, cfg config.Config, log *zap.Logger) (*Store, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set; the history store needs it")
	}
	pool, err := NewPool(cfg.DatabaseURL.Reveal())
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	s := New(pool)
	m := &migrator{store: s, log: log.Named("postgres")}
	lc.Append(fx.Hook{
		OnStart: m.start,
		OnStop: func(context.Context) error {
			m.stop()
			pool.Close()
			return nil
		},
	})
	return s, nil
}

// migrator brings the schema up to date at start, and keeps trying in the background
// while the database is away.
type migrator struct {
	store  *Store
	log    *zap.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (m *migrator) start(ctx context.Context) error {
	first, cancel := context.WithTimeout(ctx, firstMigrationWait)
	defer cancel()
	err := m.migrate(first)
	if err == nil {
		return nil
	}
	m.log.Warn("cannot migrate the history schema; history is unavailable until a retry succeeds", zap.Error(err))
	retryCtx, stop := context.WithCancel(context.Background())
	m.cancel = stop
	m.wg.Go(func() { m.retry(retryCtx) })
	return nil
}

// retry migrates after 1 s, 2 s, 4 s … at most 30 s apart, until it succeeds or ctx ends.
func (m *migrator) retry(ctx context.Context) {
	wait := time.Second
	for attempt := 2; ; attempt++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		err := m.migrate(ctx)
		if err == nil || ctx.Err() != nil {
			return
		}
		m.log.Warn("cannot migrate the history schema", zap.Int("attempt", attempt), zap.Error(err))
		wait = min(2*wait, 30*time.Second)
	}
}

func (m *migrator) migrate(ctx context.Context) error {
	applied, err := m.store.Migrate(ctx)
	if err != nil {
		return err
	}
	m.log.Info("history schema is up to date", zap.Strings("applied", applied))
	return nil
}

// stop ends the background retries and waits for them.
func (m *migrator) stop() {
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
}
