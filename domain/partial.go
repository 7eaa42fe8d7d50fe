package domain

import "time"

// RecipeKind names the list of a result a recipe belongs to.
type RecipeKind string

// The kinds of recipe a result holds.
const (
	KindExisting   RecipeKind = "existing"   // ExistingIngredientsRecipes
	KindAdditional RecipeKind = "additional" // AdditionalIngredientsRecipes
)

// Valid reports whether k is one of the known kinds.
func (k RecipeKind) Valid() bool { return k == KindExisting || k == KindAdditional }

// PartialRecipe is one recipe of a partial result: its kind and its place in the list of
// that kind.
type PartialRecipe struct {
	Kind   RecipeKind
	Index  int
	Recipe Recipe
}

// Partial is what the clients of a running job see of its result before the job ends:
// the recipes a streaming provider has written so far that passed every check, in the
// order they were written. Run names one run of one provider. When the recipes of a run
// become void (the provider failed half-way and the next one takes over, or the attempt
// is retried), the recipes that follow belong to a run with another name, so that a
// reader can tell a fresh start from more of the same.
type Partial struct {
	Run       string
	Recipes   []PartialRecipe
	Provider  string
	Model     string
	UserID    string
	UpdatedAt time.Time
}

// Count returns how many recipes of kind p holds.
func (p Partial) Count(kind RecipeKind) int {
	n := 0
	for _, r := range p.Recipes {
		if r.Kind == kind {
			n++
		}
	}
	return n
}

// With returns p with r added at the end of the list of kind; p itself is not modified.
func (p Partial) With(kind RecipeKind, r Recipe) Partial {
	out := p
	out.Recipes = append(make([]PartialRecipe, 0, len(p.Recipes)+1), p.Recipes...)
	out.Recipes = append(out.Recipes, PartialRecipe{Kind: kind, Index: p.Count(kind), Recipe: r})
	return out
}

// Result returns the recipes of p in the shape of a result, with p's provider, model,
// user and time.
func (p Partial) Result() Result {
	return p.result(nil)
}

// ResultWith is p.With(kind, r).Result(), without the copy of p in between.
func (p Partial) ResultWith(kind RecipeKind, r Recipe) Result {
	return p.result(&PartialRecipe{Kind: kind, Recipe: r})
}

// result returns p's recipes, and next after them when it is not nil, as a result.
func (p Partial) result(next *PartialRecipe) Result {
	res := Result{UserID: p.UserID, Provider: p.Provider, Model: p.Model, GeneratedAt: p.UpdatedAt}
	existing, additional := p.Count(KindExisting), p.Count(KindAdditional)
	if next != nil {
		switch next.Kind {
		case KindExisting:
			existing++
		case KindAdditional:
			additional++
		}
	}
	if existing > 0 {
		res.ExistingIngredientsRecipes = make([]Recipe, 0, existing)
	}
	if additional > 0 {
		res.AdditionalIngredientsRecipes = make([]Recipe, 0, additional)
	}
	add := func(r PartialRecipe) {
		switch r.Kind {
		case KindExisting:
			res.ExistingIngredientsRecipes = append(res.ExistingIngredientsRecipes, r.Recipe)
		case KindAdditional:
			res.AdditionalIngredientsRecipes = append(res.AdditionalIngredientsRecipes, r.Recipe)
		}
	}
	for _, r := range p.Recipes {
		add(r)
	}
	if next != nil {
		add(*next)
	}
	return res
}

// progressPerRecipe is how far each streamed recipe moves a job's progress, so that a
// complete answer of ExistingRecipeCount + AdditionalRecipeCount recipes reaches
// ProgressGenerated.
const progressPerRecipe = (ProgressGenerated - ProgressGenerating) / (ExistingRecipeCount + AdditionalRecipeCount)

// StreamingProgress is the progress of a job whose provider has written n recipes that
// passed the checks: ProgressGenerating plus an equal step per recipe, at most
// ProgressGenerated (30, 40, 50, 60, 70, 80).
func StreamingProgress(n int) int {
	return min(ProgressGenerating+max(n, 0)*progressPerRecipe, ProgressGenerated)
}
