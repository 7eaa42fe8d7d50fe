package prompt_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/prompt"
	"github.com/naengbu/recipe-ai/domain"
)

func TestParseAnswer(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	wantNames := [2][]string{{"계란말이", "김치볶음밥", "대파계란국"}, {"김치전", "김치두부덮밥"}}
	tests := []struct {
		name         string
		give         string
		wantNames    [2][]string
		wantProblems []string
	}{
		{name: "plain JSON", give: valid, wantNames: wantNames},
		{
			name:      "fenced JSON with chatter",
			give:      "여기 레시피를 JSON 형식으로 만들어드리겠습니다.\n```json\n" + valid + "\n```\n물론이죠, 위 레시피를 즐겨보세요! {끝}",
			wantNames: wantNames,
		},
		{
			name:      "chatter with braces before and after",
			give:      "Sure {here} you go: " + valid + " Enjoy {your meal}!",
			wantNames: wantNames,
		},
		{
			name:      "wrapped one level deep",
			give:      `{"recipes": ` + valid + `}`,
			wantNames: wantNames,
		},
		{
			name:      "counts are not its business",
			give:      `{"existingIngredientsRecipes": [], "additionalIngredientsRecipes": []}`,
			wantNames: [2][]string{nil, nil},
		},
		{
			name:         "a poem",
			give:         "Roses are red,\nkimchi is too;\nI ignored the rules\nand wrote this for you.",
			wantProblems: []string{"no complete JSON object with the recipe lists in the answer"},
		},
		{
			name:         "truncated",
			give:         valid[:len(valid)/2],
			wantProblems: []string{"no complete JSON object with the recipe lists in the answer"},
		},
		{
			name:         "JSON of another shape",
			give:         `{"poem": "roses are red"}`,
			wantProblems: []string{"no complete JSON object with the recipe lists in the answer"},
		},
		{
			name: "missing list and fields",
			give: `{"existingIngredientsRecipes": [{"name": "계란말이", "difficulty": "easy", "cookingTime": 10,
				"servings": 2, "ingredients": ["계란"], "instructions": null}, "not a recipe"]}`,
			wantProblems: []string{
				"existingIngredientsRecipes[0].description: missing",
				"existingIngredientsRecipes[0].instructions: missing",
				"existingIngredientsRecipes[1]: want a recipe object",
				"additionalIngredientsRecipes: missing",
			},
		},
		{
			name: "mistyped fields",
			give: `{"existingIngredientsRecipes": [{"name": 7, "description": "d", "difficulty": "easy",
				"cookingTime": "about ten", "servings": 2.5, "ingredients": [1, 2], "instructions": {"1": "x"}}],
				"additionalIngredientsRecipes": {"name": "x"}}`,
			wantProblems: []string{
				"existingIngredientsRecipes[0].name: want a string",
				"existingIngredientsRecipes[0].cookingTime: want a whole number",
				"existingIngredientsRecipes[0].servings: 2.5 is not a whole number",
				"existingIngredientsRecipes[0].ingredients: want a list of strings",
				"existingIngredientsRecipes[0].instructions: want a string",
				"additionalIngredientsRecipes: want an array of recipes",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := prompt.ParseAnswer(tt.give)
			var aerr *domain.AnswerError
			switch {
			case tt.wantProblems == nil && err != nil:
				t.Fatalf("ParseAnswer() error = %v, want none", err)
			case tt.wantProblems != nil && (!errors.As(err, &aerr) || !errors.Is(err, domain.ErrInvalidAnswer)):
				t.Fatalf("ParseAnswer() error = %v, want an *AnswerError", err)
			case tt.wantProblems != nil:
				if diff := cmp.Diff(tt.wantProblems, aerr.Problems); diff != "" {
					t.Errorf("ParseAnswer() problems (-want +got):\n%s", diff)
				}
				return
			}
			if diff := cmp.Diff(tt.wantNames, aitest.Names(got)); diff != "" {
				t.Errorf("ParseAnswer() names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAnswerFields(t *testing.T) {
	valid, err := prompt.ParseAnswer(aitest.ValidAnswer().JSON())
	if err != nil {
		t.Fatalf("ParseAnswer(valid) error = %v", err)
	}
	want := domain.Recipe{
		Name: "김치전", Description: "김치전입니다.", Difficulty: domain.Medium, CookingTime: 25, Servings: 2,
		Ingredients: []string{"김치 1컵", "부침가루 1컵", "물", "식용유"}, AdditionalIngredients: []string{"부침가루"},
		Instructions: "1. 재료를 손질한다.\n2. 조리한다.",
	}
	if diff := cmp.Diff(want, valid.AdditionalIngredientsRecipes[0]); diff != "" {
		t.Errorf("ParseAnswer() recipe (-want +got):\n%s", diff)
	}
	if err := domain.CheckAnswer(valid); err != nil {
		t.Errorf("CheckAnswer(ParseAnswer(ValidAnswer)) = %v, want nil", err)
	}

	lenient := `{"ExistingIngredientsRecipes": [{"name": " 두부조림 ", "description": "짭짤한 반찬",
		"difficulty": "보통", "cookingTime": "20분", "servings": "2인분", "ingredients": "두부 1모, 간장\n물",
		"instructions": ["두부를 썬다", "2. 조린다", ""]}], "additionalIngredientsRecipes": []}`
	got, err := prompt.ParseAnswer(lenient)
	if err != nil {
		t.Fatalf("ParseAnswer(lenient) error = %v", err)
	}
	want = domain.Recipe{
		Name: "두부조림", Description: "짭짤한 반찬", Difficulty: domain.Medium, CookingTime: 20, Servings: 2,
		Ingredients: []string{"두부 1모", "간장", "물"}, Instructions: "1. 두부를 썬다\n2. 조린다",
	}
	if diff := cmp.Diff([]domain.Recipe{want}, got.ExistingIngredientsRecipes); diff != "" {
		t.Errorf("ParseAnswer(lenient) recipes (-want +got):\n%s", diff)
	}
}

func TestParseAnswerRejectsHugeReplies(t *testing.T) {
	_, err := prompt.ParseAnswer(strings.Repeat(" ", 2<<20))
	if !errors.Is(err, domain.ErrInvalidAnswer) {
		t.Errorf("ParseAnswer(2 MiB) error = %v, want ErrInvalidAnswer", err)
	}
}
