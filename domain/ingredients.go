package domain

import (
	"slices"
	"strconv"
)

// MaxIngredients is the most ingredients one request may name.
const MaxIngredients = 50

// Ingredients is a normalised, de-duplicated list of 1 to MaxIngredients names.
type Ingredients struct{ names []string }

// ParseIngredients trims each name, folds its white space, checks it (1 to MaxTextLength
// characters, no control characters) and drops later duplicates, compared case-insensitively.
// Each broken rule becomes a FieldError; the result is then a *ValidationError.
func ParseIngredients(raw []string) (Ingredients, error) {
	var errs fieldErrors
	in := parseIngredients(raw, "ingredients", &errs)
	if err := errs.err(); err != nil {
		return Ingredients{}, err
	}
	return in, nil
}

// parseIngredients parses raw, adding each broken rule to errs under field.
func parseIngredients(raw []string, field string, errs *fieldErrors) Ingredients {
	switch {
	case len(raw) == 0:
		errs.add(field, "must name at least 1 ingredient")
	case len(raw) > MaxIngredients:
		errs.add(field, "must name at most %d ingredients", MaxIngredients)
	}
	seen := make(map[string]bool, len(raw))
	names := make([]string, 0, len(raw))
	for i, r := range raw {
		name, ok := cleanText(r)
		at := func() string { return field + "[" + strconv.Itoa(i) + "]" }
		switch {
		case !ok:
			errs.add(at(), "must not contain control characters")
		case name == "":
			errs.add(at(), "must not be empty")
		case length(name) > MaxTextLength:
			errs.add(at(), "must be at most %d characters", MaxTextLength)
		default:
			if key := textKey(name); !seen[key] {
				seen[key] = true
				names = append(names, name)
			}
		}
	}
	return Ingredients{names: names}
}

// Names returns a copy of the names in the order the client gave them.
func (in Ingredients) Names() []string { return slices.Clone(in.names) }

// Len returns how many distinct ingredients there are.
func (in Ingredients) Len() int { return len(in.names) }
