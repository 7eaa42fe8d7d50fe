package offline

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/naengbu/recipe-ai/domain"
)

// mark is what a line says besides its amount: the ingredient's role, whether the user
// has it, and the stand-in to use when they do not.
type mark struct {
	role   role
	atHand bool
	or     string // the stand-in's name, "" when none is needed
}

// formatLine writes one ingredient line, its quantity multiplied by scale, as a recipe
// book would: "돼지고기 300g", "두부 1/2모", "소금 약간", "양파 1/2개 (있으면)", "깨 1작은술
// (고명)"; "300 g pork", "2 eggs", "salt, to taste", "1/2 onion (optional)", "1 tsp sesame
// seeds, to garnish".
func formatLine(info domain.IngredientInfo, a amount, scale float64, en bool, m mark) string {
	qty := a.Qty
	if scale != 1 {
		qty = roundQty(qty*scale, a.Unit, countsWhole(info, a.Unit))
	}
	var b strings.Builder
	b.Grow(64)
	switch {
	case en && m.role == roleGarnish && a.Unit == "to_taste":
		b.WriteString(info.English)
	case en:
		writeEnglish(&b, info.English, qty, a.Unit)
	default:
		writeKorean(&b, info.Name, qty, a.Unit)
	}
	switch {
	case m.role == roleGarnish && en:
		b.WriteString(", to garnish")
	case m.role == roleGarnish && m.atHand:
		b.WriteString(" (고명)")
	case m.role == roleGarnish:
		b.WriteString(" (고명, 있으면)")
	}
	switch {
	case m.atHand:
	case m.role.leftOut() && en:
		b.WriteString(" (optional)")
	case m.role == roleOptional:
		b.WriteString(" (있으면)")
	case m.or != "" && en:
		b.WriteString(" (or " + m.or + ")")
	case m.or != "":
		b.WriteString(" (없으면 " + m.or + ")")
	}
	return b.String()
}

// koreanUnits gives each unit of the data format in Korean; koreanPieces the counter of
// the ingredients not counted with 개.
var (
	koreanUnits = map[string]string{
		"g": "g", "ml": "ml", "piece": "개", "tbsp": "큰술", "tsp": "작은술", "cup": "컵", "clove": "쪽",
		"stalk": "대", "sheet": "장", "block": "모", "handful": "줌", "slice": "조각", "bowl": "공기",
		"pack": "봉지", "can": "캔", "pinch": "꼬집",
	}
	koreanPieces = map[string]string{"바질": "잎", "다시마": "장", "생강": "톨", "브로콜리": "송이", "단무지": "줄", "맛살": "줄", "햄": "줄"}
)

func writeKorean(b *strings.Builder, name string, qty float64, unit string) {
	b.WriteString(name)
	b.WriteByte(' ')
	u, known := koreanUnits[unit]
	if !known {
		b.WriteString("약간")
		return
	}
	if c, ok := koreanPieces[name]; ok && unit == "piece" {
		u = c
	}
	b.WriteString(formatQty(qty, unit != "g" && unit != "ml"))
	b.WriteString(u)
}

// englishUnits gives each unit of the data format in English, singular and plural; a piece
// counts the ingredient itself ("2 eggs").
var englishUnits = map[string][2]string{
	"g": {"g", "g"}, "ml": {"ml", "ml"}, "tbsp": {"tbsp", "tbsp"}, "tsp": {"tsp", "tsp"}, "cup": {"cup", "cups"},
	"clove": {"clove", "cloves"}, "stalk": {"stalk", "stalks"}, "sheet": {"sheet", "sheets"},
	"block": {"block", "blocks"}, "handful": {"handful of", "handfuls of"}, "slice": {"slice", "slices"},
	"bowl": {"bowl", "bowls"}, "pack": {"pack", "packs"}, "can": {"can", "cans"},
	"pinch": {"pinch of", "pinches of"},
}

// englishPieces are the ingredients whose piece a recipe book counts with another word.
var englishPieces = map[string][2]string{
	"basil": {"basil leaf", "basil leaves"}, "kelp": {"piece kelp", "pieces kelp"},
	"ginger": {"piece ginger", "pieces ginger"}, "broccoli": {"head broccoli", "heads broccoli"},
	"bok choy": {"head bok choy", "heads bok choy"}, "pickled radish": {"strip pickled radish", "strips pickled radish"},
	"ham": {"strip ham", "strips ham"}, "imitation crab": {"imitation crab stick", "imitation crab sticks"},
	"pollack roe": {"pollack roe sac", "pollack roe sacs"}, "baguette": {"baguette", "baguettes"},
	"ginseng": {"ginseng root", "ginseng roots"}, "peperoncino": {"peperoncino", "peperoncini"},
}

func writeEnglish(b *strings.Builder, name string, qty float64, unit string) {
	if unit == "to_taste" {
		b.WriteString(name + ", to taste")
		return
	}
	many := qty > 1
	if unit == "g" || unit == "ml" {
		b.WriteString(formatQty(qty, false))
	} else {
		b.WriteString(fractionText(qty))
	}
	b.WriteByte(' ')
	switch u, ok := englishUnits[unit]; {
	case unit == "piece":
		b.WriteString(countNoun(name, many))
	case unit == "sheet" && (strings.HasSuffix(name, "leaf") || name == "napa cabbage" || name == "lettuce"):
		b.WriteString(countNoun(strings.TrimSuffix(name, " leaf")+" leaf", many))
	case ok && unit == "can":
		b.WriteString(pluralIf(u, many) + " " + strings.TrimPrefix(name, "canned "))
	case ok:
		b.WriteString(pluralIf(u, many) + " " + name)
	default:
		b.WriteString(name)
	}
}

func pluralIf(forms [2]string, many bool) string {
	if many {
		return forms[1]
	}
	return forms[0]
}

// countNoun writes a counted ingredient: "egg", "eggs", "basil leaves".
func countNoun(name string, many bool) string {
	if forms, ok := englishPieces[name]; ok {
		return pluralIf(forms, many)
	}
	if !many {
		return name
	}
	return plural(name)
}

// plural makes the last word of an English name plural: onions, potatoes, chilies,
// leaves, pouches; shrimp and squid stay as they are.
func plural(name string) string {
	head, last := "", name
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		head, last = name[:i+1], name[i+1:]
	}
	switch {
	case last == "shrimp" || last == "squid" || last == "fish":
	case last == "leaf":
		last = "leaves"
	case last == "potato" || last == "tomato":
		last += "es"
	case last == "chili":
		last = "chilies"
	case strings.HasSuffix(last, "s") || strings.HasSuffix(last, "ch") || strings.HasSuffix(last, "sh") || strings.HasSuffix(last, "x"):
		last += "es"
	case strings.HasSuffix(last, "y") && !strings.ContainsAny(last[len(last)-2:len(last)-1], "aeiou"):
		last = last[:len(last)-1] + "ies"
	default:
		last += "s"
	}
	return head + last
}

// roundQty rounds a scaled quantity the way a cook measures: grams and millilitres to a
// round figure (270 g, 650 ml), pinches and what counts whole (eggs, cloves, leaves) to
// whole numbers, halves of everything else, and never below the smallest step.
func roundQty(q float64, unit string, whole bool) float64 {
	switch {
	case unit == "g" || unit == "ml":
		step := 1.0
		switch {
		case q >= 1000:
			step = 100
		case q >= 200 && unit == "ml":
			step = 50
		case q >= 100:
			step = 10
		case q >= 10:
			step = 5
		}
		return max(1, math.Round(q/step)*step)
	case whole || unit == "pinch":
		return max(1, math.Round(q))
	}
	return max(0.5, math.Round(q*2)/2)
}

// wholeUnits are the units a cook counts in whole numbers; a piece counts whole unless it
// is produce that is cut (half an onion, half a zucchini).
var wholeUnits = []string{"clove", "sheet", "slice", "can", "pinch"}

// chilies are vegetables counted whole.
var chilies = []string{"청양고추", "홍고추", "풋고추", "꽈리고추"}

func countsWhole(info domain.IngredientInfo, unit string) bool {
	switch {
	case slices.Contains(wholeUnits, unit):
		return true
	case unit != "piece":
		return false
	}
	cut := info.Kind == "vegetable" || info.Kind == "fruit" || info.Kind == "tofu"
	return !cut || slices.Contains(chilies, info.Name)
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
		if text, ok := nearFraction(q); ok {
			return text
		}
	}
	return strconv.FormatFloat(math.Round(q*100)/100, 'f', -1, 64)
}

// fractionText writes a quantity as an English recipe does: 2, 1/2, 1 1/2, 2 1/3.
func fractionText(q float64) string {
	whole := math.Floor(q)
	rest := q - whole
	if rest < 0.035 {
		return strconv.FormatFloat(whole, 'f', -1, 64)
	}
	text, ok := nearFraction(rest)
	switch {
	case !ok:
		return formatQty(q, false)
	case whole == 0:
		return text
	}
	return strconv.FormatFloat(whole, 'f', -1, 64) + " " + text
}

func nearFraction(q float64) (string, bool) {
	best, text := 0.035, ""
	for _, f := range fractions {
		if d := math.Abs(q - f.value); d < best {
			best, text = d, f.text
		}
	}
	return text, text != ""
}
