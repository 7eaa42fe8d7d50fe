package application_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// listCall is one ListByUser call a fakeHistory was given.
type listCall struct {
	UserID string
	Limit  int
	Cursor string
}

// fakeHistory is a HistoryReader that answers every list with page or err and keeps the
// calls it was given.
type fakeHistory struct {
	page  application.HistoryPage
	err   error
	calls []listCall
}

func (f *fakeHistory) ListByUser(_ context.Context, _, userID string, limit int, cursor string) (application.HistoryPage, error) {
	f.calls = append(f.calls, listCall{userID, limit, cursor})
	return f.page, f.err
}

func (f *fakeHistory) Get(context.Context, domain.JobID) (domain.HistoryEntry, error) {
	return domain.HistoryEntry{}, domain.ErrNotFound
}

func TestHistoryListPassesValidQueries(t *testing.T) {
	page := application.HistoryPage{
		Entries: []domain.HistoryEntry{{JobID: "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"}},
		Next:    "next",
	}
	tests := []struct {
		name string
		give listCall
	}{
		{name: "default limit", give: listCall{"user-42", application.DefaultHistoryLimit, ""}},
		{name: "smallest limit", give: listCall{"user-42", 1, ""}},
		{name: "largest limit with a cursor", give: listCall{"user-42", application.MaxHistoryLimit, "abc"}},
		{name: "longest user id", give: listCall{strings.Repeat("가", domain.MaxUserIDLength), 5, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reader := &fakeHistory{page: page}
			got, err := application.NewHistory(reader).List(context.Background(), tt.give.UserID, tt.give.Limit, tt.give.Cursor)
			if err != nil {
				t.Fatalf("List(%+v) error = %v", tt.give, err)
			}
			if diff := cmp.Diff(page, got, cmp.AllowUnexported(domain.Ingredients{})); diff != "" {
				t.Errorf("List(%+v) page (-want +got):\n%s", tt.give, diff)
			}
			if diff := cmp.Diff([]listCall{tt.give}, reader.calls); diff != "" {
				t.Errorf("List(%+v) reader calls (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestHistoryListRejectsBadQueries(t *testing.T) {
	tests := []struct {
		name       string
		give       listCall
		wantFields []string
	}{
		{name: "limit 0", give: listCall{"user-42", 0, ""}, wantFields: []string{"limit"}},
		{name: "negative limit", give: listCall{"user-42", -1, ""}, wantFields: []string{"limit"}},
		{name: "limit over the maximum", give: listCall{"user-42", application.MaxHistoryLimit + 1, ""}, wantFields: []string{"limit"}},
		{name: "empty user id", give: listCall{"", 20, ""}, wantFields: []string{"userId"}},
		{name: "user id too long", give: listCall{strings.Repeat("a", domain.MaxUserIDLength+1), 20, ""}, wantFields: []string{"userId"}},
		{name: "both", give: listCall{"", 1000, ""}, wantFields: []string{"userId", "limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reader := &fakeHistory{}
			_, err := application.NewHistory(reader).List(context.Background(), tt.give.UserID, tt.give.Limit, tt.give.Cursor)
			verr, ok := errors.AsType[*domain.ValidationError](err)
			if !ok {
				t.Fatalf("List(%+v) error = %v, want a *domain.ValidationError", tt.give, err)
			}
			var fields []string
			for _, f := range verr.Fields {
				fields = append(fields, f.Field)
			}
			if diff := cmp.Diff(tt.wantFields, fields); diff != "" {
				t.Errorf("List(%+v) invalid fields (-want +got):\n%s", tt.give, diff)
			}
			if len(reader.calls) != 0 {
				t.Errorf("List(%+v) asked the reader %d times, want never", tt.give, len(reader.calls))
			}
		})
	}
}

func TestHistoryListTranslatesReaderErrors(t *testing.T) {
	tests := []struct {
		name      string
		give      error
		wantField string // the field a *domain.ValidationError names, or "" for none
		wantIs    error
	}{
		{name: "malformed cursor", give: fmt.Errorf("decode cursor: %w", domain.ErrInvalidInput), wantField: "cursor", wantIs: domain.ErrInvalidInput},
		{name: "store unreachable", give: fmt.Errorf("list: %w", application.ErrUnavailable), wantIs: application.ErrUnavailable},
		{name: "anything else", give: errors.New("boom"), wantIs: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reader := &fakeHistory{err: tt.give}
			_, err := application.NewHistory(reader).List(context.Background(), "user-42", 20, "c")
			if err == nil {
				t.Fatalf("List error = nil, want one for reader error %v", tt.give)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("List error = %v, want it to match %v", err, tt.wantIs)
			}
			verr, isValidation := errors.AsType[*domain.ValidationError](err)
			switch {
			case tt.wantField == "" && isValidation:
				t.Errorf("List error = %v, want no validation error", err)
			case tt.wantField != "" && (!isValidation || len(verr.Fields) != 1 || verr.Fields[0].Field != tt.wantField):
				t.Errorf("List error = %v, want a validation error naming only %q", err, tt.wantField)
			}
		})
	}
}
