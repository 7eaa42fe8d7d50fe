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
	"unicode"
	"unicode/utf8"
)

// Allergen is one allergen key of the ingredient data: Korea's labelled allergens plus
// fish, sesame and tree nuts ("egg", "milk", "shrimp", "tree-nut", …).
type Allergen string

// Animal says which animal product an ingredient is, "" for plant or mineral ones.
type Animal string

// The animal products the dietary rules look at.
const (
	AnimalNone    Animal = ""
	AnimalMeat    Animal = "meat"
	AnimalPoultry Animal = "poultry"
	AnimalFish    Animal = "fish"
	AnimalSeafood Animal = "seafood"
	AnimalEgg     Animal = "egg"
	AnimalDairy   Animal = "dairy"
	AnimalHoney   Animal = "honey"
)

// Diet is a dietary rule a request may ask for.
type Diet string

// The dietary rules the lexicon knows.
const (
	Vegetarian  Diet = "vegetarian"  // no meat, poultry, fish or seafood
	Vegan       Diet = "vegan"       // no animal product at all
	Pescatarian Diet = "pescatarian" // no meat or poultry
)

// IngredientInfo is what the lexicon knows of one canonical ingredient.
type IngredientInfo struct {
	Name      string // canonical Korean name, as recipes spell it
	English   string // canonical English name, lower case
	Kind      string // "vegetable", "meat", "sauce", … as in the data files
	Animal    Animal
	Allergens []Allergen
	Staple    bool // one of PantryStaples, assumed to be at home
}

// Fits reports whether the ingredient is allowed by d. An unknown d allows everything.
func (info IngredientInfo) Fits(d Diet) bool {
	switch d {
	case Vegan:
		return info.Animal == AnimalNone
	case Vegetarian:
		return !slices.Contains([]Animal{AnimalMeat, AnimalPoultry, AnimalFish, AnimalSeafood}, info.Animal)
	case Pescatarian:
		return info.Animal != AnimalMeat && info.Animal != AnimalPoultry
	}
	return true
}

// dietWords are written without spaces, hyphens or underscores, as ParseDiet compares them.
var dietWords = map[string]Diet{
	"vegetarian": Vegetarian, "veggie": Vegetarian, "lactoovo": Vegetarian, "ovolacto": Vegetarian,
	"채식": Vegetarian, "채식주의": Vegetarian, "채식주의자": Vegetarian, "베지테리언": Vegetarian,
	"베지테리안": Vegetarian, "락토오보": Vegetarian,
	"vegan": Vegan, "plantbased": Vegan, "비건": Vegan, "완전채식": Vegan, "순수채식": Vegan,
	"pescatarian": Pescatarian, "pescetarian": Pescatarian, "pesco": Pescatarian, "페스코": Pescatarian,
	"페스코베지테리언": Pescatarian, "페스코베지테리안": Pescatarian, "페스카테리언": Pescatarian,
}

// ParseDiet recognises a dietary preference in Korean or English ("채식", "Vegan",
// "pesco vegetarian"). It reports false for anything else, "none" included.
func ParseDiet(s string) (Diet, bool) {
	k := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(foldKey(s))
	if d, ok := dietWords[k]; ok {
		return d, true
	}
	for _, suffix := range []string{"vegetarian", "diet", "식단", "주의자"} {
		if d, ok := dietWords[strings.TrimSuffix(k, suffix)]; ok {
			return d, true
		}
	}
	return "", false
}

var pantryStaples = []string{"소금", "후추", "물", "식용유", "설탕", "간장", "참기름", "마늘"}

// PantryStaples returns the canonical names of the ingredients assumed to be in every
// kitchen: salt, black pepper, water, cooking oil, sugar, soy sauce, sesame oil, garlic.
// A recipe that needs them still lists them.
func PantryStaples() []string { return slices.Clone(pantryStaples) }

// Lexicon maps the names people and AIs write for ingredients to canonical ingredients,
// and allergy texts to what they exclude. It is read-only after loading and safe for
// concurrent use.
type Lexicon struct {
	infos     []IngredientInfo
	keys      map[string]int        // folded name, English name or alias → index into infos
	patterns  map[rune][]pattern    // what Mentions looks for, by first rune, longest first
	allergies map[string]AllergySet // folded allergy term → what it excludes
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

// LoadLexicon merges every ingredients_*.json at the root of fsys, and allergies.json when
// present. One ingredient may appear in several files, which must then agree on its
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
		lex:      &Lexicon{keys: map[string]int{}, patterns: map[rune][]pattern{}, allergies: map[string]AllergySet{}},
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

// indexPatterns prepares Mentions: every key becomes a pattern under its first rune,
// longest first so that "김치" wins over "김".
func (b *lexiconBuilder) indexPatterns() {
	for k, id := range b.lex.keys {
		first, _ := utf8.DecodeRuneInString(k)
		last, _ := utf8.DecodeLastRuneInString(k)
		b.lex.patterns[first] = append(b.lex.patterns[first], pattern{
			text:       k,
			id:         id,
			wordStart:  isLatin(first),
			wordEnd:    isLatin(last),
			singleChar: utf8.RuneCountInString(k) == 1 && isHangul(first),
		})
	}
	for _, ps := range b.lex.patterns {
		slices.SortFunc(ps, func(x, y pattern) int {
			if c := len(y.text) - len(x.text); c != 0 {
				return c
			}
			return strings.Compare(x.text, y.text)
		})
	}
}

// Lookup finds the canonical ingredient for a name a person typed: "달걀", "Eggs",
// "대파 ", "다진 마늘", "돼지고기 앞다리살". Case, spacing, English plurals and decomposed
// Hangul do not matter. A name that is no alias but contains known ingredients resolves
// to the last of them, the head of a Korean or English compound ("감자 전분" is 전분).
func (l *Lexicon) Lookup(name string) (IngredientInfo, bool) {
	id, ok := l.lookupID(name)
	if !ok {
		return IngredientInfo{}, false
	}
	return l.info(id), true
}

func (l *Lexicon) lookupID(name string) (int, bool) {
	k := strings.TrimFunc(foldKey(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	if k == "" {
		return -1, false
	}
	for _, try := range []string{k, strings.ReplaceAll(k, " ", ""), singular(k)} {
		if id, ok := l.keys[try]; ok {
			return id, true
		}
	}
	last := -1
	l.scan(k, func(id int) { last = id })
	return last, last >= 0
}

// singular strips an English plural ending from the last word: "tomatoes", "berries".
func singular(k string) string {
	switch {
	case strings.HasSuffix(k, "ies"):
		return strings.TrimSuffix(k, "ies") + "y"
	case strings.HasSuffix(k, "oes"), strings.HasSuffix(k, "ches"), strings.HasSuffix(k, "shes"):
		return strings.TrimSuffix(k, "es")
	}
	return strings.TrimSuffix(k, "s")
}

func (l *Lexicon) info(id int) IngredientInfo {
	info := l.infos[id]
	info.Allergens = slices.Clone(info.Allergens)
	return info
}

// Mentions returns every known ingredient named in free text such as "돼지고기 앞다리살
// 200g" or "2 eggs, beaten", once each, in order of first mention. At each place the
// longest name wins ("김치" is not "김"); a one-syllable Korean name (무, 배, 김 …) counts
// only as a whole word, particles allowed ("무를"), and an English name only as a whole
// word, plurals allowed ("egg" is not in "eggplant").
func (l *Lexicon) Mentions(text string) []IngredientInfo {
	var ids []int
	l.scan(foldKey(text), func(id int) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	})
	out := make([]IngredientInfo, len(ids))
	for i, id := range ids {
		out[i] = l.info(id)
	}
	return out
}

// scan calls found for each ingredient named in the folded text t, left to right.
func (l *Lexicon) scan(t string, found func(id int)) {
	for i := 0; i < len(t); {
		r, size := utf8.DecodeRuneInString(t[i:])
		end := -1
		for _, p := range l.patterns[r] {
			if e, ok := p.matchAt(t, i); ok {
				found(p.id)
				end = e
				break
			}
		}
		if end > i {
			i = end
		} else {
			i += size
		}
	}
}

// matchAt reports whether p occurs in t at byte i with the boundaries it needs, and where
// the match (with any plural ending) ends.
func (p pattern) matchAt(t string, i int) (int, bool) {
	if !strings.HasPrefix(t[i:], p.text) {
		return 0, false
	}
	end := i + len(p.text)
	before, _ := utf8.DecodeLastRuneInString(t[:i])
	after, _ := utf8.DecodeRuneInString(t[end:])
	switch {
	case p.singleChar:
		if i > 0 && isHangul(before) {
			return 0, false
		}
		rest := t[end:]
		if j := strings.IndexFunc(rest, func(r rune) bool { return !isHangul(r) }); j >= 0 {
			rest = rest[:j]
		}
		return end + len(rest), rest == "" || slices.Contains(particles, rest)
	case p.wordStart && i > 0 && isLatin(before):
		return 0, false
	case p.wordEnd && end < len(t) && isLatin(after):
		for _, plural := range []string{"s", "es"} {
			if !strings.HasPrefix(t[end:], plural) {
				continue
			}
			if next, _ := utf8.DecodeRuneInString(t[end+len(plural):]); !isLatin(next) {
				return end + len(plural), true
			}
		}
		return 0, false
	}
	return end, true
}

// particles may follow a one-syllable ingredient name: "무를", "밥과", "김으로".
var particles = []string{"은", "는", "이", "가", "을", "를", "도", "만", "과", "와", "에", "의", "로", "으로", "랑", "이랑", "하고", "에는", "까지"}

// AllergySet is what one allergy excludes: allergen groups, animal products, kinds and
// named ingredients. The zero AllergySet excludes nothing.
type AllergySet struct {
	term      string // the folded allergy text; an ingredient whose name contains it is excluded
	allergens []Allergen
	animals   []Animal
	kinds     []string
	names     []string
}

// allergyNoise are words around an allergy that do not name it: "땅콩 알레르기", "gluten-free".
var allergyNoise = strings.NewReplacer("알레르기", "", "알러지", "", "알레르겐", "", "불내증", "",
	"allergies", "", "allergy", "", "allergic", "", "intolerance", "", "intolerant", "", "-free", "", " free", "")

// Allergy resolves a user's allergy text ("땅콩", "갑각류", "dairy", "gluten-free", "양파")
// to what it excludes: the groups allergies.json gives the text, the ingredient the text
// names (with all its aliases), and every ingredient whose Korean name contains the text
// ("고추" excludes 청양고추) or whose English name contains it as whole words.
func (l *Lexicon) Allergy(term string) AllergySet {
	t := strings.TrimSpace(foldKey(allergyNoise.Replace(foldKey(term))))
	if t == "" {
		return AllergySet{}
	}
	s, ok := l.allergies[t]
	if !ok {
		s = l.allergies[strings.ReplaceAll(t, " ", "")]
	}
	s.term = t
	if id, ok := l.lookupID(t); ok {
		s.names = append(slices.Clip(s.names), l.infos[id].Name)
	}
	return s
}

// Excludes reports whether a person with the allergy must not eat info.
func (s AllergySet) Excludes(info IngredientInfo) bool {
	if info.Name == "" {
		return false
	}
	for _, a := range info.Allergens {
		if slices.Contains(s.allergens, a) {
			return true
		}
	}
	return (info.Animal != AnimalNone && slices.Contains(s.animals, info.Animal)) ||
		slices.Contains(s.kinds, info.Kind) || slices.Contains(s.names, info.Name) ||
		containsTerm(info.Name, s.term) || containsTerm(info.English, s.term)
}

// ViolatesAllergies reports whether a free-text ingredient line ("새우 100g", "2 eggs")
// names anything one of the allergies excludes, or contains an allergy's text itself.
func (l *Lexicon) ViolatesAllergies(ingredientText string, allergies []string) bool {
	if len(allergies) == 0 {
		return false
	}
	sets := make([]AllergySet, len(allergies))
	for i, a := range allergies {
		sets[i] = l.Allergy(a)
	}
	return l.Violates(ingredientText, sets)
}

// Violates is ViolatesAllergies for allergies already resolved with Allergy, for callers
// that check many lines against the same allergies.
func (l *Lexicon) Violates(ingredientText string, sets []AllergySet) bool {
	t := foldKey(ingredientText)
	for _, s := range sets {
		if containsTerm(t, s.term) {
			return true
		}
	}
	hit := false
	l.scan(t, func(id int) {
		for _, s := range sets {
			hit = hit || s.Excludes(l.infos[id])
		}
	})
	return hit
}

// containsTerm reports whether the folded text t (canonical names are folded) contains the
// folded term: anywhere for Korean, as whole words (plurals allowed) for Latin script, so
// "egg" is not in "eggplant".
func containsTerm(t, term string) bool {
	if term == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(term)
	last, _ := utf8.DecodeLastRuneInString(term)
	p := pattern{text: term, wordStart: isLatin(first), wordEnd: isLatin(last)}
	for i := 0; i < len(t); {
		j := strings.Index(t[i:], term)
		if j < 0 {
			return false
		}
		if _, ok := p.matchAt(t, i+j); ok {
			return true
		}
		_, size := utf8.DecodeRuneInString(t[i+j:])
		i += j + size
	}
	return false
}

// foldKey is the form names are compared in: decomposed Hangul composed, lower case,
// white space folded into single spaces and trimmed.
func foldKey(s string) string {
	if isFolded(s) {
		return s
	}
	return strings.Join(strings.Fields(strings.ToLower(composeHangul(s))), " ")
}

// isFolded reports whether foldKey would return s unchanged, cheaply: most names and
// lines are already folded.
func isFolded(s string) bool {
	space := true // at the start, or after a space
	for _, r := range s {
		switch {
		case r == ' ' && space:
			return false
		case r == ' ':
			space = true
			continue
		case isHangul(r):
		case r < utf8.RuneSelf && ('A' <= r && r <= 'Z' || r < ' ' || r == 0x7f):
			return false
		case r >= utf8.RuneSelf && (unicode.IsSpace(r) || unicode.ToLower(r) != r || (r >= 0x1100 && r <= 0x11ff)):
			return false
		}
		space = false
	}
	return !space || s == ""
}

// composeHangul turns conjoining jamo (as some keyboards and file systems send them) into
// precomposed syllables, which is what the data uses.
func composeHangul(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x1100 && r <= 0x11ff }) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		lead := rs[i] - 0x1100
		if lead < 0 || lead >= 19 || i+1 >= len(rs) || rs[i+1] < 0x1161 || rs[i+1] > 0x1175 {
			b.WriteRune(rs[i])
			continue
		}
		syllable := 0xac00 + (lead*21+rs[i+1]-0x1161)*28
		i++
		if i+1 < len(rs) && rs[i+1] > 0x11a7 && rs[i+1] <= 0x11c2 {
			syllable += rs[i+1] - 0x11a7
			i++
		}
		b.WriteRune(syllable)
	}
	return b.String()
}

func isHangul(r rune) bool { return r >= 0xac00 && r <= 0xd7a3 }

func isLatin(r rune) bool { return r < 0x250 && unicode.IsLetter(r) }
