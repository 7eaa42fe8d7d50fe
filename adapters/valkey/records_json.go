package valkey

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/naengbu/recipe-ai/domain"
)

// The worker stores a result and a partial result for nearly every job. These functions
// write them without reflection, byte for byte as json.Marshal writes resultRecord and
// partialRecord (records_json_test.go holds them to it), which readers decode as before.

// appendResult appends the resultRecord of res.
func appendResult(b []byte, res domain.Result) ([]byte, error) {
	b = append(b, `{"existing":`...)
	b = appendRecipes(b, res.ExistingIngredientsRecipes)
	b = append(b, `,"additional":`...)
	b = appendRecipes(b, res.AdditionalIngredientsRecipes)
	if res.UserID != "" {
		b = append(b, `,"userId":`...)
		b = appendJSONString(b, res.UserID)
	}
	b = append(b, `,"provider":`...)
	b = appendJSONString(b, res.Provider)
	b = append(b, `,"model":`...)
	b = appendJSONString(b, res.Model)
	b = append(b, `,"generatedAt":`...)
	b, err := appendJSONTime(b, res.GeneratedAt)
	if err != nil {
		return nil, err
	}
	if len(res.Notes) > 0 {
		b = append(b, `,"notes":`...)
		b = appendJSONStrings(b, res.Notes)
	}
	return append(b, '}'), nil
}

// appendPartial appends the partialRecord of p.
func appendPartial(b []byte, p *domain.Partial) ([]byte, error) {
	b = append(b, `{"run":`...)
	b = appendJSONString(b, p.Run)
	b = append(b, `,"recipes":[`...)
	for i, r := range p.Recipes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"kind":`...)
		b = appendJSONString(b, string(r.Kind))
		b = append(b, `,"index":`...)
		b = appendInt(b, r.Index)
		b = append(b, `,"recipe":`...)
		b = appendRecipe(b, r.Recipe)
		b = append(b, '}')
	}
	b = append(b, `],"provider":`...)
	b = appendJSONString(b, p.Provider)
	if p.Model != "" {
		b = append(b, `,"model":`...)
		b = appendJSONString(b, p.Model)
	}
	if p.UserID != "" {
		b = append(b, `,"userId":`...)
		b = appendJSONString(b, p.UserID)
	}
	b = append(b, `,"updatedAt":`...)
	b, err := appendJSONTime(b, p.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// appendRecipes appends rs as a list of recipeRecord; nil too is an empty list.
func appendRecipes(b []byte, rs []domain.Recipe) []byte {
	b = append(b, '[')
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRecipe(b, r)
	}
	return append(b, ']')
}

func appendRecipe(b []byte, r domain.Recipe) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, r.Name)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, r.Description)
	b = append(b, `,"difficulty":`...)
	b = appendJSONString(b, string(r.Difficulty))
	b = append(b, `,"cookingTime":`...)
	b = appendInt(b, r.CookingTime)
	b = append(b, `,"servings":`...)
	b = appendInt(b, r.Servings)
	b = append(b, `,"ingredients":`...)
	b = appendJSONStrings(b, r.Ingredients)
	if len(r.AdditionalIngredients) > 0 {
		b = append(b, `,"additionalIngredients":`...)
		b = appendJSONStrings(b, r.AdditionalIngredients)
	}
	b = append(b, `,"instructions":`...)
	b = appendJSONString(b, r.Instructions)
	return append(b, '}')
}

// appendJSONStrings appends ss as a JSON list, and null for a nil ss as json.Marshal does.
func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

func appendInt(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

// recipesSize is about how many bytes rs take as records, so that one allocation holds
// them.
func recipesSize(rs []domain.Recipe) int {
	n := 0
	for _, r := range rs {
		n += 200 + len(r.Name) + len(r.Description) + len(r.Instructions)
		for _, list := range [][]string{r.Ingredients, r.AdditionalIngredients} {
			for _, s := range list {
				n += len(s) + 3
			}
		}
	}
	return n
}

// appendJSONTime appends t as time.Time's MarshalJSON writes it (RFC 3339 with
// sub-second digits), with its error for a time RFC 3339 cannot hold.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// appendJSONString appends s quoted as json.Marshal quotes it: HTML characters, U+2028
// and U+2029 escaped, broken UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
