package offline

import (
	"slices"
	"strings"

	"github.com/naengbu/recipe-ai/domain"
)

// maxMissing is the most ingredients a recipe of additionalIngredientsRecipes may ask for.
const maxMissing = 3

// query is one request resolved against the catalogue.
type query struct {
	lang       domain.Language
	servings   int
	maxTime    int
	diet       domain.Diet // "" when none was asked for or it was not understood
	cuisine    string      // a catalogue cuisine, or ""
	have       bitset      // catalogue ingredients the user named
	excluded   bitset      // catalogue ingredients an allergy rules out; nil without allergies
	allergies  []domain.AllergySet
	seed       uint64 // varies the order of equally good recipes by the ingredients asked for
	unknown    []string
	badDiet    string
	badCuisine string
}

func (g *Generator) newQuery(req domain.GenerationRequest) *query {
	p := req.Preferences
	q := &query{lang: p.Language, servings: p.Servings, maxTime: p.MaxCookingTime, have: g.cat.newBitset()}
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
		q.excluded = g.cat.newBitset()
		for _, a := range p.Allergies {
			q.allergies = append(q.allergies, g.lex.Allergy(a))
		}
		for idx, info := range g.cat.ingredients {
			if slices.ContainsFunc(q.allergies, func(s domain.AllergySet) bool { return s.Excludes(info) }) {
				q.excluded.set(idx)
			}
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

// candidate is a recipe that fits the request, with what ranks it.
type candidate struct {
	r        *recipe
	usedMain int  // non-staple ingredients of the user it uses
	missing  int  // required ingredients the user lacks
	cuisine  bool // the cuisine asked for
	used     int  // all ingredients of the user it uses, staples the user named included
	tie      uint64
}

// before reports whether c ranks above o: more of the user's ingredients used, then fewer
// missing, then the cuisine asked for, then a hash of the request and the recipe id.
func (c candidate) before(o candidate) bool {
	switch {
	case c.usedMain != o.usedMain:
		return c.usedMain > o.usedMain
	case c.missing != o.missing:
		return c.missing < o.missing
	case c.cuisine != o.cuisine:
		return c.cuisine
	case c.used != o.used:
		return c.used > o.used
	case c.tie != o.tie:
		return c.tie < o.tie
	}
	return c.r.ID < o.r.ID
}

// ranking keeps the best candidates offered, best first, up to the capacity of items.
type ranking struct{ items []candidate }

func (rk *ranking) offer(c candidate) {
	n := len(rk.items)
	switch {
	case n < cap(rk.items):
		rk.items = append(rk.items, c)
	case c.before(rk.items[n-1]):
		rk.items[n-1] = c
	default:
		return
	}
	for i := len(rk.items) - 1; i > 0 && rk.items[i].before(rk.items[i-1]); i-- {
		rk.items[i], rk.items[i-1] = rk.items[i-1], rk.items[i]
	}
}

func (rk *ranking) recipes() []*recipe {
	out := make([]*recipe, len(rk.items))
	for i, c := range rk.items {
		out[i] = c.r
	}
	return out
}

// match returns the best recipes made only from the user's ingredients and staples, and
// the best that need one to maxMissing more common ones, a few more of each than an
// answer holds in case the final allergy check drops some.
func (c *catalogue) match(q *query) (existing, additional []*recipe) {
	var exBuf [domain.ExistingRecipeCount + 5]candidate
	var addBuf [domain.AdditionalRecipeCount + 4]candidate
	ex, add := ranking{exBuf[:0]}, ranking{addBuf[:0]}
	for i := range c.recipes {
		r := &c.recipes[i]
		if (q.maxTime > 0 && r.CookingTime > q.maxTime) ||
			(q.diet != "" && !slices.Contains(r.diets, q.diet)) ||
			(q.excluded != nil && r.uses.intersects(q.excluded)) {
			continue
		}
		used := r.uses.countAnd(q.have)
		if used == 0 {
			continue
		}
		cand := candidate{
			r:        r,
			usedMain: r.main.countAnd(q.have),
			missing:  r.required.countAndNot(q.have),
			cuisine:  r.Cuisine == q.cuisine,
			used:     used,
			tie:      mix(q.seed ^ r.idHash),
		}
		switch {
		case cand.missing == 0:
			ex.offer(cand)
		case cand.missing <= maxMissing && cand.usedMain > 0 && r.required.subsetOf(c.common, q.have):
			add.offer(cand)
		}
	}
	return ex.recipes(), add.recipes()
}

// mix is splitmix64's finaliser: a cheap, well-spread hash of x.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
