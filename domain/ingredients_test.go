package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

// numbered returns n distinct ingredient names.
func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("재료%d", i)
	}
	return out
}

func TestParseIngredients(t *testing.T) {
	tests := []struct {
		name       string
		give       []string
		want       []string
		wantFields []domain.FieldError // nil when the list is valid
	}{
		{name: "one name", give: []string{"계란"}, want: []string{"계란"}},
		{name: "keeps order", give: []string{"밥", "계란", "대파"}, want: []string{"밥", "계란", "대파"}},
		{
			name: "trims",
			give: []string{"  계란 ", "\t대파\n", "\r\n김치 "},
			want: []string{"계란", "대파", "김치"},
		},
		{
			name: "folds inner white space",
			give: []string{"green   onion", "soy\u00a0\u00a0sauce", "참기름\u3000 병"},
			want: []string{"green onion", "soy sauce", "참기름 병"},
		},
		{
			name: "case-insensitive duplicates keep the first spelling",
			give: []string{"Egg", "egg", " EGG ", "Rice", "rice"},
			want: []string{"Egg", "Rice"},
		},
		{
			name: "duplicates after folding collapse",
			give: []string{"green onion", "Green   Onion", "김치", " 김치"},
			want: []string{"green onion", "김치"},
		},
		{name: "50 items", give: numbered(50), want: numbered(50)},
		{name: "50 ASCII characters", give: []string{strings.Repeat("a", 50)}, want: []string{strings.Repeat("a", 50)}},
		{name: "50 Korean characters", give: []string{strings.Repeat("김", 50)}, want: []string{strings.Repeat("김", 50)}},
		{name: "50 emoji", give: []string{strings.Repeat("🥚", 50)}, want: []string{strings.Repeat("🥚", 50)}},
		{
			name: "50 characters once trimmed",
			give: []string{"   " + strings.Repeat("김", 50) + "  "},
			want: []string{strings.Repeat("김", 50)},
		},
		{
			name:       "nil",
			give:       nil,
			wantFields: []domain.FieldError{{Field: "ingredients", Message: "must name at least 1 ingredient"}},
		},
		{
			name:       "0 items",
			give:       []string{},
			wantFields: []domain.FieldError{{Field: "ingredients", Message: "must name at least 1 ingredient"}},
		},
		{
			name:       "51 items",
			give:       numbered(51),
			wantFields: []domain.FieldError{{Field: "ingredients", Message: "must name at most 50 ingredients"}},
		},
		{
			name:       "empty",
			give:       []string{"계란", ""},
			wantFields: []domain.FieldError{{Field: "ingredients[1]", Message: "must not be empty"}},
		},
		{
			name:       "blank",
			give:       []string{" \t "},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must not be empty"}},
		},
		{
			name:       "51 ASCII characters",
			give:       []string{strings.Repeat("a", 51)},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must be at most 50 characters"}},
		},
		{
			name:       "51 Korean characters",
			give:       []string{"밥", strings.Repeat("김", 51)},
			wantFields: []domain.FieldError{{Field: "ingredients[1]", Message: "must be at most 50 characters"}},
		},
		{
			name:       "51 emoji",
			give:       []string{strings.Repeat("🥚", 51)},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must be at most 50 characters"}},
		},
		{
			name:       "NUL",
			give:       []string{"egg\x00"},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must not contain control characters"}},
		},
		{
			name:       "escape sequence",
			give:       []string{"\x1b[31m계란"},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must not contain control characters"}},
		},
		{
			name:       "DEL",
			give:       []string{"계란\x7f"},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must not contain control characters"}},
		},
		{
			name:       "C1 control",
			give:       []string{"계란\u0085대파"},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must not contain control characters"}},
		},
		{
			name:       "inner tab",
			give:       []string{"계란\t대파"},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must not contain control characters"}},
		},
		{
			name:       "inner newline",
			give:       []string{"계란\n대파"},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must not contain control characters"}},
		},
		{
			name:       "invalid UTF-8",
			give:       []string{"\xff계란"},
			wantFields: []domain.FieldError{{Field: "ingredients[0]", Message: "must not contain control characters"}},
		},
		{
			name:       "index counts duplicates",
			give:       []string{"계란", "계란", ""},
			wantFields: []domain.FieldError{{Field: "ingredients[2]", Message: "must not be empty"}},
		},
		{
			name: "several failures at once",
			give: []string{"계란", "", "밥\x00", strings.Repeat("x", 51), "대파"},
			wantFields: []domain.FieldError{
				{Field: "ingredients[1]", Message: "must not be empty"},
				{Field: "ingredients[2]", Message: "must not contain control characters"},
				{Field: "ingredients[3]", Message: "must be at most 50 characters"},
			},
		},
		{
			name: "too many and broken items",
			give: append(numbered(50), ""),
			wantFields: []domain.FieldError{
				{Field: "ingredients", Message: "must name at most 50 ingredients"},
				{Field: "ingredients[50]", Message: "must not be empty"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ParseIngredients(tt.give)
			if gotInvalid := errors.Is(err, domain.ErrInvalidInput); gotInvalid != (tt.wantFields != nil) {
				t.Fatalf("ParseIngredients(%q) error = %v, want invalid input %t", tt.give, err, tt.wantFields != nil)
			}
			if diff := cmp.Diff(tt.wantFields, fieldsOf(err)); diff != "" {
				t.Errorf("ParseIngredients(%q) fields (-want +got):\n%s", tt.give, diff)
			}
			if diff := cmp.Diff(tt.want, got.Names()); diff != "" {
				t.Errorf("ParseIngredients(%q) names (-want +got):\n%s", tt.give, diff)
			}
			if got.Len() != len(tt.want) {
				t.Errorf("ParseIngredients(%q).Len() = %d, want %d", tt.give, got.Len(), len(tt.want))
			}
		})
	}
}

func TestIngredientsNamesIsACopy(t *testing.T) {
	in, err := domain.ParseIngredients([]string{"계란", "밥"})
	if err != nil {
		t.Fatalf("ParseIngredients() error = %v", err)
	}
	in.Names()[0] = "changed"
	if diff := cmp.Diff([]string{"계란", "밥"}, in.Names()); diff != "" {
		t.Errorf("Names() after editing an earlier copy (-want +got):\n%s", diff)
	}
}

func TestParseIngredientsDoesNotKeepInput(t *testing.T) {
	raw := []string{"계란", "밥"}
	in, err := domain.ParseIngredients(raw)
	if err != nil {
		t.Fatalf("ParseIngredients(%q) error = %v", raw, err)
	}
	raw[0] = "changed"
	if diff := cmp.Diff([]string{"계란", "밥"}, in.Names()); diff != "" {
		t.Errorf("Names() after editing the input (-want +got):\n%s", diff)
	}
}
