package domain_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

func TestPartialResultWithIsWithThenResult(t *testing.T) {
	r := validAnswer()
	var p domain.Partial
	p.Provider, p.UserID = "offline", "user-1"
	p = p.With(domain.KindExisting, r.ExistingIngredientsRecipes[0])
	p = p.With(domain.KindAdditional, r.AdditionalIngredientsRecipes[0])
	tests := []struct {
		name string
		kind domain.RecipeKind
		give domain.Recipe
	}{
		{name: "existing", kind: domain.KindExisting, give: r.ExistingIngredientsRecipes[1]},
		{name: "additional", kind: domain.KindAdditional, give: r.AdditionalIngredientsRecipes[1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := p.With(tt.kind, tt.give).Result()
			if diff := cmp.Diff(want, p.ResultWith(tt.kind, tt.give)); diff != "" {
				t.Errorf("ResultWith(%s) (-want +got):\n%s", tt.kind, diff)
			}
			if n := len(p.Recipes); n != 2 {
				t.Errorf("ResultWith changed the partial: %d recipes, want 2", n)
			}
		})
	}
	if diff := cmp.Diff(domain.Result{ExistingIngredientsRecipes: r.ExistingIngredientsRecipes[:1]},
		domain.Partial{}.ResultWith(domain.KindExisting, r.ExistingIngredientsRecipes[0])); diff != "" {
		t.Errorf("ResultWith on an empty partial (-want +got):\n%s", diff)
	}
}
