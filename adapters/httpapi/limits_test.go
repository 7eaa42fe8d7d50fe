package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// spentRequest is one request a countingLimiter was asked about.
type spentRequest struct {
	Budget string
	Client string
}

// countingLimiter counts requests per budget and client in memory: a budget holds Limit
// requests and never refills. A refused request is told to wait 1.5 s. err, when set,
// fails every call.
type countingLimiter struct {
	mu    sync.Mutex
	used  map[spentRequest]int
	calls []spentRequest
	err   error
}

func newCountingLimiter() *countingLimiter {
	return &countingLimiter{used: make(map[spentRequest]int)}
}

func (l *countingLimiter) Allow(_ context.Context, b application.Budget, client string) (application.RateDecision, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := spentRequest{Budget: b.Name, Client: client}
	l.calls = append(l.calls, k)
	if l.err != nil {
		return application.RateDecision{}, l.err
	}
	if l.used[k] >= b.Limit {
		return application.RateDecision{RetryAfter: 1500 * time.Millisecond, ResetAfter: b.Period}, nil
	}
	l.used[k]++
	return application.RateDecision{
		Allowed:    true,
		Remaining:  b.Limit - l.used[k],
		ResetAfter: time.Duration(l.used[k]) * b.Period / time.Duration(b.Limit),
	}, nil
}

// newLimitedAPI is the api's router, with the history route, whose /v1 routes spend
// from limiter with the budgets env sets.
func newLimitedAPI(t *testing.T, jobs *memJobs, limiter application.RateLimiter, env map[string]string) http.Handler {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config.Load(%v) error = %v", env, err)
	}
	log := zap.NewNop()
	limits := httpapi.NewLimits(limiter, cfg, log)
	g := application.NewGenerations(jobs, jobs, nil, func() time.Time { return testNow })
	ops := httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry())
	history := httpapi.NewHistoryHandler(application.NewHistory(&memHistory{}), limits, log)
	return httpapi.NewRouter(httpapi.NewHandler(g, application.NewStreams(jobs, silentFeed{}, testHeartbeat), log), ops, nil, limits, log, history.Register)
}

// limitHeaders are the rate limit fields of an answer.
type limitHeaders struct {
	Policy, Limit, Remaining, Reset, RetryAfter string
}

func limitHeadersOf(h http.Header) limitHeaders {
	return limitHeaders{
		Policy: h.Get("RateLimit-Policy"), Limit: h.Get("RateLimit-Limit"), Remaining: h.Get("RateLimit-Remaining"),
		Reset: h.Get("RateLimit-Reset"), RetryAfter: h.Get("Retry-After"),
	}
}

func TestLimitsRefuseTheRequestOverBudget(t *testing.T) {
	jobs := newMemJobs()
	h := newLimitedAPI(t, jobs, newCountingLimiter(), map[string]string{"RATE_LIMIT_GENERATE": "2/m"})
	body := `{"ingredients": ["계란"]}`

	var got []limitHeaders
	for range 2 {
		rec := postJSON(h, body, nil)
		if rec.Code != http.StatusAccepted {
			t.Fatalf("POST within the budget = %d %s, want 202", rec.Code, rec.Body)
		}
		got = append(got, limitHeadersOf(rec.Header()))
	}
	rec := postJSON(h, body, nil)
	if reply := readError(t, rec); reply.Status != http.StatusTooManyRequests || reply.Code != "rate_limited" {
		t.Errorf("third POST = %d %s, want 429 rate_limited", reply.Status, reply.Code)
	}
	got = append(got, limitHeadersOf(rec.Header()))
	want := []limitHeaders{
		{Policy: "2;w=60", Limit: "2", Remaining: "1", Reset: "30"},
		{Policy: "2;w=60", Limit: "2", Remaining: "0", Reset: "60"},
		{Policy: "2;w=60", Limit: "2", Remaining: "0", Reset: "60", RetryAfter: "2"}, // 1.5 s rounded up
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rate limit headers of three POSTs (-want +got):\n%s", diff)
	}
	if len(jobs.jobs) != 2 {
		t.Errorf("three POSTs over a budget of two queued %d jobs, want 2", len(jobs.jobs))
	}
}

func TestLimitsBudgetOfEachRoute(t *testing.T) {
	jobs := newMemJobs()
	jobs.set(domain.JobStatus{ID: knownID, Status: domain.Pending(), CreatedAt: testNow, UpdatedAt: testNow})
	id := string(knownID)
	tests := []struct {
		method, path string
		want         []spentRequest
	}{
		{method: http.MethodPost, path: "/v1/recipe/generate", want: []spentRequest{{"generate", "ip:198.51.100.7"}}},
		{method: http.MethodGet, path: "/v1/recipe/status/" + id, want: []spentRequest{{"status", "ip:198.51.100.7"}}},
		{method: http.MethodGet, path: "/v1/recipe/status/" + id + "/events", want: []spentRequest{{"status", "ip:198.51.100.7"}}},
		{method: http.MethodDelete, path: "/v1/recipe/status/" + id, want: []spentRequest{{"status", "ip:198.51.100.7"}}},
		{method: http.MethodGet, path: "/v1/users/user-42/recipes", want: []spentRequest{{"status", "ip:198.51.100.7"}}},
		{method: http.MethodGet, path: "/health"},
		{method: http.MethodGet, path: "/ready"},
		{method: http.MethodGet, path: "/metrics"},
		{method: http.MethodGet, path: "/v1/recipe/nothing-here"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			limiter := newCountingLimiter()
			h := newLimitedAPI(t, jobs, limiter, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 3*testHeartbeat) // ends the event stream
			defer cancel()
			req := httptest.NewRequestWithContext(ctx, tt.method, tt.path, strings.NewReader(`{"ingredients": ["계란"]}`))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = "198.51.100.7:40000"
			h.ServeHTTP(httptest.NewRecorder(), req)
			if diff := cmp.Diff(tt.want, limiter.calls); diff != "" {
				t.Errorf("%s %s spent (-want +got):\n%s", tt.method, tt.path, diff)
			}
		})
	}
}

func TestLimitsBudgetsAreIndependent(t *testing.T) {
	jobs := newMemJobs()
	jobs.set(domain.JobStatus{ID: knownID, Status: domain.Pending(), CreatedAt: testNow, UpdatedAt: testNow})
	id := string(knownID)
	h := newLimitedAPI(t, jobs, newCountingLimiter(), map[string]string{"RATE_LIMIT_GENERATE": "1/m", "RATE_LIMIT_STATUS": "2/m"})
	var got []int
	for _, r := range []struct{ method, path string }{
		{http.MethodPost, "/v1/recipe/generate"},
		{http.MethodPost, "/v1/recipe/generate"},
		{http.MethodGet, "/v1/recipe/status/" + id},
		{http.MethodGet, "/v1/users/user-42/recipes"},
		{http.MethodGet, "/v1/recipe/status/" + id},
	} {
		got = append(got, call(h, r.method, r.path, "application/json", `{"ingredients": ["계란"]}`, nil).Code)
	}
	want := []int{http.StatusAccepted, http.StatusTooManyRequests, http.StatusOK, http.StatusOK, http.StatusTooManyRequests}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses with generate 1/m and status 2/m (-want +got):\n%s", diff)
	}
}

func TestLimitsLetRequestsPassWhenTheStoreIsAway(t *testing.T) {
	jobs := newMemJobs()
	limiter := newCountingLimiter()
	limiter.err = &application.UnavailableError{Err: errors.New("connection refused")}
	h := newLimitedAPI(t, jobs, limiter, map[string]string{"RATE_LIMIT_GENERATE": "1/m"})
	for i := range 3 {
		rec := postJSON(h, `{"ingredients": ["계란"]}`, nil)
		if rec.Code != http.StatusAccepted {
			t.Fatalf("POST %d with the limiter away = %d %s, want 202", i+1, rec.Code, rec.Body)
		}
		if got := limitHeadersOf(rec.Header()); got != (limitHeaders{}) {
			t.Errorf("POST %d with the limiter away has rate limit headers %+v, want none", i+1, got)
		}
	}
	if len(limiter.calls) != 3 || len(jobs.jobs) != 3 {
		t.Errorf("limiter asked %d times, %d jobs queued; want 3 and 3", len(limiter.calls), len(jobs.jobs))
	}
}

func TestLimitsBelieveOnlyPrivateProxies(t *testing.T) {
	tests := []struct {
		name   string
		remote string
		want   []int
	}{
		{name: "public peer: its own budget whatever it forwards", remote: "203.0.113.7:5000", want: []int{http.StatusAccepted, http.StatusTooManyRequests}},
		{name: "private proxy: the forwarded clients' budgets", remote: "10.0.0.5:5000", want: []int{http.StatusAccepted, http.StatusAccepted}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newLimitedAPI(t, newMemJobs(), newCountingLimiter(), map[string]string{"RATE_LIMIT_GENERATE": "1/m"})
			var got []int
			for _, forwarded := range []string{"198.51.100.1", "198.51.100.2"} {
				req := httptest.NewRequest(http.MethodPost, "/v1/recipe/generate", strings.NewReader(`{"ingredients": ["계란"]}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", forwarded)
				req.RemoteAddr = tt.remote
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				got = append(got, rec.Code)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("two POSTs from %s forwarding two clients, 1/m (-want +got):\n%s", tt.remote, diff)
			}
		})
	}
}

func TestLimitsCountEachAPIKeyApart(t *testing.T) {
	env := map[string]string{"API_KEYS": "key-a,key-b", "RATE_LIMIT_GENERATE": "1/m"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := zap.NewNop()
	jobs := newMemJobs()
	limiter := newCountingLimiter()
	g := application.NewGenerations(jobs, jobs, nil, func() time.Time { return testNow })
	h := httpapi.NewRouter(httpapi.NewHandler(g, application.NewStreams(jobs, silentFeed{}, testHeartbeat), log),
		httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry()),
		httpapi.NewAuth(cfg, log), httpapi.NewLimits(limiter, cfg, log), log)

	var got []int
	for _, key := range []string{"", "key-a", "key-a", "key-b"} { // all from one address
		header := map[string]string{}
		if key != "" {
			header["Authorization"] = "Bearer " + key
		}
		got = append(got, postJSON(h, `{"ingredients": ["계란"]}`, header).Code)
	}
	want := []int{http.StatusUnauthorized, http.StatusAccepted, http.StatusTooManyRequests, http.StatusAccepted}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POSTs without a key, twice with key-a, once with key-b, on 1/m (-want +got):\n%s", diff)
	}
	wantCalls := []spentRequest{
		{"generate", "key:" + httpapi.CallerID("key-a")}, {"generate", "key:" + httpapi.CallerID("key-a")},
		{"generate", "key:" + httpapi.CallerID("key-b")},
	}
	if diff := cmp.Diff(wantCalls, limiter.calls); diff != "" {
		t.Errorf("budgets spent (-want +got):\n%s", diff)
	}
}
