package offline

import (
	"context"
	"slices"
	"strings"
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
			wantExisting: "두부김치",
		},
		{
			name:         "English spellings",
			ingredients:  []string{"Eggs", "scallions", "cooked rice"},
			prefs:        domain.Preferences{Language: domain.English},
			wantExisting: "Egg Fried Rice",
		},
		{
			name:         "eggs and spinach: the spinach is used too",
			ingredients:  []string{"계란", "시금치"},
			wantExisting: "시금치나물",
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
			name:         "the bench payload uses the pork, the tofu and the kimchi together",
			ingredients:  []string{"계란", "대파", "김치", "밥", "양파", "돼지고기", "두부", "고추장", "간장", "참기름", "마늘"},
			prefs:        domain.Preferences{Dietary: "none", Cuisine: "korean", Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 2},
			wantExisting: "두부김치",
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
				"마늘 2쪽", "설탕 1/2작은술", "식용유 1/2큰술", "물 500ml", "청양고추 1개 (있으면)"},
		},
		{
			prefs: domain.Preferences{Servings: 4},
			want: []string{"김치 400g", "돼지고기 300g", "두부 1모", "양파 1개", "대파 1대", "고춧가루 2큰술",
				"마늘 4쪽", "설탕 1작은술", "식용유 1큰술", "물 1000ml", "청양고추 2개 (있으면)"},
		},
		{
			prefs: domain.Preferences{Servings: 3, Language: domain.English},
			want: []string{"300 g kimchi", "230 g pork", "1 block tofu", "1 onion", "1 stalk green onion", "1 1/2 tbsp gochugaru",
				"3 cloves garlic", "1 tsp sugar", "1 tbsp cooking oil", "750 ml water", "2 hot green chilies (optional)"},
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

func TestGenerateCatalogueHiddenAllergens(t *testing.T) {
	g := New()
	tests := []struct {
		name        string
		fridge      []string
		prefs       domain.Preferences
		wantNote    []string // substrings of one note; nil when no note may mention a hidden allergen
		wantAny     string   // a recipe that must still come back
		wantMissing string   // a recipe that must not come back
	}{
		{
			name:        "kimchi's salted shrimp",
			fridge:      []string{"김치", "돼지고기", "두부", "대파"},
			prefs:       domain.Preferences{Allergies: []string{"새우"}},
			wantNote:    []string{"김치에는 보통 새우젓이", "김치찌개", "알레르기: 새우"},
			wantAny:     "두부조림",
			wantMissing: "김치찌개",
		},
		{
			name:        "kimchi's anchovy sauce in English",
			fridge:      []string{"kimchi", "pork", "tofu"},
			prefs:       domain.Preferences{Allergies: []string{"fish"}, Language: domain.English},
			wantNote:    []string{"Left out", "Kimchi Stew", "kimchi usually contains anchovy fish sauce (allergy: fish)"},
			wantMissing: "Kimchi Stew",
		},
		{
			name:        "a curry roux's milk, with the curry powder variant to buy",
			fridge:      []string{"감자", "양파", "당근", "돼지고기", "고형카레"},
			prefs:       domain.Preferences{Allergies: []string{"우유"}},
			wantNote:    []string{"카레루에는 보통 분유가", "일본식 카레라이스"},
			wantAny:     "카레라이스",
			wantMissing: "일본식 카레라이스",
		},
		{
			name:    "plain curry powder is no dairy",
			fridge:  []string{"감자", "양파", "당근", "돼지고기", "카레가루"},
			prefs:   domain.Preferences{Allergies: []string{"우유"}},
			wantAny: "카레라이스",
		},
		{
			name:        "a dish named for the allergen needs no note",
			fridge:      []string{"새우", "계란", "밥", "대파"},
			prefs:       domain.Preferences{Allergies: []string{"새우"}},
			wantMissing: "새우볶음밥",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generate(t, g, request(t, tt.fridge, tt.prefs))
			all := slices.Concat(names(res.ExistingIngredientsRecipes), names(res.AdditionalIngredientsRecipes))
			if tt.wantAny != "" && !slices.Contains(all, tt.wantAny) {
				t.Errorf("Generate(%q, %q) = %q, want %s among them", tt.fridge, tt.prefs.Allergies, all, tt.wantAny)
			}
			if tt.wantMissing != "" && slices.Contains(all, tt.wantMissing) {
				t.Errorf("Generate(%q, %q) = %q, want no %s", tt.fridge, tt.prefs.Allergies, all, tt.wantMissing)
			}
			hidden := slices.IndexFunc(res.Notes, func(n string) bool {
				return strings.Contains(n, "보통") || strings.Contains(n, "usually contains")
			})
			switch {
			case tt.wantNote == nil && hidden >= 0:
				t.Errorf("Generate(%q, %q) notes = %q, want none about a hidden allergen", tt.fridge, tt.prefs.Allergies, res.Notes)
			case tt.wantNote != nil && hidden < 0:
				t.Errorf("Generate(%q, %q) notes = %q, want one about a hidden allergen", tt.fridge, tt.prefs.Allergies, res.Notes)
			case tt.wantNote != nil:
				for _, w := range tt.wantNote {
					if !strings.Contains(res.Notes[hidden], w) {
						t.Errorf("Generate(%q, %q) note %q, want it to contain %q", tt.fridge, tt.prefs.Allergies, res.Notes[hidden], w)
					}
				}
			}
		})
	}
}

func TestGenerateCatalogueStandIns(t *testing.T) {
	g := New()
	tests := []struct {
		name       string
		fridge     []string
		prefs      domain.Preferences
		recipe     string
		wantLine   string
		wantToBuy  []string // the recipe's additional ingredients; nil when made from the fridge
		additional bool
	}{
		{
			name: "olive oil may be cooking oil", fridge: []string{"스파게티", "마늘"},
			recipe: "알리오올리오", wantLine: "올리브유 6큰술 (없으면 식용유)",
		},
		{
			name: "olive oil at hand", fridge: []string{"spaghetti", "garlic", "olive oil"}, prefs: domain.Preferences{Language: domain.English},
			recipe: "Aglio e Olio", wantLine: "6 tbsp olive oil",
		},
		{
			name: "cooked rice from rice", fridge: []string{"돼지고기", "양파", "쌀"},
			recipe: "제육덮밥", wantLine: "밥 2공기 (없으면 쌀로 지어서)",
		},
		{
			name: "neither cooked rice nor rice", fridge: []string{"돼지고기", "양파"},
			recipe: "제육덮밥", wantLine: "밥 2공기 (없으면 쌀로 지어서)", wantToBuy: []string{"밥"}, additional: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generate(t, g, request(t, tt.fridge, tt.prefs))
			list := res.ExistingIngredientsRecipes
			if tt.additional {
				list = res.AdditionalIngredientsRecipes
			}
			i := slices.IndexFunc(list, func(r domain.Recipe) bool { return r.Name == tt.recipe })
			if i < 0 {
				t.Fatalf("Generate(%q) = %q (additional %v), want %s among them", tt.fridge, names(list), tt.additional, tt.recipe)
			}
			if !slices.Contains(list[i].Ingredients, tt.wantLine) {
				t.Errorf("Generate(%q) %s ingredients = %q, want %q among them", tt.fridge, tt.recipe, list[i].Ingredients, tt.wantLine)
			}
			if diff := cmp.Diff(tt.wantToBuy, list[i].AdditionalIngredients); diff != "" {
				t.Errorf("Generate(%q) %s additional ingredients (-want +got):\n%s", tt.fridge, tt.recipe, diff)
			}
		})
	}
}

func TestGenerateCatalogueRestoredRequestBeyondTheLimit(t *testing.T) {
	g := New()
	var names []string
	for _, info := range g.cat.ingredients[:domain.MaxIngredients+10] {
		names = append(names, info.Name)
	}
	req := domain.RestoreGenerationRequest("user-42", names, domain.Preferences{})
	res, err := g.Generate(context.Background(), req)
	if err != nil {
		t.Fatalf("Generate(%d ingredients) error = %v", len(names), err)
	}
	if len(res.ExistingIngredientsRecipes) != domain.ExistingRecipeCount {
		t.Errorf("Generate(%d ingredients) gave %d recipes made from them, want %d", len(names),
			len(res.ExistingIngredientsRecipes), domain.ExistingRecipeCount)
	}
}
