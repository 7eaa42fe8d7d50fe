package chain_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/chain"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// streamer is a fake that can stream: before its reply it emits the first n existing
// recipes of the reply's answer (all of them when n < 0). It counts its streamed calls apart.
type streamer struct {
	*fake
	n        int
	streamed int
}

func (s *streamer) GenerateStream(ctx context.Context, req domain.GenerationRequest, emit application.StreamFunc) (domain.Result, error) {
	s.streamed++
	s.mu.Lock()
	r := s.replies[min(s.calls, len(s.replies)-1)]
	s.mu.Unlock()
	for i, rc := range r.res.ExistingIngredientsRecipes {
		if s.n >= 0 && i == s.n {
			break
		}
		emit(application.Streamed{Kind: domain.KindExisting, Recipe: rc})
	}
	return s.Generate(ctx, req)
}

// heard lists what a stream received as provider/model/recipe or provider/reset.
type heard []string

func (h *heard) stream(s application.Streamed) {
	what := s.Recipe.Name
	if s.Reset {
		what = "reset"
	}
	*h = append(*h, s.Provider+"/"+s.Model+"/"+what)
}

func TestGenerateStreams(t *testing.T) {
	partly := reply{res: aitest.ValidAnswer().Result(), err: errServer} // writes recipes, then fails
	tests := []struct {
		name         string
		a            reply
		n            int
		wantProvider string
		wantHeard    heard
	}{
		{
			name: "a streams and answers", a: ok(), n: -1, wantProvider: "a",
			wantHeard: heard{"a/model-a/계란말이", "a/model-a/김치볶음밥", "a/model-a/대파계란국"},
		},
		{
			name: "a fails after two recipes", a: partly, n: 2, wantProvider: "b",
			wantHeard: heard{"a/model-a/계란말이", "a/model-a/김치볶음밥", "a/model-a/reset"},
		},
		{
			name: "a's answer is refused", a: answer(withPeanuts(0, 1, 2)), n: 1, wantProvider: "b",
			wantHeard: heard{"a/model-a/계란말이", "a/model-a/reset"},
		},
		{name: "a fails before writing anything", a: temporary(), n: 0, wantProvider: "b", wantHeard: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &streamer{fake: newFake(tt.a), n: tt.n}
			ls := links(a.fake, newFake(ok()))
			ls[0].Generator = a
			var h heard
			got, err := chain.New(ls, chain.Options{}).Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), h.stream)
			if err != nil || got.Provider != tt.wantProvider {
				t.Fatalf("Generate() = %q, %v; want %q's answer", got.Provider, err, tt.wantProvider)
			}
			if diff := cmp.Diff(tt.wantHeard, h); diff != "" {
				t.Errorf("streamed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenerateWithoutAStreamAsksForTheWholeAnswer(t *testing.T) {
	a := &streamer{fake: newFake(ok()), n: -1}
	ls := links(a.fake)
	ls[0].Generator = a
	got, err := chain.New(ls, chain.Options{}).Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
	if err != nil || got.Provider != "a" || a.streamed != 0 || a.Calls() != 1 {
		t.Errorf("Generate(nil stream) = %q, %v with %d streamed calls of %d; want a's answer from one plain call", got.Provider, err, a.streamed, a.Calls())
	}
}

// Over the wire: gemini streams two recipes and its connection breaks; openai streams the
// whole answer. The stream hears gemini's recipes, their reset, then openai's.
func TestGenerateStreamsOverTheWire(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	tokens := aitest.Tokens(valid, 3)
	broken := aitest.GeminiStream(tokens, 1).WithPace(time.Millisecond)
	broken.BreakAfter = aitest.UpTo(tokens, valid, 2)
	w := newWired(t, 5*time.Second, []aitest.Reply{broken}, []aitest.Reply{aitest.OpenAIStream(tokens, "stop").Rechunk(5)})
	var h heard
	got, err := w.chain.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), h.stream)
	if err != nil || got.Provider != "openai" {
		t.Fatalf("Generate() = %q, %v; want openai's answer", got.Provider, err)
	}
	want := heard{"gemini/gemini-2.5-flash/계란말이", "gemini/gemini-2.5-flash/김치볶음밥", "gemini/gemini-2.5-flash/reset"}
	for _, n := range aitest.StreamNames {
		want = append(want, "openai/gpt-4o-mini/"+n[strings.Index(n, "/")+1:])
	}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("streamed (-want +got):\n%s", diff)
	}
}
