package e2e

import (
	"net/http"
	"testing"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

func TestRateLimitGenerateRefusesTheThirdPost(t *testing.T) {
	srv := valkeytest.Shared(t)
	env := baseEnv(t, srv, map[string]string{"RATE_LIMIT_GENERATE": "2/m"})
	api := start(t, "api", env)

	var got []int
	var refused errorJSON
	for i := range 3 {
		var out any = &accepted{}
		if i == 2 {
			out = &refused
		}
		resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), exampleRequest, nil, out)
		got = append(got, resp.StatusCode)
		if i == 2 {
			if ra := resp.Header.Get("Retry-After"); ra != "30" {
				t.Errorf("429 Retry-After = %q, want 30 (2/m gives a request back every 30 s)", ra)
			}
			if rem := resp.Header.Get("RateLimit-Remaining"); rem != "0" {
				t.Errorf("429 RateLimit-Remaining = %q, want 0", rem)
			}
		}
	}
	if want := []int{202, 202, 429}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("three POSTs with RATE_LIMIT_GENERATE=2/m = %v, want %v", got, want)
	}
	if refused.Error.Code != "rate_limited" {
		t.Errorf("429 body code = %q, want rate_limited", refused.Error.Code)
	}
	// Another budget: status reads still pass.
	if resp := call(t, http.MethodGet, api.url("/v1/recipe/status/KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"), "", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET status of an unknown job after the POSTs = %d, want 404", resp.StatusCode)
	}
}
