package domain

import (
	"fmt"
	"slices"
	"sync"
)

// Violation is one recipe that EnforceConstraints dropped, and why.
type Violation struct {
	Recipe string // the recipe's name
	Reason string // e.g. `ingredient "땅콩 1큰술" conflicts with the allergies`
}

// EnforceConstraints applies the request's preferences to a generator's answer, whatever
// the generator was told: it drops every recipe with an ingredient or additional
// ingredient that lex finds in one of the allergies (names and their known aliases) or
// that the dietary preference forbids (Lexicon.ViolatesDiet, for a preference ParseDiet
// recognises; any other, such as "low-carb", is only asked for in the prompt), and every
// recipe longer than MaxCookingTime when one was given, then sets Servings on the rest
// when servings were given. A nil lex means DefaultLexicon. It returns the kept
// answer and what it dropped; when every recipe of a kind the answer had was dropped, it
// returns an *AnswerError instead, since what is left no longer answers the request.
// r itself is not modified.
func EnforceConstraints(r Result, p Preferences, lex *Lexicon) (Result, []Violation, error) {
	return NewConstraints(p, lex).Enforce(r)
}

// Constraints are a request's preferences resolved against a lexicon once (its
// allergies, its dietary rule), for the many recipes of one job: those checked one by one
// as a provider streams them, then its whole answer. It remembers the verdicts of the
// last recipes it checked, so that a recipe checked when it was streamed is not scanned
// again when it comes back in the whole answer. It is safe for concurrent use.
type Constraints struct {
	p         Preferences
	lex       *Lexicon
	allergies []AllergySet
	diet      Diet
	hasDiet   bool

	mu   sync.Mutex
	seen []verdict // the latest last, at most maxVerdicts
}

// verdict is why a recipe with these fields breaks the constraints, "" when it does not:
// the fields a breach depends on.
type verdict struct {
	cookingTime int
	ingredients []string
	additional  []string
	reason      string
}

// maxVerdicts is how many verdicts Constraints keeps: the recipes of two answers.
const maxVerdicts = 2 * (ExistingRecipeCount + AdditionalRecipeCount)

// NewConstraints resolves p against lex; a nil lex means DefaultLexicon.
func NewConstraints(p Preferences, lex *Lexicon) *Constraints {
	if lex == nil {
		lex = DefaultLexicon()
	}
	c := &Constraints{p: p, lex: lex}
	if len(p.Allergies) > 0 {
		c.allergies = make([]AllergySet, len(p.Allergies))
		for i, a := range p.Allergies {
			c.allergies[i] = lex.Allergy(a)
		}
	}
	c.diet, c.hasDiet = ParseDiet(p.Dietary)
	return c
}

// Enforce is EnforceConstraints with the preferences and lexicon c was made with.
func (c *Constraints) Enforce(r Result) (Result, []Violation, error) {
	var dropped []Violation
	keep := func(recipes []Recipe) []Recipe {
		kept := make([]Recipe, 0, len(recipes))
		for _, rc := range recipes {
			if reason := c.breach(rc); reason != "" {
				dropped = append(dropped, Violation{Recipe: rc.Name, Reason: reason})
				continue
			}
			if c.p.Servings > 0 {
				rc.Servings = c.p.Servings
			}
			kept = append(kept, rc)
		}
		return kept
	}
	out := r
	out.ExistingIngredientsRecipes = keep(r.ExistingIngredientsRecipes)
	out.AdditionalIngredientsRecipes = keep(r.AdditionalIngredientsRecipes)

	var prob problems
	if len(r.ExistingIngredientsRecipes) > 0 && len(out.ExistingIngredientsRecipes) == 0 {
		prob.add("every existingIngredientsRecipes recipe breaks the request's constraints")
	}
	if len(r.AdditionalIngredientsRecipes) > 0 && len(out.AdditionalIngredientsRecipes) == 0 {
		prob.add("every additionalIngredientsRecipes recipe breaks the request's constraints")
	}
	if err := prob.err(); err != nil {
		return Result{}, dropped, err
	}
	return out, dropped, nil
}

// breach returns why rc breaks a constraint, or "" when it keeps them all, from the
// verdicts kept when it has one for the same fields.
func (c *Constraints) breach(rc Recipe) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range c.seen {
		if v.cookingTime == rc.CookingTime && slices.Equal(v.ingredients, rc.Ingredients) &&
			slices.Equal(v.additional, rc.AdditionalIngredients) {
			return v.reason
		}
	}
	reason := c.judge(rc)
	if len(c.seen) == maxVerdicts {
		c.seen = slices.Delete(c.seen, 0, 1)
	}
	// Copies, so that a caller reusing rc's lists cannot change what was judged.
	c.seen = append(c.seen, verdict{cookingTime: rc.CookingTime, ingredients: slices.Clone(rc.Ingredients),
		additional: slices.Clone(rc.AdditionalIngredients), reason: reason})
	return reason
}

// judge checks rc against every constraint.
func (c *Constraints) judge(rc Recipe) string {
	if c.p.MaxCookingTime > 0 && rc.CookingTime > c.p.MaxCookingTime {
		return fmt.Sprintf("cookingTime %d exceeds maxCookingTime %d", rc.CookingTime, c.p.MaxCookingTime)
	}
	if len(c.allergies) > 0 {
		for _, list := range [][]string{rc.Ingredients, rc.AdditionalIngredients} {
			for _, ing := range list {
				if c.lex.Violates(ing, c.allergies) {
					return fmt.Sprintf("ingredient %q conflicts with the allergies", ing)
				}
			}
		}
	}
	if !c.hasDiet {
		return ""
	}
	return dietBreach(rc, c.diet, c.lex)
}
