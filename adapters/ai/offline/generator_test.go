package offline

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// fixture returns a Generator over the small catalogue and lexicon in testdata, so that
// the tests of rendering and ranking do not move when the real catalogue grows.
func fixture(t testing.TB) *Generator {
	t.Helper()
	lex, err := domain.LoadLexicon(os.DirFS("testdata/lexicon"))
	if err != nil {
		t.Fatalf("LoadLexicon(testdata) error = %v", err)
	}
	records, err := readCatalogue(os.DirFS("testdata"), "catalogue")
	if err != nil {
		t.Fatalf("readCatalogue(testdata) error = %v", err)
	}
	cat, err := compile(records, lex)
	if err != nil {
		t.Fatalf("compile(testdata) error = %v", err)
	}
	return newGenerator(cat, lex, WithClock(func() time.Time { return testNow }))
}

func request(t testing.TB, ingredients []string, prefs domain.Preferences) domain.GenerationRequest {
	t.Helper()
	req, err := domain.NewGenerationRequest("user-42", ingredients, prefs)
	if err != nil {
		t.Fatalf("NewGenerationRequest(%q, %+v) error = %v", ingredients, prefs, err)
	}
	return req
}

func generate(t testing.TB, g *Generator, req domain.GenerationRequest) domain.Result {
	t.Helper()
	res, err := g.Generate(context.Background(), req)
	if err != nil {
		t.Fatalf("Generate(%+v) error = %v", req, err)
	}
	checkFits(t, g.lex, req, res)
	return res
}

// checkFits fails t when res breaks a rule of the contract for req: too many recipes, one
// too slow, for other servings, with an allergen or an ingredient outside the diet.
func checkFits(t testing.TB, lex *domain.Lexicon, req domain.GenerationRequest, res domain.Result) {
	t.Helper()
	p := req.Preferences
	if len(res.ExistingIngredientsRecipes) > domain.ExistingRecipeCount || len(res.AdditionalIngredientsRecipes) > domain.AdditionalRecipeCount {
		t.Errorf("Generate(%+v) gave %d + %d recipes, want at most %d + %d", req,
			len(res.ExistingIngredientsRecipes), len(res.AdditionalIngredientsRecipes),
			domain.ExistingRecipeCount, domain.AdditionalRecipeCount)
	}
	diet, hasDiet := domain.ParseDiet(p.Dietary)
	servings := p.Servings
	if servings == 0 {
		servings = domain.DefaultServings
	}
	dishes := map[string]string{} // Korean name without spaces → name
	for i, r := range slices.Concat(res.ExistingIngredientsRecipes, res.AdditionalIngredientsRecipes) {
		additional := i >= len(res.ExistingIngredientsRecipes)
		if other, dup := dishes[strings.ReplaceAll(r.Name, " ", "")]; dup {
			t.Errorf("Generate(%+v) suggests %s and %s, one dish twice", req, other, r.Name)
		}
		dishes[strings.ReplaceAll(r.Name, " ", "")] = r.Name
		switch {
		case p.MaxCookingTime > 0 && r.CookingTime > p.MaxCookingTime:
			t.Errorf("%s takes %d minutes, want at most %d", r.Name, r.CookingTime, p.MaxCookingTime)
		case r.Servings != servings:
			t.Errorf("%s serves %d, want %d", r.Name, r.Servings, servings)
		case additional && (len(r.AdditionalIngredients) == 0 || len(r.AdditionalIngredients) > maxMissing):
			t.Errorf("additional recipe %s needs %q, want 1 to %d ingredients", r.Name, r.AdditionalIngredients, maxMissing)
		case !additional && len(r.AdditionalIngredients) > 0:
			t.Errorf("existing recipe %s needs %q, want nothing more", r.Name, r.AdditionalIngredients)
		case r.Name == "" || r.Description == "" || !r.Difficulty.Valid() || !strings.HasPrefix(r.Instructions, "1. "):
			t.Errorf("recipe %+v is incomplete", r)
		}
		for _, l := range r.Ingredients {
			if lex.ViolatesAllergies(l, p.Allergies) {
				t.Errorf("%s has %q, which violates allergies %q", r.Name, l, p.Allergies)
			}
			for _, info := range lex.Mentions(l) {
				if hasDiet && !info.Fits(diet) {
					t.Errorf("%s has %q, which is not %s", r.Name, l, diet)
				}
			}
		}
	}
}

func names(rs []domain.Recipe) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestGenerateFixtureFridges(t *testing.T) {
	g := fixture(t)
	tests := []struct {
		name           string
		ingredients    []string
		prefs          domain.Preferences
		wantExisting   []string
		wantAdditional []string
	}{
		{
			name:           "egg, green onion and rice make egg fried rice first",
			ingredients:    []string{"계란", "대파", "밥"},
			wantExisting:   []string{"계란볶음밥", "계란말이"},
			wantAdditional: []string{"새우볶음밥", "김치볶음밥"},
		},
		{
			name:           "kimchi, pork and tofu make kimchi stew",
			ingredients:    []string{"김치", "돼지고기", "두부", "대파", "고춧가루"},
			wantExisting:   []string{"김치찌개", "두부부침"},
			wantAdditional: []string{"제육볶음", "김치볶음밥"},
		},
		{
			name:           "an egg allergy leaves out every egg dish",
			ingredients:    []string{"계란", "대파", "밥", "감자", "양파"},
			prefs:          domain.Preferences{Allergies: []string{"난류"}},
			wantExisting:   []string{"감자볶음"},
			wantAdditional: []string{"버터감자구이"}, // 된장찌개 and 제육볶음 are built on tofu and pork, which the fridge lacks
		},
		{
			name:           "vegan leaves out egg, meat, fish and dairy",
			ingredients:    []string{"계란", "감자", "양파", "두부", "버터", "돼지고기", "새우"},
			prefs:          domain.Preferences{Dietary: "vegan"},
			wantExisting:   []string{"두부부침", "감자볶음"}, // the tofu weighs more than the potatoes
			wantAdditional: []string{"된장찌개"},
		},
		{
			name:           "ten minutes leave out stews",
			ingredients:    []string{"김치", "돼지고기", "두부", "대파", "고춧가루", "계란", "토마토"},
			prefs:          domain.Preferences{MaxCookingTime: 10},
			wantExisting:   []string{"토마토계란볶음"},
			wantAdditional: nil,
		},
		{
			name:           "the cuisine asked for ranks first among equals",
			ingredients:    []string{"토마토", "계란", "감자", "버터"},
			prefs:          domain.Preferences{Cuisine: "양식"},
			wantExisting:   []string{"버터감자구이", "토마토계란볶음"},
			wantAdditional: []string{"계란찜", "감자볶음"}, // the second uses the potatoes the first leaves
		},
		{
			name:           "nothing known gives nothing",
			ingredients:    []string{"망고스틴"},
			wantExisting:   nil,
			wantAdditional: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generate(t, g, request(t, tt.ingredients, tt.prefs))
			if diff := cmp.Diff(tt.wantExisting, names(res.ExistingIngredientsRecipes)); diff != "" {
				t.Errorf("Generate(%q) existing (-want +got):\n%s", tt.ingredients, diff)
			}
			if diff := cmp.Diff(tt.wantAdditional, names(res.AdditionalIngredientsRecipes)); diff != "" {
				t.Errorf("Generate(%q) additional (-want +got):\n%s", tt.ingredients, diff)
			}
		})
	}
}

func TestGenerateRendersRecipe(t *testing.T) {
	g := fixture(t)
	fridge := []string{"김치", "돼지고기", "두부", "대파", "고춧가루"}
	tests := []struct {
		name  string
		prefs domain.Preferences
		want  domain.Recipe
	}{
		{
			name:  "Korean at base servings",
			prefs: domain.Preferences{},
			want: domain.Recipe{
				Name: "김치찌개", Description: "잘 익은 김치와 돼지고기를 푹 끓인 얼큰한 찌개.",
				Difficulty: domain.Easy, CookingTime: 30, Servings: 2,
				Ingredients: []string{"김치 200g", "돼지고기 150g", "두부 1/2모", "대파 1/2대", "고춧가루 1큰술",
					"마늘 2쪽", "물 500ml", "청양고추 1개 (있으면)"},
				Instructions: "1. 돼지고기를 한입 크기로 썰고 김치도 먹기 좋게 썬다.\n" +
					"2. 냄비에 돼지고기와 김치를 넣고 중불에서 5분간 볶는다.\n" +
					"3. 물과 고춧가루, 으깬 마늘을 넣고 15분간 끓인다.\n" +
					"4. 두부와 대파, 청양고추를 넣고 5분 더 끓인다.",
			},
		},
		{
			name:  "Korean for 3",
			prefs: domain.Preferences{Servings: 3},
			want: domain.Recipe{
				Name: "김치찌개", Description: "잘 익은 김치와 돼지고기를 푹 끓인 얼큰한 찌개.",
				Difficulty: domain.Easy, CookingTime: 30, Servings: 3,
				Ingredients: []string{"김치 300g", "돼지고기 230g", "두부 1모", "대파 1대", "고춧가루 1.5큰술",
					"마늘 3쪽", "물 750ml", "청양고추 2개 (있으면)"},
				Instructions: "1. 돼지고기를 한입 크기로 썰고 김치도 먹기 좋게 썬다.\n" +
					"2. 냄비에 돼지고기와 김치를 넣고 중불에서 5분간 볶는다.\n" +
					"3. 물과 고춧가루, 으깬 마늘을 넣고 15분간 끓인다.\n" +
					"4. 두부와 대파, 청양고추를 넣고 5분 더 끓인다.",
			},
		},
		{
			name:  "English for 1",
			prefs: domain.Preferences{Servings: 1, Language: domain.English},
			want: domain.Recipe{
				Name: "Kimchi Stew", Description: "A hearty, spicy stew of well-fermented kimchi simmered with pork.",
				Difficulty: domain.Easy, CookingTime: 30, Servings: 1,
				Ingredients: []string{"100 g kimchi", "75 g pork", "1/2 block tofu", "1/2 stalk green onion",
					"1/2 tbsp gochugaru", "1 clove garlic", "250 ml water", "1 hot green chili (optional)"},
				Instructions: "1. Cut the pork into bite-size pieces and chop the kimchi.\n" +
					"2. Stir-fry the pork and kimchi in a pot over medium heat for 5 minutes.\n" +
					"3. Add the water, gochugaru and crushed garlic and simmer for 15 minutes.\n" +
					"4. Add the tofu, green onion and hot green chili and simmer 5 minutes more.",
			},
		},
		{
			name:  "English for 6",
			prefs: domain.Preferences{Servings: 6, Language: domain.English},
			want: domain.Recipe{
				Name: "Kimchi Stew", Description: "A hearty, spicy stew of well-fermented kimchi simmered with pork.",
				Difficulty: domain.Easy, CookingTime: 30, Servings: 6,
				Ingredients: []string{"600 g kimchi", "450 g pork", "1 1/2 blocks tofu", "1 1/2 stalks green onion",
					"3 tbsp gochugaru", "6 cloves garlic", "1500 ml water", "3 hot green chilies (optional)"},
				Instructions: "1. Cut the pork into bite-size pieces and chop the kimchi.\n" +
					"2. Stir-fry the pork and kimchi in a pot over medium heat for 5 minutes.\n" +
					"3. Add the water, gochugaru and crushed garlic and simmer for 15 minutes.\n" +
					"4. Add the tofu, green onion and hot green chili and simmer 5 minutes more.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generate(t, g, request(t, fridge, tt.prefs))
			if len(res.ExistingIngredientsRecipes) == 0 {
				t.Fatalf("Generate(%q) gave no existing recipe, want 김치찌개", fridge)
			}
			if diff := cmp.Diff(tt.want, res.ExistingIngredientsRecipes[0]); diff != "" {
				t.Errorf("Generate(%q, %+v) first recipe (-want +got):\n%s", fridge, tt.prefs, diff)
			}
		})
	}
}

func TestGenerateRendersAmounts(t *testing.T) {
	g := fixture(t)
	tests := []struct {
		name     string
		fridge   []string
		prefs    domain.Preferences
		wantName string
		want     []string
	}{
		{
			name:     "to taste, pinch and thirds",
			fridge:   []string{"된장", "두부", "애호박", "양파", "감자", "대파"},
			wantName: "된장찌개",
			want:     []string{"된장 2큰술", "두부 1/2모", "애호박 1/3개", "양파 1/2개", "감자 1개", "대파 1/2대", "마늘 1쪽", "물 500ml"},
		},
		{
			name:     "small amounts stay at the smallest step",
			fridge:   []string{"된장", "두부", "애호박", "양파", "감자", "대파"},
			prefs:    domain.Preferences{Servings: 1},
			wantName: "된장찌개",
			want:     []string{"된장 1큰술", "두부 1/2모", "애호박 1/2개", "양파 1/2개", "감자 1/2개", "대파 1/2대", "마늘 1쪽", "물 250ml"},
		},
		{
			name:     "English to taste and pinch",
			fridge:   []string{"감자", "버터"},
			prefs:    domain.Preferences{Language: domain.English, Servings: 4},
			wantName: "Butter Roasted Potatoes",
			want:     []string{"6 potatoes", "40 g butter", "salt, to taste", "black pepper, to taste", "2 pinches of parsley (optional)"},
		},
		{
			name:     "optional ingredients are marked",
			fridge:   []string{"감자", "양파"},
			wantName: "감자볶음",
			want:     []string{"감자 2개", "양파 1/2개", "소금 1/2작은술", "식용유 2큰술", "햄 50g (있으면)", "깨 1작은술 (고명)"},
		},
		{
			name:     "an optional ingredient outside the diet is left out",
			fridge:   []string{"감자", "양파"},
			prefs:    domain.Preferences{Dietary: "vegan"},
			wantName: "감자볶음",
			want:     []string{"감자 2개", "양파 1/2개", "소금 1/2작은술", "식용유 2큰술", "깨 1작은술 (고명)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generate(t, g, request(t, tt.fridge, tt.prefs))
			i := slices.IndexFunc(res.ExistingIngredientsRecipes, func(r domain.Recipe) bool { return r.Name == tt.wantName })
			if i < 0 {
				t.Fatalf("Generate(%q) existing = %q, want %s among them", tt.fridge, names(res.ExistingIngredientsRecipes), tt.wantName)
			}
			if diff := cmp.Diff(tt.want, res.ExistingIngredientsRecipes[i].Ingredients); diff != "" {
				t.Errorf("Generate(%q, %+v) %s ingredients (-want +got):\n%s", tt.fridge, tt.prefs, tt.wantName, diff)
			}
		})
	}
}

func TestGenerateAdditionalIngredients(t *testing.T) {
	g := fixture(t)
	tests := []struct {
		name  string
		prefs domain.Preferences
		want  []string
	}{
		{name: "Korean", want: []string{"두부", "대파"}},
		{name: "English", prefs: domain.Preferences{Language: domain.English}, want: []string{"tofu", "green onion"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generate(t, g, request(t, []string{"김치", "돼지고기", "고춧가루"}, tt.prefs))
			if len(res.AdditionalIngredientsRecipes) == 0 {
				t.Fatal("Generate(김치, 돼지고기, 고춧가루) gave no additional recipe, want 김치찌개")
			}
			if diff := cmp.Diff(tt.want, res.AdditionalIngredientsRecipes[0].AdditionalIngredients); diff != "" {
				t.Errorf("Generate(김치, 돼지고기, 고춧가루) additional ingredients (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenerateResult(t *testing.T) {
	res := generate(t, fixture(t), request(t, []string{"계란", "대파", "밥"}, domain.Preferences{}))
	got := domain.Result{UserID: res.UserID, Provider: res.Provider, Model: res.Model, GeneratedAt: res.GeneratedAt}
	want := domain.Result{UserID: "user-42", Provider: "offline", Model: "catalogue-v2-12", GeneratedAt: testNow}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Generate() result fields (-want +got):\n%s", diff)
	}
}

func TestGenerateNotes(t *testing.T) {
	g := fixture(t)
	tests := []struct {
		name        string
		ingredients []string
		prefs       domain.Preferences
		want        []string
	}{
		{
			name:        "nothing to say",
			ingredients: []string{"계란", "대파", "밥", "김치"},
			prefs:       domain.Preferences{Dietary: "none", Cuisine: "상관없음"},
			want:        nil,
		},
		{
			name:        "unknown ingredients in Korean",
			ingredients: []string{"계란", "대파", "밥", "김치", "망고스틴", "트러플"},
			want:        []string{"모르는 재료라 추천에 쓰지 않았어요: 망고스틴, 트러플"},
		},
		{
			name:        "unknown ingredients and preferences in English",
			ingredients: []string{"계란", "대파", "밥", "김치", "mangosteen"},
			prefs:       domain.Preferences{Dietary: "keto", Cuisine: "mexican", Language: domain.English},
			want: []string{
				"Ingredients not recognised and not used: mangosteen",
				`Dietary preference "keto" is not recognised and was ignored.`,
				`Cuisine "mexican" is not recognised and was not used for ranking.`,
			},
		},
		{
			name:        "too few recipes in English, one of them",
			ingredients: []string{"토마토"},
			prefs:       domain.Preferences{Language: domain.English},
			want:        []string{"Only 0 recipes from your ingredients and 1 recipe needing a few more fit the request."},
		},
		{
			name:        "too few recipes",
			ingredients: []string{"망고스틴"},
			want: []string{
				"모르는 재료라 추천에 쓰지 않았어요: 망고스틴",
				"조건에 맞는 레시피가 적어 가진 재료로 만드는 레시피 0개, 재료를 더 사야 하는 레시피 0개만 추천해요.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generate(t, g, request(t, tt.ingredients, tt.prefs))
			if diff := cmp.Diff(tt.want, res.Notes); diff != "" {
				t.Errorf("Generate(%q, %+v) notes (-want +got):\n%s", tt.ingredients, tt.prefs, diff)
			}
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	g := fixture(t)
	prefs := domain.Preferences{Allergies: []string{"땅콩"}, Servings: 3}
	first := generate(t, g, request(t, []string{"계란", "대파", "밥", "김치", "두부", "감자"}, prefs))
	tests := []struct {
		name string
		give []string
	}{
		{name: "same request", give: []string{"계란", "대파", "밥", "김치", "두부", "감자"}},
		{name: "other order", give: []string{"감자", "두부", "김치", "밥", "대파", "계란"}},
		{name: "other spellings", give: []string{"potatoes", "두부", "배추김치", "공기밥", "파", "달걀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := generate(t, g, request(t, tt.give, prefs))
			if diff := cmp.Diff(first, got); diff != "" {
				t.Errorf("Generate(%q) differs from the first answer (-first +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestGenerateConcurrently(t *testing.T) {
	g := fixture(t)
	req := request(t, []string{"계란", "대파", "밥", "김치"}, domain.Preferences{Allergies: []string{"새우"}})
	want := generate(t, g, req)
	var wg sync.WaitGroup
	results := make([]domain.Result, 8)
	for i := range results {
		wg.Go(func() { results[i], _ = g.Generate(context.Background(), req) })
	}
	wg.Wait()
	for i, got := range results {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("concurrent Generate #%d (-want +got):\n%s", i, diff)
		}
	}
}

func TestGenerateStopsOnDoneContext(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("client went away")
	cancel(cause)
	_, err := fixture(t).Generate(ctx, request(t, []string{"계란"}, domain.Preferences{}))
	if !errors.Is(err, cause) {
		t.Errorf("Generate(cancelled ctx) error = %v, want %v", err, cause)
	}
}
