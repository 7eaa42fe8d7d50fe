package e2e

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

// recipeData is the data of a recipe event.
type recipeData struct {
	Kind   string  `json:"kind"`
	Index  *int    `json:"index"`
	Recipe *recipe `json:"recipe"`
}

// recipeEvents reads the recipe events of a stream as kind/index/name, or "reset".
func recipeEvents(t *testing.T, all []streamEvent) []string {
	t.Helper()
	var out []string
	for _, ev := range all {
		if ev.Name != "recipe" {
			continue
		}
		var d recipeData
		if err := json.Unmarshal([]byte(ev.Data), &d); err != nil {
			t.Fatalf("recipe event data %q: %v", ev.Data, err)
		}
		switch {
		case d.Kind == "reset" && d.Index == nil && d.Recipe == nil:
			out = append(out, "reset")
		case (d.Kind == "existing" || d.Kind == "additional") && d.Index != nil && d.Recipe != nil:
			out = append(out, d.Kind+"/"+string(rune('0'+*d.Index))+"/"+d.Recipe.Name)
		default:
			t.Errorf("recipe event data %s is neither a recipe nor a reset", ev.Data)
		}
	}
	return out
}

// watchPartial polls the job's status until it ends and reports the most recipes a
// partial result held while the job was processing.
func watchPartial(t *testing.T, api *process, id string) <-chan int {
	out := make(chan int, 1)
	go func() {
		most := 0
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			var st status
			resp, err := http.Get(api.url("/v1/recipe/status/" + id))
			if err != nil {
				break
			}
			_ = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			if st.Status == "processing" && st.Result != nil {
				most = max(most, len(st.Result.Existing)+len(st.Result.Additional))
			}
			if st.Status == "completed" || st.Status == "failed" || st.Status == "cancelled" {
				break
			}
		}
		out <- most
	}()
	return out
}

var streamedNames = []string{
	"existing/0/계란말이", "existing/1/김치볶음밥", "existing/2/대파계란국", "additional/0/김치전", "additional/1/김치두부덮밥",
}

func TestStreamedRecipesArriveBeforeTheJobCompletes(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	ai.pace = 4 * time.Millisecond // about 1.5 s for the whole answer
	env := baseEnv(t, srv, ai.env())
	api := start(t, "api", env)
	start(t, "worker", env)
	job := submit(t, api, markedRequest(40))
	events := follow(t, api, job.JobID)
	partial := watchPartial(t, api, job.JobID)

	all := collect(t, events, 30*time.Second)
	for _, ev := range all {
		t.Logf("%s %s %d %.60s", ev.At.Format("15:04:05.000"), ev.Name, ev.Status.Progress, ev.Data)
	}
	last := all[len(all)-1]
	if last.Name != "completed" || last.Status.Result == nil || len(last.Status.Result.Existing) != 3 || len(last.Status.Result.Additional) != 2 {
		t.Fatalf("last event = %+v, want completed with 3 + 2 recipes", last)
	}
	// The last recipes may come only with completed: the answer ends right after them.
	got := recipeEvents(t, all)
	if len(got) < 3 || len(got) > len(streamedNames) || !cmp.Equal(got, streamedNames[:len(got)]) {
		t.Errorf("recipe events = %q, want at least the first three of %q in order", got, streamedNames)
	}
	var first time.Time
	for _, ev := range all {
		if ev.Name == "recipe" {
			first = ev.At
			break
		}
	}
	if took := last.At.Sub(first); took < 500*time.Millisecond {
		t.Errorf("first recipe event only %v before completed, want it while the model still writes (about 1 s earlier)", took)
	}
	progress := 0
	for _, ev := range all {
		if ev.Name == "status" && ev.Status.Status == "processing" {
			if ev.Status.Progress < progress {
				t.Errorf("progress went back from %d to %d", progress, ev.Status.Progress)
			}
			progress = ev.Status.Progress
		}
	}
	if want := 30 + 10*len(got); progress != want {
		t.Errorf("progress before the end = %d, want %d after %d streamed recipes", progress, want, len(got))
	}
	if most := <-partial; most < 1 {
		t.Errorf("GET status never showed a partial result while processing")
	}
}

func TestAProviderThatFailsHalfWayVoidsItsRecipesAndTheFallbackWins(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	ai.pace = 4 * time.Millisecond
	ai.breakAfter = 2
	env := baseEnv(t, srv, withDefault(map[string]string{"AI_PROVIDERS": "openai,offline"}, ai.env()))
	api := start(t, "api", env)
	start(t, "worker", env)
	job := submit(t, api, markedRequest(41))
	events := follow(t, api, job.JobID)

	all := collect(t, events, 30*time.Second)
	last := all[len(all)-1]
	if last.Name != "completed" || last.Status.Result == nil || last.Status.Result.Provider != "offline" {
		t.Fatalf("last event = %+v, want completed by the offline fallback", last)
	}
	got := recipeEvents(t, all)
	t.Logf("recipe events: %q", got)
	if len(got) < 3 || !cmp.Equal(got[:3], []string{"existing/0/계란말이", "existing/1/김치볶음밥", "reset"}) {
		t.Fatalf("recipe events = %q, want openai's two recipes, then a reset", got)
	}
	// After the reset, whatever arrived is the fallback's: each recipe at its place in the
	// completed result.
	res := last.Status.Result
	for _, ev := range got[3:] {
		kind, rest, _ := strings.Cut(ev, "/")
		index, name, _ := strings.Cut(rest, "/")
		list := res.Existing
		if kind == "additional" {
			list = res.Additional
		}
		if i, err := strconv.Atoi(index); err != nil || i >= len(list) || list[i].Name != name {
			t.Errorf("recipe event %s after the reset is not at its place in the fallback's result", ev)
		}
	}
}

func TestStreamingOffSendsNoRecipeEvents(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	env := baseEnv(t, srv, withDefault(ai.env(), map[string]string{"STREAMING": "false"}))
	api := start(t, "api", env)
	start(t, "worker", env)
	job := submit(t, api, markedRequest(42))
	all := collect(t, follow(t, api, job.JobID), 30*time.Second)
	if got := recipeEvents(t, all); len(got) != 0 || all[len(all)-1].Name != "completed" {
		t.Errorf("events with STREAMING=false: recipes %q, last %q; want none, then completed", got, all[len(all)-1].Name)
	}
}

func TestCancelStopsAStreamWithinASecond(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	ai.pace = 20 * time.Millisecond // about 8 s for the whole answer
	env := baseEnv(t, srv, ai.env())
	api := start(t, "api", env)
	start(t, "worker", env)
	job := submit(t, api, markedRequest(43))
	events := follow(t, api, job.JobID)
	for ev := range events {
		if ev.Name == "recipe" {
			break
		}
	}
	resp := call(t, http.MethodDelete, api.url("/v1/recipe/status/"+job.JobID), "", nil, nil)
	asked := time.Now()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE = %d, want 200", resp.StatusCode)
	}
	select {
	case <-ai.abandoned:
		if took := time.Since(asked); took > time.Second {
			t.Errorf("stream abandoned %v after the cancel, want within 1s", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the provider's stream was never abandoned")
	}
	rest := collect(t, events, 5*time.Second)
	if got := recipeEvents(t, rest); len(rest) == 0 || rest[len(rest)-1].Name != "cancelled" || len(got) == 0 || got[len(got)-1] != "reset" {
		t.Errorf("events after the cancel: recipes %q, last %+v; want a reset, then cancelled", got, rest)
	}
}
