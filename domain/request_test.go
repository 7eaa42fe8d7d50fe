package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

func TestNewGenerationRequest(t *testing.T) {
	type give struct {
		userID      string
		ingredients []string
		prefs       domain.Preferences
	}
	// request is what the test compares: the parsed request with its names taken out.
	type request struct {
		UserID      string
		Ingredients []string
		Preferences domain.Preferences
	}
	tests := []struct {
		name       string
		give       give
		want       request
		wantFields []string // JSON paths of the failing fields, nil when valid
	}{
		{
			name: "contract example",
			give: give{
				userID:      "user-42",
				ingredients: []string{"계란", "대파", "김치", "밥"},
				prefs: domain.Preferences{
					Dietary: "vegetarian", Cuisine: "korean", Allergies: []string{"땅콩"},
					MaxCookingTime: 30, Servings: 2, Language: "ko",
				},
			},
			want: request{
				UserID:      "user-42",
				Ingredients: []string{"계란", "대파", "김치", "밥"},
				Preferences: domain.Preferences{
					Dietary: "vegetarian", Cuisine: "korean", Allergies: []string{"땅콩"},
					MaxCookingTime: 30, Servings: 2, Language: domain.Korean,
				},
			},
		},
		{
			name: "ingredients only",
			give: give{ingredients: []string{" 계란 ", "계란"}},
			want: request{Ingredients: []string{"계란"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name: "user id trimmed",
			give: give{userID: "  user   42 ", ingredients: []string{"밥"}},
			want: request{UserID: "user 42", Ingredients: []string{"밥"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name: "user id of 128 characters",
			give: give{userID: strings.Repeat("사", 128), ingredients: []string{"밥"}},
			want: request{UserID: strings.Repeat("사", 128), Ingredients: []string{"밥"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name:       "user id of 129 characters",
			give:       give{userID: strings.Repeat("사", 129), ingredients: []string{"밥"}},
			wantFields: []string{"userId"},
		},
		{
			name:       "user id with a control character",
			give:       give{userID: "user\x00", ingredients: []string{"밥"}},
			wantFields: []string{"userId"},
		},
		{
			name:       "no ingredients",
			give:       give{userID: "user-42"},
			wantFields: []string{"ingredients"},
		},
		{
			name: "several failures at once",
			give: give{
				userID:      strings.Repeat("u", 129),
				ingredients: []string{"계란", "", "밥", strings.Repeat("밥", 51)},
				prefs:       domain.Preferences{Servings: 21, MaxCookingTime: 601, Language: "fr"},
			},
			wantFields: []string{
				"userId", "ingredients[1]", "ingredients[3]",
				"preferences.maxCookingTime", "preferences.servings", "preferences.language",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.NewGenerationRequest(tt.give.userID, tt.give.ingredients, tt.give.prefs)
			if gotInvalid := errors.Is(err, domain.ErrInvalidInput); gotInvalid != (tt.wantFields != nil) {
				t.Fatalf("NewGenerationRequest(%+v) error = %v, want invalid input %t", tt.give, err, tt.wantFields != nil)
			}
			if diff := cmp.Diff(tt.wantFields, fieldNames(fieldsOf(err))); diff != "" {
				t.Errorf("NewGenerationRequest(%+v) failing fields (-want +got):\n%s", tt.give, diff)
			}
			gotReq := request{UserID: got.UserID, Ingredients: got.Ingredients.Names(), Preferences: got.Preferences}
			if diff := cmp.Diff(tt.want, gotReq); diff != "" {
				t.Errorf("NewGenerationRequest(%+v) (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestRestoreGenerationRequestKeepsTheStoredParts(t *testing.T) {
	prefs := domain.Preferences{Cuisine: "korean", Servings: 2, Language: domain.English}
	got := domain.RestoreGenerationRequest("u-1", []string{"계란", "대파"}, prefs)
	if got.UserID != "u-1" || got.Ingredients.Len() != 2 || got.Ingredients.Names()[1] != "대파" || got.Preferences.Servings != 2 {
		t.Errorf("RestoreGenerationRequest = %+v, want the parts as given", got)
	}
}
