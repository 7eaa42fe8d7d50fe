package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/naengbu/recipe-ai/adapters/postgres"
	"github.com/naengbu/recipe-ai/adapters/postgres/pgtest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// historyApp is an fx app of the module on databaseURL, whose ports land in the returned
// values, logging to logs.
func historyApp(t *testing.T, databaseURL string) (*fx.App, *application.HistoryWriter, *application.HistoryReader, *observer.ObservedLogs) {
	t.Helper()
	cfg, err := config.Load(func(name string) string {
		if name == "DATABASE_URL" {
			return databaseURL
		}
		return ""
	})
	if err != nil {
		t.Fatalf("config.Load error = %v", err)
	}
	core, logs := observer.New(zap.InfoLevel)
	var w application.HistoryWriter
	var r application.HistoryReader
	app := fx.New(fx.NopLogger, fx.Supply(cfg, zap.New(core)), postgres.Module, fx.Populate(&w, &r))
	return app, &w, &r, logs
}

func TestModuleMigratesAtStartAndClosesAtStop(t *testing.T) {
	t.Parallel()
	app, w, r, logs := historyApp(t, pgtest.Shared(t).Database(t))
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		t.Fatalf("Start error = %v", err)
	}
	e := entry(t, domain.NewJobID(), "user-42", baseTime)

	if err := (*w).Save(ctx, e); err != nil {
		t.Fatalf("Save through the module's writer error = %v", err)
	}
	got, err := (*r).Get(ctx, e.JobID)
	if err != nil || got.JobID != e.JobID {
		t.Errorf("Get through the module's reader = %s, %v; want %s, nil", got.JobID, err, e.JobID)
	}
	if n := logs.FilterMessage("history schema is up to date").Len(); n != 1 {
		t.Errorf("logged %d times that the schema is up to date, want 1", n)
	}

	if err := app.Stop(ctx); err != nil {
		t.Fatalf("Stop error = %v", err)
	}
	if err := (*w).Save(ctx, entry(t, domain.NewJobID(), "user-42", baseTime)); err == nil {
		t.Error("Save after Stop error = nil, want one: the pool is closed")
	}
}

func TestModuleStartsWhileTheDatabaseIsDownAndMigratesWhenItReturns(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.Database(t)
	srv.Stop()
	app, w, _, logs := historyApp(t, url)
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		t.Fatalf("Start with the database down error = %v, want nil", err)
	}
	t.Cleanup(func() { _ = app.Stop(ctx) })
	e := entry(t, domain.NewJobID(), "user-42", baseTime)
	if err := (*w).Save(ctx, e); !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("Save with the database down error = %v, want application.ErrUnavailable", err)
	}
	if logs.FilterMessageSnippet("cannot migrate").Len() == 0 {
		t.Error("nothing logged about the failed migration")
	}

	if err := srv.Restart(); err != nil {
		t.Fatalf("Restart error = %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := (*w).Save(ctx, e)
		if err == nil {
			break
		}
		if !errors.Is(err, application.ErrUnavailable) || time.Now().After(deadline) {
			t.Fatalf("Save after the database returned error = %v, want nil within 30 s", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestModuleNeedsDatabaseURL(t *testing.T) {
	app, _, _, _ := historyApp(t, "")
	if err := app.Err(); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("fx.New(Module) without DATABASE_URL error = %v, want one naming DATABASE_URL", err)
	}
}
