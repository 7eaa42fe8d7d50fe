package offline

import (
	"testing"

	"github.com/naengbu/recipe-ai/domain"
)

func TestFormatLine(t *testing.T) {
	lex := domain.DefaultLexicon()
	info := func(name string) domain.IngredientInfo {
		i, ok := lex.Lookup(name)
		if !ok {
			t.Fatalf("Lookup(%q) found nothing", name)
		}
		return i
	}
	tests := []struct {
		name  string
		give  amount
		scale float64
		en    bool
		mark  mark
		want  string
	}{
		{name: "grams", give: amount{Name: "돼지고기", Qty: 300, Unit: "g"}, scale: 1, en: true, mark: mark{atHand: true}, want: "300 g pork"},
		{name: "count", give: amount{Name: "계란", Qty: 2, Unit: "piece"}, scale: 1, en: true, mark: mark{atHand: true}, want: "2 eggs"},
		{name: "one", give: amount{Name: "계란", Qty: 1, Unit: "piece"}, scale: 1, en: true, mark: mark{atHand: true}, want: "1 egg"},
		{name: "potatoes", give: amount{Name: "감자", Qty: 1.5, Unit: "piece"}, scale: 1, en: true, mark: mark{atHand: true}, want: "1 1/2 potatoes"},
		{name: "half an onion", give: amount{Name: "양파", Qty: 0.5, Unit: "piece"}, scale: 1, en: true, mark: mark{role: roleOptional}, want: "1/2 onion (optional)"},
		{name: "leaves", give: amount{Name: "바질", Qty: 6, Unit: "piece"}, scale: 1, en: true, mark: mark{role: roleGarnish}, want: "6 basil leaves, to garnish (optional)"},
		{name: "perilla sheets", give: amount{Name: "깻잎", Qty: 10, Unit: "sheet"}, scale: 1, en: true, mark: mark{atHand: true}, want: "10 perilla leaves"},
		{name: "cloves", give: amount{Name: "마늘", Qty: 2, Unit: "clove"}, scale: 1, en: true, mark: mark{atHand: true}, want: "2 cloves garlic"},
		{name: "can", give: amount{Name: "참치캔", Qty: 1, Unit: "can"}, scale: 1, en: true, mark: mark{atHand: true}, want: "1 can tuna"},
		{name: "pinch", give: amount{Name: "소금", Qty: 1, Unit: "pinch"}, scale: 1, en: true, mark: mark{atHand: true}, want: "1 pinch of salt"},
		{name: "to taste", give: amount{Name: "후추", Unit: "to_taste"}, scale: 1, en: true, mark: mark{atHand: true}, want: "black pepper, to taste"},
		{name: "garnish to taste", give: amount{Name: "깨", Unit: "to_taste"}, scale: 1, en: true, mark: mark{role: roleGarnish, atHand: true}, want: "sesame seeds, to garnish"},
		{name: "stand-in", give: amount{Name: "올리브유", Qty: 2, Unit: "tbsp"}, scale: 1, en: true, mark: mark{or: "cooking oil"}, want: "2 tbsp olive oil (or cooking oil)"},
		{name: "small green onion", give: amount{Name: "쪽파", Qty: 1, Unit: "stalk"}, scale: 1, en: true, mark: mark{atHand: true}, want: "1 stalk small green onion"},
		{name: "Korean when missing", give: amount{Name: "양파", Qty: 0.5, Unit: "piece"}, scale: 1, mark: mark{role: roleOptional}, want: "양파 1/2개 (있으면)"},
		{name: "Korean at hand", give: amount{Name: "양파", Qty: 0.5, Unit: "piece"}, scale: 1, mark: mark{role: roleOptional, atHand: true}, want: "양파 1/2개"},
		{name: "Korean garnish", give: amount{Name: "깨", Qty: 1, Unit: "tsp"}, scale: 1, mark: mark{role: roleGarnish, atHand: true}, want: "깨 1작은술 (고명)"},
		{name: "Korean garnish missing", give: amount{Name: "쪽파", Qty: 1, Unit: "stalk"}, scale: 1, mark: mark{role: roleGarnish}, want: "쪽파 1대 (고명, 있으면)"},
		{name: "Korean stand-in", give: amount{Name: "올리브유", Qty: 2, Unit: "tbsp"}, scale: 1, mark: mark{or: "식용유"}, want: "올리브유 2큰술 (없으면 식용유)"},
		{name: "Korean counter", give: amount{Name: "다시마", Qty: 1, Unit: "piece"}, scale: 1, mark: mark{role: roleOptional}, want: "다시마 1장 (있으면)"},
		{name: "scaled grams round", give: amount{Name: "김치", Qty: 400, Unit: "g"}, scale: 2.0 / 3, mark: mark{atHand: true}, want: "김치 270g"},
		{name: "scaled water rounds", give: amount{Name: "물", Qty: 1000, Unit: "ml"}, scale: 2.0 / 3, mark: mark{atHand: true}, want: "물 650ml"},
		{name: "scaled eggs stay whole", give: amount{Name: "계란", Qty: 3, Unit: "piece"}, scale: 0.5, en: true, mark: mark{atHand: true}, want: "2 eggs"},
		{name: "scaled garlic stays whole", give: amount{Name: "마늘", Qty: 1, Unit: "clove"}, scale: 0.5, mark: mark{atHand: true}, want: "마늘 1쪽"},
		{name: "scaled chili stays whole", give: amount{Name: "청양고추", Qty: 1, Unit: "piece"}, scale: 1.5, mark: mark{role: roleOptional}, want: "청양고추 2개 (있으면)"},
		{name: "scaled onion halves", give: amount{Name: "양파", Qty: 1, Unit: "piece"}, scale: 1.5, en: true, mark: mark{atHand: true}, want: "1 1/2 onions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatLine(info(tt.give.Name), tt.give, tt.scale, tt.en, tt.mark); got != tt.want {
				t.Errorf("formatLine(%+v, %v, en %v, %+v) = %q, want %q", tt.give, tt.scale, tt.en, tt.mark, got, tt.want)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	tests := []struct{ give, want string }{
		{"egg", "eggs"}, {"potato", "potatoes"}, {"tomato", "tomatoes"}, {"hot green chili", "hot green chilies"},
		{"perilla leaf", "perilla leaves"}, {"fried tofu pouch", "fried tofu pouches"}, {"shrimp", "shrimp"},
		{"cherry", "cherries"}, {"small octopus", "small octopuses"},
	}
	for _, tt := range tests {
		if got := plural(tt.give); got != tt.want {
			t.Errorf("plural(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}
