package application

import "github.com/naengbu/recipe-ai/domain"

// recipeCursor is what one stream has sent of a job's streamed recipes: the run they
// belong to and how many.
type recipeCursor struct {
	run  string
	sent int
}

// send sends a recipe event for each recipe of st's partial result that the stream has
// not sent yet. When the recipes already sent are no longer there (another run has
// started, or the job is no longer processing), a reset goes first.
func (c *recipeCursor) send(st domain.JobStatus, send func(Event) error) error {
	var p domain.Partial
	if st.Status.State() == domain.StateProcessing && st.Partial != nil {
		p = *st.Partial
	}
	if c.sent > 0 && (p.Run != c.run || len(p.Recipes) < c.sent) {
		if err := send(Event{Kind: EventRecipe, Reset: true}); err != nil {
			return err
		}
		c.sent = 0
	}
	if c.sent == 0 {
		c.run = p.Run
	}
	for _, r := range p.Recipes[c.sent:] {
		if err := send(Event{Kind: EventRecipe, Recipe: r}); err != nil {
			return err
		}
		c.sent++
	}
	return nil
}
