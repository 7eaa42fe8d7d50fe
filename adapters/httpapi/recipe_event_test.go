package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

func streamedPartial(run string, names ...string) *domain.Partial {
	p := domain.Partial{Run: run, Provider: "gemini", Model: "gemini-2.5-flash", UserID: "user-42", UpdatedAt: testNow}
	for _, n := range names {
		p = p.With(domain.KindExisting, domain.Recipe{
			Name: n, Description: n, Difficulty: domain.Easy, CookingTime: 10, Servings: 2,
			Ingredients: []string{"계란 2개"}, Instructions: "1. 풀다\n2. 굽다",
		})
	}
	return &p
}

func TestEventsSendEachStreamedRecipeAndResets(t *testing.T) {
	jobs := newMemJobs()
	srv := httptest.NewServer(newAPI(jobs))
	t.Cleanup(srv.Close)
	running := domain.JobStatus{ID: knownID, Status: domain.Processing(40), Attempts: 1, CreatedAt: testNow, UpdatedAt: testNow,
		Partial: streamedPartial("r1", "계란말이")}
	jobs.set(running)

	_, events := openStream(t, srv, knownID)
	first := next(t, events, true)
	result, _ := first.data["result"].(map[string]any)
	if first.name != "status" || result == nil || len(result["existingIngredientsRecipes"].([]any)) != 1 || result["provider"] != "gemini" {
		t.Fatalf("first event = %+v, want the status with the recipe so far as its result", first)
	}
	ev := next(t, events, true)
	want := map[string]any{"kind": "existing", "index": float64(0), "recipe": map[string]any{
		"name": "계란말이", "description": "계란말이", "difficulty": "easy", "cookingTime": float64(10), "servings": float64(2),
		"ingredients": []any{"계란 2개"}, "instructions": "1. 풀다\n2. 굽다",
	}}
	if diff := cmp.Diff(want, ev.data); ev.name != "recipe" || diff != "" {
		t.Fatalf("second event %q (-want +got):\n%s", ev.name, diff)
	}

	running.Partial, running.UpdatedAt = streamedPartial("r2", "계란국"), testNow.Add(time.Second)
	jobs.set(running)
	if ev := next(t, events, true); ev.name != "status" {
		t.Fatalf("event after the void = %+v, want the status first", ev)
	}
	if ev := next(t, events, true); ev.name != "recipe" || !cmp.Equal(ev.data, map[string]any{"kind": "reset"}) {
		t.Fatalf("event after the status = %+v, want a recipe event of kind reset", ev)
	}
	if ev := next(t, events, true); ev.name != "recipe" || ev.data["index"] != float64(0) || ev.data["recipe"].(map[string]any)["name"] != "계란국" {
		t.Fatalf("event after the reset = %+v, want the new run's first recipe", ev)
	}
}

func TestStatusShowsThePartialResultOnlyWhileProcessing(t *testing.T) {
	tests := []struct {
		name       string
		give       domain.JobStatus
		wantResult []string
	}{
		{name: "streaming", give: domain.JobStatus{Status: domain.Processing(50), Partial: streamedPartial("r", "계란말이", "계란찜")}, wantResult: []string{"계란말이", "계란찜"}},
		{name: "voided", give: domain.JobStatus{Status: domain.Processing(50), Partial: streamedPartial("r")}},
		{name: "pending again", give: domain.JobStatus{Status: domain.Pending(), Partial: streamedPartial("r", "계란말이")}},
		{name: "cancelled", give: domain.JobStatus{Status: domain.Cancelled(), Partial: streamedPartial("r", "계란말이")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			st := tt.give
			st.ID, st.CreatedAt, st.UpdatedAt = knownID, testNow, testNow
			jobs.set(st)
			rec := call(newAPI(jobs), http.MethodGet, "/v1/recipe/status/"+string(knownID), "", "", nil)
			var body struct {
				Result *struct {
					Existing []struct {
						Name string `json:"name"`
					} `json:"existingIngredientsRecipes"`
				} `json:"result"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != http.StatusOK || err != nil {
				t.Fatalf("GET status = %d %s", rec.Code, rec.Body)
			}
			var got []string
			if body.Result != nil {
				got = []string{}
				for _, r := range body.Result.Existing {
					got = append(got, r.Name)
				}
			}
			if diff := cmp.Diff(tt.wantResult, got); diff != "" {
				t.Errorf("result recipes (-want +got):\n%s\nbody %s", diff, rec.Body)
			}
		})
	}
}
