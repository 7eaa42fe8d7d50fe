package domain

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Lexicon maps the names people and AIs write for ingredients to canonical ingredients,
// and allergy texts to what they exclude. It is read-only after loading and safe for
// concurrent use.
type Lexicon struct {
	infos     []IngredientInfo
	keys      map[string]int              // folded name, English name or alias → index into infos
	patterns  patternIndex                // what Mentions looks for, by first rune, longest first
	allergies map[string]AllergySet       // folded allergy term → what it excludes
	hidden    map[string][]HiddenAllergen // canonical name → allergens its name does not give away
}

// pattern is one folded name that Mentions looks for in text.
type pattern struct {
	text       string
	id         int
	wordStart  bool // Latin: not inside a longer word
	wordEnd    bool // Latin: followed by a non-letter or a plural ending
	singleChar bool // one Hangul syllable: a whole word, particles allowed
}

//go:embed lexicon/*.json
var lexiconFiles embed.FS

// DefaultLexicon returns the lexicon built into the binary, parsed on first use. It
// panics if the embedded data is broken, which a test rules out.
func DefaultLexicon() *Lexicon { return defaultLexicon() }

var defaultLexicon = sync.OnceValue(func() *Lexicon {
	sub, err := fs.Sub(lexiconFiles, "lexicon")
	if err == nil {
		var l *Lexicon
		if l, err = LoadLexicon(sub); err == nil {
			return l
		}
	}
	panic(fmt.Sprintf("embedded lexicon: %v", err))
})

// ingredientRecord is one entry of an ingredients_*.json file. encoding/json matches its
// fields to the file's keys case-insensitively, so no tags are needed.
type ingredientRecord struct {
	Name      string
	En        string
	Aliases   []string
	Kind      string
	Animal    Animal
	Allergens []Allergen
}

// allergyRecord is one entry of allergies.json: terms a user may write for an allergy and
// what they exclude.
type allergyRecord struct {
	Terms       []string
	Allergens   []Allergen
	Animals     []Animal
	Kinds       []string
	Ingredients []string
}

var (
	knownKinds = []string{"vegetable", "mushroom", "fruit", "grain", "noodle", "bread", "legume", "tofu",
		"nut", "seed", "meat", "poultry", "processed-meat", "fish", "seafood", "egg", "dairy", "seaweed",
		"kimchi", "seasoning", "sauce", "oil", "other"}
	knownAnimals   = []Animal{AnimalNone, AnimalMeat, AnimalPoultry, AnimalFish, AnimalSeafood, AnimalEgg, AnimalDairy, AnimalHoney}
	knownAllergens = []Allergen{"egg", "milk", "buckwheat", "peanut", "soy", "wheat", "mackerel", "crab",
		"shrimp", "pork", "peach", "tomato", "sulfite", "walnut", "chicken", "beef", "squid", "shellfish",
		"pinenut", "fish", "sesame", "tree-nut"}
)

// LoadLexicon merges every ingredients_*.json at the root of fsys, and allergies.json and
// hidden_allergens.json when present. One ingredient may appear in several files, which must then agree on its
// English name, kind, animal and allergens; its aliases are merged. An alias claimed by two
// ingredients, an unknown enum value or a malformed file is an error; all of them are
// reported together.
func LoadLexicon(fsys fs.FS) (*Lexicon, error) {
	files, err := fs.Glob(fsys, "ingredients_*.json")
	if err != nil {
		return nil, fmt.Errorf("load lexicon: %w", err)
	}
	if len(files) == 0 {
		return nil, errors.New("load lexicon: no ingredients_*.json file")
	}
	b := newLexiconBuilder()
	for _, file := range files {
		var records []ingredientRecord
		if err := readJSON(fsys, file, &records); err != nil {
			b.errs = append(b.errs, err)
			continue
		}
		for _, r := range records {
			b.addIngredient(file, r)
		}
	}
	var rules []allergyRecord
	switch err := readJSON(fsys, "allergies.json", &rules); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		b.errs = append(b.errs, err)
	default:
		for _, r := range rules {
			b.addAllergy(r)
		}
	}
	var hidden []hiddenRecord
	switch err := readJSON(fsys, "hidden_allergens.json", &hidden); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		b.errs = append(b.errs, err)
	default:
		for _, r := range hidden {
			b.addHidden(r)
		}
	}
	if err := errors.Join(b.errs...); err != nil {
		return nil, fmt.Errorf("load lexicon: %w", err)
	}
	b.indexPatterns()
	return b.lex, nil
}

// readJSON decodes one file strictly: unknown keys and trailing data are errors.
func readJSON(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if dec.More() {
		return fmt.Errorf("%s: data after the top-level value", name)
	}
	return nil
}

type lexiconBuilder struct {
	lex      *Lexicon
	byName   map[string]int
	fileOf   []string           // the file that first defined each ingredient
	defined  map[[2]string]bool // file and name of every entry read
	keyOwner map[string]string  // folded key → the file that registered it
	reported map[string]bool    // keys already reported as claimed twice
	errs     []error
}

func newLexiconBuilder() *lexiconBuilder {
	return &lexiconBuilder{
		lex: &Lexicon{keys: map[string]int{}, allergies: map[string]AllergySet{},
			hidden: map[string][]HiddenAllergen{}},
		byName:   map[string]int{},
		keyOwner: map[string]string{},
		defined:  map[[2]string]bool{},
		reported: map[string]bool{},
	}
}

func (b *lexiconBuilder) fail(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf(format, args...))
}

func (b *lexiconBuilder) addIngredient(file string, r ingredientRecord) {
	if r.Name == "" || r.Name != strings.TrimSpace(r.Name) || r.En == "" || r.En != strings.ToLower(strings.TrimSpace(r.En)) {
		b.fail("%s: ingredient %q (%q): name and en must be non-empty and trimmed, en lower case", file, r.Name, r.En)
		return
	}
	if !slices.Contains(knownKinds, r.Kind) {
		b.fail("%s: %s: unknown kind %q", file, r.Name, r.Kind)
	}
	if !slices.Contains(knownAnimals, r.Animal) {
		b.fail("%s: %s: unknown animal %q", file, r.Name, r.Animal)
	}
	for i, a := range r.Allergens {
		if !slices.Contains(knownAllergens, a) || slices.Contains(r.Allergens[:i], a) {
			b.fail("%s: %s: unknown or repeated allergen %q", file, r.Name, a)
		}
	}
	if b.defined[[2]string{file, r.Name}] {
		b.fail("%s: %s is defined twice", file, r.Name)
	}
	b.defined[[2]string{file, r.Name}] = true
	id, seen := b.byName[r.Name]
	if !seen {
		id = len(b.lex.infos)
		b.byName[r.Name] = id
		b.fileOf = append(b.fileOf, file)
		b.lex.infos = append(b.lex.infos, IngredientInfo{
			Name: r.Name, English: r.En, Kind: r.Kind, Animal: r.Animal,
			Allergens: nilIfEmpty(r.Allergens), Staple: slices.Contains(pantryStaples, r.Name),
		})
	} else {
		old, first := b.lex.infos[id], b.fileOf[id]
		if old.English != r.En || old.Kind != r.Kind || old.Animal != r.Animal || !sameAllergens(old.Allergens, r.Allergens) {
			b.fail("%s and %s disagree on %s: %s says en %q, kind %q, animal %q, allergens %v; %s says en %q, kind %q, animal %q, allergens %v",
				first, file, r.Name, first, old.English, old.Kind, old.Animal, old.Allergens,
				file, r.En, r.Kind, r.Animal, r.Allergens)
		}
	}
	for _, alias := range append([]string{r.Name, r.En}, r.Aliases...) {
		k := foldKey(alias)
		b.claim(file, alias, k, id)
		if strings.Contains(k, " ") && strings.ContainsFunc(k, isHangul) {
			b.claim(file, alias, strings.ReplaceAll(k, " ", ""), id)
		}
	}
}

// claim registers key as a name of ingredient id, reporting a key that already names
// another ingredient, once.
func (b *lexiconBuilder) claim(file, alias, key string, id int) {
	if key == "" {
		b.fail("%s: %s has an empty alias", file, b.lex.infos[id].Name)
		return
	}
	other, taken := b.lex.keys[key]
	switch {
	case !taken:
		b.lex.keys[key] = id
		b.keyOwner[key] = file
	case other != id && !b.reported[key]:
		b.reported[key] = true
		b.fail("alias %q is claimed by %s (%s) and by %s (%s)",
			alias, b.lex.infos[other].Name, b.keyOwner[key], b.lex.infos[id].Name, file)
	}
}

func nilIfEmpty(a []Allergen) []Allergen {
	if len(a) == 0 {
		return nil
	}
	return slices.Clip(a)
}

func sameAllergens(a, b []Allergen) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func (b *lexiconBuilder) addAllergy(r allergyRecord) {
	set := AllergySet{allergens: r.Allergens, animals: r.Animals, kinds: r.Kinds}
	for _, a := range r.Allergens {
		if !slices.Contains(knownAllergens, a) {
			b.fail("allergies.json: %v: unknown allergen %q", r.Terms, a)
		}
	}
	for _, a := range r.Animals {
		if a == AnimalNone || !slices.Contains(knownAnimals, a) {
			b.fail("allergies.json: %v: unknown animal %q", r.Terms, a)
		}
	}
	for _, k := range r.Kinds {
		if !slices.Contains(knownKinds, k) {
			b.fail("allergies.json: %v: unknown kind %q", r.Terms, k)
		}
	}
	for _, name := range r.Ingredients {
		if _, ok := b.byName[name]; !ok {
			b.fail("allergies.json: %v: unknown ingredient %q", r.Terms, name)
		}
		set.names = append(set.names, name)
	}
	if len(r.Terms) == 0 {
		b.fail("allergies.json: an entry without terms")
	}
	for _, t := range r.Terms {
		k := foldKey(t)
		if _, dup := b.lex.allergies[k]; dup || k == "" {
			b.fail("allergies.json: term %q is empty or repeated", t)
		}
		b.lex.allergies[k] = set
	}
}

// hiddenRecord is one entry of hidden_allergens.json: an allergen an ingredient usually
// contains although its name does not say so, and what carries it in both languages.
type hiddenRecord struct {
	Ingredient string
	Allergen   Allergen
	Ko, En     string
}

// addHidden checks that the ingredient is known and that its allergens already list the
// hidden one, so that the lexicon excludes what it explains.
func (b *lexiconBuilder) addHidden(r hiddenRecord) {
	id, ok := b.byName[r.Ingredient]
	switch {
	case !ok:
		b.fail("hidden_allergens.json: unknown ingredient %q", r.Ingredient)
		return
	case !slices.Contains(b.lex.infos[id].Allergens, r.Allergen):
		b.fail("hidden_allergens.json: %s does not list the allergen %q", r.Ingredient, r.Allergen)
	case r.Ko == "" || r.En == "":
		b.fail("hidden_allergens.json: %s %s: ko and en must say what carries it", r.Ingredient, r.Allergen)
	case slices.ContainsFunc(b.lex.hidden[r.Ingredient], func(h HiddenAllergen) bool { return h.Allergen == r.Allergen }):
		b.fail("hidden_allergens.json: %s %s is listed twice", r.Ingredient, r.Allergen)
	}
	b.lex.hidden[r.Ingredient] = append(b.lex.hidden[r.Ingredient], HiddenAllergen{
		Ingredient: r.Ingredient, Allergen: r.Allergen, Carrier: r.Ko, CarrierEn: r.En,
	})
}

// indexPatterns prepares Mentions: every key becomes a pattern under its first rune,
// longest first so that "김치" wins over "김".
func (b *lexiconBuilder) indexPatterns() {
	byRune := map[rune][]pattern{}
	for k, id := range b.lex.keys {
		first, _ := utf8.DecodeRuneInString(k)
		last, _ := utf8.DecodeLastRuneInString(k)
		byRune[first] = append(byRune[first], pattern{
			text:       k,
			id:         id,
			wordStart:  isLatin(first),
			wordEnd:    isLatin(last),
			singleChar: utf8.RuneCountInString(k) == 1 && isHangul(first),
		})
	}
	for _, ps := range byRune {
		slices.SortFunc(ps, func(x, y pattern) int {
			if c := len(y.text) - len(x.text); c != 0 {
				return c
			}
			return strings.Compare(x.text, y.text)
		})
	}
	b.lex.patterns = newPatternIndex(byRune)
}
