package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

const exampleRequest = `{
  "userId": "user-42",
  "ingredients": ["계란", "대파", "김치", "밥"],
  "preferences": {"cuisine": "korean", "allergies": ["땅콩"], "maxCookingTime": 30, "servings": 2, "language": "ko"}
}`

func TestGenerateThroughAPIValkeyAndWorker(t *testing.T) {
	srv := valkeytest.Shared(t)
	env := baseEnv(t, srv, nil)
	api := start(t, "api", env)
	worker := start(t, "worker", env)

	var a accepted
	resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), exampleRequest, map[string]string{"X-Request-ID": "e2e-1"}, &a)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/recipe/generate = %d, want 202", resp.StatusCode)
	}
	if got, want := resp.Header.Get("Location"), "/v1/recipe/status/"+a.JobID; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if got := resp.Header.Get("X-Request-ID"); got != "e2e-1" {
		t.Errorf("X-Request-ID = %q, want it echoed", got)
	}
	if a.Status != "pending" || a.StatusURL != "/v1/recipe/status/"+a.JobID || a.EventsURL != a.StatusURL+"/events" || len(a.JobID) < 22 {
		t.Errorf("202 body = %+v, want pending with status and events URLs", a)
	}

	st := poll(t, api, a.JobID, 30*time.Second)
	if st.Status != "completed" || st.Progress != 100 || st.Result == nil || st.Error != "" {
		t.Fatalf("final status = %+v, want completed at 100 with a result", st)
	}
	if st.Attempts != 1 || st.CreatedAt.IsZero() || st.UpdatedAt.Before(st.CreatedAt) {
		t.Errorf("status times/attempts = %+v", st)
	}
	res := st.Result
	if res.Provider != "offline" || res.UserID != "user-42" || res.GeneratedAt.IsZero() || res.Model == "" {
		t.Errorf("result meta = provider %q user %q model %q at %v", res.Provider, res.UserID, res.Model, res.GeneratedAt)
	}
	if len(res.Existing) == 0 || len(res.Existing) > 3 || len(res.Additional) > 2 {
		t.Fatalf("result has %d + %d recipes, want 1..3 + 0..2", len(res.Existing), len(res.Additional))
	}
	given := []string{"계란", "대파", "김치", "밥"}
	for _, r := range append(append([]recipe{}, res.Existing...), res.Additional...) {
		if r.Name == "" || r.Description == "" || r.Instructions == "" || len(r.Ingredients) == 0 {
			t.Errorf("recipe %+v lacks a field", r)
		}
		if r.CookingTime > 30 || r.Servings != 2 {
			t.Errorf("recipe %q: cookingTime %d servings %d, want ≤ 30 and 2", r.Name, r.CookingTime, r.Servings)
		}
		if !strings.HasPrefix(r.Instructions, "1. ") {
			t.Errorf("recipe %q instructions %q, want numbered steps", r.Name, r.Instructions)
		}
		if !usesAny(r.Ingredients, given) {
			t.Errorf("recipe %q uses none of %v: %v", r.Name, given, r.Ingredients)
		}
	}
	for _, r := range res.Additional {
		if len(r.AdditionalIngredients) == 0 {
			t.Errorf("additional recipe %q lists no additional ingredients", r.Name)
		}
	}
	if body := get(t, api.url("/docs/doc.json")); !strings.Contains(body, `"/v1/recipe/generate"`) {
		t.Errorf("api /docs/doc.json lacks the generate route: %.200s", body)
	}
	if resp := call(t, http.MethodGet, worker.url("/docs/index.html"), "", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("worker /docs/index.html = %d, want 404 (the worker serves no docs)", resp.StatusCode)
	}
	if out := worker.out.String(); !strings.Contains(out, `"request_id":"e2e-1"`) {
		t.Errorf("worker logs lack the request's X-Request-ID e2e-1:\n%s", out)
	}
	for _, m := range []struct {
		p    *process
		want string
	}{
		{api, `recipe_http_requests_total{method="POST",route="/v1/recipe/generate",status="202"} 1`},
		{api, `recipe_queue_jobs{state="pending"} 0`},
		{worker, `recipe_worker_attempts_total{end="completed"} 1`},
		{worker, `recipe_ai_provider_calls_total{outcome="success",provider="offline"} 1`},
	} {
		if body := get(t, m.p.url("/metrics")); !strings.Contains(body, m.want) {
			t.Errorf("%s /metrics lacks %q", m.p.name, m.want)
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func usesAny(lines, names []string) bool {
	for _, l := range lines {
		for _, n := range names {
			if strings.Contains(l, n) {
				return true
			}
		}
	}
	return false
}

func TestBadInputIsRefusedWith4xxAndQueuesNothing(t *testing.T) {
	srv := valkeytest.Shared(t)
	env := baseEnv(t, srv, nil)
	api := start(t, "api", env)

	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantField   string
	}{
		{"trailing data", "application/json", `{"ingredients":["계란"]} {}`, 400, ""},
		{"null", "application/json", `null`, 400, ""},
		{"array", "application/json", `[{"ingredients":["계란"]}]`, 400, ""},
		{"no ingredients", "application/json", `{"ingredients":[]}`, 400, "ingredients"},
		{"blank ingredient", "application/json", `{"ingredients":["  "]}`, 400, "ingredients[0]"},
		{"51 characters", "application/json", `{"ingredients":["` + strings.Repeat("가", 51) + `"]}`, 400, "ingredients[0]"},
		{"servings as text", "application/json", `{"ingredients":["계란"],"preferences":{"servings":"2"}}`, 400, "preferences.servings"},
		{"maxCookingTime 601", "application/json", `{"ingredients":["계란"],"preferences":{"maxCookingTime":601}}`, 400, "preferences.maxCookingTime"},
		{"language fr", "application/json", `{"ingredients":["계란"],"preferences":{"language":"fr"}}`, 400, "preferences.language"},
		{"not JSON", "text/plain", `ingredients=계란`, 415, ""},
		{"over 64 KiB", "application/json", `{"ingredients":["계란"],"userId":"` + strings.Repeat("a", 70000) + `"}`, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e errorJSON
			resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), tt.body, map[string]string{"Content-Type": tt.contentType}, &e)
			if resp.StatusCode != tt.wantStatus || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("POST %s = %d %+v, want %d with the error JSON", tt.name, resp.StatusCode, e, tt.wantStatus)
			}
			if tt.wantField != "" && (len(e.Error.Details) == 0 || e.Error.Details[0].Field != tt.wantField) {
				t.Errorf("details = %+v, want field %q named", e.Error.Details, tt.wantField)
			}
		})
	}
	rdb := srv.Client(t)
	if keys := rdb.Keys(t.Context(), fmt.Sprintf("recipe:{%s}:*", env["QUEUE_NAME"])).Val(); len(keys) != 0 {
		t.Errorf("keys after bad requests = %v, want none", keys)
	}
	for _, path := range []string{"/v1/recipe/status/nope", "/v1/recipe/status/AAAAAAAAAAAAAAAAAAAAAAAAAA", "/v1/nothing"} {
		if resp := call(t, http.MethodGet, api.url(path), "", nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
	if resp := call(t, http.MethodGet, api.url("/v1/recipe/generate"), "", nil, nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/recipe/generate = %d, want 405", resp.StatusCode)
	}
}

func TestInvalidConfigurationExitsWithOneLineNamingTheVariable(t *testing.T) {
	// A bad value, and settings whose feature this version lacks: an operator who sets
	// them must not believe they work.
	for _, setting := range []string{"WORKER_CONCURRENCY=zero", "OTEL_TRACES_EXPORTER=zipkin", "ENQUEUE_WAIT_REPLICAS=1"} {
		variable, _, _ := strings.Cut(setting, "=")
		for _, name := range []string{"api", "worker"} {
			t.Run(name+" "+variable, func(t *testing.T) {
				cmd := exec.Command(binary(t, name))
				cmd.Env = []string{setting}
				out, err := cmd.CombinedOutput()
				if code := cmd.ProcessState.ExitCode(); err == nil || code != 2 {
					t.Fatalf("%s with %s: exit %d, want 2", name, setting, code)
				}
				if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], variable) {
					t.Errorf("%s output = %q, want one line naming %s", name, out, variable)
				}
			})
		}
	}
}
