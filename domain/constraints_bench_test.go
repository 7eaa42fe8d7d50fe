package domain_test

import (
	"testing"

	"github.com/naengbu/recipe-ai/domain"
)

// Lines as the offline engine writes them for the benchmark's request.
var benchLines = []string{"돼지고기 200g", "김치 1컵 (있으면)", "대파 1/2대", "고추장 1큰술", "참기름 약간",
	"밥 2공기", "양파 1/2개 (있으면)", "올리브유 2큰술 (없으면 식용유)", "두부 1모", "계란 2개"}

func BenchmarkViolates(b *testing.B) {
	lex := domain.DefaultLexicon()
	sets := []domain.AllergySet{lex.Allergy("땅콩")}
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range benchLines {
			lex.Violates(l, sets)
		}
	}
}

// BenchmarkEnforceConstraints checks a whole answer against fresh constraints each time,
// as a job without streaming does.
func BenchmarkEnforceConstraints(b *testing.B) {
	r := validAnswer()
	prefs := domain.Preferences{Allergies: []string{"땅콩"}, Dietary: "none", MaxCookingTime: 30, Servings: 2}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := domain.EnforceConstraints(r, prefs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckAnswer(b *testing.B) {
	r := validAnswer()
	b.ReportAllocs()
	for b.Loop() {
		if err := domain.CheckAnswer(r); err != nil {
			b.Fatal(err)
		}
	}
}
