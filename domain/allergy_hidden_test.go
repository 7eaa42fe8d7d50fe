package domain_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

func TestLexiconHiddenAllergen(t *testing.T) {
	l := domain.DefaultLexicon()
	tests := []struct {
		allergy    string
		ingredient string
		want       string // the carrier, "" when the allergy does not exclude it for a hidden allergen
	}{
		{allergy: "새우", ingredient: "김치", want: "새우젓"},
		{allergy: "갑각류", ingredient: "김치", want: "새우젓"},
		{allergy: "fish", ingredient: "김치", want: "멸치액젓"},
		{allergy: "우유", ingredient: "카레루", want: "분유"},
		{allergy: "밀", ingredient: "간장", want: "밀"},
		{allergy: "gluten", ingredient: "카레가루", want: "밀가루"},
		{allergy: "우유", ingredient: "카레가루", want: ""}, // plain curry powder has no milk
		{allergy: "김치", ingredient: "김치", want: ""},   // named itself: nothing hidden
		{allergy: "새우", ingredient: "새우", want: ""},   // a shrimp is no secret
		{allergy: "새우", ingredient: "두부", want: ""},   // not excluded at all
	}
	for _, tt := range tests {
		t.Run(tt.allergy+"/"+tt.ingredient, func(t *testing.T) {
			info, ok := l.Lookup(tt.ingredient)
			if !ok {
				t.Fatalf("Lookup(%q) found nothing", tt.ingredient)
			}
			h, ok := l.HiddenAllergen(l.Allergy(tt.allergy), info)
			if got := h.Carrier; got != tt.want || ok != (tt.want != "") {
				t.Errorf("HiddenAllergen(%q, %s) = %q, %v, want %q", tt.allergy, tt.ingredient, got, ok, tt.want)
			}
			if ok && (h.Ingredient != info.Name || h.CarrierEn == "") {
				t.Errorf("HiddenAllergen(%q, %s) = %+v, want its ingredient and an English carrier", tt.allergy, tt.ingredient, h)
			}
		})
	}
}

func TestLexiconUnknownAllergies(t *testing.T) {
	l := domain.DefaultLexicon()
	tests := []struct {
		give []string
		want []string
	}{
		{give: nil, want: nil},
		{give: []string{"땅콩", "갑각류", "dairy", "gluten-free", "양파", "고추", "Eggs"}, want: nil},
		{give: []string{"땅콩 알레르기", "망고", "kiwi", "알레르기"}, want: []string{"망고", "kiwi", "알레르기"}},
		{give: []string{"새우젓", "쌈장"}, want: nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, l.UnknownAllergies(tt.give)); diff != "" {
			t.Errorf("UnknownAllergies(%q) (-want +got):\n%s", tt.give, diff)
		}
	}
}
