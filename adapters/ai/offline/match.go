package offline

import (
	"slices"

	"github.com/naengbu/recipe-ai/domain"
)

// maxMissing is the most ingredients a recipe of additionalIngredientsRecipes may ask for.
const maxMissing = 3

// candidate is a recipe that fits the request, with what ranks it.
type candidate struct {
	r       *recipe
	heavy   bool // uses one of the heaviest ingredients the user named
	score   int  // the weights of the user's ingredients it uses
	missing int  // essential ingredients the user lacks
	atHand  int  // its non-staple ingredients the user has
	cuisine bool // the cuisine asked for
	tie     uint64
}

// before reports whether c ranks above o. A recipe that uses the fridge's main ingredients
// (meat, fish, tofu, a named sauce) comes before one that leaves them all unused; then the
// more of the fridge it uses, by weight; then fewer ingredients to buy; then the cuisine
// asked for; then the larger share of its own ingredients at hand, so that a simple dish
// the fridge covers beats a rich one it barely starts; then a hash of the request and the
// recipe id.
func (c candidate) before(o candidate) bool {
	switch {
	case c.heavy != o.heavy:
		return c.heavy
	case c.score != o.score:
		return c.score > o.score
	case c.missing != o.missing:
		return c.missing < o.missing
	case c.cuisine != o.cuisine:
		return c.cuisine
	case c.atHand*o.r.foodN != o.atHand*c.r.foodN:
		return c.atHand*o.r.foodN > o.atHand*c.r.foodN
	case c.tie != o.tie:
		return c.tie < o.tie
	}
	return c.r.ID < o.r.ID
}

// ranking keeps the best candidates offered, best first, up to the capacity of items.
type ranking struct{ items []candidate }

func (rk *ranking) offer(c candidate) {
	for i, it := range rk.items {
		if it.r.dupKey == c.r.dupKey { // the same dish twice: keep the better of the two
			if !c.before(it) {
				return
			}
			rk.items = slices.Delete(rk.items, i, i+1)
			break
		}
	}
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

// wouldHold reports whether c ranks among the first n of rk.
func (rk *ranking) wouldHold(c candidate, n int) bool {
	return len(rk.items) < n || c.before(rk.items[n-1])
}

// match returns the best recipes made only from the user's ingredients and staples, and
// the best that need one to maxMissing more common ones and are built on the fridge, a few
// more of each than an answer holds in case the final allergy check drops some. Each list
// is spread over the fridge (see spread). It records in q.dropped the recipes an answer
// would hold but for an allergen hidden in an ingredient the user has (the salted shrimp
// in their kimchi).
func (c *catalogue) match(q *query) (existing, additional []*recipe) {
	var exBuf [domain.ExistingRecipeCount + 5]candidate
	var addBuf [domain.AdditionalRecipeCount + 4]candidate
	var dropBuf [domain.ExistingRecipeCount + domain.AdditionalRecipeCount]candidate
	ex, add, drop := ranking{exBuf[:0]}, ranking{addBuf[:0]}, ranking{dropBuf[:0]}
	fridge := q.have.members(make([]int, 0, domain.MaxIngredients))
	fridge = fridge[:min(len(fridge), domain.MaxIngredients)] // a request restored unchecked may hold more
	var exBest, addBest [domain.MaxIngredients]candidate      // the best recipe using each of the fridge's ingredients
	for i := range c.recipes {
		r := &c.recipes[i]
		if (q.maxTime > 0 && r.CookingTime > q.maxTime) || (q.diet != "" && !slices.Contains(r.diets, q.diet)) {
			continue
		}
		cand, ok := c.candidate(q, r)
		if !ok {
			continue
		}
		if q.excluded != nil && r.uses.intersects(q.excluded) {
			if !r.uses.intersects(q.openly) && r.uses.intersects(q.hiddenHave) {
				drop.offer(cand)
			}
			continue
		}
		rk, best := &ex, exBest[:len(fridge)]
		if cand.missing > 0 {
			rk, best = &add, addBest[:len(fridge)]
		}
		rk.offer(cand)
		for j, idx := range fridge {
			if r.uses.has(idx) && (best[j].r == nil || cand.before(best[j])) {
				best[j] = cand
			}
		}
	}
	for _, d := range drop.items {
		if (d.missing == 0 && ex.wouldHold(d, domain.ExistingRecipeCount)) ||
			(d.missing > 0 && add.wouldHold(d, domain.AdditionalRecipeCount)) {
			q.dropped = append(q.dropped, d.r)
		}
	}
	return c.spread(ex, exBest[:len(fridge)], fridge, domain.ExistingRecipeCount),
		c.spread(add, addBest[:len(fridge)], fridge, domain.AdditionalRecipeCount)
}

// spread orders the ranked candidates, and the best candidate for each of the fridge's
// ingredients, so that the first n between them use as much of the fridge as they can: the
// best recipe first, then each time the one that uses most of what the recipes before it
// left unused (by weight), the better ranked among equals. The rest follow in rank order.
// So three egg dishes do not leave the spinach of an egg-and-spinach fridge unused.
func (c *catalogue) spread(rk ranking, best []candidate, fridge []int, n int) []*recipe {
	pool := slices.Clone(rk.items)
	for _, b := range best {
		if b.r != nil && !slices.ContainsFunc(pool, func(p candidate) bool { return p.r.dupKey == b.r.dupKey }) {
			pool = append(pool, b)
		}
	}
	slices.SortFunc(pool, func(a, b candidate) int {
		if a.before(b) {
			return -1
		}
		return 1
	})
	out := make([]*recipe, 0, len(pool))
	var covered uint64 // positions in fridge used by the recipes picked so far
	for len(out) < min(n, len(pool)) {
		pick, gain := 0, -1
		for i, p := range pool {
			if p.r == nil {
				continue
			}
			g := 0
			for j, idx := range fridge {
				if covered&(1<<j) == 0 && p.r.uses.has(idx) {
					g += c.weight[idx]
				}
			}
			if g > gain {
				pick, gain = i, g
			}
			if len(out) == 0 {
				break // the best recipe comes first, whatever it covers
			}
		}
		r := pool[pick].r
		for j, idx := range fridge {
			if r.uses.has(idx) {
				covered |= 1 << j
			}
		}
		out = append(out, r)
		pool[pick].r = nil
	}
	for _, p := range pool {
		if p.r != nil {
			out = append(out, p.r)
		}
	}
	return out
}

// candidate ranks r for q. It reports false when r uses nothing the user has, or needs
// ingredients to buy but is not built on the fridge: more than maxMissing of them, one that
// is not common, or fewer than half of its main ingredients (and none at all) from the
// fridge.
func (c *catalogue) candidate(q *query, r *recipe) (candidate, bool) {
	score := r.uses.weigh(q.have, c.weight)
	if score == 0 {
		return candidate{}, false
	}
	missing := r.required.countAndNot(q.have)
	for _, e := range r.either {
		if !q.have.has(e[0]) && !q.have.has(e[1]) {
			missing++
		}
	}
	if missing > 0 {
		mains := r.mains.countAnd(q.have)
		if missing > maxMissing || mains == 0 || 2*mains < r.mainN || !r.required.subsetOf(c.common, q.have) {
			return candidate{}, false
		}
	}
	return candidate{
		r:       r,
		heavy:   r.uses.intersects(q.haveHeavy),
		score:   score,
		missing: missing,
		atHand:  r.food.countAnd(q.have),
		cuisine: r.Cuisine == q.cuisine,
		tie:     mix(q.seed ^ r.idHash),
	}, true
}

// mix is splitmix64's finaliser: a cheap, well-spread hash of x.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
