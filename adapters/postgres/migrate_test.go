package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/postgres"
	"github.com/naengbu/recipe-ai/adapters/postgres/pgtest"
	"github.com/naengbu/recipe-ai/domain"
)

func TestMigrateFromSeveralProcessesAtOnce(t *testing.T) {
	t.Parallel()
	url := pgtest.Shared(t).Database(t)
	ctx := context.Background()
	// Each replica has a pool of its own, as separate processes would.
	const replicas = 6
	stores := make([]*postgres.Store, replicas)
	for i := range stores {
		stores[i] = postgres.New(newPool(t, url))
	}
	applied := make([][]string, replicas)
	errs := make([]error, replicas)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			<-start
			applied[i], errs[i] = s.Migrate(ctx)
		})
	}
	close(start)
	wg.Wait()

	var all []string
	for i := range stores {
		if errs[i] != nil {
			t.Errorf("Migrate by replica %d error = %v", i, errs[i])
		}
		all = append(all, applied[i]...)
	}
	if diff := cmp.Diff([]string{"00001_create_recipe_history.sql", "00002_history_owner.sql"}, all); diff != "" {
		t.Errorf("migrations applied by all replicas together (-want +got):\n%s", diff)
	}
	pool := newPool(t, url)
	rows, err := pool.Query(ctx, "SELECT version_id, count(*) FROM recipe_history_migrations GROUP BY version_id ORDER BY version_id")
	if err != nil {
		t.Fatalf("read the migration table: %v", err)
	}
	versions := map[int64]int64{}
	for rows.Next() {
		var v, n int64
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatalf("scan the migration table: %v", err)
		}
		versions[v] = n
	}
	if diff := cmp.Diff(map[int64]int64{0: 1, 1: 1, 2: 1}, versions); diff != "" {
		t.Errorf("versions recorded once each (-want +got):\n%s", diff)
	}
	for i, s := range stores {
		e := entry(t, domain.NewJobID(), "user-42", baseTime)
		if err := s.Save(ctx, e); err != nil {
			t.Errorf("Save through replica %d after migrating error = %v", i, err)
		}
	}

	again, err := postgres.New(newPool(t, url)).Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Errorf("Migrate on a current schema = %v, %v; want nothing applied, nil", again, err)
	}
}
