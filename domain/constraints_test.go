package domain_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

// A Constraints that has judged recipes one by one gives the same verdicts on the whole
// answer as a fresh EnforceConstraints, also for recipes whose lists were changed in
// place after they were judged.
func TestConstraintsJudgeAgainAfterAChange(t *testing.T) {
	prefs := domain.Preferences{Allergies: []string{"땅콩"}, Dietary: "vegan", MaxCookingTime: 30, Servings: 2}
	c := domain.NewConstraints(prefs, nil)
	r := validAnswer()
	for _, rc := range r.ExistingIngredientsRecipes {
		_, _, _ = c.Enforce(domain.Result{ExistingIngredientsRecipes: []domain.Recipe{rc}})
	}
	// The same lists, written over after the first verdicts: 계란 is no longer in 계란말이,
	// and 김치볶음밥 now holds peanuts.
	r.ExistingIngredientsRecipes[0].Ingredients[0] = "두부 1모"
	r.ExistingIngredientsRecipes[1].Ingredients[0] = "땅콩 1큰술"
	r.ExistingIngredientsRecipes[2].CookingTime = 45

	for range 2 {
		got, dropped, err := c.Enforce(r)
		want, wantDropped, wantErr := domain.EnforceConstraints(r, prefs, nil)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("Enforce() error = %v, want %v", err, wantErr)
		}
		if diff := cmp.Diff(wantDropped, dropped); diff != "" {
			t.Errorf("Enforce() dropped (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Enforce() kept (-want +got):\n%s", diff)
		}
	}
}

func TestConstraintsKeepsWhatFreshChecksKeep(t *testing.T) {
	prefs := domain.Preferences{Allergies: []string{"땅콩"}, MaxCookingTime: 20, Servings: 3}
	c := domain.NewConstraints(prefs, nil)
	r := validAnswer()
	r.AdditionalIngredientsRecipes[0].Ingredients = append(r.AdditionalIngredientsRecipes[0].Ingredients, "땅콩버터")
	r.ExistingIngredientsRecipes[2].CookingTime = 25
	for _, rc := range r.AdditionalIngredientsRecipes {
		_, _, _ = c.Enforce(domain.Result{AdditionalIngredientsRecipes: []domain.Recipe{rc}})
	}
	_, _, _ = c.Enforce(domain.Result{ExistingIngredientsRecipes: r.ExistingIngredientsRecipes[2:]})
	got, dropped, err := c.Enforce(r)
	if err != nil {
		t.Fatalf("Enforce() error = %v", err)
	}
	wantDropped := []domain.Violation{
		{Recipe: "파계란국", Reason: "cookingTime 25 exceeds maxCookingTime 20"},
		{Recipe: "김치전", Reason: `ingredient "땅콩버터" conflicts with the allergies`},
	}
	if diff := cmp.Diff(wantDropped, dropped); diff != "" {
		t.Errorf("Enforce() dropped (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([2][]string{{"계란말이", "김치볶음밥"}, {"참치김치찌개"}}, names(got)); diff != "" {
		t.Errorf("Enforce() kept (-want +got):\n%s", diff)
	}
}
