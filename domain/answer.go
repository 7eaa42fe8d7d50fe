package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
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
	names := make(map[string]place, len(r.ExistingIngredientsRecipes)+len(r.AdditionalIngredientsRecipes))
	for i, rc := range r.ExistingIngredientsRecipes {
		at := place{"existingIngredientsRecipes", i}
		checkRecipe(rc, at, p)
		if len(rc.AdditionalIngredients) > 0 {
			p.add("%s.additionalIngredients: must be empty for a recipe made from the given ingredients", at)
		}
		checkUniqueName(rc.Name, at, names, p)
	}
	for i, rc := range r.AdditionalIngredientsRecipes {
		at := place{"additionalIngredientsRecipes", i}
		checkRecipe(rc, at, p)
		checkList(rc.AdditionalIngredients, at, "additionalIngredients", p)
		checkUniqueName(rc.Name, at, names, p)
	}
}

// place names a recipe of an answer in a problem ("existingIngredientsRecipes[1]"); it is
// written out only when there is a problem to name.
type place struct {
	list string
	i    int
}

func (pl place) String() string { return pl.list + "[" + strconv.Itoa(pl.i) + "]" }

func checkRecipe(rc Recipe, at place, p *problems) {
	checkText(rc.Name, at, "name", MaxRecipeNameLength, p)
	checkText(rc.Description, at, "description", MaxRecipeDescriptionLength, p)
	checkText(rc.Instructions, at, "instructions", MaxRecipeInstructionsLength, p)
	if !rc.Difficulty.Valid() {
		p.add("%s.difficulty: %q is not %s, %s or %s", at, rc.Difficulty, Easy, Medium, Hard)
	}
	if rc.CookingTime < 1 || rc.CookingTime > MaxCookingMinutes {
		p.add("%s.cookingTime: %d is not between 1 and %d minutes", at, rc.CookingTime, MaxCookingMinutes)
	}
	if rc.Servings < 1 || rc.Servings > MaxServings {
		p.add("%s.servings: %d is not between 1 and %d", at, rc.Servings, MaxServings)
	}
	checkList(rc.Ingredients, at, "ingredients", p)
}

// checkText checks the text field of the recipe at.
func checkText(s string, at place, field string, maxLen int, p *problems) {
	if bad := textProblem(s, maxLen); bad != "" {
		p.add("%s.%s: %s", at, field, bad)
	}
}

// textProblem says what is wrong with s as a text of at most maxLen characters, or "".
func textProblem(s string, maxLen int) string {
	switch {
	case blank(s):
		return "missing"
	case len(s) > maxLen && length(s) > maxLen: // no more characters than bytes
		return fmt.Sprintf("longer than %d characters", maxLen)
	}
	return ""
}

// blank reports whether s is empty or only white space, as strings.TrimSpace(s) == ""
// does, stopping at the first other character.
func blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// checkList checks the list field of the recipe at and each of its items.
func checkList(items []string, at place, field string, p *problems) {
	switch n := len(items); {
	case n == 0:
		p.add("%s.%s: missing", at, field)
	case n > MaxRecipeIngredients:
		p.add("%s.%s: more than %d items", at, field, MaxRecipeIngredients)
	}
	for i, s := range items {
		if bad := textProblem(s, MaxRecipeIngredientLength); bad != "" {
			p.add("%s.%s[%d]: %s", at, field, i, bad)
		}
	}
}

func checkUniqueName(name string, at place, seen map[string]place, p *problems) {
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

// problems collects broken answer rules.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &AnswerError{Problems: p}
}
