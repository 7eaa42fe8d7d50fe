package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

func markedRequest(n int) string {
	return fmt.Sprintf(`{"userId":"u","ingredients":["계란","대파","김치","밥","marker-%d"],"preferences":{"servings":2}}`, n)
}

func TestKilledWorkersJobCompletesOnceAfterItsLease(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	ai.holdFirst = true
	env := baseEnv(t, srv, withDefault(ai.env(), map[string]string{"JOB_LEASE": "2s"}))
	api := start(t, "api", env)
	doomed := start(t, "worker", env)

	job := submit(t, api, markedRequest(1))
	ai.waitHeld(t)
	waitStarted(t, api, job.JobID)
	doomed.signal(syscall.SIGKILL)
	killed := time.Now()
	start(t, "worker", env)

	st := poll(t, api, job.JobID, 30*time.Second)
	if st.Status != "completed" || st.Result == nil || st.Attempts != 2 {
		t.Fatalf("status after kill -9 = %+v, want completed on the second attempt", st)
	}
	if took := time.Since(killed); took < time.Second {
		t.Errorf("taken up %v after the kill, want only after the 2s lease ran out", took)
	}
	if n := ai.callCount("marker-1"); n != 2 {
		t.Errorf("provider calls = %d, want 2 (the killed one and the one that completed)", n)
	}
	again := poll(t, api, job.JobID, time.Second)
	if again.UpdatedAt != st.UpdatedAt || again.Result.GeneratedAt != st.Result.GeneratedAt {
		t.Errorf("the result changed after completion: %+v then %+v", st, again)
	}
}

func TestTerminatedWorkerHandsItsJobToAnotherAtOnce(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	ai.holdFirst = true
	env := baseEnv(t, srv, withDefault(ai.env(), map[string]string{"JOB_LEASE": "60s", "SHUTDOWN_TIMEOUT": "500ms"}))
	api := start(t, "api", env)
	leaving := start(t, "worker", env)

	job := submit(t, api, markedRequest(2))
	ai.waitHeld(t)
	start(t, "worker", env)
	stopped := time.Now()
	leaving.signal(syscall.SIGTERM)
	if code := leaving.wait(t, 20*time.Second); code != 0 {
		t.Errorf("worker exit code after SIGTERM = %d, want 0", code)
	}
	select {
	case <-ai.abandoned:
	case <-time.After(5 * time.Second):
		t.Error("the stopping worker never abandoned its provider call")
	}

	st := poll(t, api, job.JobID, 30*time.Second)
	if st.Status != "completed" || st.Attempts != 1 {
		t.Fatalf("status = %+v, want completed, the hand-back not counted as an attempt", st)
	}
	if took := time.Since(stopped); took > 15*time.Second {
		t.Errorf("completed %v after SIGTERM, want far less than the 60s lease", took)
	}
}

func TestThreeHundredJobsOverThreeWorkerProcessesRunExactlyOnce(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	ai.delay = 5 * time.Millisecond
	env := baseEnv(t, srv, ai.env())
	api := start(t, "api", env)
	for range 3 {
		start(t, "worker", env)
	}

	const jobs = 300
	ids := make([]string, jobs)
	var wg sync.WaitGroup
	for i := range jobs {
		wg.Go(func() { ids[i] = submit(t, api, markedRequest(1000+i)).JobID })
	}
	wg.Wait()
	for _, id := range ids {
		if st := poll(t, api, id, 60*time.Second); st.Status != "completed" || st.Attempts != 1 {
			t.Fatalf("job %s = %+v, want completed on its first attempt", id, st)
		}
	}
	for i := range jobs {
		if n := ai.callCount("marker-" + strconv.Itoa(1000+i)); n != 1 {
			t.Errorf("marker-%d was generated %d times, want exactly once", 1000+i, n)
		}
	}
}

func TestValkeyRestartGivesRetryableErrorsThenRecovers(t *testing.T) {
	srv := valkeytest.Start(t, true)
	ai := newFakeOpenAI(t)
	ai.delay = 2 * time.Second // the job is running when Valkey goes away
	env := baseEnv(t, srv, withDefault(ai.env(), map[string]string{"JOB_LEASE": "3s"}))
	api := start(t, "api", env)
	worker := start(t, "worker", env)
	running := submit(t, api, markedRequest(3))
	time.Sleep(200 * time.Millisecond)

	srv.Stop()
	var e errorJSON
	resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), markedRequest(4), nil, &e)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || e.Error.Code != "unavailable" {
		t.Errorf("POST while Valkey is down = %d (Retry-After %q) %+v, want 503 with Retry-After and the error JSON",
			resp.StatusCode, resp.Header.Get("Retry-After"), e)
	}
	for _, p := range []*process{api, worker} {
		if resp := call(t, http.MethodGet, p.url("/ready"), "", nil, nil); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s /ready while Valkey is down = %d, want 503", p.name, resp.StatusCode)
		}
		if resp := call(t, http.MethodGet, p.url("/health"), "", nil, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("%s /health while Valkey is down = %d, want 200", p.name, resp.StatusCode)
		}
	}
	time.Sleep(2 * time.Second) // the worker's answer arrives while Valkey is away

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*process{api, worker} {
		waitStatus(t, p.url("/ready"), http.StatusOK, 20*time.Second)
	}
	if st := poll(t, api, running.JobID, 60*time.Second); st.Status != "completed" {
		t.Errorf("job accepted before the outage = %+v, want completed", st)
	}
	after := submit(t, api, markedRequest(5))
	if st := poll(t, api, after.JobID, 30*time.Second); st.Status != "completed" {
		t.Errorf("job accepted after the outage = %+v, want completed", st)
	}
}

// waitStatus polls url until it answers want.
func waitStatus(t *testing.T, url string, want int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s never answered %d", url, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
