package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// sseEvent is one event read off a stream.
type sseEvent struct {
	name string
	data map[string]any
}

// readEvents reads events off body and sends each on a channel, closed at the end.
func readEvents(t *testing.T, body *bufio.Reader) <-chan sseEvent {
	out := make(chan sseEvent, 16)
	go func() {
		defer close(out)
		var ev sseEvent
		var data bytes.Buffer
		for {
			line, err := body.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if data.Len() > 0 || ev.name != "" {
					_ = json.Unmarshal(data.Bytes(), &ev.data)
					out <- ev
				}
				ev, data = sseEvent{}, bytes.Buffer{}
			case strings.HasPrefix(line, ":"):
				out <- sseEvent{name: "comment"}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data.WriteString(strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	return out
}

func next(t *testing.T, events <-chan sseEvent, skipComments bool) sseEvent {
	t.Helper()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("stream closed before the next event")
			}
			if skipComments && ev.name == "comment" {
				continue
			}
			return ev
		case <-time.After(5 * time.Second):
			t.Fatal("no event within 5s")
		}
	}
}

func openStream(t *testing.T, srv *httptest.Server, id domain.JobID) (*http.Response, <-chan sseEvent) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v1/recipe/status/"+string(id)+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET events: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp, readEvents(t, bufio.NewReader(resp.Body))
}

func TestEventsFollowAJobToItsEnd(t *testing.T) {
	jobs := newMemJobs()
	srv := httptest.NewServer(newAPI(jobs))
	t.Cleanup(srv.Close)
	running := domain.JobStatus{ID: knownID, Status: domain.Processing(10), Attempts: 1, Language: domain.English, CreatedAt: testNow, UpdatedAt: testNow}
	jobs.set(running)

	resp, events := openStream(t, srv, knownID)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("GET events = %d %v, want 200, text/event-stream, X-Accel-Buffering: no", resp.StatusCode, resp.Header)
	}
	if ev := next(t, events, true); ev.name != "status" || ev.data["progress"] != float64(10) {
		t.Fatalf("first event = %+v, want the current status (progress 10)", ev)
	}
	running.Status, running.UpdatedAt = domain.Processing(30), testNow.Add(time.Second)
	jobs.set(running)
	if ev := next(t, events, true); ev.name != "status" || ev.data["progress"] != float64(30) {
		t.Fatalf("event after progress 30 = %+v", ev)
	}
	done := running
	done.Status, done.UpdatedAt = domain.Completed(), testNow.Add(2*time.Second)
	done.Result = &domain.Result{Provider: "offline", ExistingIngredientsRecipes: []domain.Recipe{{Name: "계란밥"}}}
	jobs.set(done)
	ev := next(t, events, true)
	if ev.name != "completed" || ev.data["status"] != "completed" || ev.data["result"] == nil {
		t.Fatalf("terminal event = %+v, want completed with the result", ev)
	}
	select {
	case extra, ok := <-events:
		if ok {
			t.Errorf("event after the terminal one: %+v", extra)
		}
	case <-time.After(2 * time.Second):
		t.Error("the stream stayed open after its terminal event")
	}
}

func TestEventsOfAnEndedJobAreOneTerminalEvent(t *testing.T) {
	jobs := newMemJobs()
	srv := httptest.NewServer(newAPI(jobs))
	t.Cleanup(srv.Close)
	jobs.set(domain.JobStatus{ID: knownID, Status: domain.Failed(domain.FailureContentBlocked), Language: domain.English, CreatedAt: testNow, UpdatedAt: testNow})
	_, events := openStream(t, srv, knownID)
	ev := next(t, events, true)
	if ev.name != "failed" || ev.data["errorCode"] != "content_blocked" {
		t.Fatalf("event = %+v, want failed with its code", ev)
	}
	if _, ok := <-events; ok {
		t.Error("more after the terminal event")
	}
}

func TestEventsHeartbeatAndNotFound(t *testing.T) {
	jobs := newMemJobs()
	srv := httptest.NewServer(newAPI(jobs))
	t.Cleanup(srv.Close)
	jobs.set(domain.JobStatus{ID: knownID, Status: domain.Pending(), CreatedAt: testNow, UpdatedAt: testNow})
	_, events := openStream(t, srv, knownID)
	if ev := next(t, events, false); ev.name != "status" {
		t.Fatalf("first = %+v, want status", ev)
	}
	if ev := next(t, events, false); ev.name != "comment" {
		t.Fatalf("idle stream sent %+v, want a heartbeat comment", ev)
	}

	resp, err := http.Get(srv.URL + "/v1/recipe/status/" + string(domain.NewJobID()) + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusNotFound || body.Error.Code != "not_found" {
		t.Errorf("events of an unknown job = %d %+v, want 404 not_found JSON", resp.StatusCode, body)
	}
}

func TestCancel(t *testing.T) {
	jobs := newMemJobs()
	h := newAPI(jobs)
	jobs.set(domain.JobStatus{ID: knownID, Status: domain.Processing(30), CreatedAt: testNow, UpdatedAt: testNow})
	tests := []struct {
		name     string
		id       string
		want     int
		wantCode string
	}{
		{name: "running", id: string(knownID), want: http.StatusOK},
		{name: "already cancelled", id: string(knownID), want: http.StatusConflict, wantCode: "conflict"},
		{name: "unknown", id: string(domain.NewJobID()), want: http.StatusNotFound, wantCode: "not_found"},
		{name: "malformed", id: "nope", want: http.StatusNotFound, wantCode: "not_found"},
	}
	for _, tt := range tests {
		rec := call(h, http.MethodDelete, "/v1/recipe/status/"+tt.id, "", "", nil)
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != tt.want {
			t.Errorf("%s: DELETE = %d %s, want %d", tt.name, rec.Code, rec.Body, tt.want)
			continue
		}
		if tt.want == http.StatusOK && body["status"] != "cancelled" {
			t.Errorf("%s: body = %v, want the cancelled status", tt.name, body)
		}
		if tt.wantCode != "" {
			if e, _ := body["error"].(map[string]any); e["code"] != tt.wantCode {
				t.Errorf("%s: body = %v, want error code %s", tt.name, body, tt.wantCode)
			}
		}
	}
}

// newStreamingAPI is newAPI that also hands back the streams use case and the handler.
func newStreamingAPI(jobs *memJobs) (*httptest.Server, *application.Streams, *httpapi.Handler) {
	g := application.NewGenerations(jobs, jobs, nil, func() time.Time { return testNow })
	streams := application.NewStreams(jobs, jobs, testHeartbeat)
	log := zap.NewNop()
	h := httpapi.NewHandler(g, streams, log)
	ops := httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry())
	return httptest.NewServer(httpapi.NewRouter(h, ops, nil, nil, log)), streams, h
}

// rawStream asks for id's events on a connection of its own, with header lines added.
func rawStream(t *testing.T, srv *httptest.Server, id domain.JobID, header string) (net.Conn, *http.Response) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET /v1/recipe/status/" + string(id) + "/events HTTP/1.1\r\nHost: test\r\n" + header + "\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the answer: %v", err)
	}
	return conn, resp
}

func TestEventsStreamCarriesTheRequestIDAndEndsCleanly(t *testing.T) {
	jobs := newMemJobs()
	srv, _, _ := newStreamingAPI(jobs)
	t.Cleanup(srv.Close)
	running := domain.JobStatus{ID: knownID, Status: domain.Processing(10), Attempts: 1, CreatedAt: testNow, UpdatedAt: testNow}
	jobs.set(running)

	_, resp := rawStream(t, srv, knownID, "X-Request-ID: trace-42\r\n")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Request-ID") != "trace-42" ||
		resp.Header.Get("Content-Type") != "text/event-stream" || len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("answer = %d %v %v, want 200 text/event-stream, chunked, X-Request-ID trace-42", resp.StatusCode, resp.Header, resp.TransferEncoding)
	}
	events := readEvents(t, bufio.NewReader(resp.Body))
	if ev := next(t, events, true); ev.name != "status" {
		t.Fatalf("first event = %+v, want status", ev)
	}
	done := running
	done.Status, done.UpdatedAt = domain.Completed(), testNow.Add(time.Second)
	jobs.set(done)
	if ev := next(t, events, true); ev.name != "completed" {
		t.Fatalf("event after completion = %+v, want completed", ev)
	}
	if _, ok := <-events; ok {
		t.Fatal("more after the terminal event")
	}
	// A clean end of the chunked body: reading it through gives io.EOF, not
	// io.ErrUnexpectedEOF as a connection closed mid-answer would.
	if _, err := resp.Body.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("body after the end: %v, want io.EOF", err)
	}
}

func TestEventsLetGoOfAClientThatHungUp(t *testing.T) {
	jobs := newMemJobs()
	srv, streams, _ := newStreamingAPI(jobs)
	t.Cleanup(srv.Close)
	jobs.set(domain.JobStatus{ID: knownID, Status: domain.Pending(), CreatedAt: testNow, UpdatedAt: testNow})
	conn, resp := rawStream(t, srv, knownID, "")
	if ev := next(t, readEvents(t, bufio.NewReader(resp.Body)), true); ev.name != "status" {
		t.Fatalf("first event = %+v, want status", ev)
	}
	if streams.Len() != 1 {
		t.Fatalf("open streams = %d, want 1", streams.Len())
	}
	conn.Close()
	for deadline := time.Now().Add(5 * time.Second); streams.Len() != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the stream of a client that hung up is still open after 5s (heartbeat %v)", testHeartbeat)
		}
	}
}

func TestEventsShutdownEndsOpenStreams(t *testing.T) {
	jobs := newMemJobs()
	srv, _, h := newStreamingAPI(jobs)
	t.Cleanup(srv.Close)
	jobs.set(domain.JobStatus{ID: knownID, Status: domain.Pending(), CreatedAt: testNow, UpdatedAt: testNow})
	_, events := openStream(t, srv, knownID)
	if ev := next(t, events, true); ev.name != "status" {
		t.Fatalf("first event = %+v, want status", ev)
	}
	h.CloseStreams()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return
			}
			if ev.name != "comment" {
				t.Fatalf("event after shutdown: %+v", ev)
			}
		case <-deadline:
			t.Fatal("the stream is still open 5s after shutdown began")
		}
	}
}
