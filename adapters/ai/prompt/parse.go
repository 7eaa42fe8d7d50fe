package prompt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/naengbu/recipe-ai/domain"
)

// Bounds of the work ParseAnswer does on one reply.
const (
	maxAnswerBytes = 1 << 20 // longer replies are rejected unread
	maxStarts      = 32      // '{' positions tried per candidate text
)

// ParseAnswer reads the two recipe lists out of a model's reply. It is defensive about
// the wrapping: the JSON object may sit inside a Markdown code fence, have chatter before
// or after it, or be nested one level deep ({"recipes": {…}}). It is strict about the
// content: both lists and every field of every recipe must be present and of the right
// type, except that a whole number may come as a string ("15분"), a list of strings as one
// comma-separated string, and instructions as a list of steps, which are numbered and
// joined. Difficulty is lower-cased and Korean difficulties are translated.
//
// Its error is a *domain.AnswerError naming every missing or mistyped field; it does not
// count recipes or check values, which domain.CheckAnswer does.
func ParseAnswer(text string) (domain.Result, error) {
	if len(text) > maxAnswerBytes {
		return domain.Result{}, invalid("answer longer than %d bytes", maxAnswerBytes)
	}
	obj, ok := findAnswer(text)
	if !ok {
		return domain.Result{}, invalid("no complete JSON object with the recipe lists in the answer")
	}
	var p problems
	res := domain.Result{
		ExistingIngredientsRecipes:   obj.recipes("existingIngredientsRecipes", &p),
		AdditionalIngredientsRecipes: obj.recipes("additionalIngredientsRecipes", &p),
	}
	if len(p) > 0 {
		return domain.Result{}, &domain.AnswerError{Problems: p}
	}
	return res, nil
}

var fence = regexp.MustCompile("(?s)```[A-Za-z]*[ \t]*\r?\n?(.*?)```")

// findAnswer looks for the answer object in the fenced blocks of text, then in text
// itself, trying each '{' in turn as the start of a JSON object.
func findAnswer(text string) (object, bool) {
	var candidates []string
	for _, m := range fence.FindAllStringSubmatch(text, 4) {
		candidates = append(candidates, m[1])
	}
	candidates = append(candidates, text)
	for _, c := range candidates {
		for i, tries := 0, 0; tries < maxStarts; tries++ {
			j := strings.IndexByte(c[i:], '{')
			if j < 0 {
				break
			}
			i += j
			var obj object
			// Decode reads one value and ignores what follows it: trailing chatter is fine.
			if json.NewDecoder(strings.NewReader(c[i:])).Decode(&obj) == nil {
				if a, ok := obj.answer(); ok {
					return a, true
				}
			}
			i++
		}
	}
	return nil, false
}

// object is a decoded JSON object whose values are decoded on demand.
type object map[string]json.RawMessage

// answer returns o when it holds a recipe list, or the one object o wraps that does.
func (o object) answer() (object, bool) {
	if o.has("existingIngredientsRecipes") || o.has("additionalIngredientsRecipes") {
		return o, true
	}
	if len(o) != 1 {
		return nil, false
	}
	for _, raw := range o {
		var inner object
		if json.Unmarshal(raw, &inner) == nil && (inner.has("existingIngredientsRecipes") || inner.has("additionalIngredientsRecipes")) {
			return inner, true
		}
	}
	return nil, false
}

func (o object) has(name string) bool {
	_, ok := o.get(name)
	return ok
}

// required is get for a field the answer must have; a missing one is a problem.
func (o object) required(name, at string, p *problems) (json.RawMessage, bool) {
	raw, ok := o.get(name)
	if !ok {
		p.add("%s.%s: missing", at, name)
	}
	return raw, ok
}

// get returns the value of the field name, matched case-insensitively as encoding/json
// does: the exact name first, else the first of the other spellings in sorted order, so
// that the answer does not depend on map order. A null value counts as absent.
func (o object) get(name string) (json.RawMessage, bool) {
	raw, ok := o[name]
	if !ok {
		for _, k := range slices.Sorted(maps.Keys(o)) {
			if strings.EqualFold(k, name) {
				raw, ok = o[k], true
				break
			}
		}
	}
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, false
	}
	return raw, true
}

func (o object) recipes(name string, p *problems) []domain.Recipe {
	raw, ok := o.get(name)
	if !ok {
		p.add("%s: missing", name)
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		p.add("%s: want an array of recipes", name)
		return nil
	}
	out := make([]domain.Recipe, 0, len(items))
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", name, i)
		var r object
		if err := json.Unmarshal(item, &r); err != nil || r == nil {
			p.add("%s: want a recipe object", at)
			continue
		}
		out = append(out, r.recipe(at, p))
	}
	return out
}

func (o object) recipe(at string, p *problems) domain.Recipe {
	r := domain.Recipe{
		Name:         o.text("name", at, p),
		Description:  o.text("description", at, p),
		Difficulty:   difficulty(o.text("difficulty", at, p)),
		CookingTime:  o.number("cookingTime", at, p),
		Servings:     o.number("servings", at, p),
		Ingredients:  o.list("ingredients", at, p),
		Instructions: o.instructions("instructions", at, p),
	}
	if o.has("additionalIngredients") {
		r.AdditionalIngredients = o.list("additionalIngredients", at, p)
	}
	return r
}

func (o object) text(name, at string, p *problems) string {
	raw, ok := o.required(name, at, p)
	if !ok {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		p.add("%s.%s: want a string", at, name)
		return ""
	}
	return strings.TrimSpace(s)
}

// numberText is a whole number written as a string, with an optional unit.
var numberText = regexp.MustCompile(`(?i)^\s*(\d{1,5})\s*(분|인분|인|min|mins|minute|minutes|serving|servings|people|persons?)?\s*$`)

func (o object) number(name, at string, p *problems) int {
	raw, ok := o.required(name, at, p)
	if !ok {
		return 0
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		if f != math.Trunc(f) || math.Abs(f) > 1e6 {
			p.add("%s.%s: %v is not a whole number", at, name, f)
			return 0
		}
		return int(f)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if m := numberText.FindStringSubmatch(s); m != nil {
			n, _ := strconv.Atoi(m[1]) // at most 5 digits
			return n
		}
	}
	p.add("%s.%s: want a whole number", at, name)
	return 0
}

// list reads an array of strings, or one string of comma- or line-separated items.
// Empty items are dropped.
func (o object) list(name, at string, p *problems) []string {
	raw, ok := o.required(name, at, p)
	if !ok {
		return nil
	}
	var items []string
	if err := json.Unmarshal(raw, &items); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			p.add("%s.%s: want a list of strings", at, name)
			return nil
		}
		items = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' })
	}
	out := make([]string, 0, len(items))
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// instructions reads a string, or a list of steps that it numbers (unless they already
// are) and joins with newlines.
func (o object) instructions(name, at string, p *problems) string {
	raw, ok := o.required(name, at, p)
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var steps []string
	if err := json.Unmarshal(raw, &steps); err != nil {
		p.add("%s.%s: want a string", at, name)
		return ""
	}
	lines := make([]string, 0, len(steps))
	for _, step := range steps {
		step = strings.TrimSpace(step)
		switch {
		case step == "":
		case numbered.MatchString(step):
			lines = append(lines, step)
		default:
			lines = append(lines, fmt.Sprintf("%d. %s", len(lines)+1, step))
		}
	}
	return strings.Join(lines, "\n")
}

var numbered = regexp.MustCompile(`^\d+[.)]`)

// difficulty normalises what models write for a difficulty; CheckAnswer rejects the rest.
func difficulty(s string) domain.Difficulty {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "쉬움", "쉬운", "쉽다", "초급", "하":
		return domain.Easy
	case "보통", "중간", "중급", "중":
		return domain.Medium
	case "어려움", "어려운", "어렵다", "고급", "상":
		return domain.Hard
	}
	return domain.Difficulty(s)
}

// problems collects what ParseAnswer found wrong.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func invalid(format string, args ...any) error {
	return &domain.AnswerError{Problems: []string{fmt.Sprintf(format, args...)}}
}
