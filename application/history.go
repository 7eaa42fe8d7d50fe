package application

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/naengbu/recipe-ai/domain"
)

// Page sizes of a user's history.
const (
	DefaultHistoryLimit = 20 // what a client that names no limit gets
	MaxHistoryLimit     = 100
)

// HistoryWriter keeps completed generations.
type HistoryWriter interface {
	// Save keeps entry under its job id, once: when an entry for that job is already
	// kept, Save changes nothing and returns nil, so a redelivered job or a worker that
	// finishes late never writes a second entry nor replaces the first. Its error wraps
	// ErrUnavailable when the store cannot be reached.
	Save(ctx context.Context, entry domain.HistoryEntry) error
}

// HistoryReader reads the kept generations.
type HistoryReader interface {
	// ListByUser returns up to limit of userID's entries, newest completion first (equal
	// times by job id, descending), after the entry cursor names; an empty cursor starts
	// at the newest. A cursor that this reader did not give out wraps
	// domain.ErrInvalidInput. An unreachable store wraps ErrUnavailable.
	ListByUser(ctx context.Context, owner, userID string, limit int, cursor string) (HistoryPage, error)
	// Get returns the entry of one job; domain.ErrNotFound when none is kept.
	Get(ctx context.Context, id domain.JobID) (domain.HistoryEntry, error)
}

// HistoryPage is one page of a user's history. Next is the opaque cursor of the page
// after it, and empty on the last page.
type HistoryPage struct {
	Entries []domain.HistoryEntry
	Next    string
}

// History serves a user's past generations.
type History struct{ reader HistoryReader }

// NewHistory builds the use case on its port.
func NewHistory(r HistoryReader) *History { return &History{reader: r} }

// List returns a page of userID's completed generations, newest first. limit must be 1
// to MaxHistoryLimit (callers that were given none pass DefaultHistoryLimit); cursor is
// empty or the Next of an earlier page. A bad limit, a malformed cursor and an empty or
// over-long user id give a *domain.ValidationError naming each.
func (h *History) List(ctx context.Context, userID string, limit int, cursor string) (HistoryPage, error) {
	var fields []domain.FieldError
	switch {
	case userID == "":
		fields = append(fields, domain.FieldError{Field: "userId", Message: "is required"})
	case utf8.RuneCountInString(userID) > domain.MaxUserIDLength:
		fields = append(fields, domain.FieldError{Field: "userId", Message: fmt.Sprintf("must be at most %d characters", domain.MaxUserIDLength)})
	}
	if limit < 1 || limit > MaxHistoryLimit {
		fields = append(fields, domain.FieldError{Field: "limit", Message: fmt.Sprintf("must be a whole number from 1 to %d", MaxHistoryLimit)})
	}
	if len(fields) > 0 {
		return HistoryPage{}, &domain.ValidationError{Fields: fields}
	}
	page, err := h.reader.ListByUser(ctx, CallerFrom(ctx), userID, limit, cursor)
	if errors.Is(err, domain.ErrInvalidInput) {
		return HistoryPage{}, &domain.ValidationError{Fields: []domain.FieldError{{
			Field: "cursor", Message: "is not the nextCursor of an earlier page",
		}}}
	}
	if err != nil {
		return HistoryPage{}, fmt.Errorf("list history of %q: %w", userID, err)
	}
	return page, nil
}
