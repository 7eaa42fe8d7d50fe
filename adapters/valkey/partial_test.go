package valkey_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

func streamedRecipe(kind domain.RecipeKind, name string, extra ...string) application.Streamed {
	return application.Streamed{Model: "fake-1", Kind: kind, Recipe: domain.Recipe{
		Name: name, Description: name, Difficulty: domain.Easy, CookingTime: 10, Servings: 1,
		Ingredients: []string{"계란"}, AdditionalIngredients: extra, Instructions: "1. 굽는다",
	}}
}

func TestStreamedRecipesShowAsAPartialResultWhileRunning(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	f.streaming = true
	release := make(chan struct{})
	f.gen.streamOn("s", func(int) []application.Streamed {
		return []application.Streamed{streamedRecipe(domain.KindExisting, "계란찜"), streamedRecipe(domain.KindAdditional, "계란토스트", "식빵")}
	})
	f.gen.on("s", func(context.Context, int) error { <-release; return nil })
	id := f.submit("s")
	events := follow(t, f, id)
	f.consumer()
	until(t, events, "recipe 계란찜")
	until(t, events, "recipe 계란토스트")

	st := f.waitFor(id, "showing two streamed recipes", func(st domain.JobStatus) bool {
		return st.Partial != nil && len(st.Partial.Recipes) == 2
	})
	if st.Status.State() != domain.StateProcessing || st.Status.Progress() != domain.StreamingProgress(2) {
		t.Errorf("Status(streaming) = %v at %d, want processing at %d", st.Status.State(), st.Status.Progress(), domain.StreamingProgress(2))
	}
	got := st.Partial.Result()
	if len(got.ExistingIngredientsRecipes) != 1 || got.ExistingIngredientsRecipes[0].Name != "계란찜" ||
		len(got.AdditionalIngredientsRecipes) != 1 || got.AdditionalIngredientsRecipes[0].AdditionalIngredients[0] != "식빵" ||
		got.Provider != "fake" || got.Model != "fake-1" || got.UserID != "s" {
		t.Errorf("partial result = %+v, want 계란찜 and 계란토스트 (with 식빵) by fake/fake-1 for s", got)
	}
	if st.Partial.Recipes[1].Kind != domain.KindAdditional || st.Partial.Recipes[1].Index != 0 || st.Partial.Run == "" {
		t.Errorf("second streamed recipe = %+v in run %q, want additional #0 of a named run", st.Partial.Recipes[1], st.Partial.Run)
	}
	close(release)
	if rest := until(t, events, "completed"); len(rest) != 0 && rest[len(rest)-1] != "status" {
		t.Errorf("events after the streamed recipes = %q, want only status events before completed", rest)
	}
	done := f.waitState(id, domain.StateCompleted)
	if done.Partial != nil || f.rdb.HExists(context.Background(), f.jobKey(id), "partial").Val() {
		t.Errorf("completed job keeps its partial result %+v, want it gone", done.Partial)
	}
}

func TestARetryClearsThePartialResult(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"JOB_BACKOFF": "5s"})
	f.streaming = true
	f.gen.streamOn("r", func(int) []application.Streamed {
		return []application.Streamed{streamedRecipe(domain.KindExisting, "계란찜")}
	})
	var id domain.JobID
	f.gen.on("r", func(context.Context, int) error {
		// The provider fails once its recipe is visible.
		f.waitFor(id, "showing the streamed recipe", func(st domain.JobStatus) bool { return st.Partial != nil })
		return errors.New("status 503")
	})
	id = f.submit("r")
	f.consumer()
	st := f.waitFor(id, "waiting for its retry", func(st domain.JobStatus) bool {
		return st.Status.State() == domain.StatePending && st.Attempts == 1
	})
	if st.Partial != nil || f.rdb.HExists(context.Background(), f.jobKey(id), "partial").Val() {
		t.Errorf("job waiting for a retry shows partial %+v, want none", st.Partial)
	}
}

// A partial result written after the job has ended is ignored: the lease is gone.
func TestALatePartialResultIsIgnored(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	f.streaming = true
	id := f.submit("late")
	f.consumer()
	f.waitState(id, domain.StateCompleted)
	token := f.rdb.HGet(context.Background(), f.jobKey(id), "lease").Val()
	if err := valkey.WritePartial(context.Background(), f.rdb, f.cfg, id, token, `{"run":"x","recipes":[]}`); err != nil {
		t.Fatalf("WritePartial() error = %v", err)
	}
	if f.rdb.HExists(context.Background(), f.jobKey(id), "partial").Val() {
		t.Error("a partial result was stored on a completed job")
	}
}

// follow runs the api's Follow over the fixture's queue and a real Feed, and sends each
// event's name: the kind, with a recipe's name or "reset".
func follow(t *testing.T, f *fixture, id domain.JobID) <-chan string {
	t.Helper()
	feed := valkey.NewFeed(f.rdb, f.cfg, f.log)
	t.Cleanup(func() { _ = feed.Stop() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	out := make(chan string, 64)
	go func() {
		defer close(out)
		_ = application.NewStreams(f.queue, feed, time.Second).FollowEach(ctx, id, func(ev application.Event) error {
			switch {
			case ev.Kind == application.EventRecipe && ev.Reset:
				out <- "reset"
			case ev.Kind == application.EventRecipe:
				out <- "recipe " + ev.Recipe.Recipe.Name
			case ev.Kind != application.EventHeartbeat:
				out <- string(ev.Kind)
			}
			return nil
		})
	}()
	return out
}

// until reads events until want arrives, and returns the events before it.
func until(t *testing.T, events <-chan string, want string) []string {
	t.Helper()
	var seen []string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("stream ended before %q; events: %q", want, seen)
			}
			if ev == want {
				return seen
			}
			seen = append(seen, ev)
		case <-deadline:
			t.Fatalf("no %q within 10s; events: %q", want, seen)
		}
	}
}
