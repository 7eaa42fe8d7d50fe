package prompt_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/prompt"
	"github.com/naengbu/recipe-ai/domain"
)

// FuzzParseAnswer checks that ParseAnswer never panics, and that whatever it accepts,
// written back as the plain answer JSON, parses to the same recipes.
func FuzzParseAnswer(f *testing.F) {
	valid := aitest.ValidAnswer().JSON()
	for _, seed := range []string{
		valid,
		"```json\n" + valid + "\n```",
		"Sure {here}: " + valid + " {enjoy}",
		`{"recipes": ` + valid + `}`,
		`{"existingIngredientsRecipes": [], "additionalIngredientsRecipes": []}`,
		`{"existingIngredientsRecipes": [{"name": " 전 ", "description": "d", "difficulty": "쉬움", "cookingTime": "15분",
		  "servings": "2인분", "ingredients": "계란, 파\n김치", "instructions": ["썬다", "2) 굽는다"]}],
		  "additionalIngredientsRecipes": [{"NAME": "n", "description": "d", "difficulty": "HARD", "cookingTime": 1e1,
		  "servings": 2, "ingredients": [], "additionalIngredients": [" ", "두부"], "instructions": "1. a"}]}`,
		`{"existingIngredientsRecipes": null}`,
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res, err := prompt.ParseAnswer(text)
		if err != nil {
			return
		}
		again := encodeAnswer(t, res)
		if len(again) > 1<<20 {
			t.Skip("the re-encoded answer is over ParseAnswer's size limit")
		}
		res2, err := prompt.ParseAnswer(again)
		if err != nil {
			t.Fatalf("ParseAnswer(re-encoded %q) error = %v; the original %q was accepted", again, err, text)
		}
		if diff := cmp.Diff(res, res2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("ParseAnswer(re-encoded) recipes differ (-first +again):\n%s\noriginal: %q\nre-encoded: %q", diff, text, again)
		}
	})
}

// wireRecipe is a recipe as the prompt asks a model to write it.
type wireRecipe struct {
	Name                  string   `json:"name"`
	Description           string   `json:"description"`
	Difficulty            string   `json:"difficulty"`
	CookingTime           int      `json:"cookingTime"`
	Servings              int      `json:"servings"`
	Ingredients           []string `json:"ingredients"`
	AdditionalIngredients []string `json:"additionalIngredients,omitempty"`
	Instructions          string   `json:"instructions"`
}

func encodeAnswer(t *testing.T, res domain.Result) string {
	t.Helper()
	wire := func(rs []domain.Recipe) []wireRecipe {
		out := make([]wireRecipe, len(rs))
		for i, r := range rs {
			out[i] = wireRecipe{
				Name: r.Name, Description: r.Description, Difficulty: string(r.Difficulty),
				CookingTime: r.CookingTime, Servings: r.Servings, Ingredients: r.Ingredients,
				AdditionalIngredients: r.AdditionalIngredients, Instructions: r.Instructions,
			}
		}
		return out
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string][]wireRecipe{
		"existingIngredientsRecipes":   wire(res.ExistingIngredientsRecipes),
		"additionalIngredientsRecipes": wire(res.AdditionalIngredientsRecipes),
	}); err != nil {
		t.Fatalf("encode %+v: %v", res, err)
	}
	return buf.String()
}
