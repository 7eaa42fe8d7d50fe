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

// amount is one ingredient of a recipe; Qty is 0 only for the unit "to_taste".
type amount struct {
	Name     string  `json:"name"`
	Qty      float64 `json:"qty"`
	Unit     string  `json:"unit"`
	Optional bool    `json:"optional"`
}

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
	common      bitset                  // ingredients used by at least commonShare of the recipes
	words       int                     // length of every bitset
}

// commonShare is the share of the catalogue's recipes (at least one) that must use an
// ingredient for it to count as common, that is, as one a recipe of
// additionalIngredientsRecipes may ask the user to buy: 3 recipes of 300.
const commonShare = 0.01

type recipe struct {
	recipeRecord
	lines    []line
	uses     bitset        // every ingredient, optional ones and staples included
	main     bitset        // non-staple ingredients, optional ones included
	required bitset        // non-optional, non-staple ingredients: what the user must have or buy
	diets    []domain.Diet // the diets all its non-optional ingredients fit
	idHash   uint64        // breaks ties between equally good recipes
}

type line struct {
	amount
	ingredient int // index into catalogue.ingredients
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
			info, ok := lex.Lookup(a.Name)
			if !ok || info.Name != a.Name {
				errs = append(errs, fmt.Errorf("recipe %s: %q is not a canonical ingredient", r.ID, a.Name))
				continue
			}
			if _, seen := c.index[a.Name]; !seen {
				c.index[a.Name] = len(c.ingredients)
				c.ingredients = append(c.ingredients, info)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c.words = (len(c.ingredients) + 63) / 64
	counts := make([]int, len(c.ingredients))
	c.recipes = make([]recipe, len(records))
	for i, r := range records {
		rc := recipe{
			recipeRecord: r,
			uses:         c.newBitset(),
			main:         c.newBitset(),
			required:     c.newBitset(),
			idHash:       hashString(r.ID),
		}
		for _, a := range r.Ingredients {
			idx := c.index[a.Name]
			rc.lines = append(rc.lines, line{amount: a, ingredient: idx})
			if !rc.uses.has(idx) {
				counts[idx]++
			}
			rc.uses.set(idx)
			if c.ingredients[idx].Staple {
				continue
			}
			rc.main.set(idx)
			if !a.Optional {
				rc.required.set(idx)
			}
		}
		for _, d := range []domain.Diet{domain.Vegetarian, domain.Vegan, domain.Pescatarian} {
			if !slices.ContainsFunc(rc.lines, func(l line) bool { return !l.Optional && !c.ingredients[l.ingredient].Fits(d) }) {
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

func (b bitset) intersects(o bitset) bool {
	for i, w := range b {
		if w&o[i] != 0 {
			return true
		}
	}
	return false
}
