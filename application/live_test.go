package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// streamedOf streams the recipes of r in the order a model writes them.
func streamedOf(r domain.Result) []application.Streamed {
	var out []application.Streamed
	for _, rc := range r.ExistingIngredientsRecipes {
		out = append(out, application.Streamed{Model: "m", Kind: domain.KindExisting, Recipe: rc})
	}
	for _, rc := range r.AdditionalIngredientsRecipes {
		out = append(out, application.Streamed{Model: "m", Kind: domain.KindAdditional, Recipe: rc})
	}
	return out
}

func streamingProcessor(chain application.ProviderChain, now func() time.Time) *application.Processor {
	p := newProcessor(chain, now, 0)
	p.StreamRecipes(true)
	return p
}

// names lists the recipes of a partial as kind/index/name.
func names(p domain.Partial) []string {
	out := make([]string, len(p.Recipes))
	for i, r := range p.Recipes {
		out[i] = string(r.Kind) + "/" + string(rune('0'+r.Index)) + "/" + r.Recipe.Name
	}
	return out
}

func TestProcessPublishesEachStreamedRecipeAsItArrives(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	rep := &fakeReporter{}
	chain := &fakeChain{
		answers:  []application.Answer{{Result: full(), Provider: "gemini", Model: "gemini-2.5-flash"}},
		streamed: [][]application.Streamed{streamedOf(full())},
	}
	got := streamingProcessor(chain, fixedClock(now)).Process(context.Background(), processJob(), rep)
	if got.Verdict != application.VerdictComplete {
		t.Fatalf("Process() verdict = %v (%v), want complete", got.Verdict, got.Err)
	}
	if len(rep.partials) != 5 {
		t.Fatalf("Process() published %d partial results, want one per recipe (5): %+v", len(rep.partials), rep.partials)
	}
	last := rep.partials[4]
	want := []string{"existing/0/계란밥", "existing/1/계란찜", "existing/2/볶음밥", "additional/0/김치볶음밥", "additional/1/오므라이스"}
	if diff := cmp.Diff(want, names(last)); diff != "" {
		t.Errorf("last partial (-want +got):\n%s", diff)
	}
	for i, p := range rep.partials {
		if len(p.Recipes) != i+1 || p.Run != rep.partials[0].Run || p.Run == "" {
			t.Errorf("partial %d = %d recipes in run %q, want %d in the first run %q", i, len(p.Recipes), p.Run, i+1, rep.partials[0].Run)
		}
	}
	if last.Provider != "gemini" || last.Model != "m" || last.UserID != "user-42" || !last.UpdatedAt.Equal(now) {
		t.Errorf("last partial stamped %q/%q/%q/%v, want gemini/m/user-42/%v", last.Provider, last.Model, last.UserID, last.UpdatedAt, now)
	}
	for _, r := range last.Recipes {
		if r.Recipe.Servings != 2 {
			t.Errorf("published %s with %d servings, want the requested 2", r.Recipe.Name, r.Recipe.Servings)
		}
	}
	wantProgress := []int{30, 40, 50, 60, 70, 80, 80}
	if diff := cmp.Diff(wantProgress, rep.reported()); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

func TestProcessHoldsBackStreamedRecipesThatBreakTheRules(t *testing.T) {
	req := mustRequest("user-42", []string{"계란", "밥"}, domain.Preferences{
		Allergies: []string{"땅콩"}, Dietary: "vegetarian", MaxCookingTime: 20,
	})
	job := domain.NewJob(firstID, req, "req-1", submittedAt)
	job.Attempt = 1
	slow := recipe("갈비찜", "계란")
	slow.CookingTime = 90
	noName := recipe("", "계란")
	withExtra := recipe("계란토스트", "계란", "식빵")
	withExtra.AdditionalIngredients = []string{"식빵"}
	tests := []struct {
		name string
		give []application.Streamed
		want []string
	}{
		{
			name: "an allergen",
			give: []application.Streamed{{Kind: domain.KindExisting, Recipe: recipe("땅콩계란밥", "계란", "땅콩 1큰술")}, {Kind: domain.KindExisting, Recipe: recipe("계란밥", "계란", "밥")}},
			want: []string{"existing/0/계란밥"},
		},
		{
			name: "meat for a vegetarian",
			give: []application.Streamed{{Kind: domain.KindExisting, Recipe: recipe("돼지고기볶음", "돼지고기 200g")}},
			want: []string{},
		},
		{name: "too long to cook", give: []application.Streamed{{Kind: domain.KindExisting, Recipe: slow}}, want: []string{}},
		{name: "a missing field", give: []application.Streamed{{Kind: domain.KindExisting, Recipe: noName}}, want: []string{}},
		{name: "additional ingredients in an existing recipe", give: []application.Streamed{{Kind: domain.KindExisting, Recipe: withExtra}}, want: []string{}},
		{name: "no additional ingredients in an additional recipe", give: []application.Streamed{{Kind: domain.KindAdditional, Recipe: recipe("계란밥", "계란")}}, want: []string{}},
		{
			name: "a name used twice",
			give: []application.Streamed{{Kind: domain.KindExisting, Recipe: recipe("계란밥", "계란")}, {Kind: domain.KindExisting, Recipe: recipe("계란밥", "밥")}},
			want: []string{"existing/0/계란밥"},
		},
		{
			name: "a fourth existing recipe",
			give: []application.Streamed{
				{Kind: domain.KindExisting, Recipe: recipe("a", "계란")}, {Kind: domain.KindExisting, Recipe: recipe("b", "계란")},
				{Kind: domain.KindExisting, Recipe: recipe("c", "계란")}, {Kind: domain.KindExisting, Recipe: recipe("d", "계란")},
			},
			want: []string{"existing/0/a", "existing/1/b", "existing/2/c"},
		},
		{name: "an unknown kind", give: []application.Streamed{{Kind: "other", Recipe: recipe("계란밥", "계란")}}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &fakeReporter{}
			chain := &fakeChain{answers: []application.Answer{{Result: domain.Result{}, Provider: "gemini"}}, streamed: [][]application.Streamed{tt.give}}
			streamingProcessor(chain, nil).Process(context.Background(), job, rep)
			got := []string{}
			for _, p := range rep.partials {
				if len(p.Recipes) > 0 {
					got = names(p)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("published (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProcessVoidsTheRecipesOfAProviderThatFailedHalfWay(t *testing.T) {
	short := full()
	short.AdditionalIngredientsRecipes = nil // refused: an AI provider gives 3 + 2
	rep := &fakeReporter{}
	chain := &fakeChain{
		answers: []application.Answer{{Result: short, Provider: "gemini"}, {Result: full(), Provider: "openai"}},
		streamed: [][]application.Streamed{
			streamedOf(domain.Result{ExistingIngredientsRecipes: short.ExistingIngredientsRecipes[:2]}),
			streamedOf(full()),
		},
	}
	got := streamingProcessor(chain, nil).Process(context.Background(), processJob(), rep)
	if got.Verdict != application.VerdictComplete || got.Result.Provider != "openai" {
		t.Fatalf("Process() = %v from %q (%v), want complete from openai", got.Verdict, got.Result.Provider, got.Err)
	}
	var counts []int
	for _, p := range rep.partials {
		counts = append(counts, len(p.Recipes))
	}
	if diff := cmp.Diff([]int{1, 2, 0, 1, 2, 3, 4, 5}, counts); diff != "" {
		t.Fatalf("recipes per published partial (-want +got):\n%s", diff)
	}
	first, void, next := rep.partials[1], rep.partials[2], rep.partials[3]
	if void.Run == first.Run || next.Run != void.Run {
		t.Errorf("runs = %q, then void %q, then %q; want the void to start a new run the next recipes share", first.Run, void.Run, next.Run)
	}
	if next.Provider != "openai" {
		t.Errorf("recipes after the void come from %q, want openai", next.Provider)
	}
}

func TestProcessDoesNotAskForStreamsWhenStreamingIsOff(t *testing.T) {
	rep := &fakeReporter{}
	chain := &fakeChain{answers: []application.Answer{{Result: full(), Provider: "gemini"}}, streamed: [][]application.Streamed{streamedOf(full())}}
	got := newProcessor(chain, nil, 0).Process(context.Background(), processJob(), rep)
	if got.Verdict != application.VerdictComplete || len(rep.partials) != 0 || len(chain.streaming) != 1 || chain.streaming[0] {
		t.Errorf("Process() = %v, %d partials, chain given a stream %v; want complete, none, [false]", got.Verdict, len(rep.partials), chain.streaming)
	}
}
