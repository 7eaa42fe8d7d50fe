package application

import (
	"slices"

	"github.com/naengbu/recipe-ai/domain"
)

// recipeCursor is what one stream has sent of a job's streamed recipes: the run they
// belong to and the recipes themselves.
type recipeCursor struct {
	run  string
	sent []domain.PartialRecipe
}

// send sends a recipe event for each recipe of st's partial result that the stream has
// not sent yet. When the recipes already sent are no longer there (another run has
// started, or the job is no longer processing), a reset goes first.
func (c *recipeCursor) send(st domain.JobStatus, send func(Event) error) error {
	var p domain.Partial
	if st.Status.State() == domain.StateProcessing && st.Partial != nil {
		p = *st.Partial
	}
	if len(c.sent) > 0 && (p.Run != c.run || len(p.Recipes) < len(c.sent)) {
		if err := c.reset(send); err != nil {
			return err
		}
	}
	if len(c.sent) == 0 {
		c.run = p.Run
	}
	for _, r := range p.Recipes[len(c.sent):] {
		if err := send(Event{Kind: EventRecipe, Recipe: r}); err != nil {
			return err
		}
		c.sent = append(c.sent, r)
	}
	return nil
}

// settle runs before a terminal event: the recipes sent are void unless the job
// completed with each of them in its place in the result. The void may not have been
// seen on the way: a fallback provider can answer before it was written.
func (c *recipeCursor) settle(st domain.JobStatus, send func(Event) error) error {
	if len(c.sent) == 0 || (st.Status.State() == domain.StateCompleted && st.Result != nil && c.within(*st.Result)) {
		return nil
	}
	return c.reset(send)
}

func (c *recipeCursor) reset(send func(Event) error) error {
	c.sent = nil
	return send(Event{Kind: EventRecipe, Reset: true})
}

// within reports whether every recipe sent is the recipe at its place in res.
func (c *recipeCursor) within(res domain.Result) bool {
	for _, r := range c.sent {
		list := res.ExistingIngredientsRecipes
		if r.Kind == domain.KindAdditional {
			list = res.AdditionalIngredientsRecipes
		}
		if r.Index >= len(list) || !sameRecipe(list[r.Index], r.Recipe) {
			return false
		}
	}
	return true
}

func sameRecipe(a, b domain.Recipe) bool {
	return a.Name == b.Name && a.Description == b.Description && a.Difficulty == b.Difficulty &&
		a.CookingTime == b.CookingTime && a.Servings == b.Servings && a.Instructions == b.Instructions &&
		slices.Equal(a.Ingredients, b.Ingredients) && slices.Equal(a.AdditionalIngredients, b.AdditionalIngredients)
}
