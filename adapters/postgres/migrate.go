package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

const (
	// migrationTable records which migrations the database has; its own name, so that
	// another application's goose migrations in the same database never mix with these.
	migrationTable = "recipe_history_migrations"
	// migrationLockID is the advisory lock a migrating process holds: "recipe" in ASCII.
	migrationLockID int64 = 0x7265_6369_7065
)

// Migrate brings the schema up to date with the embedded migrations and returns the
// names of those it applied. Several processes may migrate one database at once: they
// take turns under a session-level advisory lock, waiting up to five minutes for it, and
// each applies only what no one has applied yet. A lock whose holder dies is released
// with its connection. Once Migrate has succeeded, the store serves.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	sources, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	// A connection of its own, closed afterwards, so the lock never outlives the migration
	// on a pooled connection.
	db := stdlib.OpenDB(*s.pool.Config().ConnConfig)
	provider, err := goose.NewProvider(goose.DialectPostgres, db, sources,
		goose.WithSessionLocker(locker), goose.WithTableName(migrationTable), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer provider.Close() // closes db
	results, err := provider.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", translate(err))
	}
	applied := make([]string, len(results))
	for i, r := range results {
		applied[i] = r.Source.Path
	}
	s.migrated.Store(true)
	return applied, nil
}
