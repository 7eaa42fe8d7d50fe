package application

import (
	"fmt"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/domain"
)

// liveRecipes is one attempt's streamed recipes. It checks each recipe on its own as it
// arrives, publishes the ones that pass through the job's Reporter, and voids them when
// the provider that wrote them fails or starts over. The final answer is still checked
// as a whole by accept; what is published here is a preview a client may show.
type liveRecipes struct {
	p      *Processor
	job    domain.Job
	cons   *domain.Constraints
	report Reporter

	mu      sync.Mutex
	partial domain.Partial
}

func (p *Processor) newLiveRecipes(job domain.Job, cons *domain.Constraints, report Reporter) *liveRecipes {
	return &liveRecipes{p: p, job: job, cons: cons, report: report,
		partial: domain.Partial{Run: p.newRun(), UserID: job.Request.UserID}}
}

// take handles one piece of news from the chain; it is the processor's StreamFunc.
func (l *liveRecipes) take(s Streamed) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.Reset || s.Provider != l.partial.Provider {
		l.void()
	}
	if s.Reset || !s.Kind.Valid() {
		return
	}
	kept, err := l.p.acceptRecipe(l.cons, l.partial, s.Kind, s.Recipe)
	if err != nil {
		l.p.log.Debug("streamed recipe held back", zap.String("job_id", string(l.job.ID)),
			zap.String("provider", s.Provider), zap.String("recipe", s.Recipe.Name), zap.Error(err))
		return
	}
	next := l.partial.With(s.Kind, kept)
	next.Provider, next.Model, next.UpdatedAt = s.Provider, s.Model, l.p.now().UTC()
	l.partial = next
	l.report.Partial(next, domain.StreamingProgress(len(next.Recipes)))
}

// void drops the recipes published so far, if any, and tells clients at once: the next
// recipes belong to a new run.
func (l *liveRecipes) void() {
	if len(l.partial.Recipes) == 0 {
		return
	}
	l.partial = domain.Partial{Run: l.p.newRun(), UserID: l.job.Request.UserID, UpdatedAt: l.p.now().UTC()}
	l.report.Partial(l.partial, domain.ProgressGenerating)
}

// acceptRecipe applies the result rules and the request's constraints cons to one streamed
// recipe, next to the recipes already published: its fields, its kind's rule about
// additional ingredients, a name not used before, no more recipes of its kind than an
// answer holds, then the allergies, the dietary preference, the cooking time and the
// servings, as accept does for a whole answer. It returns the recipe to publish.
func (p *Processor) acceptRecipe(cons *domain.Constraints, published domain.Partial, kind domain.RecipeKind, r domain.Recipe) (domain.Recipe, error) {
	if err := domain.CheckRecipes(published.ResultWith(kind, r)); err != nil {
		return domain.Recipe{}, fmt.Errorf("recipe breaks the result rules: %w", err)
	}
	kept, dropped, err := cons.Enforce(domain.Partial{}.ResultWith(kind, r))
	if err != nil {
		reasons := make([]string, len(dropped))
		for i, v := range dropped {
			reasons[i] = v.Reason
		}
		return domain.Recipe{}, fmt.Errorf("recipe breaks the request's constraints: %s: %w", strings.Join(reasons, "; "), err)
	}
	if kind == domain.KindExisting {
		return kept.ExistingIngredientsRecipes[0], nil
	}
	return kept.AdditionalIngredientsRecipes[0], nil
}
