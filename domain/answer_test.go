package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

func recipe(name string, ingredients ...string) domain.Recipe {
	return domain.Recipe{
		Name: name, Description: name + " 설명", Difficulty: domain.Easy, CookingTime: 15,
		Servings: 2, Ingredients: ingredients, Instructions: "1. 준비한다\n2. 만든다",
	}
}

func extra(name string, additional []string, ingredients ...string) domain.Recipe {
	r := recipe(name, ingredients...)
	r.AdditionalIngredients = additional
	return r
}

// validAnswer is a complete 3 + 2 answer; each call returns fresh slices.
func validAnswer() domain.Result {
	return domain.Result{
		ExistingIngredientsRecipes: []domain.Recipe{
			recipe("계란말이", "계란 3개", "대파 1/2대", "소금"),
			recipe("김치볶음밥", "김치 1컵", "밥 1공기", "계란 1개", "식용유"),
			recipe("파계란국", "계란 2개", "대파", "물", "간장"),
		},
		AdditionalIngredientsRecipes: []domain.Recipe{
			extra("김치전", []string{"부침가루"}, "김치", "부침가루 1컵", "물"),
			extra("참치김치찌개", []string{"참치캔", "두부"}, "김치", "참치캔", "두부", "대파"),
		},
	}
}

func TestCheckAnswer(t *testing.T) {
	tests := []struct {
		name string
		edit func(r *domain.Result)
		want []string // problems, in order; nil for a valid answer
	}{
		{name: "valid", edit: func(*domain.Result) {}},
		{
			name: "two existing recipes",
			edit: func(r *domain.Result) { r.ExistingIngredientsRecipes = r.ExistingIngredientsRecipes[:2] },
			want: []string{"existingIngredientsRecipes: want 3 recipes, got 2"},
		},
		{
			name: "three additional recipes",
			edit: func(r *domain.Result) {
				r.AdditionalIngredientsRecipes = append(r.AdditionalIngredientsRecipes, extra("부대찌개", []string{"햄"}, "김치", "햄"))
			},
			want: []string{"additionalIngredientsRecipes: want 2 recipes, got 3"},
		},
		{
			name: "empty answer",
			edit: func(r *domain.Result) { *r = domain.Result{} },
			want: []string{
				"existingIngredientsRecipes: want 3 recipes, got 0",
				"additionalIngredientsRecipes: want 2 recipes, got 0",
			},
		},
		{
			name: "missing fields",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[0].Name = " "
				r.ExistingIngredientsRecipes[1].Description = ""
				r.ExistingIngredientsRecipes[2].Instructions = ""
				r.AdditionalIngredientsRecipes[0].Ingredients = nil
			},
			want: []string{
				"existingIngredientsRecipes[0].name: missing",
				"existingIngredientsRecipes[1].description: missing",
				"existingIngredientsRecipes[2].instructions: missing",
				"additionalIngredientsRecipes[0].ingredients: missing",
			},
		},
		{
			name: "bad difficulty and numbers",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[0].Difficulty = "simple"
				r.ExistingIngredientsRecipes[1].CookingTime = 0
				r.ExistingIngredientsRecipes[2].CookingTime = 601
				r.AdditionalIngredientsRecipes[0].Servings = 0
				r.AdditionalIngredientsRecipes[1].Servings = 21
			},
			want: []string{
				`existingIngredientsRecipes[0].difficulty: "simple" is not easy, medium or hard`,
				"existingIngredientsRecipes[1].cookingTime: 0 is not between 1 and 600 minutes",
				"existingIngredientsRecipes[2].cookingTime: 601 is not between 1 and 600 minutes",
				"additionalIngredientsRecipes[0].servings: 0 is not between 1 and 20",
				"additionalIngredientsRecipes[1].servings: 21 is not between 1 and 20",
			},
		},
		{
			name: "additional recipe without additional ingredients",
			edit: func(r *domain.Result) { r.AdditionalIngredientsRecipes[1].AdditionalIngredients = nil },
			want: []string{"additionalIngredientsRecipes[1].additionalIngredients: missing"},
		},
		{
			name: "existing recipe that needs more",
			edit: func(r *domain.Result) { r.ExistingIngredientsRecipes[0].AdditionalIngredients = []string{"치즈"} },
			want: []string{"existingIngredientsRecipes[0].additionalIngredients: must be empty for a recipe made from the given ingredients"},
		},
		{
			name: "empty ingredient and overlong text",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[0].Ingredients[1] = ""
				r.ExistingIngredientsRecipes[1].Name = strings.Repeat("가", domain.MaxRecipeNameLength+1)
			},
			want: []string{
				"existingIngredientsRecipes[0].ingredients[1]: missing",
				"existingIngredientsRecipes[1].name: longer than 100 characters",
			},
		},
		{
			name: "too many ingredients",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[0].Ingredients = strings.Split(strings.Repeat("소금,", domain.MaxRecipeIngredients+1), ",")[:domain.MaxRecipeIngredients+1]
			},
			want: []string{"existingIngredientsRecipes[0].ingredients: more than 50 items"},
		},
		{
			name: "repeated name",
			edit: func(r *domain.Result) { r.AdditionalIngredientsRecipes[0].Name = "계란말이" },
			want: []string{`additionalIngredientsRecipes[0].name: "계란말이" repeats existingIngredientsRecipes[0]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validAnswer()
			tt.edit(&r)
			err := domain.CheckAnswer(r)
			if diff := cmp.Diff(tt.want, answerProblems(t, err)); diff != "" {
				t.Errorf("CheckAnswer() problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckRecipes(t *testing.T) {
	tests := []struct {
		name string
		edit func(r *domain.Result)
		want []string
	}{
		{name: "complete answer", edit: func(*domain.Result) {}},
		{
			name: "fewer recipes",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes = r.ExistingIngredientsRecipes[:1]
				r.AdditionalIngredientsRecipes = nil
			},
		},
		{
			name: "no recipes, when nothing fits",
			edit: func(r *domain.Result) { *r = domain.Result{} },
		},
		{
			name: "too many recipes",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes = append(r.ExistingIngredientsRecipes, recipe("계란밥", "계란", "밥"))
			},
			want: []string{"existingIngredientsRecipes: want at most 3 recipes, got 4"},
		},
		{
			name: "broken recipe",
			edit: func(r *domain.Result) { r.ExistingIngredientsRecipes[0].Difficulty = "" },
			want: []string{`existingIngredientsRecipes[0].difficulty: "" is not easy, medium or hard`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validAnswer()
			tt.edit(&r)
			err := domain.CheckRecipes(r)
			if diff := cmp.Diff(tt.want, answerProblems(t, err)); diff != "" {
				t.Errorf("CheckRecipes() problems (-want +got):\n%s", diff)
			}
		})
	}
}

// answerProblems returns the problems of an *AnswerError, nil for a nil error, and fails
// the test for any other error.
func answerProblems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var aerr *domain.AnswerError
	if !errors.As(err, &aerr) || !errors.Is(err, domain.ErrInvalidAnswer) {
		t.Fatalf("error = %v (%T), want an *AnswerError matching ErrInvalidAnswer", err, err)
	}
	return aerr.Problems
}

// names lists the recipe names of r, kind by kind.
func names(r domain.Result) [2][]string {
	var out [2][]string
	for _, rc := range r.ExistingIngredientsRecipes {
		out[0] = append(out[0], rc.Name)
	}
	for _, rc := range r.AdditionalIngredientsRecipes {
		out[1] = append(out[1], rc.Name)
	}
	return out
}

func TestEnforceConstraints(t *testing.T) {
	tests := []struct {
		name        string
		edit        func(r *domain.Result)
		give        domain.Preferences
		want        [2][]string
		wantDropped []domain.Violation
		wantErr     bool
	}{
		{
			name: "no preferences",
			edit: func(*domain.Result) {},
			want: [2][]string{{"계란말이", "김치볶음밥", "파계란국"}, {"김치전", "참치김치찌개"}},
		},
		{
			name: "allergen by its own name",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[1].Ingredients = append(r.ExistingIngredientsRecipes[1].Ingredients, "땅콩 1큰술")
			},
			give: domain.Preferences{Allergies: []string{"땅콩"}},
			want: [2][]string{{"계란말이", "파계란국"}, {"김치전", "참치김치찌개"}},
			wantDropped: []domain.Violation{
				{Recipe: "김치볶음밥", Reason: `ingredient "땅콩 1큰술" conflicts with the allergies`},
			},
		},
		{
			name: "allergen through an alias, in English",
			edit: func(r *domain.Result) { r.AdditionalIngredientsRecipes[0].Ingredients[1] = "2 tbsp peanut butter" },
			give: domain.Preferences{Allergies: []string{"땅콩"}},
			want: [2][]string{{"계란말이", "김치볶음밥", "파계란국"}, {"참치김치찌개"}},
			wantDropped: []domain.Violation{
				{Recipe: "김치전", Reason: `ingredient "2 tbsp peanut butter" conflicts with the allergies`},
			},
		},
		{
			name: "allergen among the additional ingredients",
			edit: func(r *domain.Result) {
				r.AdditionalIngredientsRecipes[1].AdditionalIngredients = []string{"호두 한 줌"}
			},
			give: domain.Preferences{Allergies: []string{"견과류"}},
			want: [2][]string{{"계란말이", "김치볶음밥", "파계란국"}, {"김치전"}},
			wantDropped: []domain.Violation{
				{Recipe: "참치김치찌개", Reason: `ingredient "호두 한 줌" conflicts with the allergies`},
			},
		},
		{
			name: "egg allergy through 달걀",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[0].Ingredients = []string{"달걀 3개", "소금"}
			},
			give: domain.Preferences{Allergies: []string{"계란"}},
			want: [2][]string{nil, nil},
			wantDropped: []domain.Violation{
				{Recipe: "계란말이", Reason: `ingredient "달걀 3개" conflicts with the allergies`},
				{Recipe: "김치볶음밥", Reason: `ingredient "계란 1개" conflicts with the allergies`},
				{Recipe: "파계란국", Reason: `ingredient "계란 2개" conflicts with the allergies`},
			},
			wantErr: true,
		},
		{
			name: "cooking time over the limit",
			edit: func(r *domain.Result) { r.ExistingIngredientsRecipes[2].CookingTime = 40 },
			give: domain.Preferences{MaxCookingTime: 30},
			want: [2][]string{{"계란말이", "김치볶음밥"}, {"김치전", "참치김치찌개"}},
			wantDropped: []domain.Violation{
				{Recipe: "파계란국", Reason: "cookingTime 40 exceeds maxCookingTime 30"},
			},
		},
		{
			name: "every additional recipe too slow",
			edit: func(r *domain.Result) {
				r.AdditionalIngredientsRecipes[0].CookingTime = 50
				r.AdditionalIngredientsRecipes[1].CookingTime = 45
			},
			give: domain.Preferences{MaxCookingTime: 30},
			wantDropped: []domain.Violation{
				{Recipe: "김치전", Reason: "cookingTime 50 exceeds maxCookingTime 30"},
				{Recipe: "참치김치찌개", Reason: "cookingTime 45 exceeds maxCookingTime 30"},
			},
			wantErr: true,
		},
		{
			name: "an allergy group reaches hidden ingredients: 김치 holds salted shrimp",
			edit: func(*domain.Result) {},
			give: domain.Preferences{Allergies: []string{"갑각류"}},
			wantDropped: []domain.Violation{
				{Recipe: "김치볶음밥", Reason: `ingredient "김치 1컵" conflicts with the allergies`},
				{Recipe: "김치전", Reason: `ingredient "김치" conflicts with the allergies`},
				{Recipe: "참치김치찌개", Reason: `ingredient "김치" conflicts with the allergies`},
			},
			wantErr: true,
		},
		{
			name: "a kind the answer did not have may stay empty",
			edit: func(r *domain.Result) { r.AdditionalIngredientsRecipes = nil },
			give: domain.Preferences{Allergies: []string{"땅콩"}},
			want: [2][]string{{"계란말이", "김치볶음밥", "파계란국"}, nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validAnswer()
			tt.edit(&r)
			got, dropped, err := domain.EnforceConstraints(r, tt.give, domain.DefaultLexicon())
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, domain.ErrInvalidAnswer)) {
				t.Fatalf("EnforceConstraints() error = %v, want error %t matching ErrInvalidAnswer", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantDropped, dropped); diff != "" {
				t.Errorf("EnforceConstraints() dropped (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("EnforceConstraints() kept (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnforceConstraintsSetsServings(t *testing.T) {
	r := validAnswer()
	r.ExistingIngredientsRecipes[0].Servings = 4
	got, _, err := domain.EnforceConstraints(r, domain.Preferences{Servings: 3}, nil)
	if err != nil {
		t.Fatalf("EnforceConstraints() error = %v", err)
	}
	for _, rc := range append(got.ExistingIngredientsRecipes, got.AdditionalIngredientsRecipes...) {
		if rc.Servings != 3 {
			t.Errorf("EnforceConstraints() recipe %q servings = %d, want 3", rc.Name, rc.Servings)
		}
	}
	if r.ExistingIngredientsRecipes[0].Servings != 4 {
		t.Errorf("EnforceConstraints() changed its input: servings = %d, want 4", r.ExistingIngredientsRecipes[0].Servings)
	}
}
