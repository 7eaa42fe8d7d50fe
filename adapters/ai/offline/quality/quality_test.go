package quality_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/naengbu/recipe-ai/adapters/ai/offline/quality"
	"github.com/naengbu/recipe-ai/domain"
)

func TestFridges(t *testing.T) {
	fridges, err := quality.Fridges()
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	withPreferences := 0
	for _, f := range fridges {
		groups[f.Group]++
		if _, err := f.Request(); err != nil {
			t.Errorf("fridge %q: %v", f.Name, err)
		}
		if f.Preferences.Allergies != nil || f.Preferences.Dietary != "" || f.Preferences.MaxCookingTime > 0 ||
			f.Preferences.Servings > 0 || f.Preferences.Language != "" {
			withPreferences++
		}
	}
	if len(fridges) < 60 || 3*groups["korean"] < 2*len(fridges)-3 || 3*groups["western"] < len(fridges)-3 {
		t.Errorf("Fridges() = %d fridges, %v by group, want at least 60, two thirds Korean and one third Western", len(fridges), groups)
	}
	if withPreferences < len(fridges)/3 || withPreferences > len(fridges)*2/3 {
		t.Errorf("Fridges() has %d of %d fridges with preferences, want about half", withPreferences, len(fridges))
	}
}

// engine answers from a table, so that the grading itself can be checked.
type engine struct {
	answers map[string]domain.Result // by the first ingredient of the request
	mains   map[string][]string
}

func (e engine) Generate(_ context.Context, req domain.GenerationRequest) (domain.Result, error) {
	return e.answers[req.Ingredients.Names()[0]], nil
}

func (e engine) MainIngredients(name string) ([]string, bool) {
	m, ok := e.mains[name]
	return m, ok
}

func recipe(name string, servings int, ingredients []string, toBuy ...string) domain.Recipe {
	return domain.Recipe{Name: name, Servings: servings, CookingTime: 10, Ingredients: ingredients, AdditionalIngredients: toBuy}
}

func TestRunGrades(t *testing.T) {
	fridges := []quality.Fridge{
		{Name: "kimchi", Group: "korean", Ingredients: []string{"김치", "돼지고기"}, Obvious: []string{"김치찌개"}},
		{Name: "fish cake", Group: "korean", Ingredients: []string{"어묵", "양파"}, Obvious: []string{"어묵볶음"}},
		{Name: "eggs", Group: "western", Ingredients: []string{"eggs"}, Obvious: []string{"Omelette"}, Notes: []string{"egg"}},
	}
	fridges[2].Preferences.Allergies = []string{"egg"}
	fridges[2].Preferences.Language = "en"
	e := engine{
		answers: map[string]domain.Result{
			"김치": {
				ExistingIngredientsRecipes:   []domain.Recipe{recipe("두부김치", 2, []string{"김치 200g"})},
				AdditionalIngredientsRecipes: []domain.Recipe{recipe("김치찌개", 2, []string{"김치 200g", "두부 1/2모"}, "두부")},
			},
			"어묵": {
				ExistingIngredientsRecipes:   []domain.Recipe{recipe("어묵볶음", 3, []string{"어묵 2장"})},
				AdditionalIngredientsRecipes: []domain.Recipe{recipe("치즈 퀘사디아", 2, []string{"또띠아 2장"}, "또띠아", "모차렐라치즈", "옥수수")},
			},
			"eggs": {
				ExistingIngredientsRecipes: []domain.Recipe{recipe("Omelette", 2, []string{"3 eggs"})},
			},
		},
		mains: map[string][]string{"두부김치": {"두부", "김치"}, "김치찌개": {"김치"}, "어묵볶음": {"어묵"},
			"치즈 퀘사디아": {"또띠아", "모차렐라치즈"}, "Omelette": {"계란"}},
	}
	rep, err := quality.Run(context.Background(), e, domain.DefaultLexicon(), fridges)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fridges != 3 || rep.Hits != 3 || rep.Existing != 2 {
		t.Errorf("Run() = %d fridges, %d hits, %d existing, want 3, 3, 2", rep.Fridges, rep.Hits, rep.Existing)
	}
	if len(rep.Misses) != 1 || rep.Misses[0].Fridge != "kimchi" || !rep.Misses[0].Anywhere {
		t.Errorf("Run() misses = %+v, want the kimchi fridge, found only to buy for", rep.Misses)
	}
	for _, want := range []string{"fish cake: 어묵볶음 serves 3, want 2", `eggs: Omelette has "3 eggs" against the allergies`, `eggs: no note mentions "egg"`} {
		if !slices.ContainsFunc(rep.Breaks, func(b string) bool { return strings.HasPrefix(b, want) }) {
			t.Errorf("Run() breaks = %q, want one starting %q", rep.Breaks, want)
		}
	}
	if len(rep.Unrelated) != 1 || !strings.HasPrefix(rep.Unrelated[0], "fish cake: 치즈 퀘사디아 is built on") {
		t.Errorf("Run() unrelated = %q, want the quesadilla of the fish cake fridge", rep.Unrelated)
	}
	if rep.HitRate() != 1 || rep.ExistingRate() != 2.0/3 {
		t.Errorf("Run() rates = %v, %v, want 1 and 2/3", rep.HitRate(), rep.ExistingRate())
	}
}
