package domain

import (
	"slices"
	"strings"
)

// AllergySet is what one allergy excludes: allergen groups, animal products, kinds and
// named ingredients. The zero AllergySet excludes nothing.
type AllergySet struct {
	term      pattern // the folded allergy text; an ingredient whose name contains it is excluded
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
	s.term = termPattern(t)
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
		slices.Contains(s.kinds, info.Kind) || s.namesItself(info)
}

// HiddenAllergen is an allergen an ingredient usually contains although its name does not
// say so, and what carries it: the salted shrimp in kimchi, the milk powder in a curry roux.
type HiddenAllergen struct {
	Ingredient string   // canonical name: "김치"
	Allergen   Allergen // "shrimp"
	Carrier    string   // what carries it, in Korean: "새우젓"
	CarrierEn  string   // in English: "salted shrimp"
}

// HiddenAllergen tells why the allergy s excludes info when info's name does not give it
// away: the first of info's hidden allergens that s excludes. It reports false when s does
// not exclude info, when s names info itself (an allergy to 김치), or when info hides none
// of the allergens s excludes.
func (l *Lexicon) HiddenAllergen(s AllergySet, info IngredientInfo) (HiddenAllergen, bool) {
	if !s.Excludes(info) || s.namesItself(info) {
		return HiddenAllergen{}, false
	}
	for _, h := range l.hidden[info.Name] {
		if slices.Contains(s.allergens, h.Allergen) {
			return h, true
		}
	}
	return HiddenAllergen{}, false
}

// namesItself reports whether the allergy names info itself rather than something in it.
func (s AllergySet) namesItself(info IngredientInfo) bool {
	return slices.Contains(s.names, info.Name) || s.term.in(info.Name) || s.term.in(info.English)
}

// UnknownAllergies returns the allergies, as written, that the lexicon does not recognise:
// neither an allergy group nor a known ingredient, and not part of any ingredient's name.
// Recipes are still kept clear of such a word itself, but of nothing it might stand for.
func (l *Lexicon) UnknownAllergies(allergies []string) []string {
	var unknown []string
	for _, a := range allergies {
		if !l.recognises(l.Allergy(a)) {
			unknown = append(unknown, a)
		}
	}
	return unknown
}

func (l *Lexicon) recognises(s AllergySet) bool {
	if len(s.allergens) > 0 || len(s.animals) > 0 || len(s.kinds) > 0 || len(s.names) > 0 {
		return true
	}
	return s.term.text != "" && slices.ContainsFunc(l.infos, func(info IngredientInfo) bool { return s.namesItself(info) })
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
		if s.term.in(t) {
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
