package e2e

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

// With API_KEYS, an operator gets a protected API: no key is 401, a job is visible only
// to the key that made it, and no key ever reaches a log line. Both binaries say at start
// what they run with and, on SIGTERM, what they do until they have stopped.
func TestAPIKeysProtectTheAPIAndNeverReachTheLogs(t *testing.T) {
	srv := valkeytest.Shared(t)
	env := baseEnv(t, srv, map[string]string{"API_KEYS": "first-secret-key,second-secret-key", "LOG_LEVEL": "debug"})
	api := start(t, "api", env)
	worker := start(t, "worker", env)
	body := `{"userId":"u","ingredients":["계란","밥"]}`
	first := map[string]string{"Authorization": "Bearer first-secret-key"}
	second := map[string]string{"Authorization": "Bearer second-secret-key"}

	for i := range 4 {
		if resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), body, nil, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("POST %d without a key = %d, want 401", i+1, resp.StatusCode)
		}
	}
	var job accepted
	if resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), body, first, &job); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST with a key = %d, want 202", resp.StatusCode)
	}
	if resp := call(t, http.MethodGet, api.url(job.StatusURL), "", second, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET with the other key = %d, want 404", resp.StatusCode)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var st status
		if resp := call(t, http.MethodGet, api.url(job.StatusURL), "", first, &st); resp.StatusCode == http.StatusOK && st.Status == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the job never completed for its own key")
		}
		time.Sleep(20 * time.Millisecond)
	}

	for _, p := range []*process{api, worker} {
		p.signal(syscall.SIGTERM)
		if code := p.wait(t, 20*time.Second); code != 0 {
			t.Errorf("%s exit code after SIGTERM = %d, want 0", p.name, code)
		}
		out := p.out.String()
		for _, secret := range []string{"first-secret-key", "second-secret-key"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s logged the API key %q", p.name, secret)
			}
		}
		for _, want := range []string{`"msg":"starting"`, `"queue":"`, `"msg":"stopping: `, `"msg":"stopped"`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s output lacks %s:\n%s", p.name, want, out)
			}
		}
	}
	if !strings.Contains(api.out.String(), `"auth":"on, 2 API keys"`) {
		t.Errorf("the api's start-up summary does not say auth is on:\n%s", api.out.String())
	}
}
