package offline

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/naengbu/recipe-ai/domain"
)

//go:embed catalogue/*.json
var catalogueFiles embed.FS

// recipeRecord is one recipe as the catalogue files write it (see the data format).
type recipeRecord struct {
	ID          string        `json:"id"`
	Name        localized     `json:"name"`
	Description localized     `json:"description"`
	Cuisine     string        `json:"cuisine"`
	Category    string        `json:"category"`
	Difficulty  string        `json:"difficulty"`
	CookingTime int           `json:"cookingTime"`
	Servings    int           `json:"servings"`
	Ingredients []amount      `json:"ingredients"`
	Steps       stepsRecord   `json:"steps"`
	Diet        []domain.Diet `json:"diet"`
}

type localized struct {
	Ko string `json:"ko"`
	En string `json:"en"`
}

type stepsRecord struct {
	Ko []string `json:"ko"`
	En []string `json:"en"`
}

// amount is one ingredient of a recipe; Qty is 0 only for the unit "to_taste". Role says
// what the recipe needs it for; Or names an ingredient that may stand in for it.
type amount struct {
	Name string  `json:"name"`
	Qty  float64 `json:"qty"`
	Unit string  `json:"unit"`
	Role role    `json:"role"`
	Or   string  `json:"or"`
}

// role is what a recipe needs an ingredient for.
type role string

// The roles of the data format. An essential ingredient has no role written.
const (
	roleEssential role = ""         // the dish needs it
	roleMain      role = "main"     // essential, and what the dish is built on
	roleOptional  role = "optional" // can be left out
	roleGarnish   role = "garnish"  // a finish that can be left out
)

// leftOut reports whether a recipe can be made without the ingredient.
func (r role) leftOut() bool { return r == roleOptional || r == roleGarnish }

// defaultRecords is the embedded catalogue, parsed once.
var defaultRecords = sync.OnceValues(func() ([]recipeRecord, error) {
	return readCatalogue(catalogueFiles, "catalogue")
})

// readCatalogue decodes every *.json recipe file in dir of fsys, in file-name order.
// Unknown keys and trailing data are errors.
func readCatalogue(fsys fs.FS, dir string) ([]recipeRecord, error) {
	files, err := fs.Glob(fsys, dir+"/*.json")
	if err != nil {
		return nil, err
	}
	var all []recipeRecord
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var records []recipeRecord
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&records); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%s: data after the recipe list", name)
		}
		all = append(all, records...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no recipe in %s/*.json", dir)
	}
	return all, nil
}

// catalogue is the recipes compiled for matching: every ingredient a recipe uses gets a
// small index, and each recipe's ingredients become bit sets over those indexes.
type catalogue struct {
	recipes     []recipe
	ingredients []domain.IngredientInfo // by index
	index       map[string]int          // canonical name → index
	weight      []int                   // by index: how much using it counts, see weightOf
	heavy       bitset                  // ingredients of the heaviest weight
	common      bitset                  // ingredients used by at least commonShare of the recipes
	words       int                     // length of every bitset
}

// The weights of a fridge's ingredients when a recipe uses them.
const (
	weightLight = 1 // vegetables, mushrooms, fruit, seaweed, seasonings and the rest
	weightBase  = 2 // eggs, dairy, bread, grains and legumes
	weightHeavy = 3 // what a dish is named after: meat, fish, seafood, tofu, kimchi, noodles, sauces
)

// dishSeasonings are the seasonings and pantry pastes that name a dish as a sauce does:
// named by the user, they weigh as much as a sauce; the other staples they name weigh
// little, since nearly every recipe uses them.
var dishSeasonings = []string{"카레가루", "된장", "고추장"}

// weightOf says how much a recipe's use of info counts when the user has it: the fridge's
// main ingredients (meat, fish, tofu, a named sauce) count most, so that a recipe using them
// ranks above one that leaves them unused.
func weightOf(info domain.IngredientInfo) int {
	switch {
	case slices.Contains(dishSeasonings, info.Name):
		return weightHeavy
	case info.Staple:
		return weightLight
	}
	switch info.Kind {
	case "meat", "poultry", "processed-meat", "fish", "seafood", "tofu", "kimchi", "noodle", "sauce":
		return weightHeavy
	case "egg", "dairy", "bread", "grain", "legume":
		return weightBase
	}
	return weightLight
}

// commonShare is the share of the catalogue's recipes (at least one) that must use an
// ingredient for it to count as common, that is, as one a recipe of
// additionalIngredientsRecipes may ask the user to buy: 3 recipes of 300.
const commonShare = 0.01

type recipe struct {
	recipeRecord
	lines    []line
	uses     bitset        // every ingredient and stand-in, left-out ones and staples included
	mains    bitset        // the ingredients the dish is built on
	mainN    int           // how many mains it has
	required bitset        // essential non-staple ingredients without a stand-in: what the user must have or buy
	either   [][2]int      // essential non-staple ingredients with a non-staple stand-in: one of each pair is needed
	food     bitset        // its non-staple ingredients, left-out ones included
	foodN    int           // how many those are
	diets    []domain.Diet // the diets all its essential ingredients fit
	steps    localized     // its steps numbered one a line, as a recipe's instructions
	idHash   uint64        // breaks ties between equally good recipes
	dupKey   uint64        // equal for two recipes of one dish: their Korean names differ only in spacing
}

type line struct {
	amount
	ingredient int // index into catalogue.ingredients
	or         int // index of the stand-in, -1 when there is none
}

// compile resolves every recipe's ingredients through lex. An ingredient the lexicon does
// not know as a canonical name is an error, and so are base servings below one, which
// scaling divides by. The other rules of the data format are the lint test's.
func compile(records []recipeRecord, lex *domain.Lexicon) (*catalogue, error) {
	c := &catalogue{index: map[string]int{}}
	var errs []error
	for _, r := range records {
		if r.Servings < 1 {
			errs = append(errs, fmt.Errorf("recipe %s: servings %d", r.ID, r.Servings))
		}
		for _, a := range r.Ingredients {
			names := []string{a.Name}
			if a.Or != "" {
				names = append(names, a.Or)
			}
			for _, name := range names {
				info, ok := lex.Lookup(name)
				if !ok || info.Name != name {
					errs = append(errs, fmt.Errorf("recipe %s: %q is not a canonical ingredient", r.ID, name))
					continue
				}
				if _, seen := c.index[name]; !seen {
					c.index[name] = len(c.ingredients)
					c.ingredients = append(c.ingredients, info)
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c.words = (len(c.ingredients) + 63) / 64
	c.heavy = c.newBitset()
	c.weight = make([]int, len(c.ingredients))
	for idx, info := range c.ingredients {
		c.weight[idx] = weightOf(info)
		if c.weight[idx] == weightHeavy {
			c.heavy.set(idx)
		}
	}
	counts := make([]int, len(c.ingredients))
	c.recipes = make([]recipe, len(records))
	for i, r := range records {
		rc := recipe{
			recipeRecord: r,
			uses:         c.newBitset(),
			mains:        c.newBitset(),
			required:     c.newBitset(),
			food:         c.newBitset(),
			steps:        localized{Ko: numbered(r.Steps.Ko), En: numbered(r.Steps.En)},
			idHash:       hashString(r.ID),
		}
		for _, a := range r.Ingredients {
			idx, or := c.index[a.Name], -1
			if a.Or != "" {
				or = c.index[a.Or]
				rc.uses.set(or)
			}
			rc.lines = append(rc.lines, line{amount: a, ingredient: idx, or: or})
			if !rc.uses.has(idx) {
				counts[idx]++
			}
			rc.uses.set(idx)
			if a.Role == roleMain {
				rc.mains.set(idx)
			}
			if !c.ingredients[idx].Staple {
				rc.food.set(idx)
			}
			switch {
			case c.ingredients[idx].Staple, a.Role.leftOut():
			case or >= 0 && c.ingredients[or].Staple: // never missing: the stand-in is at home
			case or >= 0:
				rc.either = append(rc.either, [2]int{idx, or})
			default:
				rc.required.set(idx)
			}
		}
		rc.mainN = rc.mains.count()
		rc.foodN = rc.food.count()
		rc.dupKey = hashString(strings.ReplaceAll(r.Name.Ko, " ", ""))
		for _, d := range []domain.Diet{domain.Vegetarian, domain.Vegan, domain.Pescatarian} {
			if !slices.ContainsFunc(rc.lines, func(l line) bool { return !l.Role.leftOut() && !c.ingredients[l.ingredient].Fits(d) }) {
				rc.diets = append(rc.diets, d)
			}
		}
		c.recipes[i] = rc
	}
	c.common = c.newBitset()
	minRecipes := max(1, int(math.Ceil(commonShare*float64(len(records)))))
	for idx, n := range counts {
		if n >= minRecipes {
			c.common.set(idx)
		}
	}
	return c, nil
}

// bitset is a set of ingredient indexes.
type bitset []uint64

func (c *catalogue) newBitset() bitset { return make(bitset, c.words) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }

// hash returns a hash of the members of b.
func (b bitset) hash() uint64 {
	h := uint64(len(b))
	for _, w := range b {
		h = mix(h ^ w)
	}
	return h
}

// hashString is FNV-1a.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := range len(s) {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// and returns the members b shares with o.
func (b bitset) and(o bitset) bitset {
	out := make(bitset, len(b))
	for i, w := range b {
		out[i] = w & o[i]
	}
	return out
}

// members appends the members of b to out, in increasing order.
func (b bitset) members(out []int) []int {
	for i, w := range b {
		for ; w != 0; w &= w - 1 {
			out = append(out, i*64+bits.TrailingZeros64(w))
		}
	}
	return out
}

// count returns how many members b has.
func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// countAnd returns how many members b shares with o.
func (b bitset) countAnd(o bitset) int {
	n := 0
	for i, w := range b {
		n += bits.OnesCount64(w & o[i])
	}
	return n
}

// countAndNot returns how many members of b are not in o.
func (b bitset) countAndNot(o bitset) int {
	n := 0
	for i, w := range b {
		n += bits.OnesCount64(w &^ o[i])
	}
	return n
}

// subsetOf reports whether every member of b that is not in minus is in o.
func (b bitset) subsetOf(o, minus bitset) bool {
	for i, w := range b {
		if w&^minus[i]&^o[i] != 0 {
			return false
		}
	}
	return true
}

// weigh returns the sum of weight over the members b shares with o.
func (b bitset) weigh(o bitset, weight []int) int {
	sum := 0
	for i, w := range b {
		for x := w & o[i]; x != 0; x &= x - 1 {
			sum += weight[i*64+bits.TrailingZeros64(x)]
		}
	}
	return sum
}

func (b bitset) intersects(o bitset) bool {
	for i, w := range b {
		if w&o[i] != 0 {
			return true
		}
	}
	return false
}
