package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/naengbu/recipe-ai/domain"
)

// entryColumns are the columns scanEntry reads, in its order.
const entryColumns = `job_id, user_id, attempts, created_at, completed_at, ingredients, preferences, result, owner`

// preferencesRecord is the preferences column: the contract's request JSON.
type preferencesRecord struct {
	Dietary        string   `json:"dietary,omitempty"`
	Cuisine        string   `json:"cuisine,omitempty"`
	Allergies      []string `json:"allergies,omitempty"`
	MaxCookingTime int      `json:"maxCookingTime,omitempty"`
	Servings       int      `json:"servings,omitempty"`
	Language       string   `json:"language,omitempty"`
}

// resultRecord is the result column: the contract's result JSON, so that the rows read
// well in SQL too.
type resultRecord struct {
	Existing    []recipeRecord `json:"existingIngredientsRecipes"`
	Additional  []recipeRecord `json:"additionalIngredientsRecipes"`
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

// entryArgs are the values of entryColumns for one entry.
func entryArgs(e domain.HistoryEntry) ([]any, error) {
	p := e.Request.Preferences
	prefs, err := json.Marshal(preferencesRecord{
		Dietary: p.Dietary, Cuisine: p.Cuisine, Allergies: p.Allergies,
		MaxCookingTime: p.MaxCookingTime, Servings: p.Servings, Language: string(p.Language),
	})
	if err != nil {
		return nil, fmt.Errorf("encode preferences: %w", err)
	}
	r := e.Result
	result, err := json.Marshal(resultRecord{
		Existing:    mapSlice(r.ExistingIngredientsRecipes, toRecipeRecord),
		Additional:  mapSlice(r.AdditionalIngredientsRecipes, toRecipeRecord),
		UserID:      r.UserID,
		Provider:    r.Provider,
		Model:       r.Model,
		GeneratedAt: r.GeneratedAt,
		Notes:       r.Notes,
	})
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	return []any{string(e.JobID), e.Request.UserID, e.Attempts, e.CreatedAt, e.CompletedAt,
		e.Request.Ingredients.Names(), prefs, result, e.Owner}, nil
}

// scanEntry reads one row of entryColumns.
func scanEntry(row pgx.Row) (domain.HistoryEntry, error) {
	var (
		jobID, userID, owner  string
		attempts              int
		created, completed    time.Time
		ingredients           []string
		prefsJSON, resultJSON []byte
		prefs                 preferencesRecord
		result                resultRecord
	)
	if err := row.Scan(&jobID, &userID, &attempts, &created, &completed, &ingredients, &prefsJSON, &resultJSON, &owner); err != nil {
		return domain.HistoryEntry{}, err
	}
	if err := json.Unmarshal(prefsJSON, &prefs); err != nil {
		return domain.HistoryEntry{}, fmt.Errorf("decode preferences of %s: %w", jobID, err)
	}
	if err := json.Unmarshal(resultJSON, &result); err != nil {
		return domain.HistoryEntry{}, fmt.Errorf("decode result of %s: %w", jobID, err)
	}
	// The request was validated when it was accepted; it is restored as it was kept.
	req := domain.RestoreGenerationRequest(userID, ingredients, domain.Preferences{
		Dietary: prefs.Dietary, Cuisine: prefs.Cuisine, Allergies: prefs.Allergies,
		MaxCookingTime: prefs.MaxCookingTime, Servings: prefs.Servings, Language: domain.Language(prefs.Language),
	})
	return domain.HistoryEntry{
		JobID:       domain.JobID(jobID),
		Request:     req,
		Attempts:    attempts,
		CreatedAt:   created.UTC(),
		CompletedAt: completed.UTC(),
		Result: domain.Result{
			ExistingIngredientsRecipes:   mapSlice(result.Existing, recipeRecord.toDomain),
			AdditionalIngredientsRecipes: mapSlice(result.Additional, recipeRecord.toDomain),
			UserID:                       result.UserID,
			Provider:                     result.Provider,
			Model:                        result.Model,
			GeneratedAt:                  result.GeneratedAt,
			Notes:                        result.Notes,
		},
		Owner: owner,
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
