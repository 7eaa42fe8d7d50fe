package domain

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidAnswer marks a generator's answer that breaks the result rules. For an AI
// provider it is a temporary failure of that provider: another provider, or another try,
// may answer better.
var ErrInvalidAnswer = errors.New("invalid answer")

// AnswerError lists every rule an answer broke. It matches ErrInvalidAnswer.
type AnswerError struct{ Problems []string }

func (e *AnswerError) Error() string {
	return fmt.Sprintf("invalid answer: %s", strings.Join(e.Problems, "; "))
}

// Is lets errors.Is(err, ErrInvalidAnswer) match any AnswerError.
func (e *AnswerError) Is(target error) bool { return target == ErrInvalidAnswer }

// Bounds of a sane recipe, in characters (code points) where they are lengths.
const (
	MaxRecipeNameLength         = 100
	MaxRecipeDescriptionLength  = 1000
	MaxRecipeInstructionsLength = 10000
	MaxRecipeIngredients        = 50
	MaxRecipeIngredientLength   = 100
)

// CheckAnswer applies the result rules to an AI provider's answer: exactly
// ExistingRecipeCount recipes made from the given ingredients (with no
// AdditionalIngredients) and exactly AdditionalRecipeCount that list what they need
// besides, each recipe valid as CheckRecipes describes. It returns nil or an *AnswerError
// naming every broken rule.
func CheckAnswer(r Result) error {
	var p problems
	if n := len(r.ExistingIngredientsRecipes); n != ExistingRecipeCount {
		p.add("existingIngredientsRecipes: want %d recipes, got %d", ExistingRecipeCount, n)
	}
	if n := len(r.AdditionalIngredientsRecipes); n != AdditionalRecipeCount {
		p.add("additionalIngredientsRecipes: want %d recipes, got %d", AdditionalRecipeCount, n)
	}
	checkRecipes(r, &p)
	return p.err()
}

// CheckRecipes applies the result rules that hold for every generator, the offline engine
// included, which may suggest fewer recipes than an AI provider, none at all when nothing
// fits: at most ExistingRecipeCount and AdditionalRecipeCount of each kind, and every
// recipe complete: a name, a description, a known difficulty, a cooking time of 1 to
// MaxCookingMinutes, 1 to MaxServings servings, 1 to MaxRecipeIngredients ingredients,
// instructions, no text beyond its bound, and no name used twice. The recipes of the
// first kind list no additional ingredients; those of the second list at least one. It
// returns nil or an *AnswerError.
func CheckRecipes(r Result) error {
	var p problems
	if n := len(r.ExistingIngredientsRecipes); n > ExistingRecipeCount {
		p.add("existingIngredientsRecipes: want at most %d recipes, got %d", ExistingRecipeCount, n)
	}
	if n := len(r.AdditionalIngredientsRecipes); n > AdditionalRecipeCount {
		p.add("additionalIngredientsRecipes: want at most %d recipes, got %d", AdditionalRecipeCount, n)
	}
	checkRecipes(r, &p)
	return p.err()
}

func checkRecipes(r Result, p *problems) {
	names := make(map[string]string)
	for i, rc := range r.ExistingIngredientsRecipes {
		at := fmt.Sprintf("existingIngredientsRecipes[%d]", i)
		checkRecipe(rc, at, p)
		if len(rc.AdditionalIngredients) > 0 {
			p.add("%s.additionalIngredients: must be empty for a recipe made from the given ingredients", at)
		}
		checkUniqueName(rc.Name, at, names, p)
	}
	for i, rc := range r.AdditionalIngredientsRecipes {
		at := fmt.Sprintf("additionalIngredientsRecipes[%d]", i)
		checkRecipe(rc, at, p)
		checkList(rc.AdditionalIngredients, at+".additionalIngredients", p)
		checkUniqueName(rc.Name, at, names, p)
	}
}

func checkRecipe(rc Recipe, at string, p *problems) {
	checkText(rc.Name, at+".name", MaxRecipeNameLength, p)
	checkText(rc.Description, at+".description", MaxRecipeDescriptionLength, p)
	checkText(rc.Instructions, at+".instructions", MaxRecipeInstructionsLength, p)
	if !rc.Difficulty.Valid() {
		p.add("%s.difficulty: %q is not %s, %s or %s", at, rc.Difficulty, Easy, Medium, Hard)
	}
	if rc.CookingTime < 1 || rc.CookingTime > MaxCookingMinutes {
		p.add("%s.cookingTime: %d is not between 1 and %d minutes", at, rc.CookingTime, MaxCookingMinutes)
	}
	if rc.Servings < 1 || rc.Servings > MaxServings {
		p.add("%s.servings: %d is not between 1 and %d", at, rc.Servings, MaxServings)
	}
	checkList(rc.Ingredients, at+".ingredients", p)
}

func checkText(s, field string, maxLen int, p *problems) {
	switch {
	case strings.TrimSpace(s) == "":
		p.add("%s: missing", field)
	case length(s) > maxLen:
		p.add("%s: longer than %d characters", field, maxLen)
	}
}

func checkList(items []string, field string, p *problems) {
	switch n := len(items); {
	case n == 0:
		p.add("%s: missing", field)
	case n > MaxRecipeIngredients:
		p.add("%s: more than %d items", field, MaxRecipeIngredients)
	}
	for i, s := range items {
		checkText(s, fmt.Sprintf("%s[%d]", field, i), MaxRecipeIngredientLength, p)
	}
}

func checkUniqueName(name, at string, seen map[string]string, p *problems) {
	k := textKey(strings.TrimSpace(name))
	if k == "" {
		return
	}
	if first, dup := seen[k]; dup {
		p.add("%s.name: %q repeats %s", at, name, first)
		return
	}
	seen[k] = at
}

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
	if lex == nil {
		lex = DefaultLexicon()
	}
	var dropped []Violation
	keep := func(recipes []Recipe) []Recipe {
		kept := make([]Recipe, 0, len(recipes))
		for _, rc := range recipes {
			if reason := breach(rc, p, lex); reason != "" {
				dropped = append(dropped, Violation{Recipe: rc.Name, Reason: reason})
				continue
			}
			if p.Servings > 0 {
				rc.Servings = p.Servings
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

// breach returns why rc breaks a constraint of p, or "" when it keeps them all.
func breach(rc Recipe, p Preferences, lex *Lexicon) string {
	if p.MaxCookingTime > 0 && rc.CookingTime > p.MaxCookingTime {
		return fmt.Sprintf("cookingTime %d exceeds maxCookingTime %d", rc.CookingTime, p.MaxCookingTime)
	}
	for _, list := range [][]string{rc.Ingredients, rc.AdditionalIngredients} {
		for _, ing := range list {
			if lex.ViolatesAllergies(ing, p.Allergies) {
				return fmt.Sprintf("ingredient %q conflicts with the allergies", ing)
			}
		}
	}
	return dietBreach(rc, p.Dietary, lex)
}

// problems collects broken answer rules.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &AnswerError{Problems: p}
}
