// Package postgres keeps the history of completed generations in PostgreSQL: one row per
// job, a user's rows read newest first a page at a time. Its schema is embedded SQL that
// Migrate applies.
package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/naengbu/recipe-ai/domain"
)

// defaultConnectTimeout bounds a connection attempt whose URL sets no connect_timeout,
// so an unreachable server answers ErrUnavailable rather than a hang.
const defaultConnectTimeout = 5 * time.Second

// NewPool makes a connection pool for databaseURL (postgres://user:password@host:port/db
// or key=value form). It connects lazily, so a server that is away is no error here.
func NewPool(databaseURL string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL) // its errors never show the password
	if err != nil {
		return nil, err
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	return pgxpool.NewWithConfig(context.Background(), cfg)
}

// Store is the history of completed generations. It serves as application.HistoryWriter
// and application.HistoryReader, and is safe for concurrent use. Every method answers
// application.ErrUnavailable until Migrate has succeeded once.
type Store struct {
	pool     *pgxpool.Pool
	migrated atomic.Bool
}

// New returns a store on pool. The caller closes the pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Save keeps entry, once per job id: when the job already has a row, Save leaves it as it
// is and returns nil, so a redelivered job or a worker that finishes late never writes a
// second row nor replaces the first. Times are kept to the microsecond.
func (s *Store) Save(ctx context.Context, entry domain.HistoryEntry) error {
	const q = `INSERT INTO recipe_history (` + entryColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (job_id) DO NOTHING`
	if !s.migrated.Load() {
		return errNotMigrated
	}
	args, err := entryArgs(entry)
	if err != nil {
		return fmt.Errorf("save history of %s: %w", entry.JobID, err)
	}
	if _, err := s.pool.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("save history of %s: %w", entry.JobID, translate(err))
	}
	return nil
}

// Get returns the kept entry of one job; domain.ErrNotFound when the job has none.
func (s *Store) Get(ctx context.Context, id domain.JobID) (domain.HistoryEntry, error) {
	const q = `SELECT ` + entryColumns + ` FROM recipe_history WHERE job_id = $1`
	if !s.migrated.Load() {
		return domain.HistoryEntry{}, errNotMigrated
	}
	entry, err := scanEntry(s.pool.QueryRow(ctx, q, string(id)))
	if err != nil {
		return domain.HistoryEntry{}, fmt.Errorf("get history of %s: %w", id, translate(err))
	}
	return entry, nil
}
