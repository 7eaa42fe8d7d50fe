package domain

import (
	"slices"
	"strings"
)

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
