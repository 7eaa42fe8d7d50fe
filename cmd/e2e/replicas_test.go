package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

func TestAPIAnswers503WhileItsReplicaIsAwayAndTheJobStillRuns(t *testing.T) {
	master := valkeytest.Start(t, false)
	replica := valkeytest.StartReplica(t, master)
	ai := newFakeOpenAI(t)
	env := baseEnv(t, master, withDefault(ai.env(), map[string]string{"ENQUEUE_WAIT_REPLICAS": "1"}))
	api := start(t, "api", env)
	first := submit(t, api, markedRequest(1))

	replica.Stop()
	keyed := map[string]string{"Idempotency-Key": "k2"}
	var e errorJSON
	begin := time.Now()
	resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), markedRequest(2), keyed, &e)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || e.Error.Code != "unavailable" {
		t.Fatalf("POST with the replica away = %d (Retry-After %q) %+v, want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), e)
	}
	if took := time.Since(begin); took < time.Second {
		t.Errorf("POST with the replica away answered after %v, want after the 1s wait for it", took)
	}

	// The refused job was written on the master: a retry with the same key finds it.
	if err := replica.Restart(); err != nil {
		t.Fatal(err)
	}
	valkeytest.WaitReplicas(t, master, 1)
	var again accepted
	if resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), markedRequest(2), keyed, &again); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("retry with the replica back = %d, want 202", resp.StatusCode)
	}
	start(t, "worker", env)
	for _, id := range []string{first.JobID, again.JobID} {
		if st := poll(t, api, id, 30*time.Second); st.Status != "completed" {
			t.Errorf("job %s = %+v, want completed", id, st)
		}
	}
	for _, m := range []string{"marker-1", "marker-2"} {
		if n := ai.callCount(m); n != 1 {
			t.Errorf("%s generated %d times, want once (the refused enqueue and its retry are one job)", m, n)
		}
	}
}
