package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/naengbu/recipe-ai/adapters/postgres/pgtest"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

// streamEvent is one Server-Sent Event as a client reads it.
type streamEvent struct {
	Name   string
	Status status
	Data   string // the raw data, for events that are not a status
	At     time.Time
}

// follow opens the job's event stream and sends each event (heartbeats left out) until
// the server closes it.
func follow(t *testing.T, api *process, id string) <-chan streamEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api.url("/v1/recipe/status/"+id+"/events"), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET events: %v", err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET events = %d %q, want 200 text/event-stream", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan streamEvent, 64)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		var ev streamEvent
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
				_ = json.Unmarshal([]byte(ev.Data), &ev.Status)
			case line == "" && ev.Name != "":
				ev.At = time.Now()
				out <- ev
				ev = streamEvent{}
			}
		}
	}()
	return out
}

// collect reads events until the stream closes, failing after timeout.
func collect(t *testing.T, events <-chan streamEvent, timeout time.Duration) []streamEvent {
	t.Helper()
	var all []streamEvent
	deadline := time.After(timeout)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return all
			}
			all = append(all, ev)
		case <-deadline:
			t.Fatalf("stream still open after %v; events so far: %+v", timeout, all)
		}
	}
}

func TestStreamFollowsAJobToCompletedAndALateJoinerGetsTheEnd(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	ai.delay = 300 * time.Millisecond
	env := baseEnv(t, srv, ai.env())
	api := start(t, "api", env)
	job := submit(t, api, markedRequest(20))
	events := follow(t, api, job.JobID)
	start(t, "worker", env)

	all := collect(t, events, 30*time.Second)
	if len(all) < 2 {
		t.Fatalf("events = %+v, want status events then completed", all)
	}
	last := all[len(all)-1]
	if last.Name != "completed" || last.Status.Status != "completed" || last.Status.Result == nil {
		t.Errorf("last event = %+v, want completed with the result", last)
	}
	progress := -1
	for _, ev := range all[:len(all)-1] {
		if ev.Name != "status" && ev.Name != "recipe" {
			t.Errorf("event %q before the end, want only status and recipe events", ev.Name)
		}
		if ev.Status.Status == "processing" && ev.Status.Progress < progress {
			t.Errorf("progress went back from %d to %d", progress, ev.Status.Progress)
		}
		progress = max(progress, ev.Status.Progress)
	}
	if progress < 30 {
		t.Errorf("highest progress seen before the end = %d, want the worker's 30 at least", progress)
	}

	late := collect(t, follow(t, api, job.JobID), 5*time.Second)
	if len(late) != 1 || late[0].Name != "completed" || late[0].Status.Result == nil {
		t.Errorf("late joiner's events = %+v, want just the completed event", late)
	}
}

func TestCancelAbandonsTheRunningCallAndEndsTheStream(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newFakeOpenAI(t)
	ai.holdFirst = true
	env := baseEnv(t, srv, ai.env())
	api := start(t, "api", env)
	start(t, "worker", env)
	job := submit(t, api, markedRequest(21))
	events := follow(t, api, job.JobID)
	ai.waitHeld(t)

	var cancelled status
	resp := call(t, http.MethodDelete, api.url("/v1/recipe/status/"+job.JobID), "", nil, &cancelled)
	asked := time.Now()
	if resp.StatusCode != http.StatusOK || cancelled.Status != "cancelled" {
		t.Fatalf("DELETE = %d %+v, want 200 cancelled", resp.StatusCode, cancelled)
	}
	select {
	case <-ai.abandoned:
		if took := time.Since(asked); took > time.Second {
			t.Errorf("provider call abandoned %v after the cancel, want within 1s", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the provider call was never abandoned")
	}
	all := collect(t, events, 5*time.Second)
	if last := all[len(all)-1]; last.Name != "cancelled" {
		t.Errorf("last event = %+v, want cancelled", last)
	}
	if resp := call(t, http.MethodDelete, api.url("/v1/recipe/status/"+job.JobID), "", nil, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("second DELETE = %d, want 409", resp.StatusCode)
	}
}

func TestHistoryOutlivesTheStatusAndKeepsOneRowAfterAKill(t *testing.T) {
	srv := valkeytest.Shared(t)
	db := pgtest.Shared(t).Database(t)
	ai := newFakeOpenAI(t)
	ai.holdFirst = true
	env := baseEnv(t, srv, withDefault(ai.env(), map[string]string{
		"DATABASE_URL": db, "RESULT_TTL": "2s", "JOB_LEASE": "2s",
	}))
	api := start(t, "api", env)
	doomed := start(t, "worker", env)
	body := `{"userId":"cook-1","ingredients":["계란","대파","김치","밥","marker-22"]}`
	job := submit(t, api, body)
	ai.waitHeld(t)
	waitStarted(t, api, job.JobID)
	doomed.signal(syscall.SIGKILL)
	start(t, "worker", env)
	done := poll(t, api, job.JobID, 30*time.Second)
	if done.Status != "completed" {
		t.Fatalf("status = %+v, want completed", done)
	}

	// Once RESULT_TTL has passed, the status comes from the history, with the same result.
	time.Sleep(3 * time.Second)
	later := poll(t, api, job.JobID, 10*time.Second)
	if later.Status != "completed" || later.Result == nil || later.Result.GeneratedAt != done.Result.GeneratedAt {
		t.Errorf("status after RESULT_TTL = %+v, want the same completed result from the history", later)
	}
	var page struct {
		Items []struct {
			JobID string `json:"jobId"`
		} `json:"items"`
	}
	if resp := call(t, http.MethodGet, api.url("/v1/users/cook-1/recipes"), "", nil, &page); resp.StatusCode != http.StatusOK ||
		len(page.Items) != 1 || page.Items[0].JobID != job.JobID {
		t.Errorf("history = %d %+v, want the one job", resp.StatusCode, page)
	}
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var rows int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM recipe_history WHERE job_id = $1", job.JobID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Errorf("history rows of the job = %d, want 1 after a kill -9 and a second run", rows)
	}
}
