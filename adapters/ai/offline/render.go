package offline

import (
	"strconv"
	"strings"

	"github.com/naengbu/recipe-ai/domain"
)

// render writes r in the request's language for the request's servings. Left-out
// ingredients that do not fit the request's diet are dropped; the others the user lacks
// are marked as such ("양파 1/2개 (있으면)"), and so is a stand-in for an essential one
// ("올리브유 2큰술 (없으면 식용유)").
func (g *Generator) render(q *query, r *recipe) domain.Recipe {
	en := q.lang == domain.English
	out := domain.Recipe{
		Name:        pick(r.Name, en),
		Description: pick(r.Description, en),
		Difficulty:  domain.Difficulty(r.Difficulty),
		CookingTime: r.CookingTime,
		Servings:    q.servings,
		Ingredients: make([]string, 0, len(r.lines)),
	}
	scale := float64(q.servings) / float64(r.Servings)
	for _, l := range r.lines {
		info := g.cat.ingredients[l.ingredient]
		if l.Role.leftOut() && !info.Fits(q.diet) {
			continue
		}
		m := mark{role: l.Role, atHand: g.atHand(q, l.ingredient)}
		standIn := !m.atHand && l.or >= 0
		if standIn {
			m.or = standInText(info, g.cat.ingredients[l.or], en)
		}
		out.Ingredients = append(out.Ingredients, formatLine(info, l.amount, scale, en, m))
		if !l.Role.leftOut() && !m.atHand && (!standIn || !g.atHand(q, l.or)) {
			out.AdditionalIngredients = append(out.AdditionalIngredients, ingredientName(info, en))
		}
	}
	out.Instructions = pick(r.steps, en)
	return out
}

// numbered writes steps one a line, each after its number: "1. …\n2. …".
func numbered(steps []string) string {
	var b strings.Builder
	for i, s := range steps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(s)
	}
	return b.String()
}

// atHand reports whether the user has the ingredient, named or as a pantry staple.
func (g *Generator) atHand(q *query, idx int) bool {
	return q.have.has(idx) || g.cat.ingredients[idx].Staple
}

func pick(l localized, en bool) string {
	if en {
		return l.En
	}
	return l.Ko
}

func ingredientName(info domain.IngredientInfo, en bool) string {
	if en {
		return info.English
	}
	return info.Name
}

// cookedFrom are the stand-ins a cook makes the ingredient from rather than uses instead.
var cookedFrom = map[[2]string][2]string{{"밥", "쌀"}: {"쌀로 지어서", "cooked from rice"}}

// standInText names the stand-in as a line's mark writes it: "식용유", "cooking oil".
func standInText(info, standIn domain.IngredientInfo, en bool) string {
	if t, ok := cookedFrom[[2]string{info.Name, standIn.Name}]; ok {
		if en {
			return t[1]
		}
		return t[0]
	}
	return ingredientName(standIn, en)
}
