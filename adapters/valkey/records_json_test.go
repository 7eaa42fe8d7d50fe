package valkey

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// What json.Marshal writes for a result and a partial result: the records the hand-written
// encoders must match byte for byte.

func toRecipeRecord(r domain.Recipe) recipeRecord {
	return recipeRecord{
		Name: r.Name, Description: r.Description, Difficulty: string(r.Difficulty),
		CookingTime: r.CookingTime, Servings: r.Servings, Ingredients: r.Ingredients,
		AdditionalIngredients: r.AdditionalIngredients, Instructions: r.Instructions,
	}
}

func marshalResult(res domain.Result) ([]byte, error) {
	return json.Marshal(resultRecord{
		Existing:    mapSlice(res.ExistingIngredientsRecipes, toRecipeRecord),
		Additional:  mapSlice(res.AdditionalIngredientsRecipes, toRecipeRecord),
		UserID:      res.UserID,
		Provider:    res.Provider,
		Model:       res.Model,
		GeneratedAt: res.GeneratedAt,
		Notes:       res.Notes,
	})
}

func marshalPartial(p domain.Partial) ([]byte, error) {
	return json.Marshal(partialRecord{
		Run: p.Run, Provider: p.Provider, Model: p.Model, UserID: p.UserID, UpdatedAt: p.UpdatedAt,
		Recipes: mapSlice(p.Recipes, func(r domain.PartialRecipe) partialRecipeRecord {
			return partialRecipeRecord{Kind: string(r.Kind), Index: r.Index, Recipe: toRecipeRecord(r.Recipe)}
		}),
	})
}

// trickyTexts are strings whose JSON needs escapes: quotes, control characters, HTML,
// U+2028/2029, broken UTF-8, Korean and emoji.
var trickyTexts = []string{
	"", "김치볶음밥", `say "hi"\now`, "a\nb\tc\rd\be\ff\x00g\x1fh\x7f", "<b>&amp;</b>", "line\u2028sep\u2029para",
	"bad \xff\xfe utf8 \xe2\x82", "🍜 ramen", "1/2 cup", "\xed\xa0\x80 surrogate", "trailing \xc3",
}

func randomText(r *rand.Rand) string {
	pieces := append([]string{"a", "김", " ", "\u2028", "<", "&", `"`, `\`, "\x01", "\xff", "🍜", "é"}, trickyTexts...)
	var s string
	for range r.IntN(12) {
		s += pieces[r.IntN(len(pieces))]
	}
	return s
}

func randomRecipe(r *rand.Rand) domain.Recipe {
	list := func() []string {
		switch r.IntN(4) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		out := make([]string, 1+r.IntN(4))
		for i := range out {
			out[i] = randomText(r)
		}
		return out
	}
	return domain.Recipe{
		Name: randomText(r), Description: randomText(r), Difficulty: domain.Difficulty(randomText(r)),
		CookingTime: r.IntN(300) - 20, Servings: r.IntN(12) - 1, Ingredients: list(),
		AdditionalIngredients: list(), Instructions: randomText(r),
	}
}

func randomRecipes(r *rand.Rand) []domain.Recipe {
	if r.IntN(4) == 0 {
		return nil
	}
	out := make([]domain.Recipe, r.IntN(4))
	for i := range out {
		out[i] = randomRecipe(r)
	}
	return out
}

func TestEncodeResultIsJSONMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{{}, time.Date(2026, 5, 1, 12, 30, 0, 123456789, time.UTC),
		time.Date(2026, 5, 1, 12, 30, 0, 0, time.FixedZone("KST", 9*3600))}
	for i := range 500 {
		res := domain.Result{
			ExistingIngredientsRecipes: randomRecipes(r), AdditionalIngredientsRecipes: randomRecipes(r),
			UserID: randomText(r), Provider: randomText(r), Model: randomText(r), GeneratedAt: times[i%len(times)],
		}
		if i%2 == 0 {
			res.Notes = []string{randomText(r), randomText(r)}
		}
		got, err := encodeResult(res)
		want, wantErr := marshalResult(res)
		if err != nil || wantErr != nil {
			t.Fatalf("encodeResult() error = %v, json.Marshal error = %v", err, wantErr)
		}
		if string(got) != string(want) {
			t.Fatalf("encodeResult(%+v) =\n%s\nwant\n%s", res, got, want)
		}
	}
}

func TestEncodePartialIsJSONMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		p := domain.Partial{Run: randomText(r), Provider: randomText(r), Model: randomText(r), UserID: randomText(r),
			UpdatedAt: time.Date(2026, 5, 1, 12, 30, i, i*1000, time.UTC)}
		for j, rc := range randomRecipes(r) {
			p.Recipes = append(p.Recipes, domain.PartialRecipe{Kind: domain.RecipeKind(randomText(r)), Index: j * 7, Recipe: rc})
		}
		got, err := encodePartial(&p)
		want, wantErr := marshalPartial(p)
		if err != nil || wantErr != nil {
			t.Fatalf("encodePartial() error = %v, json.Marshal error = %v", err, wantErr)
		}
		if string(got) != string(want) {
			t.Fatalf("encodePartial(%+v) =\n%s\nwant\n%s", p, got, want)
		}
	}
}

func TestEncodeResultRefusesATimeJSONCannotHold(t *testing.T) {
	res := domain.Result{GeneratedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, wantErr := marshalResult(res); wantErr == nil {
		t.Fatal("json.Marshal took the year 10000")
	}
	if got, err := encodeResult(res); err == nil {
		t.Errorf("encodeResult(year 10000) = %s, want an error as json.Marshal gives", got)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range trickyTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}
