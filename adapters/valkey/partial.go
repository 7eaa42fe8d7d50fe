package valkey

import (
	"encoding/json"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// jobReporter is the application.Reporter of one running job: it hands the job's
// progress and partial results to the progress writer under the job's lease token, so
// that nothing is written once the job has ended or another worker holds it.
type jobReporter struct {
	w     *progressWriter
	id    domain.JobID
	token string
}

func (r jobReporter) Progress(progress int) {
	r.w.report(progressUpdate{id: r.id, token: r.token, progress: progress})
}

// Partial hands p over as it is; it is encoded only if it is still the job's latest
// partial result when the progress writer writes.
func (r jobReporter) Partial(p domain.Partial, progress int) {
	r.w.report(progressUpdate{id: r.id, token: r.token, progress: progress, partial: &p})
}

// encodePartial is the record of p stored in the job's hash.
func encodePartial(p *domain.Partial) ([]byte, error) {
	return json.Marshal(toPartialRecord(*p))
}

// partialRecord is how a running job's partial result is stored in its hash's "partial"
// field. The recipes are in the order they were written; an empty list is a run whose
// recipes so far were voided.
type partialRecord struct {
	Run       string                `json:"run"`
	Recipes   []partialRecipeRecord `json:"recipes"`
	Provider  string                `json:"provider"`
	Model     string                `json:"model,omitempty"`
	UserID    string                `json:"userId,omitempty"`
	UpdatedAt time.Time             `json:"updatedAt"`
}

type partialRecipeRecord struct {
	Kind   string       `json:"kind"`
	Index  int          `json:"index"`
	Recipe recipeRecord `json:"recipe"`
}

func toPartialRecord(p domain.Partial) partialRecord {
	return partialRecord{
		Run: p.Run, Provider: p.Provider, Model: p.Model, UserID: p.UserID, UpdatedAt: p.UpdatedAt,
		Recipes: mapSlice(p.Recipes, func(r domain.PartialRecipe) partialRecipeRecord {
			return partialRecipeRecord{Kind: string(r.Kind), Index: r.Index, Recipe: toRecipeRecord(r.Recipe)}
		}),
	}
}

// decodePartial reads a stored partial result. A record it cannot read is left out: the
// partial result is a preview, and the job's status must stay readable without it.
func decodePartial(data string) *domain.Partial {
	var r partialRecord
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return nil
	}
	return &domain.Partial{
		Run: r.Run, Provider: r.Provider, Model: r.Model, UserID: r.UserID, UpdatedAt: r.UpdatedAt,
		Recipes: mapSlice(r.Recipes, func(rr partialRecipeRecord) domain.PartialRecipe {
			return domain.PartialRecipe{Kind: domain.RecipeKind(rr.Kind), Index: rr.Index, Recipe: rr.Recipe.toDomain()}
		}),
	}
}
