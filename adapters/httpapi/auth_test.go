package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

func newKeyedAPI(t *testing.T, jobs *memJobs, keys string) http.Handler {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		if k == "API_KEYS" {
			return keys
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	g := application.NewGenerations(jobs, jobs, nil, func() time.Time { return testNow })
	log := zap.NewNop()
	return httpapi.NewRouter(httpapi.NewHandler(g, application.NewStreams(jobs, jobs, testHeartbeat), log),
		httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry()),
		httpapi.NewAuth(cfg, log), nil, log)
}

func bearer(key string) map[string]string {
	if key == "" {
		return nil
	}
	return map[string]string{"Authorization": "Bearer " + key}
}

func TestAPIKeysGuardEveryV1RouteAndKeepJobsApart(t *testing.T) {
	jobs := newMemJobs()
	h := newKeyedAPI(t, jobs, "secret1, secret2")
	body := `{"userId":"u","ingredients":["계란"]}`

	for _, tt := range []struct{ name, key string }{{"no key", ""}, {"wrong key", "secret3"}, {"a prefix of a key", "secret"}} {
		rec := call(h, http.MethodPost, "/v1/recipe/generate", "application/json", body, bearer(tt.key))
		var e struct{ Error struct{ Code string } }
		_ = json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != http.StatusUnauthorized || e.Error.Code != "unauthorized" || rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s: POST = %d %s, want 401 unauthorized with WWW-Authenticate", tt.name, rec.Code, rec.Body)
		}
	}
	if len(jobs.jobs) != 0 {
		t.Fatalf("jobs enqueued without a valid key: %d", len(jobs.jobs))
	}

	rec := call(h, http.MethodPost, "/v1/recipe/generate", "application/json", body, bearer("secret1"))
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST with secret1 = %d %s", rec.Code, rec.Body)
	}
	var accepted struct{ JobID string }
	_ = json.Unmarshal(rec.Body.Bytes(), &accepted)
	if owner := jobs.jobs[0].Owner; owner == "" || owner == "secret1" {
		t.Errorf("job owner = %q, want an id derived from the key, not the key", owner)
	}
	status := "/v1/recipe/status/" + accepted.JobID
	for _, tt := range []struct {
		name, method, path, key string
		want                    int
	}{
		{"owner reads", http.MethodGet, status, "secret1", http.StatusOK},
		{"other key reads", http.MethodGet, status, "secret2", http.StatusNotFound},
		{"no key reads", http.MethodGet, status, "", http.StatusUnauthorized},
		{"other key follows", http.MethodGet, status + "/events", "secret2", http.StatusNotFound},
		{"other key cancels", http.MethodDelete, status, "secret2", http.StatusNotFound},
		{"owner cancels", http.MethodDelete, status, "secret1", http.StatusOK},
		{"health needs no key", http.MethodGet, "/health", "", http.StatusOK},
	} {
		if rec := call(h, tt.method, tt.path, "", "", bearer(tt.key)); rec.Code != tt.want {
			t.Errorf("%s: %s %s = %d %s, want %d", tt.name, tt.method, tt.path, rec.Code, rec.Body, tt.want)
		}
	}
}

func TestWithoutAPIKeysTheAPIIsOpen(t *testing.T) {
	h := newKeyedAPI(t, newMemJobs(), "")
	if rec := call(h, http.MethodPost, "/v1/recipe/generate", "application/json", `{"ingredients":["계란"]}`, nil); rec.Code != http.StatusAccepted {
		t.Errorf("POST without keys configured = %d, want 202", rec.Code)
	}
}

func TestUnknownFieldsAreNamedInTheWarnings(t *testing.T) {
	jobs := newMemJobs()
	h := newAPI(jobs)
	body := `{"userId":"u","ingredients":["계란"],"source":"app-v1","preferences":{"allergy":["땅콩"],"Servings":2,"extra":{"a":1}}}`
	rec := call(h, http.MethodPost, "/v1/recipe/generate", "application/json", body, nil)
	var got struct{ Warnings []string }
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	want := []string{"unknown field preferences.allergy", "unknown field preferences.extra", "unknown field source"}
	if rec.Code != http.StatusAccepted || strings.Join(got.Warnings, "|") != strings.Join(want, "|") {
		t.Errorf("POST = %d %s, want 202 with warnings %q", rec.Code, rec.Body, want)
	}
	if len(jobs.jobs) != 1 || jobs.jobs[0].Request.Preferences.Servings != 2 {
		t.Errorf("job = %+v, want the known fields decoded (Servings matched case-insensitively)", jobs.jobs)
	}
	rec = call(h, http.MethodPost, "/v1/recipe/generate", "application/json", `{"ingredients":["계란"]}`, nil)
	if strings.Contains(rec.Body.String(), "warnings") {
		t.Errorf("POST without unknown fields = %s, want no warnings", rec.Body)
	}
}
