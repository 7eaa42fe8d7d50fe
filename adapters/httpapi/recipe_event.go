package httpapi

import (
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// recipeKindReset is the kind of the recipe event that voids the recipes sent before it.
const recipeKindReset = "reset"

// recipeEvent is the data of a `recipe` event: one streamed recipe and its place in the
// result, or a reset.
type recipeEvent struct {
	Kind   string          `json:"kind" enums:"existing,additional,reset"`
	Index  *int            `json:"index,omitempty"`
	Recipe *recipeResponse `json:"recipe,omitempty"`
}

func toRecipeEvent(ev application.Event) recipeEvent {
	if ev.Reset {
		return recipeEvent{Kind: recipeKindReset}
	}
	index := ev.Recipe.Index
	r := toRecipeResponses([]domain.Recipe{ev.Recipe.Recipe})[0]
	return recipeEvent{Kind: string(ev.Recipe.Kind), Index: &index, Recipe: &r}
}
