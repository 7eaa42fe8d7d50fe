package postgres_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/naengbu/recipe-ai/adapters/postgres"
	"github.com/naengbu/recipe-ai/adapters/postgres/pgtest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// newPool opens a pool on url, closed when the test ends.
func newPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := postgres.NewPool(url)
	if err != nil {
		t.Fatalf("NewPool error = %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// newStore is a migrated store on a fresh database of srv, with a pool to inspect it.
func newStore(t *testing.T, srv *pgtest.Server) (*postgres.Store, *pgxpool.Pool) {
	t.Helper()
	pool := newPool(t, srv.Database(t))
	s := postgres.New(pool)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate error = %v", err)
	}
	return s, pool
}

var baseTime = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)

// entry is a completed generation of userID, finished at completed, with a result that
// uses every field.
func entry(t *testing.T, id domain.JobID, userID string, completed time.Time) domain.HistoryEntry {
	t.Helper()
	req, err := domain.NewGenerationRequest(userID, []string{"계란", "대파", "김치", "밥"}, domain.Preferences{
		Dietary: "vegetarian", Cuisine: "korean", Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 2,
	})
	if err != nil {
		t.Fatalf("NewGenerationRequest error = %v", err)
	}
	job := domain.NewJob(id, req, "req-1", completed.Add(-25*time.Second))
	job.Attempt = 1
	recipe := domain.Recipe{
		Name: "김치볶음밥", Description: "매콤한 볶음밥", Difficulty: domain.Easy, CookingTime: 15, Servings: 2,
		Ingredients: []string{"김치", "밥", "계란"}, Instructions: "1. 김치를 볶는다\n2. 밥을 넣는다",
	}
	extra := recipe
	extra.Name, extra.Difficulty, extra.AdditionalIngredients = "김치찌개", domain.Medium, []string{"두부"}
	result := domain.Result{
		ExistingIngredientsRecipes:   []domain.Recipe{recipe, recipe, recipe},
		AdditionalIngredientsRecipes: []domain.Recipe{extra, extra},
		UserID:                       userID, Provider: "offline", Model: "catalogue",
		GeneratedAt: completed.Add(-time.Second + 123), // nanoseconds, kept in the JSON
		Notes:       []string{"땅콩 is left out"},
	}
	return domain.NewHistoryEntry(job, result, completed)
}

var equalEntries = cmp.AllowUnexported(domain.Ingredients{})

func TestSaveThenGet(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, pgtest.Shared(t))
	ctx := context.Background()
	saved := entry(t, domain.NewJobID(), "user-42", baseTime.Add(789)) // 789 ns: below a microsecond

	if err := s.Save(ctx, saved); err != nil {
		t.Fatalf("Save error = %v", err)
	}
	got, err := s.Get(ctx, saved.JobID)
	if err != nil {
		t.Fatalf("Get error = %v", err)
	}

	want := saved
	want.CreatedAt = saved.CreatedAt.Truncate(time.Microsecond)
	want.CompletedAt = saved.CompletedAt.Truncate(time.Microsecond)
	if diff := cmp.Diff(want, got, equalEntries); diff != "" {
		t.Errorf("Get after Save (-want +got):\n%s", diff)
	}
	var provider string
	var existing, additional int
	err = pool.QueryRow(ctx, `SELECT result->>'provider', jsonb_array_length(result->'existingIngredientsRecipes'),
		jsonb_array_length(result->'additionalIngredientsRecipes') FROM recipe_history WHERE job_id = $1`, string(saved.JobID)).
		Scan(&provider, &existing, &additional)
	if err != nil || provider != "offline" || existing != 3 || additional != 2 {
		t.Errorf("the result column reads provider %q, %d + %d recipes, err %v; want the contract's JSON: offline, 3 + 2", provider, existing, additional, err)
	}
}

func TestGetUnknownJobIsNotFound(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, pgtest.Shared(t))

	_, err := s.Get(context.Background(), domain.NewJobID())

	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Get(unknown) error = %v, want domain.ErrNotFound", err)
	}
}

func rowsOf(t *testing.T, pool *pgxpool.Pool, id domain.JobID) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM recipe_history WHERE job_id = $1", string(id)).Scan(&n); err != nil {
		t.Fatalf("count rows of %s: %v", id, err)
	}
	return n
}

func TestSaveTwiceKeepsTheFirstRow(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, pgtest.Shared(t))
	ctx := context.Background()
	first := entry(t, domain.NewJobID(), "user-42", baseTime)
	// A worker that lost its lease finishes late with another answer for the same job.
	late := first
	late.CompletedAt = baseTime.Add(time.Minute)
	late.Attempts = 2
	late.Result.Model = "zombie"
	late.Result.ExistingIngredientsRecipes = late.Result.ExistingIngredientsRecipes[:1]

	if err := s.Save(ctx, first); err != nil {
		t.Fatalf("Save(first) error = %v", err)
	}
	if err := s.Save(ctx, late); err != nil {
		t.Fatalf("Save(late) error = %v, want nil: a second save is a no-op", err)
	}

	if n := rowsOf(t, pool, first.JobID); n != 1 {
		t.Errorf("rows of the job = %d, want 1", n)
	}
	got, err := s.Get(ctx, first.JobID)
	if err != nil {
		t.Fatalf("Get error = %v", err)
	}
	if diff := cmp.Diff(first, got, equalEntries); diff != "" {
		t.Errorf("Get after the late save (-first +got):\n%s", diff)
	}
}

func TestConcurrentSavesOfOneJobWriteOneRow(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, pgtest.Shared(t))
	ctx := context.Background()
	id := domain.NewJobID()
	const writers = 24
	models := make([]string, writers)
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range writers {
		models[i] = fmt.Sprintf("worker-%d", i)
		e := entry(t, id, "user-42", baseTime.Add(time.Duration(i)*time.Second))
		e.Result.Model = models[i]
		wg.Go(func() {
			<-start
			errs[i] = s.Save(ctx, e)
		})
	}
	close(start)
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("Save by writer %d error = %v", i, err)
		}
	}
	if n := rowsOf(t, pool, id); n != 1 {
		t.Errorf("rows of the job = %d, want 1", n)
	}
	got, err := s.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get error = %v", err)
	}
	winner := slices.Index(models, got.Result.Model)
	if winner < 0 {
		t.Fatalf("kept model = %q, want one writer's", got.Result.Model)
	}
	if want := baseTime.Add(time.Duration(winner) * time.Second); !got.CompletedAt.Equal(want) {
		t.Errorf("kept row mixes writers: model of writer %d, completed at %v, want %v", winner, got.CompletedAt, want)
	}
}

// listAll follows the pages of userID's history with limit and returns the job ids in
// the order read and the number of pages.
func listAll(t *testing.T, s *postgres.Store, userID string, limit int) ([]domain.JobID, int) {
	t.Helper()
	var ids []domain.JobID
	cursor, pages := "", 0
	for {
		page, err := s.ListByUser(context.Background(), "", userID, limit, cursor)
		if err != nil {
			t.Fatalf("ListByUser(%q, %d, %q) error = %v", userID, limit, cursor, err)
		}
		pages++
		if len(page.Entries) > limit {
			t.Fatalf("ListByUser(limit %d) returned %d entries", limit, len(page.Entries))
		}
		for _, e := range page.Entries {
			ids = append(ids, e.JobID)
		}
		if page.Next == "" {
			return ids, pages
		}
		if pages > 100 {
			t.Fatal("ListByUser never ended")
		}
		cursor = page.Next
	}
}

func TestListByUserPagesNewestFirstWithJobIDTiebreak(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, pgtest.Shared(t))
	ctx := context.Background()
	// Seven of user-42's jobs, four of them completed at the same microsecond, saved in
	// an order unlike the listing's; jobs of another user between them.
	completed := []time.Time{
		baseTime.Add(3 * time.Minute), baseTime, baseTime.Add(time.Minute), baseTime.Add(time.Minute),
		baseTime.Add(time.Minute), baseTime.Add(time.Minute), baseTime.Add(2 * time.Minute),
	}
	var saved []domain.HistoryEntry
	for i, at := range completed {
		e := entry(t, domain.NewJobID(), "user-42", at)
		saved = append(saved, e)
		other := entry(t, domain.NewJobID(), fmt.Sprintf("user-%d", i), at)
		for _, x := range []domain.HistoryEntry{e, other} {
			if err := s.Save(ctx, x); err != nil {
				t.Fatalf("Save error = %v", err)
			}
		}
	}
	slices.SortFunc(saved, func(a, b domain.HistoryEntry) int {
		if c := b.CompletedAt.Compare(a.CompletedAt); c != 0 {
			return c
		}
		return strings.Compare(string(b.JobID), string(a.JobID))
	})
	var want []domain.JobID
	for _, e := range saved {
		want = append(want, e.JobID)
	}

	tests := []struct {
		limit     int
		wantPages int
	}{
		{limit: 1, wantPages: 7},
		{limit: 2, wantPages: 4}, // a page boundary falls inside the equal times
		{limit: 3, wantPages: 3},
		{limit: 7, wantPages: 1}, // exactly one page: no cursor to an empty page
		{limit: 100, wantPages: 1},
	}
	for _, tt := range tests {
		got, pages := listAll(t, s, "user-42", tt.limit)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pages of %d: job ids (-want +got):\n%s", tt.limit, diff)
		}
		if pages != tt.wantPages {
			t.Errorf("pages of %d: %d pages, want %d", tt.limit, pages, tt.wantPages)
		}
	}
}

func TestListByUserKeepsItsPlaceWhileRowsArrive(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, pgtest.Shared(t))
	ctx := context.Background()
	var ids []domain.JobID
	for i := range 4 {
		e := entry(t, domain.NewJobID(), "user-42", baseTime.Add(time.Duration(-i)*time.Minute))
		ids = append(ids, e.JobID)
		if err := s.Save(ctx, e); err != nil {
			t.Fatalf("Save error = %v", err)
		}
	}
	first, err := s.ListByUser(ctx, "", "user-42", 2, "")
	if err != nil {
		t.Fatalf("ListByUser first page error = %v", err)
	}
	if err := s.Save(ctx, entry(t, domain.NewJobID(), "user-42", baseTime.Add(time.Hour))); err != nil {
		t.Fatalf("Save(newer) error = %v", err)
	}

	second, err := s.ListByUser(ctx, "", "user-42", 2, first.Next)
	if err != nil {
		t.Fatalf("ListByUser second page error = %v", err)
	}

	var got []domain.JobID
	for _, e := range append(first.Entries, second.Entries...) {
		got = append(got, e.JobID)
	}
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Errorf("two pages with a row saved between them (-want +got):\n%s", diff)
	}
	if second.Next != "" {
		t.Errorf("second page Next = %q, want empty: nothing is older", second.Next)
	}
}

func TestListByUserWithoutHistoryIsEmpty(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, pgtest.Shared(t))
	if err := s.Save(context.Background(), entry(t, domain.NewJobID(), "someone-else", baseTime)); err != nil {
		t.Fatalf("Save error = %v", err)
	}

	page, err := s.ListByUser(context.Background(), "", "user-42", 20, "")

	if err != nil || len(page.Entries) != 0 || page.Next != "" {
		t.Errorf("ListByUser(user without history) = %d entries, next %q, err %v; want 0, empty, nil", len(page.Entries), page.Next, err)
	}
}

func TestListByUserRejectsBadCursors(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, pgtest.Shared(t))
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name string
		give string
	}{
		{name: "not base64url", give: "!!not a cursor!!"},
		{name: "no separator", give: b64("1740821400000000")},
		{name: "no job id", give: b64("1740821400000000:")},
		{name: "no time", give: b64(":KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A")},
		{name: "time not a number", give: b64("yesterday:KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A")},
		{name: "time beyond year 9999", give: b64("9223372036854775807:KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A")},
		{name: "job id too long", give: b64("1740821400000000:" + strings.Repeat("A", 65))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ListByUser(context.Background(), "", "user-42", 20, tt.give)
			if !errors.Is(err, domain.ErrInvalidInput) {
				t.Errorf("ListByUser(cursor %q) error = %v, want domain.ErrInvalidInput", tt.give, err)
			}
		})
	}
}

func TestStoreIsUnavailableUntilMigrated(t *testing.T) {
	t.Parallel()
	s := postgres.New(newPool(t, pgtest.Shared(t).Database(t)))
	ctx := context.Background()
	e := entry(t, domain.NewJobID(), "user-42", baseTime)

	for name, err := range map[string]error{
		"Save":       s.Save(ctx, e),
		"Get":        second(s.Get(ctx, e.JobID)),
		"ListByUser": second(s.ListByUser(ctx, "", "user-42", 20, "")),
	} {
		if !errors.Is(err, application.ErrUnavailable) {
			t.Errorf("%s before Migrate error = %v, want application.ErrUnavailable", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// With API keys, a user's page holds only the rows of the caller's own key.
func TestListByUserKeepsOwnersApart(t *testing.T) {
	s, _ := newStore(t, pgtest.Shared(t))
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	mine, theirs := entry(t, domain.NewJobID(), "user-42", now), entry(t, domain.NewJobID(), "user-42", now.Add(time.Second))
	mine.Owner, theirs.Owner = "kaaa", "kbbb"
	for _, e := range []domain.HistoryEntry{mine, theirs} {
		if err := s.Save(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.ListByUser(ctx, "kaaa", "user-42", 20, "")
	if err != nil || len(page.Entries) != 1 || page.Entries[0].JobID != mine.JobID || page.Entries[0].Owner != "kaaa" {
		t.Errorf("ListByUser(owner kaaa) = %+v, %v; want only its own row", page.Entries, err)
	}
	if page, _ := s.ListByUser(ctx, "", "user-42", 20, ""); len(page.Entries) != 0 {
		t.Errorf("ListByUser(no owner) = %d rows, want none of the keyed ones", len(page.Entries))
	}
	if got, err := s.Get(ctx, theirs.JobID); err != nil || got.Owner != "kbbb" {
		t.Errorf("Get = owner %q, %v; want kbbb", got.Owner, err)
	}
}
