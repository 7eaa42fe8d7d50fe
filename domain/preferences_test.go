package domain_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

// allergyList returns n distinct allergy names.
func allergyList(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("알레르기%d", i)
	}
	return out
}

func TestPreferences(t *testing.T) {
	tests := []struct {
		name       string
		give       domain.Preferences
		want       domain.Preferences
		wantFields []domain.FieldError // nil when the preferences are valid
	}{
		{name: "none given", give: domain.Preferences{}, want: domain.Preferences{Language: domain.Korean}},
		{
			name: "all given",
			give: domain.Preferences{
				Dietary: "vegetarian", Cuisine: "korean", Allergies: []string{"땅콩"},
				MaxCookingTime: 30, Servings: 2, Language: domain.English,
			},
			want: domain.Preferences{
				Dietary: "vegetarian", Cuisine: "korean", Allergies: []string{"땅콩"},
				MaxCookingTime: 30, Servings: 2, Language: domain.English,
			},
		},
		{name: "language ko", give: domain.Preferences{Language: "ko"}, want: domain.Preferences{Language: domain.Korean}},
		{name: "language en", give: domain.Preferences{Language: "en"}, want: domain.Preferences{Language: domain.English}},
		{
			name:       "language fr",
			give:       domain.Preferences{Language: "fr"},
			want:       domain.Preferences{},
			wantFields: []domain.FieldError{{Field: "preferences.language", Message: `must be "ko" or "en"`}},
		},
		{
			name:       "language EN",
			give:       domain.Preferences{Language: "EN"},
			wantFields: []domain.FieldError{{Field: "preferences.language", Message: `must be "ko" or "en"`}},
		},
		{name: "maxCookingTime 1", give: domain.Preferences{MaxCookingTime: 1}, want: domain.Preferences{MaxCookingTime: 1, Language: domain.Korean}},
		{name: "maxCookingTime 600", give: domain.Preferences{MaxCookingTime: 600}, want: domain.Preferences{MaxCookingTime: 600, Language: domain.Korean}},
		{
			name:       "maxCookingTime 601",
			give:       domain.Preferences{MaxCookingTime: 601},
			wantFields: []domain.FieldError{{Field: "preferences.maxCookingTime", Message: "must be between 1 and 600 minutes"}},
		},
		{
			name:       "maxCookingTime -1",
			give:       domain.Preferences{MaxCookingTime: -1},
			wantFields: []domain.FieldError{{Field: "preferences.maxCookingTime", Message: "must be between 1 and 600 minutes"}},
		},
		{name: "servings 1", give: domain.Preferences{Servings: 1}, want: domain.Preferences{Servings: 1, Language: domain.Korean}},
		{name: "servings 20", give: domain.Preferences{Servings: 20}, want: domain.Preferences{Servings: 20, Language: domain.Korean}},
		{
			name:       "servings 21",
			give:       domain.Preferences{Servings: 21},
			wantFields: []domain.FieldError{{Field: "preferences.servings", Message: "must be between 1 and 20"}},
		},
		{
			name:       "servings -1",
			give:       domain.Preferences{Servings: -1},
			wantFields: []domain.FieldError{{Field: "preferences.servings", Message: "must be between 1 and 20"}},
		},
		{
			name: "20 allergies",
			give: domain.Preferences{Allergies: allergyList(20)},
			want: domain.Preferences{Allergies: allergyList(20), Language: domain.Korean},
		},
		{
			name:       "21 allergies",
			give:       domain.Preferences{Allergies: allergyList(21)},
			wantFields: []domain.FieldError{{Field: "preferences.allergies", Message: "must name at most 20 allergies"}},
		},
		{
			name: "allergies deduplicated, trimmed and folded",
			give: domain.Preferences{Allergies: []string{" Peanut", "peanut ", "땅콩", "tree   nut", "Tree Nut", "땅콩"}},
			want: domain.Preferences{Allergies: []string{"Peanut", "땅콩", "tree nut"}, Language: domain.Korean},
		},
		{
			name: "blank allergies dropped",
			give: domain.Preferences{Allergies: []string{"", "  ", "땅콩"}},
			want: domain.Preferences{Allergies: []string{"땅콩"}, Language: domain.Korean},
		},
		{
			name:       "allergy too long",
			give:       domain.Preferences{Allergies: []string{"땅콩", strings.Repeat("콩", 51)}},
			wantFields: []domain.FieldError{{Field: "preferences.allergies[1]", Message: "must be at most 50 characters"}},
		},
		{
			name:       "allergy with a control character",
			give:       domain.Preferences{Allergies: []string{"땅\x00콩"}},
			wantFields: []domain.FieldError{{Field: "preferences.allergies[0]", Message: "must not contain control characters"}},
		},
		{
			name: "free text cleaned",
			give: domain.Preferences{Dietary: "  low   carb ", Cuisine: "\tkorean\n"},
			want: domain.Preferences{Dietary: "low carb", Cuisine: "korean", Language: domain.Korean},
		},
		{
			name: "free text of 50 characters",
			give: domain.Preferences{Dietary: strings.Repeat("채", 50), Cuisine: strings.Repeat("🍜", 50)},
			want: domain.Preferences{Dietary: strings.Repeat("채", 50), Cuisine: strings.Repeat("🍜", 50), Language: domain.Korean},
		},
		{
			name:       "dietary of 51 characters",
			give:       domain.Preferences{Dietary: strings.Repeat("채", 51)},
			wantFields: []domain.FieldError{{Field: "preferences.dietary", Message: "must be at most 50 characters"}},
		},
		{
			name:       "cuisine with a control character",
			give:       domain.Preferences{Cuisine: "kor\x1bean"},
			wantFields: []domain.FieldError{{Field: "preferences.cuisine", Message: "must not contain control characters"}},
		},
		{
			name: "every preference broken",
			give: domain.Preferences{
				Dietary: strings.Repeat("a", 51), Cuisine: "\x00", Allergies: append(allergyList(20), "\x07"),
				MaxCookingTime: 601, Servings: 21, Language: "fr",
			},
			wantFields: []domain.FieldError{
				{Field: "preferences.dietary", Message: "must be at most 50 characters"},
				{Field: "preferences.cuisine", Message: "must not contain control characters"},
				{Field: "preferences.allergies", Message: "must name at most 20 allergies"},
				{Field: "preferences.allergies[20]", Message: "must not contain control characters"},
				{Field: "preferences.maxCookingTime", Message: "must be between 1 and 600 minutes"},
				{Field: "preferences.servings", Message: "must be between 1 and 20"},
				{Field: "preferences.language", Message: `must be "ko" or "en"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.NewGenerationRequest("user-42", []string{"계란"}, tt.give)
			if diff := cmp.Diff(tt.wantFields, fieldsOf(err)); diff != "" {
				t.Fatalf("NewGenerationRequest(%+v) fields (-want +got):\n%s", tt.give, diff)
			}
			if diff := cmp.Diff(tt.want, got.Preferences); diff != "" {
				t.Errorf("NewGenerationRequest(%+v) preferences (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestPreferencesDoNotKeepInput(t *testing.T) {
	allergies := []string{"땅콩", "새우"}
	req, err := domain.NewGenerationRequest("", []string{"계란"}, domain.Preferences{Allergies: allergies})
	if err != nil {
		t.Fatalf("NewGenerationRequest() error = %v", err)
	}
	allergies[0] = "changed"
	if diff := cmp.Diff([]string{"땅콩", "새우"}, req.Preferences.Allergies); diff != "" {
		t.Errorf("Preferences.Allergies after editing the input (-want +got):\n%s", diff)
	}
}
