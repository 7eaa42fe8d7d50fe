// Package offline answers recipe requests from a curated catalogue embedded in the binary:
// no API key, no network, the same answer for the same request, in microseconds.
package offline

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// Provider is the name the offline engine gives in Result.Provider.
const Provider = "offline"

// catalogueVersion changes when the catalogue's format or matching rules change.
const catalogueVersion = "catalogue-v2"

// Generator is the offline RecipeGenerator. It is read-only after New and safe for
// concurrent use.
type Generator struct {
	cat   *catalogue
	lex   *domain.Lexicon
	now   func() time.Time
	model string
}

// Option changes a Generator built by New.
type Option func(*Generator)

// WithClock makes the Generator stamp results with now() instead of time.Now().
func WithClock(now func() time.Time) Option {
	return func(g *Generator) { g.now = now }
}

var defaultCatalogue = sync.OnceValues(func() (*catalogue, error) {
	records, err := defaultRecords()
	if err != nil {
		return nil, err
	}
	return compile(records, domain.DefaultLexicon())
})

// New returns a Generator over the embedded catalogue and domain.DefaultLexicon. The
// catalogue is parsed once per process. New panics if the embedded data is broken, which
// the package's tests rule out.
func New(opts ...Option) *Generator {
	cat, err := defaultCatalogue()
	if err != nil {
		panic(fmt.Sprintf("offline: embedded catalogue: %v", err))
	}
	return newGenerator(cat, domain.DefaultLexicon(), opts...)
}

func newGenerator(cat *catalogue, lex *domain.Lexicon, opts ...Option) *Generator {
	g := &Generator{
		cat:   cat,
		lex:   lex,
		now:   time.Now,
		model: fmt.Sprintf("%s-%d", catalogueVersion, len(cat.recipes)),
	}
	for _, opt := range opts {
		opt(g)
	}
	return g
}

// Generate picks up to domain.ExistingRecipeCount recipes made only from the request's
// ingredients and pantry staples, and up to domain.AdditionalRecipeCount recipes that need
// one to three more common ingredients. Allergies, the dietary rule and maxCookingTime
// exclude recipes; fewer recipes come back when fewer fit. Ingredients, preferences and
// messages it does not understand are named in Result.Notes, in the request's language.
// Its only error is the cause of a ctx that is already done.
func (g *Generator) Generate(ctx context.Context, req domain.GenerationRequest) (domain.Result, error) {
	if ctx.Err() != nil {
		return domain.Result{}, fmt.Errorf("generate offline: %w", context.Cause(ctx))
	}
	q := g.newQuery(req)
	existing, additional := g.cat.match(q)
	res := domain.Result{
		UserID:      req.UserID,
		Provider:    Provider,
		Model:       g.model,
		GeneratedAt: g.now(),
	}
	res.ExistingIngredientsRecipes = g.renderFitting(q, existing, domain.ExistingRecipeCount)
	res.AdditionalIngredientsRecipes = g.renderFitting(q, additional, domain.AdditionalRecipeCount)
	res.Notes = g.notes(q, len(res.ExistingIngredientsRecipes), len(res.AdditionalIngredientsRecipes))
	return res, nil
}

// renderFitting renders the ranked recipes in order until it has n whose ingredient lines
// pass the lexicon's allergy check as written, the same check an AI answer goes through.
func (g *Generator) renderFitting(q *query, ranked []*recipe, n int) []domain.Recipe {
	var out []domain.Recipe
	for _, r := range ranked {
		if len(out) == n {
			break
		}
		rendered := g.render(q, r)
		if g.violates(q, rendered) {
			continue
		}
		if out == nil {
			out = make([]domain.Recipe, 0, n)
		}
		out = append(out, rendered)
	}
	return out
}

func (g *Generator) violates(q *query, r domain.Recipe) bool {
	if len(q.allergies) == 0 {
		return false
	}
	for _, l := range r.Ingredients {
		if g.lex.Violates(l, q.allergies) {
			return true
		}
	}
	return false
}

// MainIngredients returns the canonical names of the ingredients the catalogue's recipe
// of that name, in Korean or English, is built on, and false when no recipe has that name.
// It lets a quality check judge from outside whether a suggestion is built on the fridge.
func (g *Generator) MainIngredients(name string) ([]string, bool) {
	for i := range g.cat.recipes {
		r := &g.cat.recipes[i]
		if r.Name.Ko != name && r.Name.En != name {
			continue
		}
		var mains []string
		for _, l := range r.lines {
			if l.Role == roleMain {
				mains = append(mains, l.Name)
			}
		}
		return mains, true
	}
	return nil, false
}
