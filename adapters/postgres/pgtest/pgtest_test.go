package pgtest_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/naengbu/recipe-ai/adapters/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestDatabaseIsFreshAndDroppedAfterTheTest(t *testing.T) {
	srv := pgtest.Shared(t)
	ctx := context.Background()
	var name string
	t.Run("uses its database", func(t *testing.T) {
		url := srv.Database(t)
		conn := connect(t, url)
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatalf("current_database() error = %v", err)
		}
		if !strings.HasPrefix(name, "test_") {
			t.Errorf("current_database() = %q, want a test_ database", name)
		}
		var tables int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
			t.Fatalf("count tables error = %v", err)
		}
		if tables != 0 {
			t.Errorf("a fresh database has %d tables, want 0", tables)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE kept (id int)"); err != nil {
			t.Fatalf("CREATE TABLE error = %v", err)
		}
		if other := srv.Database(t); other == url {
			t.Errorf("Database() twice = %s both times, want two databases", url)
		}
	})
	var left int
	if err := connect(t, srv.URL).QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&left); err != nil {
		t.Fatalf("count databases error = %v", err)
	}
	if left != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestStopAndRestartKeepCommittedData(t *testing.T) {
	srv := pgtest.Start(t)
	ctx := context.Background()
	url := srv.Database(t)
	conn := connect(t, url)
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)"); err != nil {
		t.Fatalf("create and insert error = %v", err)
	}

	srv.Stop()
	if srv.Running() {
		t.Fatal("Running() = true after Stop")
	}
	stopCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if c, err := pgx.Connect(stopCtx, url); err == nil {
		_ = c.Close(ctx)
		t.Fatal("connect after Stop succeeded, want an error")
	}

	if err := srv.Restart(); err != nil {
		t.Fatalf("Restart() error = %v", err)
	}
	var id int
	if err := connect(t, url).QueryRow(ctx, "SELECT id FROM kept").Scan(&id); err != nil || id != 7 {
		t.Errorf("SELECT id after Restart = %d, %v, want 7, nil", id, err)
	}
}
