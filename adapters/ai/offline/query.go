package offline

import (
	"slices"
	"strings"

	"github.com/naengbu/recipe-ai/domain"
)

// query is one request resolved against the catalogue.
type query struct {
	lang        domain.Language
	servings    int
	maxTime     int
	diet        domain.Diet // "" when none was asked for or it was not understood
	cuisine     string      // a catalogue cuisine, or ""
	have        bitset      // catalogue ingredients the user named
	haveHeavy   bitset      // the heaviest of them: meat, fish, tofu, a named sauce …
	excluded    bitset      // catalogue ingredients an allergy rules out; nil without allergies
	openly      bitset      // the excluded ones that do not merely hide the allergen; nil without allergies
	hiddenHave  bitset      // the excluded ones the user has that merely hide it; nil without allergies
	allergies   []domain.AllergySet
	allergyText []string // the allergies as the user wrote them, in the order of allergies
	seed        uint64   // varies the order of equally good recipes by the ingredients asked for
	unknown     []string
	badDiet     string
	badCuisine  string
	dropped     []*recipe // recipes an answer would hold but for an allergen hidden in them
}

func (g *Generator) newQuery(req domain.GenerationRequest) *query {
	p := req.Preferences
	q := &query{lang: p.Language, servings: p.Servings, maxTime: p.MaxCookingTime, have: g.cat.newBitset()}
	if q.servings == 0 {
		q.servings = domain.DefaultServings
	}
	for _, name := range req.Ingredients.Names() {
		info, ok := g.lex.Lookup(name)
		if !ok {
			q.unknown = append(q.unknown, name)
			continue
		}
		if idx, ok := g.cat.index[info.Name]; ok {
			q.have.set(idx)
		}
	}
	q.seed = q.have.hash()
	q.haveHeavy = q.have.and(g.cat.heavy)
	if d, ok := domain.ParseDiet(p.Dietary); ok {
		q.diet = d
	} else if !isNoPreference(p.Dietary) {
		q.badDiet = p.Dietary
	}
	if c, ok := parseCuisine(p.Cuisine); ok {
		q.cuisine = c
	} else if !isNoPreference(p.Cuisine) {
		q.badCuisine = p.Cuisine
	}
	if len(p.Allergies) > 0 {
		q.excluded, q.openly = g.cat.newBitset(), g.cat.newBitset()
		q.allergyText = p.Allergies
		for _, a := range p.Allergies {
			q.allergies = append(q.allergies, g.lex.Allergy(a))
		}
		for idx, info := range g.cat.ingredients {
			openly, hidden := false, false
			for _, s := range q.allergies {
				if !s.Excludes(info) {
					continue
				}
				if _, ok := g.lex.HiddenAllergen(s, info); ok {
					hidden = true
				} else {
					openly = true
				}
			}
			if openly || hidden {
				q.excluded.set(idx)
			}
			if openly {
				q.openly.set(idx)
			}
		}
		q.hiddenHave = q.excluded.and(q.have)
		for i, w := range q.openly {
			q.hiddenHave[i] &^= w
		}
	}
	return q
}

// noPreference are the words people write for "no preference", which need no note.
var noPreference = []string{"", "none", "no", "any", "all", "nothing", "normal", "regular", "general", "n/a", "-",
	"no preference", "없음", "상관없음", "아무거나", "일반", "전체", "모두"}

func isNoPreference(s string) bool {
	return slices.Contains(noPreference, strings.ToLower(strings.TrimSpace(s)))
}

// cuisineWords maps what people write for a cuisine to the catalogue's cuisine values.
var cuisineWords = map[string]string{
	"korean": "korean", "korea": "korean", "한식": "korean", "한국": "korean", "한국식": "korean", "한국요리": "korean",
	"japanese": "japanese", "japan": "japanese", "일식": "japanese", "일본": "japanese", "일본식": "japanese", "일본요리": "japanese",
	"chinese": "chinese", "china": "chinese", "중식": "chinese", "중국": "chinese", "중국식": "chinese", "중화": "chinese", "중국요리": "chinese",
	"western": "western", "양식": "western", "서양": "western", "서양식": "western", "서양요리": "western",
	"italian": "western", "이탈리안": "western", "이탈리아": "western", "american": "western", "french": "western",
	"fusion": "fusion", "퓨전": "fusion",
}

func parseCuisine(s string) (string, bool) {
	c, ok := cuisineWords[strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "")]
	return c, ok
}
