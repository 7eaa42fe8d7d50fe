package offline

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

// The tests in this file ask the real catalogue, as a user would; generate checks every
// answer against the contract's hard rules as well.

func TestGenerateCatalogueFridges(t *testing.T) {
	g := New(WithClock(func() time.Time { return testNow }))
	tests := []struct {
		name         string
		ingredients  []string
		prefs        domain.Preferences
		wantExisting string // a recipe that must be among existingIngredientsRecipes, "" for none
		wantAny      string // a recipe that must be among either list, "" for none
	}{
		{
			name:         "egg, green onion and rice",
			ingredients:  []string{"계란", "대파", "밥"},
			wantExisting: "계란볶음밥",
		},
		{
			name:        "kimchi, pork and tofu",
			ingredients: []string{"김치", "돼지고기", "두부"},
			wantAny:     "김치찌개",
		},
		{
			name:         "kimchi, pork, tofu and the vegetables of a stew",
			ingredients:  []string{"김치", "돼지고기 앞다리살", "두부", "양파", "대파", "고춧가루"},
			wantExisting: "김치찌개",
		},
		{
			name:         "English spellings",
			ingredients:  []string{"Eggs", "scallions", "cooked rice"},
			prefs:        domain.Preferences{Language: domain.English},
			wantExisting: "Egg Fried Rice",
		},
		{
			name:        "egg allergy in Korean",
			ingredients: []string{"계란", "대파", "밥", "김치", "양파", "감자"},
			prefs:       domain.Preferences{Allergies: []string{"계란"}},
		},
		{
			name:        "egg allergy as the labelled group",
			ingredients: []string{"달걀", "대파", "밥", "두부", "양파", "감자"},
			prefs:       domain.Preferences{Allergies: []string{"난류"}},
		},
		{
			name:        "crustacean and peanut allergies",
			ingredients: []string{"새우", "김치", "밥", "계란", "대파", "땅콩"},
			prefs:       domain.Preferences{Allergies: []string{"갑각류", "peanut"}},
		},
		{
			name:        "vegan",
			ingredients: []string{"계란", "감자", "양파", "두부", "애호박", "돼지고기", "우유", "멸치"},
			prefs:       domain.Preferences{Dietary: "비건"},
		},
		{
			name:        "vegetarian",
			ingredients: []string{"계란", "대파", "밥", "김치", "참치캔", "햄", "치즈"},
			prefs:       domain.Preferences{Dietary: "vegetarian"},
		},
		{
			name:        "pescatarian",
			ingredients: []string{"참치캔", "돼지고기", "김치", "밥", "양파", "계란"},
			prefs:       domain.Preferences{Dietary: "pescatarian"},
		},
		{
			name:        "ten minutes",
			ingredients: []string{"김치", "돼지고기", "두부", "양파", "대파", "고춧가루", "계란"},
			prefs:       domain.Preferences{MaxCookingTime: 10},
		},
		{
			name:         "the bench payload",
			ingredients:  []string{"계란", "대파", "김치", "밥", "양파", "돼지고기", "두부", "고추장", "간장", "참기름", "마늘"},
			prefs:        domain.Preferences{Dietary: "none", Cuisine: "korean", Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 2},
			wantExisting: "김치볶음밥",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generate(t, g, request(t, tt.ingredients, tt.prefs))
			existing := names(res.ExistingIngredientsRecipes)
			all := slices.Concat(existing, names(res.AdditionalIngredientsRecipes))
			if len(existing) == 0 {
				t.Errorf("Generate(%q, %+v) gave no existing recipe, want some", tt.ingredients, tt.prefs)
			}
			if tt.wantExisting != "" && !slices.Contains(existing, tt.wantExisting) {
				t.Errorf("Generate(%q) existing = %q, want %s among them", tt.ingredients, existing, tt.wantExisting)
			}
			if tt.wantAny != "" && !slices.Contains(all, tt.wantAny) {
				t.Errorf("Generate(%q) = %q, want %s among them", tt.ingredients, all, tt.wantAny)
			}
		})
	}
}

func TestGenerateCatalogueLeavesOutSlowCategories(t *testing.T) {
	records, err := defaultRecords()
	if err != nil {
		t.Fatal(err)
	}
	slow := map[string]string{} // name → category of stews and soups
	for _, r := range records {
		if r.Category == "stew" || r.Category == "soup" || r.Category == "braise" {
			slow[r.Name.Ko] = r.Category
		}
	}
	g := New()
	fridge := []string{"김치", "돼지고기", "두부", "양파", "대파", "고춧가루", "계란", "된장", "애호박", "감자"}
	res := generate(t, g, request(t, fridge, domain.Preferences{MaxCookingTime: 10}))
	for _, name := range slices.Concat(names(res.ExistingIngredientsRecipes), names(res.AdditionalIngredientsRecipes)) {
		if cat, ok := slow[name]; ok && cat == "stew" {
			t.Errorf("Generate(%q, maxCookingTime 10) returned the stew %s", fridge, name)
		}
	}
	withoutLimit := generate(t, g, request(t, fridge, domain.Preferences{}))
	if !slices.ContainsFunc(slices.Concat(withoutLimit.ExistingIngredientsRecipes, withoutLimit.AdditionalIngredientsRecipes),
		func(r domain.Recipe) bool { return slow[r.Name] == "stew" }) {
		t.Errorf("Generate(%q) without a limit returned no stew, so the test proves nothing", fridge)
	}
}

func TestGenerateCatalogueScalesServings(t *testing.T) {
	g := New()
	fridge := []string{"김치", "돼지고기", "두부", "양파", "대파", "고춧가루"}
	tests := []struct {
		prefs domain.Preferences
		want  []string
	}{
		{
			prefs: domain.Preferences{},
			want: []string{"김치 200g", "돼지고기 150g", "두부 1/2모", "양파 1/2개", "대파 1/2대", "고춧가루 1큰술",
				"마늘 2쪽", "설탕 1/2작은술", "식용유 1/2큰술", "물 500ml", "청양고추 1개 (선택)"},
		},
		{
			prefs: domain.Preferences{Servings: 4},
			want: []string{"김치 400g", "돼지고기 300g", "두부 1모", "양파 1개", "대파 1대", "고춧가루 2큰술",
				"마늘 4쪽", "설탕 1작은술", "식용유 1큰술", "물 1000ml", "청양고추 2개 (선택)"},
		},
		{
			prefs: domain.Preferences{Servings: 3, Language: domain.English},
			want: []string{"kimchi 300 g", "pork 225 g", "tofu 1 block", "onion 1", "green onion 1 stalk", "gochugaru 1.5 tbsp",
				"garlic 3 cloves", "sugar 1 tsp", "cooking oil 1 tbsp", "water 750 ml", "hot green chili 1.5 (optional)"},
		},
	}
	for _, tt := range tests {
		res := generate(t, g, request(t, fridge, tt.prefs))
		i := slices.IndexFunc(res.ExistingIngredientsRecipes, func(r domain.Recipe) bool {
			return r.Name == "김치찌개" || r.Name == "Kimchi Stew"
		})
		if i < 0 {
			t.Errorf("Generate(%q, %+v) existing = %q, want 김치찌개", fridge, tt.prefs, names(res.ExistingIngredientsRecipes))
			continue
		}
		if diff := cmp.Diff(tt.want, res.ExistingIngredientsRecipes[i].Ingredients); diff != "" {
			t.Errorf("Generate(%q, %+v) 김치찌개 ingredients (-want +got):\n%s", fridge, tt.prefs, diff)
		}
	}
}

func TestGenerateCatalogueIsDeterministic(t *testing.T) {
	g := New(WithClock(func() time.Time { return testNow }))
	prefs := domain.Preferences{Cuisine: "한식", Allergies: []string{"땅콩"}}
	first := generate(t, g, request(t, []string{"계란", "대파", "밥", "김치", "두부", "양파", "감자"}, prefs))
	for _, give := range [][]string{
		{"계란", "대파", "밥", "김치", "두부", "양파", "감자"},
		{"감자", "양파", "두부", "김치", "밥", "대파", "계란"},
		{"달걀", "파", "공기밥", "배추김치", "두부", "onion", "potatoes"},
	} {
		got := generate(t, g, request(t, give, prefs))
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("Generate(%q) differs from the first answer (-first +got):\n%s", give, diff)
		}
	}
}
