package offline_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/offline"
	"github.com/naengbu/recipe-ai/domain"
)

func TestGenerateStreamEmitsTheWholeAnswerAtOnce(t *testing.T) {
	g := offline.New()
	req := aitest.FridgeRequest(t)
	want, err := g.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var got aitest.Collector
	res, err := g.GenerateStream(context.Background(), req, got.Emit)
	if err != nil {
		t.Fatalf("GenerateStream() error = %v", err)
	}
	var names []string
	for _, r := range want.ExistingIngredientsRecipes {
		names = append(names, "existing/"+r.Name)
	}
	for _, r := range want.AdditionalIngredientsRecipes {
		names = append(names, "additional/"+r.Name)
	}
	if len(names) == 0 {
		t.Fatal("the offline engine has no recipe for the fridge request; pick another")
	}
	if diff := cmp.Diff(names, got.Names()); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(aitest.Names(want), aitest.Names(res)); diff != "" {
		t.Errorf("GenerateStream() answer (-Generate +GenerateStream):\n%s", diff)
	}
	for _, ev := range got.Events() {
		if ev.Model != want.Model || (ev.Kind != domain.KindExisting && ev.Kind != domain.KindAdditional) {
			t.Errorf("emitted %+v, want a known kind by model %q", ev, want.Model)
		}
	}
}
