// Package aitest holds what the AI adapters' tests share: requests, answers in the
// contract's JSON shape, and a scripted HTTP server that records what it receives, on
// which each test speaks its provider's wire format.
package aitest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// Request builds a validated request, failing t when the input breaks a rule.
func Request(t testing.TB, ingredients []string, prefs domain.Preferences) domain.GenerationRequest {
	t.Helper()
	req, err := domain.NewGenerationRequest("user-42", ingredients, prefs)
	if err != nil {
		t.Fatalf("NewGenerationRequest(%q, %+v) error = %v", ingredients, prefs, err)
	}
	return req
}

// FridgeRequest is the contract's example: 계란, 대파, 김치, 밥 with a peanut allergy,
// at most 30 minutes, 2 servings, in Korean.
func FridgeRequest(t testing.TB) domain.GenerationRequest {
	t.Helper()
	return Request(t, []string{"계란", "대파", "김치", "밥"}, domain.Preferences{
		Dietary: "vegetarian", Cuisine: "korean", Allergies: []string{"땅콩"},
		MaxCookingTime: 30, Servings: 2, Language: domain.Korean,
	})
}

// Recipe is one recipe in the contract's JSON shape.
type Recipe struct {
	Name                  string   `json:"name"`
	Description           string   `json:"description"`
	Difficulty            string   `json:"difficulty"`
	CookingTime           int      `json:"cookingTime"`
	Servings              int      `json:"servings"`
	Ingredients           []string `json:"ingredients"`
	AdditionalIngredients []string `json:"additionalIngredients,omitempty"`
	Instructions          string   `json:"instructions"`
}

// Answer is a model's answer in the contract's JSON shape.
type Answer struct {
	Existing   []Recipe `json:"existingIngredientsRecipes"`
	Additional []Recipe `json:"additionalIngredientsRecipes"`
}

// ValidAnswer returns a complete 3 + 2 answer for FridgeRequest: no peanuts, at most
// 30 minutes, 2 servings. Each call returns fresh slices, so tests may edit it.
func ValidAnswer() Answer {
	r := func(name string, minutes int, ingredients ...string) Recipe {
		return Recipe{
			Name: name, Description: name + "입니다.", Difficulty: "easy", CookingTime: minutes,
			Servings: 2, Ingredients: ingredients, Instructions: "1. 재료를 손질한다.\n2. 조리한다.",
		}
	}
	withExtra := func(r Recipe, extra ...string) Recipe {
		r.AdditionalIngredients = extra
		r.Difficulty = "medium"
		return r
	}
	return Answer{
		Existing: []Recipe{
			r("계란말이", 15, "계란 3개", "대파 1/2대", "소금 약간", "식용유"),
			r("김치볶음밥", 20, "김치 1컵", "밥 1공기", "계란 1개", "식용유"),
			r("대파계란국", 15, "계란 2개", "대파 1대", "물 500ml", "간장 1큰술"),
		},
		Additional: []Recipe{
			withExtra(r("김치전", 25, "김치 1컵", "부침가루 1컵", "물", "식용유"), "부침가루"),
			withExtra(r("김치두부덮밥", 25, "김치", "두부 1/2모", "밥 1공기", "대파"), "두부"),
		},
	}
}

// JSON encodes the answer as a model would write it.
func (a Answer) JSON() string {
	b, err := json.Marshal(a)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Names lists the recipe names of a result, kind by kind.
func Names(r domain.Result) [2][]string {
	var out [2][]string
	for _, rc := range r.ExistingIngredientsRecipes {
		out[0] = append(out[0], rc.Name)
	}
	for _, rc := range r.AdditionalIngredientsRecipes {
		out[1] = append(out[1], rc.Name)
	}
	return out
}

// Kind sums up how a generator's or a chain's error is classified, for table tests:
// "ok", "permanent", "retry after 7s" or "temporary". A chain's *ProvidersError is
// permanent when every failure was, and "retry after" the smallest wait when every other
// failure asked for one (or was skipped).
func Kind(err error) string {
	if pe, ok := errors.AsType[*application.ProvidersError](err); ok {
		return chainKind(pe)
	}
	var ra *application.RetryAfterError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, application.ErrPermanent):
		return "permanent"
	case errors.As(err, &ra):
		return "retry after " + ra.After.String()
	}
	return "temporary"
}

func chainKind(pe *application.ProvidersError) string {
	var wait time.Duration
	permanent, allWait := true, true
	for _, f := range pe.Failures {
		if f.Kind == application.FailurePermanent || f.Kind == application.FailureBlocked {
			continue
		}
		permanent = false
		if f.RetryAfter <= 0 {
			allWait = false
		} else if wait == 0 || f.RetryAfter < wait {
			wait = f.RetryAfter
		}
	}
	switch {
	case permanent:
		return "permanent"
	case allWait:
		return "retry after " + wait.String()
	}
	return "temporary"
}

// Wait receives from ch or fails t after a generous bound, for events that must happen.
func Wait(t testing.TB, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not happen within 5s", what)
	}
}

// Result converts the answer to the domain's form, as a generator returns it.
func (a Answer) Result() domain.Result {
	conv := func(rs []Recipe) []domain.Recipe {
		out := make([]domain.Recipe, len(rs))
		for i, r := range rs {
			out[i] = domain.Recipe{
				Name: r.Name, Description: r.Description, Difficulty: domain.Difficulty(r.Difficulty),
				CookingTime: r.CookingTime, Servings: r.Servings, Ingredients: r.Ingredients,
				AdditionalIngredients: r.AdditionalIngredients, Instructions: r.Instructions,
			}
		}
		return out
	}
	return domain.Result{ExistingIngredientsRecipes: conv(a.Existing), AdditionalIngredientsRecipes: conv(a.Additional)}
}
