package domain

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// dietMarker is a word that, written right before an ingredient, names the version made
// for a diet: "비건 마요네즈", "vegan butter", "vegetarian oyster sauce", "채식 김치".
type dietMarker struct {
	word string // folded, as foldKey writes it
	diet Diet
}

var dietMarkers = []dietMarker{
	{"vegan", Vegan}, {"비건", Vegan}, {"비건용", Vegan}, {"plant-based", Vegan}, {"plant based", Vegan}, {"식물성", Vegan},
	{"vegetarian", Vegetarian}, {"veggie", Vegetarian}, {"채식", Vegetarian}, {"채식용", Vegetarian},
	{"meatless", Vegetarian}, {"meat-free", Vegetarian},
}

// ViolatesDiet returns the first ingredient that a free-text ingredient line ("돼지고기
// 200g", "2 eggs", "멸치 육수 500ml") names and diet d forbids, as IngredientInfo.Fits
// decides from the lexicon's facts, hidden animal products included (kimchi's salted
// shrimp, fish sauce, anchovy stock, gelatin), and true; or false when the line fits d.
// A name right after a word for a diet's version ("비건 마요네즈", "vegan butter",
// "vegetarian oyster sauce") stands for that version, which holds nothing that word's
// diet forbids: "vegetarian oyster sauce" fits a vegan, "vegetarian cheese" does not. An
// unknown d forbids nothing.
func (l *Lexicon) ViolatesDiet(ingredientText string, d Diet) (IngredientInfo, bool) {
	t := foldKey(ingredientText)
	bad := -1
	l.scanAt(t, func(id, at int) {
		if bad >= 0 {
			return
		}
		found := l.infos[id]
		if made, marked := markedDiet(t[:at]); marked && !found.Fits(made) {
			found.Animal = AnimalNone
		}
		if !found.Fits(d) {
			bad = id
		}
	})
	if bad < 0 {
		return IngredientInfo{}, false
	}
	return l.info(bad), true
}

// markedDiet reports the diet named by the marker that ends before, the folded text in
// front of an ingredient's name, with only spaces or hyphens in between.
func markedDiet(before string) (Diet, bool) {
	before = strings.TrimRight(before, " -")
	for _, m := range dietMarkers {
		rest, found := strings.CutSuffix(before, m.word)
		if !found {
			continue
		}
		if r, _ := utf8.DecodeLastRuneInString(rest); rest == "" || (!unicode.IsLetter(r) && r != '-') {
			return m.diet, true
		}
	}
	return "", false
}

// dietBreach returns why rc breaks the diet d, or "" when it keeps it. Only the
// preferences ParseDiet recognises have a rule; any other ("low-carb", "halal", "keto") is
// only asked for in the prompt.
func dietBreach(rc Recipe, d Diet, lex *Lexicon) string {
	for _, list := range [][]string{rc.Ingredients, rc.AdditionalIngredients} {
		for _, ing := range list {
			if info, bad := lex.ViolatesDiet(ing, d); bad {
				return fmt.Sprintf("ingredient %q does not fit the %s diet (%s: %s)", ing, d, info.English, info.Animal)
			}
		}
	}
	return ""
}
