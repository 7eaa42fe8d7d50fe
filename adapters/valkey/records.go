package valkey

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// requestRecord is how a job's request is stored in its hash.
type requestRecord struct {
	UserID      string            `json:"userId,omitempty"`
	Ingredients []string          `json:"ingredients"`
	Preferences preferencesRecord `json:"preferences"`
}

type preferencesRecord struct {
	Dietary        string   `json:"dietary,omitempty"`
	Cuisine        string   `json:"cuisine,omitempty"`
	Allergies      []string `json:"allergies,omitempty"`
	MaxCookingTime int      `json:"maxCookingTime,omitempty"`
	Servings       int      `json:"servings,omitempty"`
	Language       string   `json:"language,omitempty"`
}

func encodeRequest(req domain.GenerationRequest) ([]byte, error) {
	p := req.Preferences
	return json.Marshal(requestRecord{
		UserID:      req.UserID,
		Ingredients: req.Ingredients.Names(),
		Preferences: preferencesRecord{
			Dietary: p.Dietary, Cuisine: p.Cuisine, Allergies: p.Allergies,
			MaxCookingTime: p.MaxCookingTime, Servings: p.Servings, Language: string(p.Language),
		},
	})
}

// decodeRequest rebuilds a stored request; it was validated when it was accepted.
func decodeRequest(data string) (domain.GenerationRequest, error) {
	var r requestRecord
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return domain.GenerationRequest{}, fmt.Errorf("decode request: %w", err)
	}
	if len(r.Ingredients) == 0 {
		return domain.GenerationRequest{}, errors.New("decode request: no ingredients")
	}
	p := r.Preferences
	return domain.RestoreGenerationRequest(r.UserID, r.Ingredients, domain.Preferences{
		Dietary: p.Dietary, Cuisine: p.Cuisine, Allergies: p.Allergies,
		MaxCookingTime: p.MaxCookingTime, Servings: p.Servings, Language: domain.Language(p.Language),
	}), nil
}

// resultRecord is how a completed job's result is stored.
type resultRecord struct {
	Existing    []recipeRecord `json:"existing"`
	Additional  []recipeRecord `json:"additional"`
	UserID      string         `json:"userId,omitempty"`
	Provider    string         `json:"provider"`
	Model       string         `json:"model"`
	GeneratedAt time.Time      `json:"generatedAt"`
	Notes       []string       `json:"notes,omitempty"`
}

type recipeRecord struct {
	Name                  string   `json:"name"`
	Description           string   `json:"description"`
	Difficulty            string   `json:"difficulty"`
	CookingTime           int      `json:"cookingTime"`
	Servings              int      `json:"servings"`
	Ingredients           []string `json:"ingredients"`
	AdditionalIngredients []string `json:"additionalIngredients,omitempty"`
	Instructions          string   `json:"instructions"`
}

func encodeResult(res domain.Result) ([]byte, error) {
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

func decodeResult(data string) (*domain.Result, error) {
	var r resultRecord
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	return &domain.Result{
		ExistingIngredientsRecipes:   mapSlice(r.Existing, recipeRecord.toDomain),
		AdditionalIngredientsRecipes: mapSlice(r.Additional, recipeRecord.toDomain),
		UserID:                       r.UserID,
		Provider:                     r.Provider,
		Model:                        r.Model,
		GeneratedAt:                  r.GeneratedAt,
		Notes:                        r.Notes,
	}, nil
}

func toRecipeRecord(r domain.Recipe) recipeRecord {
	return recipeRecord{
		Name: r.Name, Description: r.Description, Difficulty: string(r.Difficulty),
		CookingTime: r.CookingTime, Servings: r.Servings, Ingredients: r.Ingredients,
		AdditionalIngredients: r.AdditionalIngredients, Instructions: r.Instructions,
	}
}

func (r recipeRecord) toDomain() domain.Recipe {
	return domain.Recipe{
		Name: r.Name, Description: r.Description, Difficulty: domain.Difficulty(r.Difficulty),
		CookingTime: r.CookingTime, Servings: r.Servings, Ingredients: r.Ingredients,
		AdditionalIngredients: r.AdditionalIngredients, Instructions: r.Instructions,
	}
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
