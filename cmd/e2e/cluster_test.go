package e2e

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

// TestClusterRunsRetriesRecoveryCancelAndStreams runs the whole flow on a three-master
// Valkey Cluster: each job followed over its event stream, one cancelled while its call
// runs, one retried after a provider failure, one recovered after its worker was killed.
func TestClusterRunsRetriesRecoveryCancelAndStreams(t *testing.T) {
	addrs := valkeytest.StartCluster(t)
	ai := newFakeOpenAI(t)
	const cancelled, retried, recovered = "marker-3001", "marker-3002", "marker-3003"
	ai.firstCall = func(marker string) callPlan {
		if marker == retried {
			return planFail
		}
		return planHold
	}
	env := withDefault(ai.env(), map[string]string{
		"VALKEY_URL":           "redis://127.0.0.1:1/0", // never used in cluster mode
		"VALKEY_CLUSTER_ADDRS": strings.Join(addrs, ","),
		"QUEUE_NAME":           valkeytest.QueueName(t),
		"JOB_LEASE":            "2s",
		"JOB_BACKOFF":          "100ms",
	})
	api := start(t, "api", env)
	doomed := start(t, "worker", env)

	// Cancel while the provider call runs: the stream ends with cancelled.
	job := submit(t, api, markedRequest(3001))
	events := follow(t, api, job.JobID)
	if held := ai.waitHeld(t); held != cancelled {
		t.Fatalf("held call for %s, want %s", held, cancelled)
	}
	if resp := call(t, http.MethodDelete, api.url("/v1/recipe/status/"+job.JobID), "", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE = %d, want 200", resp.StatusCode)
	}
	if last := lastEvent(t, collect(t, events, 10*time.Second)); last.Name != "cancelled" {
		t.Errorf("cancelled job's last event = %+v, want cancelled", last)
	}

	// A provider failure spends one attempt; the retry completes.
	job = submit(t, api, markedRequest(3002))
	all := collect(t, follow(t, api, job.JobID), 30*time.Second)
	if last := lastEvent(t, all); last.Name != "completed" || last.Status.Result == nil || last.Status.Attempts != 2 {
		t.Errorf("retried job's last event = %+v, want completed on the second attempt", last)
	}
	if n := ai.callCount(retried); n != 2 {
		t.Errorf("provider calls for the retried job = %d, want 2", n)
	}

	// A worker killed mid-call: its job is taken up after the lease by another worker.
	job = submit(t, api, markedRequest(3003))
	events = follow(t, api, job.JobID)
	if held := ai.waitHeld(t); held != recovered {
		t.Fatalf("held call for %s, want %s", held, recovered)
	}
	waitStarted(t, api, job.JobID)
	doomed.signal(syscall.SIGKILL)
	start(t, "worker", env)
	if last := lastEvent(t, collect(t, events, 30*time.Second)); last.Name != "completed" || last.Status.Attempts != 2 {
		t.Errorf("recovered job's last event = %+v, want completed on the second attempt", last)
	}
	if n := ai.callCount(recovered); n != 2 {
		t.Errorf("provider calls for the recovered job = %d, want 2", n)
	}
	if n := ai.callCount(cancelled); n != 1 {
		t.Errorf("provider calls for the cancelled job = %d, want 1", n)
	}
}

func lastEvent(t *testing.T, all []streamEvent) streamEvent {
	t.Helper()
	if len(all) == 0 {
		t.Fatal("the stream closed without an event")
	}
	return all[len(all)-1]
}
