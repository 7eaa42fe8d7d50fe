package postgres

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// ListByUser returns up to limit of userID's entries made by owner (the API key's id, ""
// without keys), newest completion first and equal
// completion times by job id, descending, starting after the row cursor names (at the
// newest when cursor is empty). Pages follow the index on (user_id, completed_at DESC,
// job_id DESC) from a key, not an offset, so rows saved meanwhile neither repeat nor
// hide entries. The page's Next names its last row, and is empty when no row follows.
// A cursor that is not a Next of this store wraps domain.ErrInvalidInput.
func (s *Store) ListByUser(ctx context.Context, owner, userID string, limit int, cursor string) (application.HistoryPage, error) {
	const qFirst = `SELECT ` + entryColumns + ` FROM recipe_history
		WHERE user_id = $1 AND owner = $3
		ORDER BY completed_at DESC, job_id DESC
		LIMIT $2`
	const qAfter = `SELECT ` + entryColumns + ` FROM recipe_history
		WHERE user_id = $1 AND owner = $3 AND (completed_at, job_id) < ($4, $5)
		ORDER BY completed_at DESC, job_id DESC
		LIMIT $2`
	if limit < 1 {
		return application.HistoryPage{}, fmt.Errorf("list history: limit %d: %w", limit, domain.ErrInvalidInput)
	}
	// One more row than asked tells whether a page follows.
	q, args := qFirst, []any{userID, limit + 1, owner}
	if cursor != "" {
		after, err := decodeCursor(cursor)
		if err != nil {
			return application.HistoryPage{}, fmt.Errorf("list history: %w", err)
		}
		q, args = qAfter, append(args, after.completedAt, after.jobID)
	}
	if !s.migrated.Load() {
		return application.HistoryPage{}, errNotMigrated
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return application.HistoryPage{}, fmt.Errorf("list history: %w", translate(err))
	}
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.HistoryEntry, error) { return scanEntry(row) })
	if err != nil {
		return application.HistoryPage{}, fmt.Errorf("list history: %w", translate(err))
	}
	page := application.HistoryPage{Entries: entries}
	if len(entries) > limit {
		page.Entries = entries[:limit]
		last := page.Entries[limit-1]
		page.Next = encodeCursor(pageKey{completedAt: last.CompletedAt, jobID: string(last.JobID)})
	}
	return page, nil
}

// pageKey is where a page ends: the sort key of its last row.
type pageKey struct {
	completedAt time.Time
	jobID       string
}

// encodeCursor writes k as base64url of "microseconds since 1970:job id". Times are kept
// to the microsecond, so the key names the row exactly.
func encodeCursor(k pageKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(k.completedAt.UnixMicro(), 10) + ":" + k.jobID))
}

func decodeCursor(cursor string) (pageKey, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return pageKey{}, fmt.Errorf("cursor is not base64url: %w", domain.ErrInvalidInput)
	}
	micros, jobID, ok := strings.Cut(string(raw), ":")
	n, err := strconv.ParseInt(micros, 10, 64)
	if !ok || err != nil || jobID == "" || len(jobID) > 64 || n < minCursorMicros || n > maxCursorMicros {
		return pageKey{}, fmt.Errorf("cursor names no row: %w", domain.ErrInvalidInput)
	}
	return pageKey{completedAt: time.UnixMicro(n).UTC(), jobID: jobID}, nil
}

// The times a cursor may hold: years 1 to 9999, which every layer can represent.
var (
	minCursorMicros = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	maxCursorMicros = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC).UnixMicro()
)
