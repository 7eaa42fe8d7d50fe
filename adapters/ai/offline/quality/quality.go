// Package quality measures how often a recipe engine answers an everyday fridge with the
// dish a cook expects, over the fridges of fridges.json, and checks every answer against
// the request's hard constraints from the outside, as a user would read it.
package quality

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/naengbu/recipe-ai/domain"
)

//go:embed fridges.json
var fridgesJSON []byte

// Fridge is one everyday request and the dishes a cook accepts as its obvious answer.
type Fridge struct {
	Name        string      `json:"name"`
	Group       string      `json:"group"` // "korean" or "western"
	Ingredients []string    `json:"ingredients"`
	Preferences preferences `json:"preferences"`
	Obvious     []string    `json:"obvious"` // dish names in the request's language
	Notes       []string    `json:"notes"`   // text the answer's notes must contain
}

type preferences struct {
	Dietary        string   `json:"dietary"`
	Cuisine        string   `json:"cuisine"`
	Allergies      []string `json:"allergies"`
	MaxCookingTime int      `json:"maxCookingTime"`
	Servings       int      `json:"servings"`
	Language       string   `json:"language"`
}

// Fridges returns the fridges of fridges.json, in file order.
func Fridges() ([]Fridge, error) {
	var fridges []Fridge
	dec := json.NewDecoder(bytes.NewReader(fridgesJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fridges); err != nil {
		return nil, fmt.Errorf("fridges.json: %w", err)
	}
	for _, f := range fridges {
		if f.Name == "" || len(f.Obvious) == 0 || (f.Group != "korean" && f.Group != "western") {
			return nil, fmt.Errorf("fridges.json: %q needs a name, a group and the obvious dishes", f.Name)
		}
	}
	return fridges, nil
}

// Request is the generation request of the fridge.
func (f Fridge) Request() (domain.GenerationRequest, error) {
	p := f.Preferences
	return domain.NewGenerationRequest("quality", f.Ingredients, domain.Preferences{
		Dietary: p.Dietary, Cuisine: p.Cuisine, Allergies: p.Allergies, MaxCookingTime: p.MaxCookingTime,
		Servings: p.Servings, Language: domain.Language(p.Language),
	})
}

// Engine is what the suite measures: a generator that can also say which ingredients one
// of its dishes is built on.
type Engine interface {
	Generate(ctx context.Context, req domain.GenerationRequest) (domain.Result, error)
	// MainIngredients returns the canonical names of the ingredients the dish of that
	// name is built on, and false when the engine knows no dish of that name.
	MainIngredients(name string) ([]string, bool)
}

// Report is the outcome of a run.
type Report struct {
	Model     string // the model the answers name
	Fridges   int
	Hits      int // fridges whose obvious dish is among the answer's recipes
	Existing  int // fridges whose obvious dish is among the recipes made from what they have
	Groups    map[string]*Group
	Misses    []Miss   // fridges whose obvious dish is not among the recipes made from what they have
	Breaks    []string // answers that break a constraint of their request, one line each
	Unrelated []string // recipes to buy for that are not built on the fridge, one line each
	Unknown   []string // obvious dishes the engine does not know, so never could suggest
}

// Group holds the figures of one group of fridges.
type Group struct{ Fridges, Hits, Existing int }

// Miss is a fridge whose obvious dish did not come back among the recipes made from what
// the user has.
type Miss struct {
	Fridge     string
	Obvious    []string
	Existing   []string
	Additional []string
	Anywhere   bool // the obvious dish came back, but only as one to buy for
}

func (m Miss) String() string {
	where := "missed"
	if m.Anywhere {
		where = "only to buy for"
	}
	return fmt.Sprintf("%s: %s %s; made from it: %s; to buy for: %s", m.Fridge, strings.Join(m.Obvious, " / "), where,
		strings.Join(m.Existing, ", "), strings.Join(m.Additional, ", "))
}

// HitRate is the share of fridges, 0 to 1, whose obvious dish is among the answer.
func (r Report) HitRate() float64 { return share(r.Hits, r.Fridges) }

// ExistingRate is the share of fridges whose obvious dish is made from what they have.
func (r Report) ExistingRate() float64 { return share(r.Existing, r.Fridges) }

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// maxToBuy is the most ingredients a recipe to buy for may ask for.
const maxToBuy = 3

// Run asks e for every fridge and grades the answers with lex. Its only error is a
// fridge the domain rejects or a failed generation.
func Run(ctx context.Context, e Engine, lex *domain.Lexicon, fridges []Fridge) (Report, error) {
	rep := Report{Groups: map[string]*Group{}}
	for _, f := range fridges {
		for _, dish := range f.Obvious {
			if _, ok := e.MainIngredients(dish); !ok {
				rep.Unknown = append(rep.Unknown, fmt.Sprintf("%s: %s", f.Name, dish))
			}
		}
		req, err := f.Request()
		if err != nil {
			return Report{}, fmt.Errorf("fridge %q: %w", f.Name, err)
		}
		res, err := e.Generate(ctx, req)
		if err != nil {
			return Report{}, fmt.Errorf("fridge %q: %w", f.Name, err)
		}
		rep.Model = res.Model
		g := rep.Groups[f.Group]
		if g == nil {
			g = &Group{}
			rep.Groups[f.Group] = g
		}
		existing, additional := names(res.ExistingIngredientsRecipes), names(res.AdditionalIngredientsRecipes)
		inExisting := slices.ContainsFunc(f.Obvious, func(d string) bool { return slices.Contains(existing, d) })
		inAdditional := slices.ContainsFunc(f.Obvious, func(d string) bool { return slices.Contains(additional, d) })
		rep.Fridges++
		g.Fridges++
		if inExisting || inAdditional {
			rep.Hits++
			g.Hits++
		}
		if inExisting {
			rep.Existing++
			g.Existing++
		} else {
			rep.Misses = append(rep.Misses, Miss{Fridge: f.Name, Obvious: f.Obvious, Existing: existing,
				Additional: additional, Anywhere: inAdditional})
		}
		for _, b := range breaches(lex, req, res) {
			rep.Breaks = append(rep.Breaks, fmt.Sprintf("%s: %s", f.Name, b))
		}
		for _, n := range f.Notes {
			if !slices.ContainsFunc(res.Notes, func(s string) bool { return strings.Contains(s, n) }) {
				rep.Breaks = append(rep.Breaks, fmt.Sprintf("%s: no note mentions %q (notes %q)", f.Name, n, res.Notes))
			}
		}
		for _, r := range res.AdditionalIngredientsRecipes {
			if why := unrelated(e, lex, req, r); why != "" {
				rep.Unrelated = append(rep.Unrelated, fmt.Sprintf("%s: %s %s", f.Name, r.Name, why))
			}
		}
	}
	return rep, nil
}

func names(rs []domain.Recipe) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// breaches lists what of res breaks a rule of the contract for req: how many recipes, the
// time limit, the servings (the requested number or domain.DefaultServings, the same for
// every recipe), allergies (hidden allergens included, through the lexicon's allergen
// table), the diet, and what each kind of recipe may ask the user to buy.
func breaches(lex *domain.Lexicon, req domain.GenerationRequest, res domain.Result) []string {
	var out []string
	p := req.Preferences
	if len(res.ExistingIngredientsRecipes) > domain.ExistingRecipeCount || len(res.AdditionalIngredientsRecipes) > domain.AdditionalRecipeCount {
		out = append(out, fmt.Sprintf("%d + %d recipes", len(res.ExistingIngredientsRecipes), len(res.AdditionalIngredientsRecipes)))
	}
	servings := p.Servings
	if servings == 0 {
		servings = domain.DefaultServings
	}
	diet, hasDiet := domain.ParseDiet(p.Dietary)
	for i, r := range slices.Concat(res.ExistingIngredientsRecipes, res.AdditionalIngredientsRecipes) {
		toBuy := i >= len(res.ExistingIngredientsRecipes)
		if p.MaxCookingTime > 0 && r.CookingTime > p.MaxCookingTime {
			out = append(out, fmt.Sprintf("%s takes %d minutes, more than %d", r.Name, r.CookingTime, p.MaxCookingTime))
		}
		if r.Servings != servings {
			out = append(out, fmt.Sprintf("%s serves %d, want %d", r.Name, r.Servings, servings))
		}
		if n := len(r.AdditionalIngredients); (toBuy && (n == 0 || n > maxToBuy)) || (!toBuy && n > 0) {
			out = append(out, fmt.Sprintf("%s asks to buy %q", r.Name, r.AdditionalIngredients))
		}
		for _, l := range slices.Concat(r.Ingredients, r.AdditionalIngredients) {
			if lex.ViolatesAllergies(l, p.Allergies) {
				out = append(out, fmt.Sprintf("%s has %q against the allergies %q", r.Name, l, p.Allergies))
			}
			for _, info := range lex.Mentions(l) {
				if hasDiet && !info.Fits(diet) {
					out = append(out, fmt.Sprintf("%s has %q, which is not %s", r.Name, l, diet))
				}
			}
		}
	}
	return out
}

// unrelated says why a recipe to buy for is not built on the fridge, or "" when it is. It
// is built on the fridge when the user has at least one of the ingredients the dish is
// built on and no fewer of them than they would have to buy (pantry staples count only when
// the user named them), and when it asks for nothing the user already has.
func unrelated(e Engine, lex *domain.Lexicon, req domain.GenerationRequest, r domain.Recipe) string {
	mains, ok := e.MainIngredients(r.Name)
	if !ok {
		return "is no dish the engine knows"
	}
	have := map[string]bool{}
	for _, name := range req.Ingredients.Names() {
		if info, ok := lex.Lookup(name); ok {
			have[info.Name] = true
		}
	}
	for _, buy := range r.AdditionalIngredients {
		if info, ok := lex.Lookup(buy); ok && have[info.Name] {
			return fmt.Sprintf("asks to buy %s, which the fridge has", buy)
		}
	}
	n := 0
	for _, m := range mains {
		if have[m] {
			n++
		}
	}
	if n == 0 || 2*n < len(mains) {
		return fmt.Sprintf("is built on %q, of which the fridge has %d", mains, n)
	}
	return ""
}
