package domain_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

func TestLexiconViolatesDiet(t *testing.T) {
	l := domain.DefaultLexicon()
	tests := []struct {
		give string
		diet domain.Diet
		want string // the canonical name of the forbidden ingredient, "" when the line fits
	}{
		{give: "돼지고기 200g", diet: domain.Vegetarian, want: "돼지고기"},
		{give: "pork belly 300g", diet: domain.Vegetarian, want: "돼지고기"},
		{give: "고기 200g", diet: domain.Vegetarian, want: "고기"},
		{give: "닭가슴살 1쪽", diet: domain.Pescatarian, want: "닭고기"},
		{give: "3 strips bacon", diet: domain.Pescatarian, want: "베이컨"},
		{give: "연어 200g", diet: domain.Pescatarian, want: ""},
		{give: "salmon fillet 200g", diet: domain.Vegetarian, want: "연어"},
		{give: "물고기 한 마리", diet: domain.Pescatarian, want: ""},
		{give: "김치 1/4포기", diet: domain.Vegetarian, want: "김치"},
		{give: "배추김치 1컵", diet: domain.Pescatarian, want: ""},
		{give: "멸치 육수 500ml", diet: domain.Vegetarian, want: "육수"},
		{give: "2 cups anchovy stock", diet: domain.Vegetarian, want: "육수"},
		{give: "멸치 다시마 육수 1L", diet: domain.Vegetarian, want: "멸치"},
		{give: "fish sauce 1 tbsp", diet: domain.Vegetarian, want: "멸치액젓"},
		{give: "까나리액젓 1큰술", diet: domain.Vegetarian, want: "멸치액젓"},
		{give: "새우젓 1작은술", diet: domain.Vegetarian, want: "새우젓"},
		{give: "어리굴젓 약간", diet: domain.Vegetarian, want: "젓갈"},
		{give: "굴소스 1큰술", diet: domain.Vegetarian, want: "굴소스"},
		{give: "판젤라틴 2장", diet: domain.Vegetarian, want: "젤라틴"},
		{give: "2 gelatin sheets", diet: domain.Vegetarian, want: "젤라틴"},
		{give: "dashi 500ml", diet: domain.Vegetarian, want: "가쓰오부시"},
		{give: "채소 육수 500ml", diet: domain.Vegan, want: ""},
		{give: "2 cups vegetable broth", diet: domain.Vegan, want: ""},
		{give: "다시마 육수 1컵", diet: domain.Vegan, want: ""},
		{give: "2 eggs", diet: domain.Vegan, want: "계란"},
		{give: "2 eggs", diet: domain.Vegetarian, want: ""},
		{give: "달걀 노른자 1개", diet: domain.Vegan, want: "계란"},
		{give: "eggplant 1", diet: domain.Vegan, want: ""},
		{give: "우유 200ml", diet: domain.Vegan, want: "우유"},
		{give: "1 tbsp butter", diet: domain.Vegan, want: "버터"},
		{give: "꿀 1큰술", diet: domain.Vegan, want: "꿀"},
		{give: "2 tbsp honey", diet: domain.Vegetarian, want: ""},
		{give: "coconut milk 400ml", diet: domain.Vegan, want: ""},
		{give: "아몬드 우유 1컵", diet: domain.Vegan, want: ""},
		{give: "peanut butter 2 tbsp", diet: domain.Vegan, want: ""},
		{give: "두부 1모", diet: domain.Vegan, want: ""},
		{give: "콩고기 100g", diet: domain.Vegan, want: ""},
		{give: "비건 마요네즈 2큰술", diet: domain.Vegan, want: ""},
		{give: "마요네즈 2큰술", diet: domain.Vegan, want: "마요네즈"},
		{give: "vegan butter 1 tbsp", diet: domain.Vegan, want: ""},
		{give: "non-vegan butter 1 tbsp", diet: domain.Vegan, want: "버터"},
		{give: "vegetarian oyster sauce", diet: domain.Vegan, want: ""},
		{give: "vegetarian cheese 50g", diet: domain.Vegan, want: "치즈"},
		{give: "채식 김치 1컵", diet: domain.Vegetarian, want: ""},
		{give: "버터 1큰술 (비건 버터 가능)", diet: domain.Vegan, want: "버터"},
		{give: "돼지고기 200g", diet: domain.Diet("keto"), want: ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.diet)+"/"+tt.give, func(t *testing.T) {
			info, bad := l.ViolatesDiet(tt.give, tt.diet)
			if bad != (tt.want != "") || info.Name != tt.want {
				t.Errorf("ViolatesDiet(%q, %s) = %q, %v, want %q", tt.give, tt.diet, info.Name, bad, tt.want)
			}
		})
	}
}

// dietAnswer is a 3 + 2 answer with meat, fish, anchovy stock, kimchi, egg and dairy in it;
// each call returns fresh slices.
func dietAnswer() domain.Result {
	return domain.Result{
		ExistingIngredientsRecipes: []domain.Recipe{
			recipe("김치찌개", "돼지고기 200g", "김치 1/4포기", "두부 1/2모", "대파 1대"),
			recipe("된장찌개", "된장 2큰술", "멸치 육수 500ml", "애호박 1/2개", "두부 1/2모"),
			recipe("계란말이", "계란 3개", "대파 1/2대", "소금 약간"),
		},
		AdditionalIngredientsRecipes: []domain.Recipe{
			extra("Salmon steak", []string{"1/2 lemon"}, "salmon fillet 200g", "1 tbsp butter", "1/2 lemon"),
			extra("Mushroom tofu bowl", []string{"4 shiitake mushrooms"}, "1 block tofu", "4 shiitake mushrooms", "1 bowl rice", "2 tbsp soy sauce"),
		},
	}
}

func TestEnforceConstraintsDiet(t *testing.T) {
	tests := []struct {
		name        string
		edit        func(r *domain.Result)
		give        domain.Preferences
		want        [2][]string
		wantDropped []domain.Violation
		wantErr     bool
	}{
		{
			name: "vegetarian drops meat, fish and anchovy stock",
			edit: func(*domain.Result) {},
			give: domain.Preferences{Dietary: "vegetarian"},
			want: [2][]string{{"계란말이"}, {"Mushroom tofu bowl"}},
			wantDropped: []domain.Violation{
				{Recipe: "김치찌개", Reason: `ingredient "돼지고기 200g" does not fit the vegetarian diet (pork: meat)`},
				{Recipe: "된장찌개", Reason: `ingredient "멸치 육수 500ml" does not fit the vegetarian diet (stock: fish)`},
				{Recipe: "Salmon steak", Reason: `ingredient "salmon fillet 200g" does not fit the vegetarian diet (salmon: fish)`},
			},
		},
		{
			name: "vegetarian in Korean: kimchi holds salted shrimp",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[0].Ingredients = []string{"김치 1/4포기", "두부 1/2모", "대파 1대"}
			},
			give: domain.Preferences{Dietary: "채식"},
			want: [2][]string{{"계란말이"}, {"Mushroom tofu bowl"}},
			wantDropped: []domain.Violation{
				{Recipe: "김치찌개", Reason: `ingredient "김치 1/4포기" does not fit the vegetarian diet (kimchi: seafood)`},
				{Recipe: "된장찌개", Reason: `ingredient "멸치 육수 500ml" does not fit the vegetarian diet (stock: fish)`},
				{Recipe: "Salmon steak", Reason: `ingredient "salmon fillet 200g" does not fit the vegetarian diet (salmon: fish)`},
			},
		},
		{
			name: "vegan drops egg too, keeps vegetable stock and vegan butter",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[1].Ingredients[1] = "채소 육수 500ml"
				r.AdditionalIngredientsRecipes[1].Ingredients = append(r.AdditionalIngredientsRecipes[1].Ingredients, "vegan butter 1 tbsp")
			},
			give: domain.Preferences{Dietary: "vegan"},
			want: [2][]string{{"된장찌개"}, {"Mushroom tofu bowl"}},
			wantDropped: []domain.Violation{
				{Recipe: "김치찌개", Reason: `ingredient "돼지고기 200g" does not fit the vegan diet (pork: meat)`},
				{Recipe: "계란말이", Reason: `ingredient "계란 3개" does not fit the vegan diet (egg: egg)`},
				{Recipe: "Salmon steak", Reason: `ingredient "salmon fillet 200g" does not fit the vegan diet (salmon: fish)`},
			},
		},
		{
			name: "vegan looks at additional ingredients: honey, 2 eggs",
			edit: func(r *domain.Result) {
				r.ExistingIngredientsRecipes[1].Ingredients[1] = "물 500ml"
				r.AdditionalIngredientsRecipes[1].AdditionalIngredients = []string{"4 shiitake mushrooms", "2 eggs", "1 tbsp honey"}
			},
			give: domain.Preferences{Dietary: "비건"},
			wantDropped: []domain.Violation{
				{Recipe: "김치찌개", Reason: `ingredient "돼지고기 200g" does not fit the vegan diet (pork: meat)`},
				{Recipe: "계란말이", Reason: `ingredient "계란 3개" does not fit the vegan diet (egg: egg)`},
				{Recipe: "Salmon steak", Reason: `ingredient "salmon fillet 200g" does not fit the vegan diet (salmon: fish)`},
				{Recipe: "Mushroom tofu bowl", Reason: `ingredient "2 eggs" does not fit the vegan diet (egg: egg)`},
			},
			wantErr: true,
		},
		{
			name: "pescatarian keeps fish and anchovy stock",
			edit: func(*domain.Result) {},
			give: domain.Preferences{Dietary: "pescatarian"},
			want: [2][]string{{"된장찌개", "계란말이"}, {"Salmon steak", "Mushroom tofu bowl"}},
			wantDropped: []domain.Violation{
				{Recipe: "김치찌개", Reason: `ingredient "돼지고기 200g" does not fit the pescatarian diet (pork: meat)`},
			},
		},
		{
			name: "an allergy is named before the diet",
			edit: func(*domain.Result) {},
			give: domain.Preferences{Dietary: "vegetarian", Allergies: []string{"갑각류"}},
			want: [2][]string{{"계란말이"}, {"Mushroom tofu bowl"}},
			wantDropped: []domain.Violation{
				{Recipe: "김치찌개", Reason: `ingredient "김치 1/4포기" conflicts with the allergies`},
				{Recipe: "된장찌개", Reason: `ingredient "멸치 육수 500ml" does not fit the vegetarian diet (stock: fish)`},
				{Recipe: "Salmon steak", Reason: `ingredient "salmon fillet 200g" does not fit the vegetarian diet (salmon: fish)`},
			},
		},
		{
			name: "a preference without a rule is only asked for",
			edit: func(*domain.Result) {},
			give: domain.Preferences{Dietary: "low-carb"},
			want: [2][]string{{"김치찌개", "된장찌개", "계란말이"}, {"Salmon steak", "Mushroom tofu bowl"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := dietAnswer()
			tt.edit(&r)
			got, dropped, err := domain.EnforceConstraints(r, tt.give, nil)
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, domain.ErrInvalidAnswer)) {
				t.Fatalf("EnforceConstraints(%+v) error = %v, want error %t matching ErrInvalidAnswer", tt.give, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantDropped, dropped); diff != "" {
				t.Errorf("EnforceConstraints(%+v) dropped (-want +got):\n%s", tt.give, diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("EnforceConstraints(%+v) kept (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}
