package postgres

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

func TestTranslate(t *testing.T) {
	tests := []struct {
		name            string
		give            error
		wantNotFound    bool
		wantUnavailable bool
	}{
		{name: "no rows", give: fmt.Errorf("scan: %w", pgx.ErrNoRows), wantNotFound: true},
		{name: "connection lost mid-query", give: fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), wantUnavailable: true},
		{name: "connection failure", give: &pgconn.PgError{Code: "08006"}, wantUnavailable: true},
		{name: "too many connections", give: &pgconn.PgError{Code: "53300"}, wantUnavailable: true},
		{name: "server shutting down", give: &pgconn.PgError{Code: "57P01"}, wantUnavailable: true},
		{name: "server starting", give: &pgconn.PgError{Code: "57P03"}, wantUnavailable: true},
		{name: "read-only standby", give: &pgconn.PgError{Code: "25006"}, wantUnavailable: true},
		{name: "unique violation is a bug here", give: &pgconn.PgError{Code: "23505"}},
		{name: "undefined table is a bug here", give: &pgconn.PgError{Code: "42P01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.give)
			if errors.Is(got, domain.ErrNotFound) != tt.wantNotFound {
				t.Errorf("translate(%v) = %v, matches ErrNotFound: %t, want %t", tt.give, got, !tt.wantNotFound, tt.wantNotFound)
			}
			if errors.Is(got, application.ErrUnavailable) != tt.wantUnavailable {
				t.Errorf("translate(%v) = %v, matches ErrUnavailable: %t, want %t", tt.give, got, !tt.wantUnavailable, tt.wantUnavailable)
			}
			if !tt.wantNotFound && !errors.Is(got, tt.give) {
				t.Errorf("translate(%v) = %v, which no longer wraps the cause", tt.give, got)
			}
		})
	}
	if translate(nil) != nil {
		t.Errorf("translate(nil) = %v, want nil", translate(nil))
	}
}
