package offline_test

import (
	"context"
	"testing"

	"github.com/naengbu/recipe-ai/adapters/ai/offline"
	"github.com/naengbu/recipe-ai/adapters/ai/offline/quality"
	"github.com/naengbu/recipe-ai/domain"
)

// The bars the engine must clear on the everyday fridges of quality/fridges.json.
const (
	minHitRate      = 0.90 // the obvious dish among the answer's recipes
	minExistingRate = 0.75 // the obvious dish among the recipes made from what the user has
)

// TestQualitySuite runs every fridge of the quality suite through the real engine. Run it
// with -v to read the hit rates and the fridges that miss; cmd/quality prints the same
// figures as benchmark lines.
func TestQualitySuite(t *testing.T) {
	fridges, err := quality.Fridges()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := quality.Run(context.Background(), offline.New(), domain.DefaultLexicon(), fridges)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d fridges: obvious dish among the answer %.1f%%, made from what the user has %.1f%%",
		rep.Fridges, 100*rep.HitRate(), 100*rep.ExistingRate())
	for name, g := range rep.Groups {
		t.Logf("%s: %d fridges, %d among the answer, %d made from what the user has", name, g.Fridges, g.Hits, g.Existing)
	}
	for _, m := range rep.Misses {
		t.Logf("miss: %s", m)
	}
	for _, u := range rep.Unknown {
		t.Errorf("the suite names a dish the catalogue lacks: %s", u)
	}
	for _, b := range rep.Breaks {
		t.Errorf("constraint broken: %s", b)
	}
	for _, u := range rep.Unrelated {
		t.Errorf("not built on the fridge: %s", u)
	}
	if rep.HitRate() < minHitRate {
		t.Errorf("obvious dish among the answer for %.1f%% of fridges, want at least %.0f%%", 100*rep.HitRate(), 100*minHitRate)
	}
	if rep.ExistingRate() < minExistingRate {
		t.Errorf("obvious dish made from what the user has for %.1f%% of fridges, want at least %.0f%%",
			100*rep.ExistingRate(), 100*minExistingRate)
	}
}
