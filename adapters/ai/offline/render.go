package offline

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/naengbu/recipe-ai/domain"
)

// render writes r in the request's language for the request's servings. Optional
// ingredients that do not fit the request's diet are left out.
func (g *Generator) render(q *query, r *recipe) domain.Recipe {
	en := q.lang == domain.English
	servings := r.Servings
	if q.servings > 0 {
		servings = q.servings
	}
	out := domain.Recipe{
		Name:        pick(r.Name, en),
		Description: pick(r.Description, en),
		Difficulty:  domain.Difficulty(r.Difficulty),
		CookingTime: r.CookingTime,
		Servings:    servings,
		Ingredients: make([]string, 0, len(r.lines)),
	}
	for _, l := range r.lines {
		info := g.cat.ingredients[l.ingredient]
		if l.Optional && !info.Fits(q.diet) {
			continue
		}
		out.Ingredients = append(out.Ingredients, formatLine(info, l.amount, float64(servings)/float64(r.Servings), en))
		if !l.Optional && !info.Staple && !q.have.has(l.ingredient) {
			out.AdditionalIngredients = append(out.AdditionalIngredients, ingredientName(info, en))
		}
	}
	steps := r.Steps.Ko
	if en {
		steps = r.Steps.En
	}
	var b strings.Builder
	for i, s := range steps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(s)
	}
	out.Instructions = b.String()
	return out
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

// units gives each unit of the data format in Korean, and in English singular and plural.
var units = map[string][3]string{
	"g": {"g", "g", "g"}, "ml": {"ml", "ml", "ml"}, "piece": {"개", "", ""},
	"tbsp": {"큰술", "tbsp", "tbsp"}, "tsp": {"작은술", "tsp", "tsp"}, "cup": {"컵", "cup", "cups"},
	"clove": {"쪽", "clove", "cloves"}, "stalk": {"대", "stalk", "stalks"}, "sheet": {"장", "sheet", "sheets"},
	"block": {"모", "block", "blocks"}, "handful": {"줌", "handful", "handfuls"}, "slice": {"조각", "slice", "slices"},
	"bowl": {"공기", "bowl", "bowls"}, "pack": {"봉지", "pack", "packs"}, "can": {"캔", "can", "cans"},
	"pinch": {"꼬집", "pinch", "pinches"},
}

// formatLine writes one ingredient line, its quantity multiplied by scale: "돼지고기 300g",
// "두부 1/2모", "소금 약간", "청양고추 1개 (선택)"; "pork 300 g", "egg 2", "salt to taste".
func formatLine(info domain.IngredientInfo, a amount, scale float64, en bool) string {
	var b strings.Builder
	b.WriteString(ingredientName(info, en))
	b.WriteByte(' ')
	u, known := units[a.Unit]
	switch {
	case !known && en:
		b.WriteString("to taste")
	case !known:
		b.WriteString("약간")
	default:
		qty := a.Qty
		if scale != 1 {
			qty = roundQty(qty*scale, a.Unit)
		}
		b.WriteString(formatQty(qty, a.Unit != "g" && a.Unit != "ml"))
		switch {
		case !en:
			b.WriteString(u[0])
		case qty > 1 && u[2] != "":
			b.WriteString(" " + u[2])
		case u[1] != "":
			b.WriteString(" " + u[1])
		}
	}
	switch {
	case a.Optional && en:
		b.WriteString(" (optional)")
	case a.Optional:
		b.WriteString(" (선택)")
	}
	return b.String()
}

// roundQty rounds a scaled quantity the way a cook measures: whole grams, millilitres and
// pinches, halves of everything else, and never below the smallest step.
func roundQty(q float64, unit string) float64 {
	switch unit {
	case "g", "ml", "pinch":
		return max(1, math.Round(q))
	}
	return max(0.5, math.Round(q*2)/2)
}

// fractions are how quantities below one are written; the data's 0.3 means a third.
var fractions = []struct {
	value float64
	text  string
}{{1.0 / 5, "1/5"}, {1.0 / 4, "1/4"}, {1.0 / 3, "1/3"}, {1.0 / 2, "1/2"}, {2.0 / 3, "2/3"}, {3.0 / 4, "3/4"}}

// formatQty writes 2, 1.5, 1/2 or 0.15: with fractions, a quantity below one as the
// nearest common fraction when one is close; otherwise with at most two decimals.
func formatQty(q float64, fractional bool) string {
	if fractional && q < 1 {
		best, text := 0.035, ""
		for _, f := range fractions {
			if d := math.Abs(q - f.value); d < best {
				best, text = d, f.text
			}
		}
		if text != "" {
			return text
		}
	}
	return strconv.FormatFloat(math.Round(q*100)/100, 'f', -1, 64)
}

// notes explains, in the request's language, what the answer left out and why.
func (q *query) notes(existing, additional int) []string {
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
	if existing < domain.ExistingRecipeCount || additional < domain.AdditionalRecipeCount {
		format := "조건에 맞는 레시피가 적어 가진 재료로 만드는 레시피 %d개, 재료를 더 사야 하는 레시피 %d개만 추천해요."
		if en {
			format = "Only %d recipes from your ingredients and %d needing a few more fit the request."
		}
		notes = append(notes, fmt.Sprintf(format, existing, additional))
	}
	return notes
}
