package chain_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/chain"
)

// Each try of a provider is one span under the caller's, skips included, carrying the
// provider and the outcome; a failed try's status names its kind, not the provider's words.
func TestGenerateRecordsASpanPerTry(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	a, b := newFake(limited(time.Hour)), newFake(ok())
	c := chain.New(links(a, b), chain.Options{TracerProvider: tp})

	ctx, parent := tp.Tracer("test").Start(context.Background(), "job")
	for range 2 { // 1: a 429, b success. 2: a skipped, b success.
		if _, err := c.Generate(ctx, aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t))); err != nil {
			t.Fatalf("Generate() error = %v", err)
		}
	}
	parent.End()

	type tried struct{ Name, Provider, Outcome, Status string }
	var got []tried
	for _, s := range rec.Ended() {
		if s.Name() == "job" {
			continue
		}
		if s.Parent().SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("span %q has parent %s, want the caller's span", s.Name(), s.Parent().SpanID())
		}
		tr := tried{Name: s.Name()}
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case "recipe.provider":
				tr.Provider = kv.Value.AsString()
			case "recipe.provider.outcome":
				tr.Outcome = kv.Value.AsString()
			}
		}
		if s.Status().Code == codes.Error {
			tr.Status = s.Status().Description
		}
		got = append(got, tr)
	}
	want := []tried{
		{Name: "generate a", Provider: "a", Outcome: "rate_limited", Status: "rate_limited"},
		{Name: "generate b", Provider: "b", Outcome: "success"},
		{Name: "generate a", Provider: "a", Outcome: "skipped_rate_limited", Status: "skipped"},
		{Name: "generate b", Provider: "b", Outcome: "success"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("provider spans (-want +got):\n%s", diff)
	}
}
