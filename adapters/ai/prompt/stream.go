package prompt

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/naengbu/recipe-ai/domain"
)

// Event is what a StreamParser hands over: a recipe the moment its closing brace has
// arrived, or Reset when the recipes handed over so far are no longer part of the answer.
type Event struct {
	Reset  bool
	Kind   domain.RecipeKind
	Recipe domain.Recipe
}

// StreamParser reads a model's answer as it arrives, in chunks cut anywhere (inside a
// string, an escape or a multi-byte character), and hands each recipe of either list to
// emit the moment its closing brace arrives. It finds the answer object as ParseAnswer
// does: past chatter and code fences, trying each '{' in turn, in the object itself or
// one level down ({"recipes": {…}}), and reads each recipe with ParseAnswer's rules.
//
// What it emits before Close is a preview: when a later part of the text changes which
// recipes the answer holds (the object turns out broken, a second answer in a code fence
// takes precedence), Close emits a Reset and the answer's recipes, so that the recipes
// emitted since the last Reset are always, in the end, exactly those of the answer
// ParseAnswer reads from the whole text. Every event depends only on the bytes written,
// never on where the chunks were cut. A StreamParser is not safe for concurrent use.
type StreamParser struct {
	emit func(Event)
	buf  []byte
	long bool // the answer outgrew maxAnswerBytes: nothing more is read

	cand    *candidate // the object being read; nil while looking for the next '{'
	pos     int        // the next byte of buf the candidate reads
	from    int        // where to look for the next '{'
	tries   int        // '{' positions tried
	settled bool       // an answer object is complete, or the tries ran out

	emitted [2][]domain.Recipe // by kind, since the last reset
}

// NewStreamParser returns a parser that hands its events to emit.
func NewStreamParser(emit func(Event)) *StreamParser {
	return &StreamParser{emit: emit}
}

// Write reads the next chunk of the answer. Its error, a *domain.AnswerError, says the
// answer has outgrown the size ParseAnswer accepts; reading more is pointless.
func (p *StreamParser) Write(chunk string) error {
	if p.long || len(p.buf)+len(chunk) > maxAnswerBytes {
		p.long = true
		return invalid("answer longer than %d bytes", maxAnswerBytes)
	}
	p.buf = append(p.buf, chunk...)
	p.read()
	return nil
}

// Close ends the answer and returns what ParseAnswer reads from the whole of it. Before
// returning, it emits what makes the recipes emitted since the last reset equal to the
// answer's: the ones still missing, or a Reset and all of them; on an error, a Reset
// when anything was emitted.
func (p *StreamParser) Close() (domain.Result, error) {
	var res domain.Result
	var err error
	if p.long {
		err = invalid("answer longer than %d bytes", maxAnswerBytes)
	} else {
		res, err = ParseAnswer(string(p.buf))
	}
	var final [2][]domain.Recipe
	if err == nil {
		final = [2][]domain.Recipe{res.ExistingIngredientsRecipes, res.AdditionalIngredientsRecipes}
	}
	if !p.extends(final) {
		p.emitted = [2][]domain.Recipe{}
		p.emit(Event{Reset: true})
	}
	p.catchUp(final)
	return res, err
}

// read runs the candidate over the bytes not read yet. A candidate that breaks the JSON
// grammar, or that ends as an object without the recipe lists, is dropped, and the
// search goes on from the byte after its '{', as ParseAnswer's does.
func (p *StreamParser) read() {
	for !p.settled {
		if p.cand == nil {
			i := bytes.IndexByte(p.buf[p.from:], '{')
			if i < 0 {
				p.from = len(p.buf)
				return
			}
			if p.tries == maxStarts {
				p.settled = true
				return
			}
			p.tries++
			start := p.from + i
			p.cand, p.pos, p.from = newCandidate(p, start), start+1, start+1
		}
		if p.pos == len(p.buf) {
			return
		}
		switch p.cand.step(p.buf[p.pos], p.pos) {
		case stepFailed:
			p.cand = nil
		case stepDone:
			if p.cand.answer() {
				p.settled = true
			}
			p.cand = nil
		}
		p.pos++
	}
}

// sync emits the recipes the candidate's answer holds beyond those emitted, as long as
// the emitted ones are where they were; otherwise it waits for Close to sort it out.
func (p *StreamParser) sync() {
	if view := p.cand.view(); p.extends(view) {
		p.catchUp(view)
	}
}

// extends reports whether the emitted recipes of each kind begin the lists of want.
func (p *StreamParser) extends(want [2][]domain.Recipe) bool {
	for k := range want {
		if len(p.emitted[k]) > len(want[k]) || !slices.EqualFunc(p.emitted[k], want[k][:len(p.emitted[k])], sameRecipe) {
			return false
		}
	}
	return true
}

// catchUp emits the recipes of want beyond the emitted ones, existing ones first.
func (p *StreamParser) catchUp(want [2][]domain.Recipe) {
	for k, kind := range []domain.RecipeKind{domain.KindExisting, domain.KindAdditional} {
		for _, r := range want[k][len(p.emitted[k]):] {
			p.emitted[k] = append(p.emitted[k], r)
			p.emit(Event{Kind: kind, Recipe: r})
		}
	}
}

func sameRecipe(a, b domain.Recipe) bool {
	return a.Name == b.Name && a.Description == b.Description && a.Difficulty == b.Difficulty &&
		a.CookingTime == b.CookingTime && a.Servings == b.Servings && a.Instructions == b.Instructions &&
		slices.Equal(a.Ingredients, b.Ingredients) && slices.Equal(a.AdditionalIngredients, b.AdditionalIngredients) &&
		(a.AdditionalIngredients == nil) == (b.AdditionalIngredients == nil)
}

// listNames are the answer's two lists, in the order of the kinds.
var listNames = [2]string{"existingIngredientsRecipes", "additionalIngredientsRecipes"}

// parseRecipe reads one recipe object with ParseAnswer's rules.
func parseRecipe(span []byte) (domain.Recipe, bool) {
	var o object
	if err := json.Unmarshal(span, &o); err != nil || o == nil {
		return domain.Recipe{}, false
	}
	var prob problems
	r := o.recipe("", &prob)
	return r, len(prob) == 0
}
