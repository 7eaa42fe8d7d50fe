package offline

import (
	"context"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// GenerateStream is Generate that hands every recipe of its answer to emit at once,
// existing ones first: the engine writes them all in microseconds, so a client sees them
// as soon as it would see a streaming model's first.
func (g *Generator) GenerateStream(ctx context.Context, req domain.GenerationRequest, emit application.StreamFunc) (domain.Result, error) {
	res, err := g.Generate(ctx, req)
	if err != nil {
		return res, err
	}
	for _, r := range res.ExistingIngredientsRecipes {
		emit(application.Streamed{Model: res.Model, Kind: domain.KindExisting, Recipe: r})
	}
	for _, r := range res.AdditionalIngredientsRecipes {
		emit(application.Streamed{Model: res.Model, Kind: domain.KindAdditional, Recipe: r})
	}
	return res, nil
}
