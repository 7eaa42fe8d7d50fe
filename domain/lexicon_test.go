package domain_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

const testIngredients = `[
  {"name": "계란", "en": "egg", "aliases": ["달걀", "eggs", "유정란"], "kind": "egg", "animal": "egg", "allergens": ["egg"]},
  {"name": "대파", "en": "green onion", "aliases": ["파", "scallion", "spring onion"], "kind": "vegetable", "animal": "", "allergens": []},
  {"name": "양파", "en": "onion", "aliases": ["onions"], "kind": "vegetable", "animal": "", "allergens": []},
  {"name": "마늘", "en": "garlic", "aliases": ["다진 마늘", "깐마늘"], "kind": "vegetable", "animal": "", "allergens": []},
  {"name": "김", "en": "laver", "aliases": ["김밥김", "seaweed sheet"], "kind": "seaweed", "animal": "", "allergens": []},
  {"name": "김치", "en": "kimchi", "aliases": ["배추김치", "신김치"], "kind": "kimchi", "animal": "seafood", "allergens": ["shrimp"]},
  {"name": "돼지고기", "en": "pork", "aliases": ["삼겹살", "목살", "pork belly"], "kind": "meat", "animal": "meat", "allergens": ["pork"]},
  {"name": "가지", "en": "eggplant", "aliases": ["eggplants", "aubergine"], "kind": "vegetable", "animal": "", "allergens": []},
  {"name": "무", "en": "korean radish", "aliases": ["radish"], "kind": "vegetable", "animal": "", "allergens": []},
  {"name": "배", "en": "pear", "aliases": ["korean pear"], "kind": "fruit", "animal": "", "allergens": []},
  {"name": "배추", "en": "napa cabbage", "aliases": ["알배추"], "kind": "vegetable", "animal": "", "allergens": []},
  {"name": "밥", "en": "cooked rice", "aliases": ["공기밥", "rice"], "kind": "grain", "animal": "", "allergens": []},
  {"name": "새우", "en": "shrimp", "aliases": ["prawn", "prawns", "칵테일새우"], "kind": "seafood", "animal": "seafood", "allergens": ["shrimp"]},
  {"name": "꽃게", "en": "blue crab", "aliases": ["crab", "게"], "kind": "seafood", "animal": "seafood", "allergens": ["crab"]},
  {"name": "우유", "en": "milk", "aliases": ["whole milk"], "kind": "dairy", "animal": "dairy", "allergens": ["milk"]},
  {"name": "버터", "en": "butter", "aliases": [], "kind": "dairy", "animal": "dairy", "allergens": ["milk"]},
  {"name": "땅콩", "en": "peanut", "aliases": ["peanuts"], "kind": "nut", "animal": "", "allergens": ["peanut"]},
  {"name": "호두", "en": "walnut", "aliases": ["walnuts"], "kind": "nut", "animal": "", "allergens": ["walnut"]},
  {"name": "멸치액젓", "en": "fish sauce", "aliases": ["액젓"], "kind": "sauce", "animal": "fish", "allergens": ["fish"]},
  {"name": "꿀", "en": "honey", "aliases": [], "kind": "seasoning", "animal": "honey", "allergens": []},
  {"name": "간장", "en": "soy sauce", "aliases": ["진간장"], "kind": "sauce", "animal": "", "allergens": ["soy", "wheat"]},
  {"name": "밀가루", "en": "flour", "aliases": ["중력분"], "kind": "grain", "animal": "", "allergens": ["wheat"]},
  {"name": "전분", "en": "starch", "aliases": ["녹말"], "kind": "grain", "animal": "", "allergens": []},
  {"name": "감자", "en": "potato", "aliases": ["potatoes"], "kind": "vegetable", "animal": "", "allergens": []},
  {"name": "표고버섯", "en": "shiitake mushroom", "aliases": ["표고"], "kind": "mushroom", "animal": "", "allergens": []},
  {"name": "소금", "en": "salt", "aliases": [], "kind": "seasoning", "animal": "", "allergens": []}
]`

const testAllergies = `[
  {"terms": ["난류", "egg"], "allergens": ["egg"], "animals": ["egg"]},
  {"terms": ["우유", "유제품", "dairy"], "allergens": ["milk"], "animals": ["dairy"]},
  {"terms": ["새우", "shrimp"], "allergens": ["shrimp"]},
  {"terms": ["갑각류", "shellfish"], "allergens": ["shrimp", "crab", "shellfish"]},
  {"terms": ["견과류", "nuts"], "allergens": ["walnut", "pinenut", "tree-nut", "peanut"], "kinds": ["nut"]},
  {"terms": ["밀", "gluten"], "allergens": ["wheat"]},
  {"terms": ["생선", "fish"], "allergens": ["fish", "mackerel"], "animals": ["fish"]},
  {"terms": ["버섯"], "kinds": ["mushroom"]}
]`

func testLexicon(t testing.TB) *domain.Lexicon {
	t.Helper()
	l, err := domain.LoadLexicon(fstest.MapFS{
		"ingredients_test.json": {Data: []byte(testIngredients)},
		"allergies.json":        {Data: []byte(testAllergies)},
	})
	if err != nil {
		t.Fatalf("LoadLexicon(test data) error = %v", err)
	}
	return l
}

func TestLexiconLookup(t *testing.T) {
	l := testLexicon(t)
	tests := []struct {
		give string
		want string // canonical name, "" when unknown
	}{
		{give: "달걀", want: "계란"},
		{give: "Eggs", want: "계란"},
		{give: "EGG", want: "계란"},
		{give: "대파 ", want: "대파"},
		{give: "  Spring   Onion ", want: "대파"},
		{give: "다진 마늘", want: "마늘"},
		{give: "다진마늘", want: "마늘"},
		{give: "돼지고기 앞다리살", want: "돼지고기"},
		{give: "삼겹살", want: "돼지고기"},
		{give: "감자 전분", want: "전분"},
		{give: "potatoes", want: "감자"},
		{give: "aubergines", want: "가지"},
		{give: "\u1100\u1175\u11B7\u110E\u1175", want: "김치"}, // decomposed jamo, as macOS may send
		{give: "김", want: "김"},
		{give: "무", want: "무"},
		{give: "배", want: "배"},
		{give: "망고스틴", want: ""},
		{give: "eggnog", want: ""},
		{give: "", want: ""},
		{give: "!!!", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, ok := l.Lookup(tt.give)
			if got.Name != tt.want || ok != (tt.want != "") {
				t.Errorf("Lookup(%q) = %q, %v, want %q", tt.give, got.Name, ok, tt.want)
			}
		})
	}
}

func TestLexiconLookupInfo(t *testing.T) {
	got, ok := testLexicon(t).Lookup("소금")
	want := domain.IngredientInfo{Name: "소금", English: "salt", Kind: "seasoning", Staple: true}
	if diff := cmp.Diff(want, got); diff != "" || !ok {
		t.Errorf("Lookup(소금) = %v (-want +got):\n%s", ok, diff)
	}
	got, _ = testLexicon(t).Lookup("진간장")
	want = domain.IngredientInfo{Name: "간장", English: "soy sauce", Kind: "sauce",
		Allergens: []domain.Allergen{"soy", "wheat"}, Staple: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Lookup(진간장) (-want +got):\n%s", diff)
	}
}

func TestLexiconLookupCopiesAllergens(t *testing.T) {
	l := testLexicon(t)
	got, _ := l.Lookup("계란")
	got.Allergens[0] = "nothing"
	if again, _ := l.Lookup("계란"); again.Allergens[0] != "egg" {
		t.Errorf("Lookup(계란) after changing a returned slice = %v, want [egg]", again.Allergens)
	}
}

func TestLexiconMentions(t *testing.T) {
	l := testLexicon(t)
	tests := []struct {
		give string
		want []string
	}{
		{give: "돼지고기 앞다리살 200g", want: []string{"돼지고기"}},
		{give: "2 eggs, beaten", want: []string{"계란"}},
		{give: "김치 1/4포기, 김 2장", want: []string{"김치", "김"}},
		{give: "김치찌개용 신김치", want: []string{"김치"}},
		{give: "김밥 재료", want: nil},
		{give: "eggplant 1, sliced", want: []string{"가지"}},
		{give: "1 Eggplant and 2 EGGS", want: []string{"가지", "계란"}},
		{give: "eggnog", want: nil},
		{give: "무 1/4개, 배 반 개", want: []string{"무", "배"}},
		{give: "무를 썰고 배추를 절인다", want: []string{"무", "배추"}},
		{give: "무침용 배추", want: []string{"배추"}},
		{give: "밥 1공기", want: []string{"밥"}},
		{give: "밥과 김", want: []string{"밥", "김"}},
		{give: "볶음밥", want: nil},
		{give: "다진마늘 1큰술과 파 약간", want: []string{"마늘", "대파"}},
		{give: "파프리카 1개", want: nil},
		{give: "salt and crab", want: []string{"소금", "꽃게"}},
		{give: "onion, green onion, garlic", want: []string{"양파", "대파", "마늘"}},
		{give: "fried rice", want: []string{"밥"}},
		{give: "butterfly", want: nil},
		{give: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var got []string
			for _, info := range l.Mentions(tt.give) {
				got = append(got, info.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Mentions(%q) (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestLexiconAllergy(t *testing.T) {
	l := testLexicon(t)
	tests := []struct {
		give string
		want []string // the test ingredients the allergy excludes
	}{
		{give: "난류", want: []string{"계란"}},
		{give: "Egg", want: []string{"계란"}},
		{give: "갑각류", want: []string{"김치", "새우", "꽃게"}},
		{give: "shellfish allergy", want: []string{"김치", "새우", "꽃게"}},
		{give: "dairy", want: []string{"우유", "버터"}},
		{give: "유제품", want: []string{"우유", "버터"}},
		{give: "견과류", want: []string{"땅콩", "호두"}},
		{give: "gluten-free", want: []string{"간장", "밀가루"}},
		{give: "밀 알레르기", want: []string{"간장", "밀가루"}},
		{give: "생선", want: []string{"멸치액젓"}},
		{give: "버섯", want: []string{"표고버섯"}},
		{give: "양파", want: []string{"양파"}},
		{give: "onions", want: []string{"양파"}},
		{give: "파", want: []string{"대파", "양파"}}, // names containing the text: broad on purpose
		{give: "배추", want: []string{"배추"}},
		{give: "키위", want: nil},
		{give: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			set := l.Allergy(tt.give)
			var got []string
			for _, name := range testNames(t) {
				if info, _ := l.Lookup(name); set.Excludes(info) {
					got = append(got, info.Name)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Allergy(%q) excludes (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

// testNames lists the canonical names of testIngredients in file order.
func testNames(t *testing.T) []string {
	t.Helper()
	var names []string
	for line := range strings.Lines(testIngredients) {
		if _, rest, ok := strings.Cut(line, `{"name": "`); ok {
			name, _, _ := strings.Cut(rest, `"`)
			names = append(names, name)
		}
	}
	return names
}

func TestLexiconViolatesAllergies(t *testing.T) {
	l := testLexicon(t)
	tests := []struct {
		give      string
		allergies []string
		want      bool
	}{
		{give: "새우 100g", allergies: []string{"갑각류"}, want: true},
		{give: "칵테일새우 10마리", allergies: []string{"shellfish"}, want: true},
		{give: "2 eggs, beaten", allergies: []string{"난류"}, want: true},
		{give: "eggplant 1", allergies: []string{"egg"}, want: false},
		{give: "버터 1큰술", allergies: []string{"땅콩", "우유"}, want: true},
		{give: "butter 1 tbsp", allergies: []string{"dairy"}, want: true},
		{give: "양파 1/2개", allergies: []string{"양파"}, want: true},
		{give: "대파 1대", allergies: []string{"양파"}, want: false},
		{give: "키위 1개", allergies: []string{"키위"}, want: true},
		{give: "kiwis 2", allergies: []string{"kiwi"}, want: true},
		{give: "배추김치 200g", allergies: []string{"새우"}, want: true},
		{give: "진간장 2큰술", allergies: []string{"gluten"}, want: true},
		{give: "감자 2개", allergies: []string{"땅콩", "갑각류", "dairy"}, want: false},
		{give: "감자 2개", allergies: nil, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := l.ViolatesAllergies(tt.give, tt.allergies); got != tt.want {
				t.Errorf("ViolatesAllergies(%q, %q) = %v, want %v", tt.give, tt.allergies, got, tt.want)
			}
		})
	}
}

func TestIngredientInfoFits(t *testing.T) {
	l := testLexicon(t)
	tests := []struct {
		give string
		want map[domain.Diet]bool
	}{
		{give: "감자", want: map[domain.Diet]bool{domain.Vegan: true, domain.Vegetarian: true, domain.Pescatarian: true}},
		{give: "계란", want: map[domain.Diet]bool{domain.Vegan: false, domain.Vegetarian: true, domain.Pescatarian: true}},
		{give: "우유", want: map[domain.Diet]bool{domain.Vegan: false, domain.Vegetarian: true, domain.Pescatarian: true}},
		{give: "꿀", want: map[domain.Diet]bool{domain.Vegan: false, domain.Vegetarian: true, domain.Pescatarian: true}},
		{give: "멸치액젓", want: map[domain.Diet]bool{domain.Vegan: false, domain.Vegetarian: false, domain.Pescatarian: true}},
		{give: "김치", want: map[domain.Diet]bool{domain.Vegan: false, domain.Vegetarian: false, domain.Pescatarian: true}},
		{give: "돼지고기", want: map[domain.Diet]bool{domain.Vegan: false, domain.Vegetarian: false, domain.Pescatarian: false}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			info, _ := l.Lookup(tt.give)
			got := map[domain.Diet]bool{}
			for d := range tt.want {
				got[d] = info.Fits(d)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%q).Fits (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestParseDiet(t *testing.T) {
	tests := []struct {
		give   string
		want   domain.Diet
		wantOK bool
	}{
		{give: "vegetarian", want: domain.Vegetarian, wantOK: true},
		{give: "Vegetarian ", want: domain.Vegetarian, wantOK: true},
		{give: "채식", want: domain.Vegetarian, wantOK: true},
		{give: "채식 식단", want: domain.Vegetarian, wantOK: true},
		{give: "lacto-ovo vegetarian", want: domain.Vegetarian, wantOK: true},
		{give: "vegan", want: domain.Vegan, wantOK: true},
		{give: "비건", want: domain.Vegan, wantOK: true},
		{give: "plant-based", want: domain.Vegan, wantOK: true},
		{give: "pescatarian", want: domain.Pescatarian, wantOK: true},
		{give: "페스코", want: domain.Pescatarian, wantOK: true},
		{give: "pesco vegetarian", want: domain.Pescatarian, wantOK: true},
		{give: "none", want: "", wantOK: false},
		{give: "keto", want: "", wantOK: false},
		{give: "", want: "", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, ok := domain.ParseDiet(tt.give)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseDiet(%q) = %q, %v, want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestPantryStaples(t *testing.T) {
	got := domain.PantryStaples()
	want := []string{"소금", "후추", "설탕", "간장", "식용유", "참기름", "깨", "마늘", "고춧가루", "고추장", "된장", "식초", "물"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PantryStaples() (-want +got):\n%s", diff)
	}
	got[0] = "changed"
	if domain.PantryStaples()[0] != "소금" {
		t.Error("PantryStaples() shares its slice with the caller")
	}
	for i, p := range domain.Pantry() {
		if p.Name != want[i] || len(p.Reason) < 10 {
			t.Errorf("Pantry()[%d] = %+v, want %s with a reason", i, p, want[i])
		}
	}
}

func TestLoadLexiconErrors(t *testing.T) {
	const garlic = `{"name": "마늘", "en": "garlic", "aliases": ["다진 마늘"], "kind": "vegetable", "animal": "", "allergens": []}`
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error; nil when loading succeeds
	}{
		{
			name: "same ingredient in two files merges aliases",
			files: map[string]string{
				"ingredients_a.json": `[` + garlic + `]`,
				"ingredients_b.json": `[{"name": "마늘", "en": "garlic", "aliases": ["깐마늘"], "kind": "vegetable", "animal": "", "allergens": []}]`,
			},
		},
		{
			name: "alias claimed by two ingredients",
			files: map[string]string{
				"ingredients_a.json": `[{"name": "대파", "en": "green onion", "aliases": ["파"], "kind": "vegetable", "animal": "", "allergens": []}]`,
				"ingredients_b.json": `[{"name": "쪽파", "en": "chive scallion", "aliases": ["파"], "kind": "vegetable", "animal": "", "allergens": []}]`,
			},
			want: []string{`alias "파"`, "대파 (ingredients_a.json)", "쪽파 (ingredients_b.json)"},
		},
		{
			name: "files disagree on allergens",
			files: map[string]string{
				"ingredients_a.json": `[{"name": "김치", "en": "kimchi", "aliases": [], "kind": "kimchi", "animal": "seafood", "allergens": ["shrimp"]}]`,
				"ingredients_b.json": `[{"name": "김치", "en": "kimchi", "aliases": [], "kind": "kimchi", "animal": "seafood", "allergens": ["shrimp", "fish"]}]`,
			},
			want: []string{"ingredients_a.json and ingredients_b.json disagree on 김치"},
		},
		{
			name: "files disagree on animal",
			files: map[string]string{
				"ingredients_a.json": `[{"name": "김치", "en": "kimchi", "aliases": [], "kind": "kimchi", "animal": "seafood", "allergens": []}]`,
				"ingredients_b.json": `[{"name": "김치", "en": "kimchi", "aliases": [], "kind": "kimchi", "animal": "", "allergens": []}]`,
			},
			want: []string{"disagree on 김치"},
		},
		{
			name: "unknown enum values",
			files: map[string]string{
				"ingredients_a.json": `[{"name": "두부", "en": "tofu", "aliases": [], "kind": "soy", "animal": "plant", "allergens": ["soya"]}]`,
			},
			want: []string{`unknown kind "soy"`, `unknown animal "plant"`, `allergen "soya"`},
		},
		{
			name: "same name twice in one file",
			files: map[string]string{
				"ingredients_a.json": `[` + garlic + `,` + garlic + `]`,
			},
			want: []string{"마늘 is defined twice"},
		},
		{
			name: "unknown field",
			files: map[string]string{
				"ingredients_a.json": `[{"name": "마늘", "en": "garlic", "kind": "vegetable", "colour": "white"}]`,
			},
			want: []string{"ingredients_a.json", "colour"},
		},
		{
			name: "allergy table names an unknown allergen",
			files: map[string]string{
				"ingredients_a.json": `[` + garlic + `]`,
				"allergies.json":     `[{"terms": ["마늘"], "allergens": ["garlic"]}]`,
			},
			want: []string{`unknown allergen "garlic"`},
		},
		{
			name: "hidden allergens the ingredient does not list",
			files: map[string]string{
				"ingredients_a.json": `[` + garlic + `]`,
				"hidden_allergens.json": `[{"ingredient": "마늘", "allergen": "shrimp", "ko": "새우젓", "en": "salted shrimp"},
					{"ingredient": "양파", "allergen": "shrimp", "ko": "새우젓", "en": "salted shrimp"}]`,
			},
			want: []string{`마늘 does not list the allergen "shrimp"`, `unknown ingredient "양파"`},
		},
		{
			name:  "no ingredient file",
			files: map[string]string{"allergies.json": `[]`},
			want:  []string{"no ingredients_*.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := domain.LoadLexicon(fsys)
			if (err != nil) != (tt.want != nil) {
				t.Fatalf("LoadLexicon() error = %v, want one containing %q", err, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("LoadLexicon() error = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadLexiconMergesAliases(t *testing.T) {
	l, err := domain.LoadLexicon(fstest.MapFS{
		"ingredients_a.json": {Data: []byte(`[{"name": "마늘", "en": "garlic", "aliases": ["다진 마늘"], "kind": "vegetable", "animal": "", "allergens": []}]`)},
		"ingredients_b.json": {Data: []byte(`[{"name": "마늘", "en": "garlic", "aliases": ["깐마늘"], "kind": "vegetable", "animal": "", "allergens": []}]`)},
	})
	if err != nil {
		t.Fatalf("LoadLexicon() error = %v", err)
	}
	for _, name := range []string{"다진 마늘", "깐마늘", "Garlic"} {
		if got, _ := l.Lookup(name); got.Name != "마늘" {
			t.Errorf("Lookup(%q) = %q, want 마늘", name, got.Name)
		}
	}
}

func TestDefaultLexicon(t *testing.T) {
	l := domain.DefaultLexicon() // panics on broken embedded data
	for _, name := range domain.PantryStaples() {
		info, ok := l.Lookup(name)
		if !ok || info.Name != name || !info.Staple {
			t.Errorf("DefaultLexicon().Lookup(%q) = %+v, %v, want the staple itself", name, info, ok)
		}
	}
}

func TestDefaultLexiconLoads(t *testing.T) {
	if _, err := domain.LoadLexicon(os.DirFS("lexicon")); err != nil {
		t.Fatalf("LoadLexicon(domain/lexicon) error = %v", err)
	}
}

func TestDefaultLexiconLookup(t *testing.T) {
	l := domain.DefaultLexicon()
	tests := []struct{ give, want string }{
		{give: "달걀", want: "계란"},
		{give: "Eggs", want: "계란"},
		{give: "대파 ", want: "대파"},
		{give: "다진 마늘", want: "마늘"},
		{give: "돼지고기 앞다리살", want: "돼지고기"},
		{give: "삼겹살", want: "돼지고기"},
		{give: "닭가슴살", want: "닭고기"},
		{give: "ground beef", want: "소고기"},
		{give: "배추김치", want: "김치"},
		{give: "스팸", want: "햄"},
		{give: "참치", want: "참치캔"},
		{give: "오뎅", want: "어묵"},
		{give: "떡볶이떡", want: "떡"},
		{give: "신라면", want: "라면"},
		{give: "칼국수", want: "칼국수면"},
		{give: "감자전분", want: "전분"},
		{give: "Spring Onions", want: "대파"},
		{give: "mozzarella cheese", want: "모차렐라치즈"},
		{give: "햇반", want: "밥"},
	}
	for _, tt := range tests {
		if got, _ := l.Lookup(tt.give); got.Name != tt.want {
			t.Errorf("DefaultLexicon().Lookup(%q) = %q, want %q", tt.give, got.Name, tt.want)
		}
	}
}

func TestDefaultLexiconMentions(t *testing.T) {
	l := domain.DefaultLexicon()
	tests := []struct {
		give string
		want []string
	}{
		{give: "돼지고기 앞다리살 200g", want: []string{"돼지고기"}},
		{give: "2 eggs, beaten", want: []string{"계란"}},
		{give: "1 eggplant, diced", want: []string{"가지"}},
		{give: "김치 1/4포기와 김 2장", want: []string{"김치", "김"}},
		{give: "salt and pepper to taste", want: []string{"소금", "후추"}},
		{give: "고추장 2큰술, 고춧가루 1큰술", want: []string{"고추장", "고춧가루"}},
		{give: "peanut butter 2 tbsp", want: []string{"땅콩버터"}},
		{give: "무 1/4개, 배 1/2개", want: []string{"무", "배"}},
		{give: "새우젓 1작은술", want: []string{"새우젓"}},
		{give: "oyster sauce 1 tbsp", want: []string{"굴소스"}},
		{give: "김밥용 단무지", want: []string{"단무지"}},
	}
	for _, tt := range tests {
		var got []string
		for _, info := range l.Mentions(tt.give) {
			got = append(got, info.Name)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("DefaultLexicon().Mentions(%q) (-want +got):\n%s", tt.give, diff)
		}
	}
}

func TestDefaultLexiconAllergies(t *testing.T) {
	l := domain.DefaultLexicon()
	tests := []struct {
		allergy  string
		excludes []string
		keeps    []string
	}{
		{allergy: "갑각류", excludes: []string{"새우", "꽃게", "새우젓", "김치"}, keeps: []string{"오징어", "두부"}},
		{allergy: "shellfish", excludes: []string{"새우", "꽃게", "바지락", "굴"}, keeps: []string{"고등어"}},
		{allergy: "조개류", excludes: []string{"바지락", "홍합", "굴", "굴소스"}, keeps: []string{"새우"}},
		{allergy: "견과류", excludes: []string{"땅콩", "호두", "잣", "아몬드"}, keeps: []string{"깨"}},
		{allergy: "nuts", excludes: []string{"땅콩", "호두", "캐슈넛"}, keeps: []string{"밥"}},
		{allergy: "우유", excludes: []string{"우유", "치즈", "버터", "생크림"}, keeps: []string{"두부"}},
		{allergy: "dairy", excludes: []string{"우유", "요거트"}, keeps: []string{"계란"}},
		{allergy: "gluten", excludes: []string{"밀가루", "간장", "라면", "부침가루"}, keeps: []string{"쌀", "감자"}},
		{allergy: "대두", excludes: []string{"두부", "된장", "간장"}, keeps: []string{"감자"}},
		{allergy: "메밀", excludes: []string{"메밀면"}, keeps: []string{"소면"}},
		{allergy: "난류", excludes: []string{"계란", "마요네즈"}, keeps: []string{"두부"}},
		{allergy: "생선", excludes: []string{"고등어", "멸치", "참치캔", "어묵", "멸치액젓"}, keeps: []string{"새우"}},
		{allergy: "해산물", excludes: []string{"고등어", "새우", "오징어", "바지락", "낙지"}, keeps: []string{"돼지고기"}},
		{allergy: "참깨", excludes: []string{"깨", "참기름"}, keeps: []string{"들기름"}},
		{allergy: "돼지고기", excludes: []string{"돼지고기", "햄", "베이컨"}, keeps: []string{"소고기"}},
		{allergy: "소고기", excludes: []string{"소고기"}, keeps: []string{"닭고기"}},
		{allergy: "토마토", excludes: []string{"토마토", "방울토마토", "케첩"}, keeps: []string{"파프리카"}},
		{allergy: "양파", excludes: []string{"양파"}, keeps: []string{"대파", "마늘"}},
	}
	for _, tt := range tests {
		set := l.Allergy(tt.allergy)
		for _, name := range append(slices.Clone(tt.excludes), tt.keeps...) {
			info, ok := l.Lookup(name)
			if !ok {
				t.Errorf("DefaultLexicon().Lookup(%q) found nothing", name)
				continue
			}
			if got, want := set.Excludes(info), slices.Contains(tt.excludes, name); got != want {
				t.Errorf("Allergy(%q).Excludes(%s) = %v, want %v", tt.allergy, name, got, want)
			}
		}
	}
}

func FuzzLexicon(f *testing.F) {
	for _, s := range []string{"돼지고기 앞다리살 200g", "2 eggs, beaten", "김치 1/4포기", "egg", "eg", "무를", "\u1100\u1161", "파 ", "ｅｇｇ"} {
		f.Add(s, "계란")
	}
	l := domain.DefaultLexicon()
	f.Fuzz(func(t *testing.T, text, allergy string) {
		for _, info := range l.Mentions(text) {
			if got, ok := l.Lookup(info.Name); !ok || got.Name != info.Name {
				t.Errorf("Mentions(%q) found %q, which Lookup resolves to %q, %v", text, info.Name, got.Name, ok)
			}
		}
		if info, ok := l.Lookup(text); ok && !l.ViolatesAllergies(info.Name, []string{text}) {
			t.Errorf("ViolatesAllergies(%q, [%q]) = false, want true: it names that ingredient", info.Name, text)
		}
		_ = l.ViolatesAllergies(text, []string{allergy})
		_ = l.Allergy(allergy).Excludes(domain.IngredientInfo{Name: text, English: text})
	})
}
