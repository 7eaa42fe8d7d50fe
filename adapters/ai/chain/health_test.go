package chain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/chain"
	"github.com/naengbu/recipe-ai/application"
)

func TestProviderHealthShowsBreakersAndLastErrors(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, b := newFake(temporary()), newFake(ok())
	c := chain.New(links(a, b), chain.Options{BreakerFailures: 2, Now: func() time.Time { return now }})
	req := aitest.FridgeRequest(t)
	for range 2 {
		if _, err := c.Generate(t.Context(), req, accept(t, req)); err != nil {
			t.Fatalf("Generate() error = %v", err)
		}
	}
	got := c.ProviderHealth()
	want := []application.ProviderHealth{
		{Provider: "a", Breaker: application.BreakerOpen, LastError: errServer.Error(), LastErrorAt: now},
		{Provider: "b", Breaker: application.BreakerClosed, LastSuccessAt: now},
	}
	// An open breaker resets its counts; the failures in a row show while it is closed.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ProviderHealth() after two failures of a (-want +got):\n%s", diff)
	}
}

func TestProviderHealthCountsFailuresInARowAndCutsLongErrors(t *testing.T) {
	long := strings.Repeat("x", 1000)
	a := newFake(reply{err: errString(long)})
	c := chain.New(links(a), chain.Options{BreakerFailures: 5})
	req := aitest.FridgeRequest(t)
	_, _ = c.Generate(t.Context(), req, accept(t, req))
	got := c.ProviderHealth()[0]
	if got.ConsecutiveFailures != 1 || got.Breaker != application.BreakerClosed {
		t.Errorf("ProviderHealth() after one failure = %d in a row, breaker %s, want 1 and closed", got.ConsecutiveFailures, got.Breaker)
	}
	if n := len([]rune(got.LastError)); n != 301 {
		t.Errorf("ProviderHealth().LastError has %d characters, want 300 and an ellipsis", n)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
