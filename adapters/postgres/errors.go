package postgres

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// unavailableRetryAfter is what clients are told to wait while PostgreSQL is away.
const unavailableRetryAfter = 5 * time.Second

// errNotMigrated is the answer of a store whose schema has not been brought up to date.
var errNotMigrated = &application.UnavailableError{
	RetryAfter: unavailableRetryAfter,
	Err:        errors.New("postgres: the history schema is not migrated yet"),
}

// translate turns a pgx error into the errors the application knows: pgx.ErrNoRows is
// domain.ErrNotFound; a server that cannot be reached, is starting or shutting down, is
// out of connections or read-only (a standby after a failover) is
// application.ErrUnavailable; any other server reply (a query bug) stays as it is.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.ErrNotFound
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && !transientCode(pgErr.Code) {
		return fmt.Errorf("postgres: %w", err)
	}
	return &application.UnavailableError{RetryAfter: unavailableRetryAfter, Err: fmt.Errorf("postgres: %w", err)}
}

// transientCode reports whether a SQLSTATE means "not now" rather than "never".
func transientCode(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"), // connection exception
		strings.HasPrefix(code, "53"),    // insufficient resources: too many connections, disk full
		strings.HasPrefix(code, "57P"),   // shutting down, crashed, starting up
		code == "57014",                  // cancelled by statement_timeout
		code == "25006",                  // read-only transaction: a standby
		code == "40001", code == "40P01": // serialization failure, deadlock
		return true
	}
	return false
}
