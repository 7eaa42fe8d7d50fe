package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/naengbu/recipe-ai/adapters/postgres"
	"github.com/naengbu/recipe-ai/adapters/postgres/pgtest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

func TestStoreIsUnavailableWhileTheServerIsDown(t *testing.T) {
	srv := pgtest.Start(t)
	s, _ := newStore(t, srv)
	ctx := context.Background()
	kept := entry(t, domain.NewJobID(), "user-42", baseTime)
	if err := s.Save(ctx, kept); err != nil {
		t.Fatalf("Save error = %v", err)
	}
	// The pool now holds a connection that the stop will break.
	if _, err := s.Get(ctx, kept.JobID); err != nil {
		t.Fatalf("Get error = %v", err)
	}

	srv.Stop()

	later := entry(t, domain.NewJobID(), "user-42", baseTime)
	for name, err := range map[string]error{
		"Save":       s.Save(ctx, later),
		"Get":        second(s.Get(ctx, kept.JobID)),
		"ListByUser": second(s.ListByUser(ctx, "", "user-42", 20, "")),
		"Migrate":    second(s.Migrate(ctx)),
	} {
		if !errors.Is(err, application.ErrUnavailable) {
			t.Errorf("%s with the server down error = %v, want application.ErrUnavailable", name, err)
		}
		if errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s with the server down error = %v, want no domain.ErrNotFound", name, err)
		}
	}

	if err := srv.Restart(); err != nil {
		t.Fatalf("Restart error = %v", err)
	}
	if err := s.Save(ctx, later); err != nil {
		t.Errorf("Save after the server returned error = %v", err)
	}
	page, err := s.ListByUser(ctx, "", "user-42", 20, "")
	if err != nil || len(page.Entries) != 2 {
		t.Errorf("ListByUser after the server returned = %d entries, %v; want 2, nil", len(page.Entries), err)
	}
}

func TestNewPoolErrorHidesThePassword(t *testing.T) {
	_, err := postgres.NewPool("postgres://recipes:hunter2@db:notaport/recipes")
	if err == nil {
		t.Fatal("NewPool(bad port) error = nil, want one")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("NewPool error = %q, shows the password", err)
	}
}
