package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// memJobs is an in-memory JobQueue and StatusStore. It keeps every job, honours the
// idempotency and cancellation rules of the ports, and fails with err (Enqueue) or
// statusErr (Status) when they are set.
type memJobs struct {
	mu        sync.Mutex
	err       error
	statusErr error
	jobs      []domain.Job
	idems     []application.Idempotency
	byKey     map[string]application.Idempotency
	keyJob    map[string]domain.JobID
	statuses  map[domain.JobID]domain.JobStatus
	watchers  map[domain.JobID][]func()
}

func newMemJobs() *memJobs {
	return &memJobs{
		byKey:    make(map[string]application.Idempotency),
		keyJob:   make(map[string]domain.JobID),
		statuses: make(map[domain.JobID]domain.JobStatus),
		watchers: make(map[domain.JobID][]func()),
	}
}

// Watch is the jobs' change feed: set announces each change.
func (m *memJobs) Watch(id domain.JobID, poke func()) func() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.watchers[id] = append(m.watchers[id], poke)
	return func() {}
}

// set stores a job's status and announces the change.
func (m *memJobs) set(st domain.JobStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.statuses[st.ID] = st
	for _, poke := range m.watchers[st.ID] {
		poke()
	}
}

func (m *memJobs) Enqueue(_ context.Context, job domain.Job, idem application.Idempotency) (domain.JobID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return "", m.err
	}
	if idem.Key != "" {
		if first, ok := m.byKey[idem.Key]; ok {
			if first.Fingerprint != idem.Fingerprint {
				return "", fmt.Errorf("idempotency key %q: %w", idem.Key, domain.ErrConflict)
			}
			return m.keyJob[idem.Key], nil
		}
		m.byKey[idem.Key], m.keyJob[idem.Key] = idem, job.ID
	}
	m.jobs = append(m.jobs, job)
	m.idems = append(m.idems, idem)
	m.statuses[job.ID] = domain.JobStatus{
		ID: job.ID, Owner: job.Owner, Status: domain.Pending(), Language: job.Request.Preferences.Language,
		CreatedAt: job.CreatedAt, UpdatedAt: job.CreatedAt,
	}
	return job.ID, nil
}

func (m *memJobs) Cancel(_ context.Context, id domain.JobID) (domain.JobStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.statuses[id]
	switch {
	case !ok:
		return domain.JobStatus{}, domain.ErrNotFound
	case st.Status.State().Terminal():
		return domain.JobStatus{}, domain.ErrConflict
	}
	st.Status = domain.Cancelled()
	m.statuses[id] = st
	return st, nil
}

func (m *memJobs) Status(_ context.Context, id domain.JobID) (domain.JobStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.statusErr != nil {
		return domain.JobStatus{}, m.statusErr
	}
	st, ok := m.statuses[id]
	if !ok {
		return domain.JobStatus{}, domain.ErrNotFound
	}
	return st, nil
}

var testNow = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)

// testHeartbeat is the streams' heartbeat in tests.
const testHeartbeat = 50 * time.Millisecond

// silentFeed announces nothing.
type silentFeed struct{}

func (silentFeed) Watch(domain.JobID, func()) func() { return func() {} }

// newAPI is the api's router on the real use cases over jobs, always ready, with an
// empty metrics registry.
func newAPI(jobs *memJobs) http.Handler {
	return newAPIWith(jobs, jobs, func(context.Context) error { return nil }, prometheus.NewRegistry())
}

func newAPIWith(queue application.JobQueue, store application.StatusStore, ready httpapi.ReadyFunc, gatherer prometheus.Gatherer) http.Handler {
	g := application.NewGenerations(queue, store, nil, func() time.Time { return testNow })
	feed, ok := store.(application.ChangeFeed)
	if !ok {
		feed = silentFeed{}
	}
	streams := application.NewStreams(store, feed, testHeartbeat)
	log := zap.NewNop()
	return httpapi.NewRouter(httpapi.NewHandler(g, streams, log), httpapi.NewOperations(ready, prometheus.NewRegistry(), gatherer), nil, nil, log)
}

// call serves one request; header holds extra request headers.
func call(h http.Handler, method, path, contentType, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func postJSON(h http.Handler, body string, header map[string]string) *httptest.ResponseRecorder {
	return call(h, http.MethodPost, "/v1/recipe/generate", "application/json", body, header)
}

// errorReply is the contract's error JSON as a client reads it.
type errorReply struct {
	Status     int
	Code       string
	Fields     []string
	RetryAfter string
}

// readError checks that rec holds exactly the contract's error JSON and returns its parts.
func readError(t *testing.T, rec *httptest.ResponseRecorder) errorReply {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, want application/json", ct)
	}
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatalf("error body %s: %v", rec.Body, err)
	}
	var keys []string
	for k := range raw["error"] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(raw) != 1 || !slices.Equal(keys, []string{"code", "details", "message"}) {
		t.Errorf("error body = %s, want {\"error\": {\"code\", \"message\", \"details\"}}", rec.Body)
	}
	var body struct {
		Error struct {
			Code    string
			Message string
			Details []struct{ Field, Message string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("error body %s: %v", rec.Body, err)
	}
	if body.Error.Message == "" {
		t.Errorf("error body = %s, want a message", rec.Body)
	}
	reply := errorReply{Status: rec.Code, Code: body.Error.Code, RetryAfter: rec.Header().Get("Retry-After")}
	for _, d := range body.Error.Details {
		if d.Message == "" {
			t.Errorf("error detail for %q has no message", d.Field)
		}
		reply.Fields = append(reply.Fields, d.Field)
	}
	return reply
}

// jsonOf marshals v for a request body.
func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// items returns n distinct names.
func items(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func TestCreateGenerationAccepted(t *testing.T) {
	jobs := newMemJobs()
	h := newAPI(jobs)
	body := `{
		"userId": "user-42",
		"ingredients": ["계란", "대파", "김치", "밥"],
		"preferences": {"dietary": "vegetarian", "cuisine": "korean", "allergies": ["땅콩"],
			"maxCookingTime": 30, "servings": 2, "language": "ko"}
	}`

	rec := postJSON(h, body, map[string]string{"X-Request-ID": "req-abc-123"})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST /v1/recipe/generate = %d %s, want 202", rec.Code, rec.Body)
	}
	if len(jobs.jobs) != 1 {
		t.Fatalf("POST /v1/recipe/generate enqueued %d jobs, want 1", len(jobs.jobs))
	}
	job := jobs.jobs[0]
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("202 body %s: %v", rec.Body, err)
	}
	url := "/v1/recipe/status/" + string(job.ID)
	want := map[string]string{"jobId": string(job.ID), "status": "pending", "statusUrl": url, "eventsUrl": url + "/events"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("202 body (-want +got):\n%s", diff)
	}
	headers := map[string]string{"Location": rec.Header().Get("Location"), "X-Request-ID": rec.Header().Get("X-Request-ID")}
	if diff := cmp.Diff(map[string]string{"Location": url, "X-Request-ID": "req-abc-123"}, headers); diff != "" {
		t.Errorf("202 headers (-want +got):\n%s", diff)
	}
	if job.RequestID != "req-abc-123" {
		t.Errorf("queued job RequestID = %q, want %q", job.RequestID, "req-abc-123")
	}
	if !job.CreatedAt.Equal(testNow) {
		t.Errorf("queued job CreatedAt = %v, want %v", job.CreatedAt, testNow)
	}
	if _, err := domain.ParseJobID(string(job.ID)); err != nil {
		t.Errorf("queued job id %q: ParseJobID error = %v", job.ID, err)
	}
}

func TestCreateGenerationRequestID(t *testing.T) {
	tests := []struct {
		name     string
		give     map[string]string
		wantEcho bool // false: a fresh id is generated
	}{
		{name: "echoed", give: map[string]string{"X-Request-ID": "3f2a9c1e-trace"}, wantEcho: true},
		{name: "128 bytes echoed", give: map[string]string{"X-Request-ID": strings.Repeat("r", 128)}, wantEcho: true},
		{name: "absent", give: nil},
		{name: "129 bytes replaced", give: map[string]string{"X-Request-ID": strings.Repeat("r", 129)}},
		{name: "unprintable replaced", give: map[string]string{"X-Request-ID": "a b\tc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			rec := postJSON(newAPI(jobs), `{"ingredients": ["계란"]}`, tt.give)
			if rec.Code != http.StatusAccepted || len(jobs.jobs) != 1 {
				t.Fatalf("POST /v1/recipe/generate = %d %s with %d jobs, want 202 and 1 job", rec.Code, rec.Body, len(jobs.jobs))
			}
			got := rec.Header().Get("X-Request-ID")
			if echoed := got == tt.give["X-Request-ID"]; echoed != tt.wantEcho || got == "" {
				t.Errorf("X-Request-ID = %q for %q, want echoed %t and never empty", got, tt.give["X-Request-ID"], tt.wantEcho)
			}
			if jobs.jobs[0].RequestID != got {
				t.Errorf("queued job RequestID = %q, want the answered X-Request-ID %q", jobs.jobs[0].RequestID, got)
			}
		})
	}
}

// queued is what a test compares of an accepted job's request.
type queued struct {
	UserID      string
	Ingredients []string
	Preferences domain.Preferences
	Key         string
}

func TestCreateGenerationAccepts(t *testing.T) {
	padded := `{"ingredients": ["계란"]` + strings.Repeat(" ", 64<<10-len(`{"ingredients": ["계란"]}`)) + `}`
	tests := []struct {
		name        string
		contentType string
		header      map[string]string
		body        string
		want        queued
	}{
		{
			name:        "ingredients only",
			contentType: "application/json",
			body:        `{"ingredients": ["계란"]}`,
			want:        queued{Ingredients: []string{"계란"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name:        "normalised",
			contentType: "application/json; charset=utf-8",
			body: `{"userId": " user-42 ", "ingredients": [" Egg ", "egg", "green   onion"],
				"preferences": {"allergies": ["땅콩", "땅콩 "], "language": "en"}}`,
			want: queued{
				UserID: "user-42", Ingredients: []string{"Egg", "green onion"},
				Preferences: domain.Preferences{Allergies: []string{"땅콩"}, Language: domain.English},
			},
		},
		{
			name:        "unknown fields ignored",
			contentType: "application/json",
			body:        `{"ingredients": ["밥"], "fridge": {"door": "open"}, "preferences": {"spicy": true}}`,
			want:        queued{Ingredients: []string{"밥"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name:        "null preferences",
			contentType: "application/json",
			body:        `{"ingredients": ["밥"], "preferences": null}`,
			want:        queued{Ingredients: []string{"밥"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name:        "null servings",
			contentType: "application/json",
			body:        `{"ingredients": ["밥"], "preferences": {"servings": null, "maxCookingTime": null}}`,
			want:        queued{Ingredients: []string{"밥"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name:        "upper bounds",
			contentType: "application/json",
			body: jsonOf(map[string]any{
				"userId":      strings.Repeat("u", 128),
				"ingredients": items("재료", 50),
				"preferences": map[string]any{
					"dietary": strings.Repeat("채", 50), "allergies": items("알", 20),
					"maxCookingTime": 600, "servings": 20,
				},
			}),
			want: queued{
				UserID: strings.Repeat("u", 128), Ingredients: items("재료", 50),
				Preferences: domain.Preferences{
					Dietary: strings.Repeat("채", 50), Allergies: items("알", 20),
					MaxCookingTime: 600, Servings: 20, Language: domain.Korean,
				},
			},
		},
		{
			name:        "lower bounds",
			contentType: "application/json",
			body:        `{"ingredients": ["밥"], "preferences": {"maxCookingTime": 1, "servings": 1}}`,
			want:        queued{Ingredients: []string{"밥"}, Preferences: domain.Preferences{MaxCookingTime: 1, Servings: 1, Language: domain.Korean}},
		},
		{
			name:        "50 characters once trimmed",
			contentType: "application/json",
			body:        jsonOf(map[string]any{"ingredients": []string{"  " + strings.Repeat("김", 50) + " "}}),
			want:        queued{Ingredients: []string{strings.Repeat("김", 50)}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name:        "50 characters once folded",
			contentType: "application/json",
			body:        jsonOf(map[string]any{"ingredients": []string{strings.Repeat("김", 24) + "     " + strings.Repeat("치", 25)}}),
			want: queued{
				Ingredients: []string{strings.Repeat("김", 24) + " " + strings.Repeat("치", 25)},
				Preferences: domain.Preferences{Language: domain.Korean},
			},
		},
		{
			name:        "50 emoji",
			contentType: "application/json",
			body:        jsonOf(map[string]any{"ingredients": []string{strings.Repeat("🥚", 50)}}),
			want:        queued{Ingredients: []string{strings.Repeat("🥚", 50)}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name:        "Idempotency-Key of 128 characters",
			contentType: "application/json",
			header:      map[string]string{"Idempotency-Key": strings.Repeat("k", 128)},
			body:        `{"ingredients": ["밥"]}`,
			want:        queued{Ingredients: []string{"밥"}, Preferences: domain.Preferences{Language: domain.Korean}, Key: strings.Repeat("k", 128)},
		},
		{
			name:        "body of exactly 64 KiB",
			contentType: "application/json",
			body:        padded,
			want:        queued{Ingredients: []string{"계란"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
		{
			name:        "white space around the object",
			contentType: "application/json",
			body:        "\n\t {\"ingredients\": [\"밥\"]} \r\n",
			want:        queued{Ingredients: []string{"밥"}, Preferences: domain.Preferences{Language: domain.Korean}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			rec := call(newAPI(jobs), http.MethodPost, "/v1/recipe/generate", tt.contentType, tt.body, tt.header)
			if rec.Code != http.StatusAccepted {
				t.Fatalf("POST /v1/recipe/generate %s = %d %s, want 202", tt.name, rec.Code, rec.Body)
			}
			var got []queued
			for i, job := range jobs.jobs {
				got = append(got, queued{
					UserID: job.Request.UserID, Ingredients: job.Request.Ingredients.Names(),
					Preferences: job.Request.Preferences, Key: jobs.idems[i].Key,
				})
			}
			if diff := cmp.Diff([]queued{tt.want}, got); diff != "" {
				t.Errorf("POST /v1/recipe/generate %s queued (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestCreateGenerationRejects(t *testing.T) {
	const js = "application/json"
	ok := `{"ingredients": ["계란"]}`
	tests := []struct {
		name        string
		contentType string
		header      map[string]string
		body        string
		want        errorReply
	}{
		{name: "trailing object", contentType: js, body: ok + ` {}`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "trailing garbage", contentType: js, body: ok + `x`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "two objects", contentType: js, body: ok + ok, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "null", contentType: js, body: `null`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "array", contentType: js, body: `[` + ok + `]`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "string", contentType: js, body: `"계란"`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "number", contentType: js, body: `42`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "empty body", contentType: js, body: ``, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "blank body", contentType: js, body: " \n ", want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "cut short", contentType: js, body: `{"ingredients": ["계란"`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "unquoted keys", contentType: js, body: `{ingredients: ["계란"]}`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{name: "trailing comma", contentType: js, body: `{"ingredients": ["계란"],}`, want: errorReply{Status: 400, Code: "invalid_json"}},
		{
			name: "ingredients as a string", contentType: js, body: `{"ingredients": "계란, 대파"}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients"}},
		},
		{
			name: "ingredient as a number", contentType: js, body: `{"ingredients": ["계란", 7]}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients"}},
		},
		{
			name: "servings as a string", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"servings": "2"}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.servings"}},
		},
		{
			name: "servings as a fraction", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"servings": 2.5}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.servings"}},
		},
		{
			name: "maxCookingTime as a string", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"maxCookingTime": "30"}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.maxCookingTime"}},
		},
		{
			name: "preferences as an array", contentType: js, body: `{"ingredients": ["계란"], "preferences": []}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences"}},
		},
		{
			name: "userId as a number", contentType: js, body: `{"userId": 42, "ingredients": ["계란"]}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"userId"}},
		},
		{
			name: "no ingredients", contentType: js, body: `{"userId": "user-42"}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients"}},
		},
		{
			name: "null ingredients", contentType: js, body: `{"ingredients": null}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients"}},
		},
		{
			name: "0 ingredients", contentType: js, body: `{"ingredients": []}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients"}},
		},
		{
			name: "51 ingredients", contentType: js, body: jsonOf(map[string]any{"ingredients": items("재료", 51)}),
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients"}},
		},
		{
			name: "empty ingredient", contentType: js, body: `{"ingredients": ["계란", ""]}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients[1]"}},
		},
		{
			name: "blank ingredient", contentType: js, body: `{"ingredients": ["   "]}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients[0]"}},
		},
		{
			name: "ingredient of 51 characters", contentType: js, body: jsonOf(map[string]any{"ingredients": []string{"밥", strings.Repeat("김", 51)}}),
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients[1]"}},
		},
		{
			name: "ingredient of 51 emoji", contentType: js, body: jsonOf(map[string]any{"ingredients": []string{strings.Repeat("🥚", 51)}}),
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients[0]"}},
		},
		{
			name: "NUL in an ingredient", contentType: js, body: `{"ingredients": ["계\u0000란"]}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients[0]"}},
		},
		{
			name: "escape sequence in an ingredient", contentType: js, body: `{"ingredients": ["밥", "\u001b[2J계란"]}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"ingredients[1]"}},
		},
		{
			name: "userId of 129 characters", contentType: js, body: jsonOf(map[string]any{"userId": strings.Repeat("u", 129), "ingredients": []string{"밥"}}),
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"userId"}},
		},
		{
			name: "servings 0", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"servings": 0}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.servings"}},
		},
		{
			name: "servings 21", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"servings": 21}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.servings"}},
		},
		{
			name: "servings -1", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"servings": -1}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.servings"}},
		},
		{
			name: "maxCookingTime 0", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"maxCookingTime": 0}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.maxCookingTime"}},
		},
		{
			name: "maxCookingTime 601", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"maxCookingTime": 601}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.maxCookingTime"}},
		},
		{
			name: "21 allergies", contentType: js, body: jsonOf(map[string]any{"ingredients": []string{"밥"}, "preferences": map[string]any{"allergies": items("알", 21)}}),
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.allergies"}},
		},
		{
			name:        "allergy of 51 characters",
			contentType: js,
			body:        jsonOf(map[string]any{"ingredients": []string{"밥"}, "preferences": map[string]any{"allergies": []string{strings.Repeat("콩", 51)}}}),
			want:        errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.allergies[0]"}},
		},
		{
			name:        "cuisine of 51 characters",
			contentType: js,
			body:        jsonOf(map[string]any{"ingredients": []string{"밥"}, "preferences": map[string]any{"cuisine": strings.Repeat("c", 51)}}),
			want:        errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.cuisine"}},
		},
		{
			name: "language fr", contentType: js, body: `{"ingredients": ["계란"], "preferences": {"language": "fr"}}`,
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"preferences.language"}},
		},
		{
			name:        "every field broken",
			contentType: js,
			body: jsonOf(map[string]any{
				"userId":      strings.Repeat("u", 129),
				"ingredients": []string{"", "밥", strings.Repeat("김", 51), "계\u0007란"},
				"preferences": map[string]any{
					"dietary": strings.Repeat("d", 51), "allergies": items("알", 21),
					"maxCookingTime": 601, "servings": 21, "language": "fr",
				},
			}),
			want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{
				"userId", "ingredients[0]", "ingredients[2]", "ingredients[3]",
				"preferences.dietary", "preferences.allergies", "preferences.maxCookingTime",
				"preferences.servings", "preferences.language",
			}},
		},
		{
			name:        "Idempotency-Key of 129 characters",
			contentType: js,
			header:      map[string]string{"Idempotency-Key": strings.Repeat("k", 129)},
			body:        ok,
			want:        errorReply{Status: 400, Code: "invalid_request", Fields: []string{"Idempotency-Key"}},
		},
		{name: "text/plain", contentType: "text/plain", body: ok, want: errorReply{Status: 415, Code: "unsupported_media_type"}},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: "ingredients=계란", want: errorReply{Status: 415, Code: "unsupported_media_type"}},
		{name: "no content type", contentType: "", body: ok, want: errorReply{Status: 415, Code: "unsupported_media_type"}},
		{name: "broken content type", contentType: "application/json; charset", body: ok, want: errorReply{Status: 415, Code: "unsupported_media_type"}},
		{
			name:        "body over 64 KiB",
			contentType: js,
			body:        `{"ingredients": ["계란"]` + strings.Repeat(" ", 64<<10-len(ok)+1) + `}`,
			want:        errorReply{Status: 413, Code: "payload_too_large"},
		},
		{
			name:        "huge body",
			contentType: js,
			body:        jsonOf(map[string]any{"ingredients": []string{strings.Repeat("김", 1<<20)}}),
			want:        errorReply{Status: 413, Code: "payload_too_large"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			rec := call(newAPI(jobs), http.MethodPost, "/v1/recipe/generate", tt.contentType, tt.body, tt.header)

			if diff := cmp.Diff(tt.want, readError(t, rec)); diff != "" {
				t.Errorf("POST /v1/recipe/generate %s = %s, want (-want +got):\n%s", tt.name, rec.Body, diff)
			}
			if len(jobs.jobs) != 0 {
				t.Errorf("POST /v1/recipe/generate %s enqueued %d jobs, want none", tt.name, len(jobs.jobs))
			}
		})
	}
}

func TestCreateGenerationIdempotency(t *testing.T) {
	first := `{"userId": "user-42", "ingredients": ["계란", "밥"], "preferences": {"servings": 2}}`
	tests := []struct {
		name       string
		second     string
		secondKey  string
		wantStatus int
		wantSameID bool
		wantJobs   int
	}{
		{name: "same key, same body", second: first, secondKey: "key-1", wantStatus: 202, wantSameID: true, wantJobs: 1},
		{
			name:       "same key, same body once normalised",
			second:     `{"preferences": {"servings": 2, "language": "ko"}, "ingredients": [" 계란", "밥", "계란"], "userId": "user-42"}`,
			secondKey:  "key-1",
			wantStatus: 202, wantSameID: true, wantJobs: 1,
		},
		{
			name:       "same key, other body",
			second:     `{"userId": "user-42", "ingredients": ["계란", "김치"], "preferences": {"servings": 2}}`,
			secondKey:  "key-1",
			wantStatus: 409, wantJobs: 1,
		},
		{name: "other key, same body", second: first, secondKey: "key-2", wantStatus: 202, wantJobs: 2},
		{name: "no key, same body", second: first, secondKey: "", wantStatus: 202, wantJobs: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			h := newAPI(jobs)
			rec1 := postJSON(h, first, map[string]string{"Idempotency-Key": "key-1"})
			if rec1.Code != http.StatusAccepted {
				t.Fatalf("first POST = %d %s, want 202", rec1.Code, rec1.Body)
			}

			rec2 := postJSON(h, tt.second, map[string]string{"Idempotency-Key": tt.secondKey})
			if rec2.Code != tt.wantStatus {
				t.Fatalf("second POST = %d %s, want %d", rec2.Code, rec2.Body, tt.wantStatus)
			}
			if sameID := rec1.Header().Get("Location") == rec2.Header().Get("Location"); sameID != tt.wantSameID {
				t.Errorf("second POST Location = %q, first %q: same %t, want same %t",
					rec2.Header().Get("Location"), rec1.Header().Get("Location"), sameID, tt.wantSameID)
			}
			if len(jobs.jobs) != tt.wantJobs {
				t.Errorf("two POSTs enqueued %d jobs, want %d", len(jobs.jobs), tt.wantJobs)
			}
		})
	}
}

func TestCreateGenerationQueueErrors(t *testing.T) {
	tests := []struct {
		name string
		give error
		want errorReply
	}{
		{
			name: "queue full",
			give: &application.UnavailableError{RetryAfter: 30 * time.Second, Err: errors.New("queue full")},
			want: errorReply{Status: 503, Code: "unavailable", RetryAfter: "30"},
		},
		{
			name: "retry after a fraction of a second",
			give: &application.UnavailableError{RetryAfter: 1500 * time.Millisecond, Err: errors.New("queue full")},
			want: errorReply{Status: 503, Code: "unavailable", RetryAfter: "2"},
		},
		{
			name: "retry after less than a second",
			give: &application.UnavailableError{RetryAfter: 10 * time.Millisecond, Err: errors.New("queue full")},
			want: errorReply{Status: 503, Code: "unavailable", RetryAfter: "1"},
		},
		{
			name: "retry after nothing said",
			give: &application.UnavailableError{Err: errors.New("queue full")},
			want: errorReply{Status: 503, Code: "unavailable", RetryAfter: "5"},
		},
		{
			name: "valkey unreachable",
			give: fmt.Errorf("dial tcp: connection refused: %w", application.ErrUnavailable),
			want: errorReply{Status: 503, Code: "unavailable", RetryAfter: "5"},
		},
		{
			name: "conflict",
			give: fmt.Errorf("idempotency key reused with another body: %w", domain.ErrConflict),
			want: errorReply{Status: 409, Code: "conflict"},
		},
		{name: "unexpected", give: errors.New("lua script: boom"), want: errorReply{Status: 500, Code: "internal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			jobs.err = tt.give
			rec := postJSON(newAPI(jobs), `{"ingredients": ["계란"]}`, nil)

			if diff := cmp.Diff(tt.want, readError(t, rec)); diff != "" {
				t.Errorf("POST /v1/recipe/generate with queue error %v (-want +got):\n%s", tt.give, diff)
			}
			if strings.Contains(rec.Body.String(), tt.give.Error()) {
				t.Errorf("POST /v1/recipe/generate body = %s, want no internal error text", rec.Body)
			}
		})
	}
}

const (
	knownID   domain.JobID = "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"
	unknownID domain.JobID = "AAAAAAAAAAAAAAAAAAAAAAAAAA"
)

func completedResult() *domain.Result {
	return &domain.Result{
		ExistingIngredientsRecipes: []domain.Recipe{{
			Name: "계란말이", Description: "부드러운 계란말이", Difficulty: domain.Easy, CookingTime: 15, Servings: 2,
			Ingredients: []string{"계란 3개", "대파", "소금"}, Instructions: "1. 푼다\n2. 만다",
		}},
		AdditionalIngredientsRecipes: []domain.Recipe{{
			Name: "김치전", Description: "바삭한 김치전", Difficulty: domain.Medium, CookingTime: 20, Servings: 2,
			Ingredients: []string{"김치", "부침가루"}, AdditionalIngredients: []string{"부침가루"}, Instructions: "1. 섞는다",
		}},
		UserID: "user-42", Provider: "offline", Model: "rules-v1",
		GeneratedAt: time.Date(2025, 3, 1, 9, 31, 0, 0, time.UTC),
	}
}

func TestGetStatus(t *testing.T) {
	created := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	updated := created.Add(time.Minute)
	tests := []struct {
		name string
		give domain.JobStatus
		want string // the JSON body
	}{
		{
			name: "pending",
			give: domain.JobStatus{ID: knownID, Status: domain.Pending(), Language: domain.English, CreatedAt: created, UpdatedAt: created},
			want: `{"jobId": "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A", "status": "pending", "progress": 0, "message": "Waiting in the queue",
				"attempts": 0, "createdAt": "2025-03-01T09:30:00Z", "updatedAt": "2025-03-01T09:30:00Z"}`,
		},
		{
			name: "processing",
			give: domain.JobStatus{ID: knownID, Status: domain.Processing(30), Attempts: 1, Language: domain.Korean, CreatedAt: created, UpdatedAt: updated},
			want: `{"jobId": "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A", "status": "processing", "progress": 30, "message": "AI가 레시피를 만드는 중",
				"attempts": 1, "createdAt": "2025-03-01T09:30:00Z", "updatedAt": "2025-03-01T09:31:00Z"}`,
		},
		{
			name: "completed",
			give: domain.JobStatus{ID: knownID, Status: domain.Completed(), Attempts: 1, Language: domain.Korean, CreatedAt: created, UpdatedAt: updated, Result: completedResult()},
			want: `{"jobId": "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A", "status": "completed", "progress": 100, "message": "생성 완료",
				"attempts": 1, "createdAt": "2025-03-01T09:30:00Z", "updatedAt": "2025-03-01T09:31:00Z",
				"result": {
					"existingIngredientsRecipes": [{"name": "계란말이", "description": "부드러운 계란말이", "difficulty": "easy",
						"cookingTime": 15, "servings": 2, "ingredients": ["계란 3개", "대파", "소금"], "instructions": "1. 푼다\n2. 만다"}],
					"additionalIngredientsRecipes": [{"name": "김치전", "description": "바삭한 김치전", "difficulty": "medium",
						"cookingTime": 20, "servings": 2, "ingredients": ["김치", "부침가루"], "additionalIngredients": ["부침가루"],
						"instructions": "1. 섞는다"}],
					"userId": "user-42", "provider": "offline", "model": "rules-v1", "generatedAt": "2025-03-01T09:31:00Z"}}`,
		},
		{
			name: "failed",
			give: domain.JobStatus{ID: knownID, Status: domain.Failed(domain.FailureProvidersUnavailable), Attempts: 3, Language: domain.English, CreatedAt: created, UpdatedAt: updated},
			want: `{"jobId": "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A", "status": "failed", "progress": 0, "message": "Failed",
				"attempts": 3, "createdAt": "2025-03-01T09:30:00Z", "updatedAt": "2025-03-01T09:31:00Z",
				"error": "The AI providers did not answer in time; please try again in a little while.",
				"errorCode": "providers_unavailable"}`,
		},
		{
			name: "cancelled",
			give: domain.JobStatus{ID: knownID, Status: domain.Cancelled(), Attempts: 1, Language: domain.Korean, CreatedAt: created, UpdatedAt: updated},
			want: `{"jobId": "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A", "status": "cancelled", "progress": 0, "message": "취소됨",
				"attempts": 1, "createdAt": "2025-03-01T09:30:00Z", "updatedAt": "2025-03-01T09:31:00Z"}`,
		},
		{
			name: "result of an earlier run while retrying",
			give: domain.JobStatus{ID: knownID, Status: domain.Processing(80), Attempts: 2, Language: domain.English, CreatedAt: created, UpdatedAt: updated, Result: completedResult()},
			want: `{"jobId": "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A", "status": "processing", "progress": 80, "message": "Checking the recipes",
				"attempts": 2, "createdAt": "2025-03-01T09:30:00Z", "updatedAt": "2025-03-01T09:31:00Z"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			jobs.statuses[knownID] = tt.give
			rec := call(newAPI(jobs), http.MethodGet, "/v1/recipe/status/"+string(knownID), "", "", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET status %s = %d %s, want 200", tt.name, rec.Code, rec.Body)
			}
			var got, want any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("GET status body %s: %v", rec.Body, err)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatalf("want %s: %v", tt.want, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GET status %s body (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestGetStatusAfterSubmit(t *testing.T) {
	jobs := newMemJobs()
	h := newAPI(jobs)
	rec := postJSON(h, `{"ingredients": ["계란"], "preferences": {"language": "en"}}`, nil)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST = %d %s, want 202", rec.Code, rec.Body)
	}

	got := call(h, http.MethodGet, rec.Header().Get("Location"), "", "", nil)
	var body map[string]any
	if err := json.Unmarshal(got.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s body %s: %v", rec.Header().Get("Location"), got.Body, err)
	}
	want := map[string]any{
		"jobId": string(jobs.jobs[0].ID), "status": "pending", "progress": 0.0, "message": "Waiting in the queue",
		"attempts": 0.0, "createdAt": testNow.Format(time.RFC3339), "updatedAt": testNow.Format(time.RFC3339),
	}
	if diff := cmp.Diff(want, body); got.Code != http.StatusOK || diff != "" {
		t.Errorf("GET %s = %d, want 200; body (-want +got):\n%s", rec.Header().Get("Location"), got.Code, diff)
	}
}

func TestGetStatusErrors(t *testing.T) {
	tests := []struct {
		name      string
		statusErr error
		path      string
		want      errorReply
	}{
		{name: "unknown", path: "/v1/recipe/status/" + string(unknownID), want: errorReply{Status: 404, Code: "not_found"}},
		{name: "too short", path: "/v1/recipe/status/KXQ3F5ZQ", want: errorReply{Status: 404, Code: "not_found"}},
		{name: "lower case", path: "/v1/recipe/status/" + strings.ToLower(string(knownID)), want: errorReply{Status: 404, Code: "not_found"}},
		{name: "not base32", path: "/v1/recipe/status/KXQ3F5ZQ6R2VJ7M4C2XW5PNH10", want: errorReply{Status: 404, Code: "not_found"}},
		{name: "escaped", path: "/v1/recipe/status/%3Cscript%3E", want: errorReply{Status: 404, Code: "not_found"}},
		{
			name: "store unavailable", statusErr: fmt.Errorf("read: %w", application.ErrUnavailable),
			path: "/v1/recipe/status/" + string(knownID), want: errorReply{Status: 503, Code: "unavailable", RetryAfter: "5"},
		},
		{
			name: "store asks for a pause", statusErr: &application.UnavailableError{RetryAfter: 10 * time.Second, Err: errors.New("loading")},
			path: "/v1/recipe/status/" + string(knownID), want: errorReply{Status: 503, Code: "unavailable", RetryAfter: "10"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			jobs.statusErr = tt.statusErr
			jobs.statuses[knownID] = domain.JobStatus{ID: knownID, Status: domain.Pending()}
			rec := call(newAPI(jobs), http.MethodGet, tt.path, "", "", nil)
			if diff := cmp.Diff(tt.want, readError(t, rec)); diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestCreateGenerationWarnsOfUnknownAllergies(t *testing.T) {
	tests := []struct {
		name      string
		allergies string
		want      []string
	}{
		{name: "all known", allergies: `["땅콩", "갑각류", "gluten-free"]`, want: nil},
		{name: "none", allergies: `[]`, want: nil},
		{
			name:      "unknown words",
			allergies: `["땅콩", "망고", "kiwi allergy"]`,
			want: []string{
				`allergy "망고" is not recognised: only ingredients named so are left out`,
				`allergy "kiwi allergy" is not recognised: only ingredients named so are left out`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			rec := postJSON(newAPI(jobs), `{"ingredients": ["계란"], "preferences": {"allergies": `+tt.allergies+`}}`, nil)
			if rec.Code != http.StatusAccepted {
				t.Fatalf("POST /v1/recipe/generate = %d %s, want 202", rec.Code, rec.Body)
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("202 body %s: %v", rec.Body, err)
			}
			raw, present := body["warnings"]
			if present != (tt.want != nil) {
				t.Fatalf("202 body %s has warnings %v, want %v", rec.Body, present, tt.want != nil)
			}
			var got []string
			if present {
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatalf("warnings %s: %v", raw, err)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("202 warnings (-want +got):\n%s", diff)
			}
			if len(jobs.jobs) != 1 {
				t.Errorf("POST /v1/recipe/generate enqueued %d jobs, want 1: a warning never refuses a request", len(jobs.jobs))
			}
		})
	}
}

// countingStore counts the reads of the status store under it.
type countingStore struct {
	application.StatusStore
	mu    sync.Mutex
	reads int
}

func (s *countingStore) Status(ctx context.Context, id domain.JobID) (domain.JobStatus, error) {
	s.mu.Lock()
	s.reads++
	s.mu.Unlock()
	return s.StatusStore.Status(ctx, id)
}

func TestGetStatusOfACompletedJobIsReadOnce(t *testing.T) {
	tests := []struct {
		name      string
		give      domain.JobStatus
		wantReads int
	}{
		{
			name:      "completed: the same bytes from memory",
			give:      domain.JobStatus{ID: knownID, Status: domain.Completed(), Attempts: 1, CreatedAt: testNow, UpdatedAt: testNow, Result: completedResult()},
			wantReads: 1,
		},
		{
			name:      "processing: read each time",
			give:      domain.JobStatus{ID: knownID, Status: domain.Processing(30), Attempts: 1, CreatedAt: testNow, UpdatedAt: testNow},
			wantReads: 3,
		},
		{
			name:      "failed: read each time, a dead letter may be retried",
			give:      domain.JobStatus{ID: knownID, Status: domain.Failed(domain.FailureInternal), Attempts: 3, CreatedAt: testNow, UpdatedAt: testNow},
			wantReads: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs := newMemJobs()
			jobs.set(tt.give)
			store := &countingStore{StatusStore: jobs}
			h := newAPIWith(jobs, store, func(context.Context) error { return nil }, prometheus.NewRegistry())
			var bodies []string
			for range 3 {
				rec := call(h, http.MethodGet, "/v1/recipe/status/"+string(knownID), "", "", nil)
				if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
					t.Fatalf("GET status = %d %q, want 200 application/json; charset=utf-8", rec.Code, rec.Header().Get("Content-Type"))
				}
				bodies = append(bodies, rec.Body.String())
			}
			if bodies[1] != bodies[0] || bodies[2] != bodies[0] {
				t.Errorf("three reads answered differently:\n%s\n%s\n%s", bodies[0], bodies[1], bodies[2])
			}
			if store.reads != tt.wantReads {
				t.Errorf("three reads read the store %d times, want %d", store.reads, tt.wantReads)
			}
		})
	}
}
