package prompt_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/ai/prompt"
	"github.com/naengbu/recipe-ai/domain"
)

// FuzzStreamParser holds the stream parser to the whole-answer parser: for any text and
// any chunking, it emits the same events, its Close returns what ParseAnswer returns, and
// the recipes it emitted since its last reset are exactly the answer's. When the text is
// one JSON object that ParseAnswer reads without doubt (no code fence, no key written
// twice in any spelling), every recipe is emitted while the text arrives, before Close,
// and never taken back. The seed corpus
// in testdata/fuzz/FuzzStreamParser holds realistic answers: plain, fenced, with chatter,
// wrapped, truncated, with escapes and Korean text.
func FuzzStreamParser(f *testing.F) {
	f.Add(`{"existingIngredientsRecipes": [], "additionalIngredientsRecipes": []}`, []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, text string, cuts []byte) {
		wantRes, wantErr := prompt.ParseAnswer(text)
		whole := run(t, []string{text})
		chunked := run(t, cutBy(text, cuts))
		if diff := cmp.Diff(whole.events, chunked.events); diff != "" {
			t.Fatalf("events of the whole text (-) and of chunks %v (+):\n%s", cuts, diff)
		}
		if len(text) <= 4096 {
			if diff := cmp.Diff(whole.events, run(t, bytewise(text)).events); diff != "" {
				t.Fatalf("events of the whole text (-) and byte by byte (+):\n%s", diff)
			}
		}
		if (whole.err == nil) != (wantErr == nil) || (wantErr != nil && whole.err.Error() != wantErr.Error()) {
			t.Fatalf("Close() error = %v, want ParseAnswer's %v", whole.err, wantErr)
		}
		if diff := cmp.Diff(wantRes, whole.res); diff != "" {
			t.Fatalf("Close() result (-ParseAnswer +Close):\n%s", diff)
		}
		if wantErr == nil && plainObject(text) {
			var early [2][]domain.Recipe
			for _, ev := range whole.early {
				if ev.Reset {
					t.Fatalf("a reset while a plain answer object arrived: %+v", whole.early)
				}
				early[kindIndex(ev.Kind)] = append(early[kindIndex(ev.Kind)], ev.Recipe)
			}
			want := [2][]domain.Recipe{wantRes.ExistingIngredientsRecipes, wantRes.AdditionalIngredientsRecipes}
			if diff := cmp.Diff(want, early, cmpEmpty); diff != "" {
				t.Fatalf("recipes emitted before Close (-answer +emitted):\n%s", diff)
			}
		}
		var net [2][]domain.Recipe
		for _, ev := range whole.events {
			switch {
			case ev.Reset:
				net = [2][]domain.Recipe{}
			case ev.Kind == domain.KindExisting:
				net[0] = append(net[0], ev.Recipe)
			default:
				net[1] = append(net[1], ev.Recipe)
			}
		}
		want := [2][]domain.Recipe{wantRes.ExistingIngredientsRecipes, wantRes.AdditionalIngredientsRecipes}
		if diff := cmp.Diff(want, net, cmpEmpty); diff != "" {
			t.Fatalf("recipes emitted since the last reset (-ParseAnswer +emitted):\n%s", diff)
		}
	})
}

var cmpEmpty = cmp.Transformer("nilSlice", func(s []domain.Recipe) []domain.Recipe {
	if len(s) == 0 {
		return nil
	}
	return s
})

type streamed struct {
	events []prompt.Event
	early  []prompt.Event // the events before Close
	res    domain.Result
	err    error
}

func run(t *testing.T, chunks []string) streamed {
	t.Helper()
	var s streamed
	p := prompt.NewStreamParser(func(ev prompt.Event) { s.events = append(s.events, ev) })
	for _, c := range chunks {
		if p.Write(c) != nil {
			break
		}
	}
	s.early = slices.Clone(s.events)
	s.res, s.err = p.Close()
	return s
}

func kindIndex(k domain.RecipeKind) int {
	if k == domain.KindExisting {
		return 0
	}
	return 1
}

// plainObject reports whether text is one JSON object, without a code fence, in which no
// object has two keys of the same spelling, case aside.
func plainObject(text string) bool {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "{") || !json.Valid([]byte(t)) || strings.Contains(text, "```") {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(t))
	type level struct {
		object bool
		keys   map[string]bool
		key    bool // the next string of an object is a key
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &level{object: v == '{', keys: map[string]bool{}, key: v == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.object && top.key {
				for k := range top.keys {
					if strings.EqualFold(k, v) {
						return false
					}
				}
				top.keys[v], top.key = true, false
				continue
			}
			if top != nil && top.object {
				top.key = true
			}
		default:
			if top != nil && top.object {
				top.key = true
			}
		}
	}
}

// cutBy cuts text into chunks whose lengths are the cuts' values, 1 to 16, in turn.
func cutBy(text string, cuts []byte) []string {
	if len(cuts) == 0 {
		return []string{text}
	}
	var out []string
	for i := 0; len(text) > 0; i++ {
		n := min(int(cuts[i%len(cuts)]%16)+1, len(text))
		out = append(out, text[:n])
		text = text[n:]
	}
	return out
}
