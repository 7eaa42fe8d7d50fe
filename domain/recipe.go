package domain

import "time"

// Difficulty says how hard a recipe is to cook.
type Difficulty string

// The difficulties a recipe may have.
const (
	Easy   Difficulty = "easy"
	Medium Difficulty = "medium"
	Hard   Difficulty = "hard"
)

// Valid reports whether d is one of the known difficulties.
func (d Difficulty) Valid() bool { return d == Easy || d == Medium || d == Hard }

// Recipe is one suggestion. AdditionalIngredients is empty for recipes made only from
// the request's ingredients and pantry staples.
type Recipe struct {
	Name                  string
	Description           string
	Difficulty            Difficulty
	CookingTime           int // minutes
	Servings              int
	Ingredients           []string
	AdditionalIngredients []string
	Instructions          string
}

// How many recipes of each kind a complete answer holds.
const (
	ExistingRecipeCount   = 3
	AdditionalRecipeCount = 2
)

// Result is the answer to one generation: recipes made from the given ingredients, and
// recipes that need a few more.
type Result struct {
	ExistingIngredientsRecipes   []Recipe
	AdditionalIngredientsRecipes []Recipe
	UserID                       string
	Provider                     string
	Model                        string
	GeneratedAt                  time.Time
	Notes                        []string // e.g. ingredients the generator did not know
}
