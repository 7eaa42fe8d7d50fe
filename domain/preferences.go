package domain

import "fmt"

// Language is the language recipes and status messages are written in.
type Language string

// The languages a request may ask for; Korean is the default.
const (
	Korean  Language = "ko"
	English Language = "en"
)

// Limits of the preferences a request may carry.
const (
	MaxAllergies      = 20
	MaxCookingMinutes = 600
	MaxServings       = 20
)

// Preferences are a request's optional wishes. Zero values mean "not given":
// an empty Dietary or Cuisine, no Allergies, MaxCookingTime 0 (no limit), Servings 0.
type Preferences struct {
	// Dietary is enforced on every answer when ParseDiet recognises it (vegetarian, vegan,
	// pescatarian); any other value ("low-carb", "halal") is only asked for in the prompt.
	Dietary        string
	Cuisine        string
	Allergies      []string
	MaxCookingTime int // minutes
	Servings       int
	Language       Language
}

// parse returns p with its texts cleaned, duplicate allergies collapsed and the default
// language filled in, adding each broken rule to errs.
func (p Preferences) parse(errs *fieldErrors) Preferences {
	out := Preferences{MaxCookingTime: p.MaxCookingTime, Servings: p.Servings, Language: p.Language}
	out.Dietary = parseFreeText(p.Dietary, "preferences.dietary", errs)
	out.Cuisine = parseFreeText(p.Cuisine, "preferences.cuisine", errs)
	if len(p.Allergies) > MaxAllergies {
		errs.add("preferences.allergies", "must name at most %d allergies", MaxAllergies)
	}
	seen := make(map[string]bool, len(p.Allergies))
	for i, a := range p.Allergies {
		a = parseFreeText(a, fmt.Sprintf("preferences.allergies[%d]", i), errs)
		if a != "" && !seen[textKey(a)] {
			seen[textKey(a)] = true
			out.Allergies = append(out.Allergies, a)
		}
	}
	if p.MaxCookingTime != 0 && (p.MaxCookingTime < 1 || p.MaxCookingTime > MaxCookingMinutes) {
		errs.add("preferences.maxCookingTime", "must be between 1 and %d minutes", MaxCookingMinutes)
	}
	if p.Servings != 0 && (p.Servings < 1 || p.Servings > MaxServings) {
		errs.add("preferences.servings", "must be between 1 and %d", MaxServings)
	}
	switch p.Language {
	case "":
		out.Language = Korean
	case Korean, English:
	default:
		errs.add("preferences.language", "must be %q or %q", Korean, English)
	}
	return out
}

// parseFreeText cleans one optional free-text value of at most MaxTextLength characters.
func parseFreeText(raw, field string, errs *fieldErrors) string {
	s, ok := cleanText(raw)
	switch {
	case !ok:
		errs.add(field, "must not contain control characters")
	case length(s) > MaxTextLength:
		errs.add(field, "must be at most %d characters", MaxTextLength)
	default:
		return s
	}
	return ""
}
