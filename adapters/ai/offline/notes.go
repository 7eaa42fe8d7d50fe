package offline

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/naengbu/recipe-ai/domain"
)

// notes explains, in the request's language, what the answer left out and why.
func (g *Generator) notes(q *query, existing, additional int) []string {
	en := q.lang == domain.English
	var notes []string
	if len(q.unknown) > 0 {
		format := "모르는 재료라 추천에 쓰지 않았어요: %s"
		if en {
			format = "Ingredients not recognised and not used: %s"
		}
		notes = append(notes, fmt.Sprintf(format, strings.Join(q.unknown, ", ")))
	}
	if q.badDiet != "" {
		format := "식단 선호 %q는 알 수 없어 적용하지 않았어요."
		if en {
			format = "Dietary preference %q is not recognised and was ignored."
		}
		notes = append(notes, fmt.Sprintf(format, q.badDiet))
	}
	if q.badCuisine != "" {
		format := "요리 종류 %q는 알 수 없어 순위에 반영하지 않았어요."
		if en {
			format = "Cuisine %q is not recognised and was not used for ranking."
		}
		notes = append(notes, fmt.Sprintf(format, q.badCuisine))
	}
	notes = append(notes, g.hiddenAllergenNotes(q)...)
	if existing < domain.ExistingRecipeCount || additional < domain.AdditionalRecipeCount {
		if en {
			notes = append(notes, fmt.Sprintf("Only %d %s from your ingredients and %d %s a few more fit the request.",
				existing, recipeWord(existing), additional, recipeWord(additional)+" needing"))
		} else {
			notes = append(notes, fmt.Sprintf("조건에 맞는 레시피가 적어 가진 재료로 만드는 레시피 %d개, 재료를 더 사야 하는 레시피 %d개만 추천해요.",
				existing, additional))
		}
	}
	return notes
}

func recipeWord(n int) string {
	if n == 1 {
		return "recipe"
	}
	return "recipes"
}

// hiddenAllergenNotes tells which dishes the answer would hold but for an allergen hidden
// in one of their ingredients, one note per ingredient and what carries the allergen:
// "김치에는 보통 새우젓이 들어가서 김치찌개, 두부김치는 뺐어요 (알레르기: 새우)."
func (g *Generator) hiddenAllergenNotes(q *query) []string {
	var causes []cause
	dishes := map[cause][]string{}
	en := q.lang == domain.English
	for _, r := range q.dropped {
		for _, l := range r.lines {
			for _, idx := range []int{l.ingredient, l.or} {
				if idx < 0 || !q.excluded.has(idx) {
					continue
				}
				k, ok := g.hiddenCause(q, idx)
				if !ok {
					continue
				}
				if _, seen := dishes[k]; !seen {
					causes = append(causes, k)
				}
				if name := pick(r.Name, en); !slices.Contains(dishes[k], name) {
					dishes[k] = append(dishes[k], name)
				}
			}
		}
	}
	notes := make([]string, 0, len(causes))
	for _, c := range causes {
		names := dishes[c]
		if en {
			info, _ := g.lex.Lookup(c.hidden.Ingredient)
			notes = append(notes, fmt.Sprintf("Left out %s: %s usually contains %s (allergy: %s).",
				joinEnglish(names), info.English, c.hidden.CarrierEn, c.allergy))
			continue
		}
		list := strings.Join(names, ", ")
		notes = append(notes, fmt.Sprintf("%s에는 보통 %s%s 들어가서 %s%s 뺐어요 (알레르기: %s).",
			c.hidden.Ingredient, c.hidden.Carrier, particle(c.hidden.Carrier, "이", "가"), list, particle(list, "은", "는"), c.allergy))
	}
	return notes
}

// cause is an allergen hidden in an ingredient and the allergy, as the user wrote it,
// that rules the ingredient out for it.
type cause struct {
	hidden  domain.HiddenAllergen
	allergy string
}

// hiddenCause finds why an allergy excludes the ingredient for an allergen hidden in it.
func (g *Generator) hiddenCause(q *query, idx int) (cause, bool) {
	info := g.cat.ingredients[idx]
	for i, s := range q.allergies {
		if h, ok := g.lex.HiddenAllergen(s, info); ok {
			return cause{hidden: h, allergy: q.allergyText[i]}, true
		}
	}
	return cause{}, false
}

// joinEnglish writes "A", "A and B", "A, B and C".
func joinEnglish(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// particle picks the Korean particle that follows word: withFinal after a syllable that
// ends in a consonant (새우젓이, 김치찌개는 → 찌개는), withoutFinal otherwise.
func particle(word, withFinal, withoutFinal string) string {
	r, _ := utf8.DecodeLastRuneInString(word)
	if r >= 0xAC00 && r <= 0xD7A3 && (r-0xAC00)%28 != 0 {
		return withFinal
	}
	return withoutFinal
}
