package chain_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/chain"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// reply is one scripted outcome of a fake generator.
type reply struct {
	res   domain.Result
	err   error
	block bool // wait until the call's context ends
}

// fake is a generator that answers its nth call with replies[n], the last reply
// repeating, and counts its calls.
type fake struct {
	mu      sync.Mutex
	replies []reply
	calls   int
	started chan struct{} // receives when a blocking reply starts waiting
}

func newFake(replies ...reply) *fake {
	return &fake{replies: replies, started: make(chan struct{}, 16)}
}

func (f *fake) Generate(ctx context.Context, _ domain.GenerationRequest) (domain.Result, error) {
	f.mu.Lock()
	r := f.replies[min(f.calls, len(f.replies)-1)]
	f.calls++
	f.mu.Unlock()
	if r.block {
		f.started <- struct{}{}
		<-ctx.Done()
		return domain.Result{}, ctx.Err()
	}
	return r.res, r.err
}

func (f *fake) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

var (
	errServer = errors.New("status 500 INTERNAL")
	errKey    = fmt.Errorf("%w: status 401: invalid key", application.ErrPermanent)
)

func ok() reply                    { return reply{res: aitest.ValidAnswer().Result()} }
func temporary() reply             { return reply{err: errServer} }
func permanent() reply             { return reply{err: errKey} }
func blocking() reply              { return reply{block: true} }
func answer(a aitest.Answer) reply { return reply{res: a.Result()} }

func limited(d time.Duration) reply {
	return reply{err: &application.RetryAfterError{After: d, Err: errors.New("status 429 RESOURCE_EXHAUSTED")}}
}

// withPeanuts adds peanuts to the existing recipes numbered in which.
func withPeanuts(which ...int) aitest.Answer {
	a := aitest.ValidAnswer()
	for _, i := range which {
		a.Existing[i].Ingredients = append(a.Existing[i].Ingredients, "땅콩 2큰술")
	}
	return a
}

// testLexicon knows peanuts only; the chain's tests need no more, and do not depend on
// the edits of the built-in data.
func testLexicon(t *testing.T) *domain.Lexicon {
	t.Helper()
	lex, err := domain.LoadLexicon(fstest.MapFS{"ingredients_test.json": {Data: []byte(
		`[{"name": "땅콩", "en": "peanut", "aliases": ["peanuts"], "kind": "nut", "animal": "", "allergens": ["peanut"]}]`,
	)}})
	if err != nil {
		t.Fatalf("LoadLexicon() error = %v", err)
	}
	return lex
}

// accept checks an answer to req as the processor does, with testLexicon, and records
// the provider and model the chain names.
func accept(t *testing.T, req domain.GenerationRequest) application.AcceptFunc {
	lex := testLexicon(t)
	return func(a application.Answer) (domain.Result, error) {
		check := domain.CheckAnswer
		if a.Partial {
			check = domain.CheckRecipes
		}
		if err := check(a.Result); err != nil {
			return domain.Result{}, fmt.Errorf("answer breaks the result rules: %w", err)
		}
		kept, _, err := domain.EnforceConstraints(a.Result, req.Preferences, lex)
		if err != nil {
			return domain.Result{}, fmt.Errorf("answer breaks the request's constraints: %w", err)
		}
		kept.Provider, kept.Model = a.Provider, a.Model
		return kept, nil
	}
}

// links names the fakes a, b, c, … in order.
func links(fakes ...*fake) []chain.Link {
	out := make([]chain.Link, len(fakes))
	for i, f := range fakes {
		out[i] = chain.Link{Name: string(rune('a' + i)), Model: "model-" + string(rune('a'+i)), Generator: f}
	}
	return out
}

func calls(fakes []*fake) []int {
	out := make([]int, len(fakes))
	for i, f := range fakes {
		out[i] = f.Calls()
	}
	return out
}

func TestGenerate(t *testing.T) {
	short := aitest.ValidAnswer()
	short.Existing = short.Existing[:2]
	all := [2][]string{{"계란말이", "김치볶음밥", "대파계란국"}, {"김치전", "김치두부덮밥"}}

	tests := []struct {
		name         string
		give         [][]reply // one script per link
		wantProvider string
		wantNames    [2][]string
		wantCalls    []int
		wantKind     string
		wantErr      []string // phrases of the error message
	}{
		{name: "the first provider answers", give: [][]reply{{ok()}, {ok()}}, wantProvider: "a", wantNames: all, wantCalls: []int{1, 0}, wantKind: "ok"},
		{name: "temporary failure falls back", give: [][]reply{{temporary()}, {ok()}}, wantProvider: "b", wantNames: all, wantCalls: []int{1, 1}, wantKind: "ok"},
		{name: "permanent failure falls back", give: [][]reply{{permanent()}, {ok()}}, wantProvider: "b", wantNames: all, wantCalls: []int{1, 1}, wantKind: "ok"},
		{name: "429 falls back", give: [][]reply{{limited(10 * time.Second)}, {ok()}}, wantProvider: "b", wantNames: all, wantCalls: []int{1, 1}, wantKind: "ok"},
		{name: "wrong counts fall back", give: [][]reply{{answer(short)}, {ok()}}, wantProvider: "b", wantNames: all, wantCalls: []int{1, 1}, wantKind: "ok"},
		{
			name: "an allergen in every existing recipe falls back",
			give: [][]reply{{answer(withPeanuts(0, 1, 2))}, {ok()}}, wantProvider: "b", wantNames: all, wantCalls: []int{1, 1}, wantKind: "ok",
		},
		{
			name:         "a recipe with an allergen is dropped",
			give:         [][]reply{{answer(withPeanuts(1))}, {ok()}},
			wantProvider: "a",
			wantNames:    [2][]string{{"계란말이", "대파계란국"}, {"김치전", "김치두부덮밥"}},
			wantCalls:    []int{1, 0},
			wantKind:     "ok",
		},
		{
			name:      "every failure permanent",
			give:      [][]reply{{permanent()}, {permanent()}},
			wantCalls: []int{1, 1},
			wantKind:  "permanent",
			wantErr:   []string{"a: permanent failure: status 401", "b: permanent failure: status 401"},
		},
		{
			name:      "permanent and temporary",
			give:      [][]reply{{permanent()}, {temporary()}},
			wantCalls: []int{1, 1},
			wantKind:  "temporary",
			wantErr:   []string{"a: permanent failure", "b: status 500"},
		},
		{
			name:      "permanent and two waits: the smallest wait",
			give:      [][]reply{{permanent()}, {limited(10 * time.Second)}, {limited(5 * time.Second)}},
			wantCalls: []int{1, 1, 1},
			wantKind:  "retry after 5s",
			wantErr:   []string{"a: permanent", "b: retry after 10s", "c: retry after 5s"},
		},
		{
			name:      "a wait and a temporary failure without one",
			give:      [][]reply{{limited(10 * time.Second)}, {temporary()}},
			wantCalls: []int{1, 1},
			wantKind:  "temporary",
		},
		{
			name:      "invalid answers are temporary",
			give:      [][]reply{{answer(short)}},
			wantCalls: []int{1},
			wantKind:  "temporary",
			wantErr:   []string{"a: answer breaks the result rules: invalid answer: existingIngredientsRecipes: want 3 recipes, got 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fakes []*fake
			for _, script := range tt.give {
				fakes = append(fakes, newFake(script...))
			}
			c := chain.New(links(fakes...), chain.Options{})
			got, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
			if k := aitest.Kind(err); k != tt.wantKind {
				t.Fatalf("Generate() error = %v (%s), want %s", err, k, tt.wantKind)
			}
			for _, phrase := range tt.wantErr {
				if !strings.Contains(err.Error(), phrase) {
					t.Errorf("Generate() error = %q, want it to contain %q", err, phrase)
				}
			}
			if diff := cmp.Diff(tt.wantCalls, calls(fakes)); diff != "" {
				t.Errorf("calls per provider (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if got.Provider != tt.wantProvider {
				t.Errorf("Generate() provider = %q, want %q", got.Provider, tt.wantProvider)
			}
			if diff := cmp.Diff(tt.wantNames, aitest.Names(got)); diff != "" {
				t.Errorf("Generate() names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenerateErrorListsEachProvidersFailure(t *testing.T) {
	c := chain.New(links(newFake(permanent()), newFake(limited(time.Minute)), newFake(answer(withPeanuts(0, 1, 2)))), chain.Options{})
	_, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
	pe, ok := errors.AsType[*application.ProvidersError](err)
	if !ok {
		t.Fatalf("Generate() error = %T, want a *application.ProvidersError", err)
	}
	type view struct {
		Provider   string
		Kind       application.FailureKind
		RetryAfter time.Duration
	}
	var got []view
	for _, f := range pe.Failures {
		got = append(got, view{f.Provider, f.Kind, f.RetryAfter})
	}
	want := []view{{"a", application.FailurePermanent, 0}, {"b", application.FailureTemporary, time.Minute}, {"c", application.FailureInvalid, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

func TestGenerateOffersEachAnswerWithItsLink(t *testing.T) {
	res := aitest.ValidAnswer().Result()
	res.Provider, res.Model = "whatever", "generator-model"
	var offered []application.Answer
	record := func(a application.Answer) (domain.Result, error) {
		offered = append(offered, a)
		if a.Provider == "gemini" {
			return domain.Result{}, fmt.Errorf("refused: %w", domain.ErrInvalidAnswer)
		}
		return a.Result, nil
	}
	c := chain.New([]chain.Link{
		{Name: "gemini", Model: "gemini-2.5-flash", Generator: newFake(reply{res: res})},
		{Name: "offline", Generator: newFake(reply{res: res}), Partial: true},
	}, chain.Options{})
	if _, err := c.Generate(context.Background(), aitest.FridgeRequest(t), record, nil); err != nil {
		t.Fatalf("Generate() error = %v", err)
	}
	want := []application.Answer{
		{Result: res, Provider: "gemini", Model: "gemini-2.5-flash"},
		{Result: res, Provider: "offline", Partial: true},
	}
	if diff := cmp.Diff(want, offered); diff != "" {
		t.Errorf("answers offered (-want +got):\n%s", diff)
	}
}

func TestGenerateTimeout(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	a, b := newFake(blocking()), newFake(ok())
	c := chain.New(links(a, b), chain.Options{Timeout: 20 * time.Millisecond, Registerer: reg})
	got, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
	if err != nil || got.Provider != "b" {
		t.Fatalf("Generate() = %q, %v; want b's answer", got.Provider, err)
	}
	if n := counter(t, reg, "a", "timeout"); n != 1 {
		t.Errorf("calls_total{a, timeout} = %v, want 1", n)
	}

	c = chain.New(links(newFake(blocking())), chain.Options{Timeout: 20 * time.Millisecond})
	_, err = c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
	if aitest.Kind(err) != "temporary" || !strings.Contains(err.Error(), "a: no answer within 20ms") {
		t.Errorf("Generate() error = %v, want a temporary timeout of a", err)
	}
}

func TestGenerateCancelled(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	a, b := newFake(blocking(), ok()), newFake(ok())
	c := chain.New(links(a, b), chain.Options{BreakerFailures: 1, Registerer: reg})
	ctx, cancel := context.WithCancelCause(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Generate(ctx, aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
		done <- err
	}()
	aitest.Wait(t, a.started, "the call to a")
	cancel(application.ErrCancelled)
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Generate() error = %v, want context.Canceled", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Generate() still running 1s after its context was cancelled")
	}
	if b.Calls() != 0 {
		t.Errorf("b called %d times after the job was cancelled, want 0", b.Calls())
	}
	if n := counter(t, reg, "a", "cancelled"); n != 1 {
		t.Errorf("calls_total{a, cancelled} = %v, want 1", n)
	}

	// The cancelled call said nothing about a: its breaker, which opens on one failure,
	// is still closed.
	got, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
	if err != nil || got.Provider != "a" || a.Calls() != 2 {
		t.Errorf("next Generate() = %q, %v with a called %d times; want a's answer", got.Provider, err, a.Calls())
	}

	// A context that has already ended asks nobody.
	_, err = c.Generate(ctx, aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
	if !errors.Is(err, context.Canceled) || a.Calls() != 2 || b.Calls() != 0 {
		t.Errorf("Generate(cancelled ctx) = %v with calls %d, %d; want context.Canceled and no call", err, a.Calls(), b.Calls())
	}
}

func TestGenerateWithoutLinks(t *testing.T) {
	_, err := chain.New(nil, chain.Options{}).Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)), nil)
	if pe, ok := errors.AsType[*application.ProvidersError](err); !ok || len(pe.Failures) != 0 {
		t.Errorf("Generate() error = %v, want a *ProvidersError with no failure", err)
	}
}
