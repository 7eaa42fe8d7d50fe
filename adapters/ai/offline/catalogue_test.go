package offline

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/naengbu/recipe-ai/domain"
)

// minRecipes is the smallest catalogue the engine ships with.
const minRecipes = 300

func TestCatalogueLint(t *testing.T) {
	records, err := defaultRecords()
	if err != nil {
		t.Fatalf("embedded catalogue: %v", err)
	}
	if len(records) < minRecipes {
		t.Errorf("embedded catalogue has %d recipes, want at least %d", len(records), minRecipes)
	}
	for _, finding := range lintCatalogue(records, domain.DefaultLexicon()) {
		t.Error(finding)
	}
}

func TestFixtureCatalogueLint(t *testing.T) {
	lex, err := domain.LoadLexicon(os.DirFS("testdata/lexicon"))
	if err != nil {
		t.Fatalf("LoadLexicon(testdata) error = %v", err)
	}
	records, err := readCatalogue(os.DirFS("testdata"), "catalogue")
	if err != nil {
		t.Fatalf("readCatalogue(testdata) error = %v", err)
	}
	for _, finding := range lintCatalogue(records, lex) {
		t.Error(finding)
	}
}

func TestNewParsesEmbeddedCatalogue(t *testing.T) {
	g := New() // panics on broken embedded data
	records, _ := defaultRecords()
	if got, want := g.model, fmt.Sprintf("catalogue-v2-%d", len(records)); got != want {
		t.Errorf("New().model = %q, want %q", got, want)
	}
}

var (
	idPattern      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	numberedStep   = regexp.MustCompile(`^\s*\d+\s*[.)]`)
	sentenceEnd    = regexp.MustCompile(`[.!?](\s|$)`)
	koMinutes      = regexp.MustCompile(`(\d+)\s*(?:[~\-–]\s*\d+\s*)?(분|시간)`)
	enMinutes      = regexp.MustCompile(`(?i)(\d+)\s*(?:(?:-|–|to)\s*\d+\s*)?(minutes?|mins?|hours?|hrs?)\b`)
	cuisines       = []string{"korean", "chinese", "japanese", "western", "fusion"}
	categories     = []string{"side", "namul", "stir-fry", "braise", "stew", "soup", "rice-bowl", "rice", "noodles", "pancake", "grill", "fried", "egg", "salad", "pasta", "bread", "snack", "kimchi"}
	difficulties   = []string{"easy", "medium", "hard"}
	allDiets       = []domain.Diet{domain.Vegetarian, domain.Vegan, domain.Pescatarian}
	maxLeftOut     = 9
	minSteps       = 3
	maxSteps       = 10
	minIngredients = 2
	maxIngredients = 15
)

// lintCatalogue checks records against every rule of the catalogue's data format and
// returns one line per broken rule.
func lintCatalogue(records []recipeRecord, lex *domain.Lexicon) []string {
	var findings []string
	add := func(r recipeRecord, format string, args ...any) {
		findings = append(findings, fmt.Sprintf("recipe %s (%s): ", r.ID, r.Name.Ko)+fmt.Sprintf(format, args...))
	}
	ids, namesKo, namesEn := map[string]bool{}, map[string]string{}, map[string]string{}
	for _, r := range records {
		if !idPattern.MatchString(r.ID) || ids[r.ID] {
			add(r, "id %q is not a unique lowercase slug", r.ID)
		}
		ids[r.ID] = true
		for _, n := range []struct {
			seen map[string]string
			name string
		}{{namesKo, r.Name.Ko}, {namesEn, strings.ToLower(r.Name.En)}} {
			if other, dup := n.seen[n.name]; dup || n.name == "" {
				add(r, "name %q is empty or also the name of %s", n.name, other)
			}
			n.seen[n.name] = r.ID
		}
		for _, d := range []string{r.Description.Ko, r.Description.En} {
			if d == "" || len(sentenceEnd.FindAllString(d, -1)) > 1 || strings.Contains(d, "\n") {
				add(r, "description %q must be one sentence", d)
			}
		}
		if !slices.Contains(cuisines, r.Cuisine) || !slices.Contains(categories, r.Category) || !slices.Contains(difficulties, r.Difficulty) {
			add(r, "cuisine %q, category %q or difficulty %q is not allowed", r.Cuisine, r.Category, r.Difficulty)
		}
		if r.CookingTime < 3 || r.CookingTime > 240 || r.Servings < 1 || r.Servings > 6 {
			add(r, "cookingTime %d must be 3..240 and servings %d 1..6", r.CookingTime, r.Servings)
		}
		lintIngredients(r, lex, add)
		lintSteps(r, lex, add)
	}
	return findings
}

func lintIngredients(r recipeRecord, lex *domain.Lexicon, add func(recipeRecord, string, ...any)) {
	if n := len(r.Ingredients); n < minIngredients || n > maxIngredients {
		add(r, "has %d ingredients, want %d..%d", n, minIngredients, maxIngredients)
	}
	fits := map[domain.Diet]bool{domain.Vegetarian: true, domain.Vegan: true, domain.Pescatarian: true}
	leftOut := 0
	for i, a := range r.Ingredients {
		info, ok := lex.Lookup(a.Name)
		switch {
		case !ok:
			add(r, "ingredient %q is not in the lexicon", a.Name)
		case info.Name != a.Name:
			add(r, "ingredient %q is an alias; write the canonical %q", a.Name, info.Name)
		}
		if slices.ContainsFunc(r.Ingredients[:i], func(b amount) bool { return b.Name == a.Name }) {
			add(r, "ingredient %q is listed twice", a.Name)
		}
		_, knownUnit := koreanUnits[a.Unit]
		switch {
		case a.Unit == "to_taste" && a.Qty != 0:
			add(r, "ingredient %q: to_taste takes no qty", a.Name)
		case a.Unit != "to_taste" && (!knownUnit || a.Qty <= 0):
			add(r, "ingredient %q: unit %q with qty %v", a.Name, a.Unit, a.Qty)
		}
		switch a.Role {
		case roleMain, roleEssential:
		case roleOptional, roleGarnish:
			leftOut++
		default:
			add(r, "ingredient %q: unknown role %q", a.Name, a.Role)
		}
		if a.Or != "" {
			other, known := lex.Lookup(a.Or)
			switch {
			case !known || other.Name != a.Or:
				add(r, "ingredient %q: stand-in %q is not a canonical ingredient", a.Name, a.Or)
			case a.Role.leftOut() || a.Or == a.Name || slices.ContainsFunc(r.Ingredients, func(b amount) bool { return b.Name == a.Or }):
				add(r, "ingredient %q: stand-in %q for a left-out or listed ingredient", a.Name, a.Or)
			case !fitsLike(other, info):
				add(r, "ingredient %q: stand-in %q fits fewer diets", a.Name, a.Or)
			}
		}
		if !a.Role.leftOut() && ok {
			for _, d := range allDiets {
				fits[d] = fits[d] && info.Fits(d)
			}
		}
	}
	if !slices.ContainsFunc(r.Ingredients, func(a amount) bool {
		info, ok := lex.Lookup(a.Name)
		return a.Role == roleMain && ok && !info.Staple
	}) {
		add(r, "has no main ingredient besides pantry staples")
	}
	if leftOut > maxLeftOut {
		add(r, "has %d ingredients that can be left out, want at most %d", leftOut, maxLeftOut)
	}
	var want []domain.Diet
	for _, d := range allDiets {
		if fits[d] {
			want = append(want, d)
		}
	}
	got := slices.Clone(r.Diet)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		add(r, "diet %q, want %q from its ingredients", r.Diet, want)
	}
}

// fitsLike reports whether the stand-in fits every diet the ingredient fits, so that the
// recipe's diet tags hold whichever the cook uses.
func fitsLike(standIn, info domain.IngredientInfo) bool {
	for _, d := range allDiets {
		if info.Fits(d) && !standIn.Fits(d) {
			return false
		}
	}
	return true
}

func lintSteps(r recipeRecord, lex *domain.Lexicon, add func(recipeRecord, string, ...any)) {
	ko, en := r.Steps.Ko, r.Steps.En
	if len(ko) != len(en) || len(ko) < minSteps || len(ko) > maxSteps {
		add(r, "has %d Korean and %d English steps, want the same number, %d..%d", len(ko), len(en), minSteps, maxSteps)
	}
	for _, s := range slices.Concat(ko, en) {
		if strings.TrimSpace(s) == "" || numberedStep.MatchString(s) {
			add(r, "step %q is empty or numbered", s)
		}
	}
	allKo, allEn := strings.Join(ko, "\n"), strings.ToLower(strings.Join(en, "\n"))
	for _, a := range r.Ingredients {
		if !strings.Contains(allKo, a.Name) {
			add(r, "no Korean step mentions %q", a.Name)
		}
		if info, ok := lex.Lookup(a.Name); ok && !strings.Contains(allEn, info.English) {
			add(r, "no English step mentions %q (%s)", info.English, a.Name)
		}
	}
	koTotal, enTotal := minutes(ko, koMinutes), minutes(en, enMinutes)
	if limit := r.CookingTime + r.CookingTime/10; koTotal > limit || enTotal > limit {
		add(r, "steps take at least %d (ko) / %d (en) minutes, more than cookingTime %d", koTotal, enTotal, r.CookingTime)
	}
}

// parallelStep starts a step done while the one before it runs.
var parallelStep = regexp.MustCompile(`^(그동안|그 사이|동시에|(?i:meanwhile|while))`)

// minutes adds up the times written in steps: the lower end of a range, the longest time
// of a step (whose tasks may run side by side), nothing for a step done meanwhile.
func minutes(steps []string, re *regexp.Regexp) int {
	total := 0
	for _, step := range steps {
		if parallelStep.MatchString(step) {
			continue
		}
		longest := 0
		for _, m := range re.FindAllStringSubmatch(step, -1) {
			n, _ := strconv.Atoi(m[1])
			if strings.HasPrefix(m[2], "시간") || strings.HasPrefix(strings.ToLower(m[2]), "h") {
				n *= 60
			}
			longest = max(longest, n)
		}
		total += longest
	}
	return total
}

func TestLintCatalogueFindsBrokenRules(t *testing.T) {
	lex, err := domain.LoadLexicon(os.DirFS("testdata/lexicon"))
	if err != nil {
		t.Fatalf("LoadLexicon(testdata) error = %v", err)
	}
	records, err := readCatalogue(os.DirFS("testdata"), "catalogue")
	if err != nil {
		t.Fatalf("readCatalogue(testdata) error = %v", err)
	}
	tests := []struct {
		name    string
		breakIt func(r *recipeRecord)
		want    string
	}{
		{name: "id", breakIt: func(r *recipeRecord) { r.ID = "Kimchi Stew" }, want: "not a unique lowercase slug"},
		{name: "enum", breakIt: func(r *recipeRecord) { r.Category = "dessert" }, want: `category "dessert"`},
		{name: "alias", breakIt: func(r *recipeRecord) { r.Ingredients[0].Name = "배추김치" }, want: "is an alias"},
		{name: "unknown", breakIt: func(r *recipeRecord) { r.Ingredients[0].Name = "트러플" }, want: "not in the lexicon"},
		{name: "qty", breakIt: func(r *recipeRecord) { r.Ingredients[0].Qty = 0 }, want: `unit "g" with qty 0`},
		{name: "steps", breakIt: func(r *recipeRecord) { r.Steps.En = r.Steps.En[1:] }, want: "English steps"},
		{name: "numbered", breakIt: func(r *recipeRecord) { r.Steps.Ko[0] = "1. " + r.Steps.Ko[0] }, want: "numbered"},
		{name: "mention", breakIt: func(r *recipeRecord) {
			for i, s := range r.Steps.Ko {
				r.Steps.Ko[i] = strings.ReplaceAll(s, "김치", "배추")
			}
		}, want: `no Korean step mentions "김치"`},
		{name: "diet", breakIt: func(r *recipeRecord) { r.Diet = []domain.Diet{domain.Vegan} }, want: "diet"},
		{name: "time", breakIt: func(r *recipeRecord) { r.CookingTime = 10 }, want: "more than cookingTime 10"},
		{name: "description", breakIt: func(r *recipeRecord) { r.Description.En = "One. Two." }, want: "one sentence"},
		{name: "role", breakIt: func(r *recipeRecord) { r.Ingredients[1].Role = "side" }, want: `unknown role "side"`},
		{name: "main", breakIt: func(r *recipeRecord) { r.Ingredients[0].Role = roleEssential }, want: "no main ingredient"},
		{name: "stand-in alias", breakIt: func(r *recipeRecord) { r.Ingredients[1].Or = "파" }, want: `stand-in "파" is not a canonical`},
		{name: "stand-in listed", breakIt: func(r *recipeRecord) { r.Ingredients[2].Or = "대파" }, want: `stand-in "대파" for a left-out or listed`},
		{name: "stand-in diet", breakIt: func(r *recipeRecord) { r.Ingredients[3].Or = "버터" }, want: `stand-in "버터" fits fewer diets`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broken := slices.Clone(records)
			i := slices.IndexFunc(broken, func(r recipeRecord) bool { return r.ID == "kimchi-jjigae" })
			r := broken[i]
			r.Ingredients = slices.Clone(r.Ingredients)
			r.Steps = stepsRecord{Ko: slices.Clone(r.Steps.Ko), En: slices.Clone(r.Steps.En)}
			tt.breakIt(&r)
			broken[i] = r
			findings := lintCatalogue(broken, lex)
			if !slices.ContainsFunc(findings, func(f string) bool { return strings.Contains(f, tt.want) }) {
				t.Errorf("lintCatalogue(broken %s) = %q, want a finding with %q", tt.name, findings, tt.want)
			}
		})
	}
}
