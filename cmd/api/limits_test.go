package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// The tests of this file run the api's router on a real Valkey, one httptest server per
// api replica. Requests come from loopback, a trusted proxy, so X-Forwarded-For names
// the client.

// heartbeat is the event streams' heartbeat in these tests.
const heartbeat = 20 * time.Millisecond

// silentFeed announces nothing, so an event stream of a pending job only beats.
type silentFeed struct{}

func (silentFeed) Watch(domain.JobID, func()) func() { return func() {} }

// replica starts one api replica on srv's queue named by env["QUEUE_NAME"].
func replica(t *testing.T, env map[string]string) *httptest.Server {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config.Load(%v) error = %v", env, err)
	}
	rdb, err := valkey.NewClient(cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	q := valkey.NewQueue(rdb, cfg)
	limiter := valkey.NewRateLimiter(rdb, cfg)
	log := zap.NewNop()
	streams := application.NewStreams(q, silentFeed{}, heartbeat)
	ops := httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry())
	h := httpapi.NewHandler(application.NewGenerations(q, q, nil, nil), streams, log)
	srv := httptest.NewServer(httpapi.NewRouter(h, ops, nil, httpapi.NewLimits(application.NewLeasedLimiter(limiter, nil), cfg, log), log))
	t.Cleanup(func() {
		h.CloseStreams()
		srv.Close()
		limiter.Close()
		q.Close()
		_ = rdb.Close()
	})
	return srv
}

// replicas starts n replicas of one api on a queue of the test's own.
func replicas(t *testing.T, n int, env map[string]string) []*httptest.Server {
	t.Helper()
	srv := valkeytest.Shared(t)
	vars := map[string]string{"VALKEY_URL": srv.URL, "QUEUE_NAME": valkeytest.QueueName(t)}
	for k, v := range env {
		vars[k] = v
	}
	out := make([]*httptest.Server, n)
	for i := range out {
		out[i] = replica(t, vars)
	}
	return out
}

// answer is what a test compares of a response.
type answer struct {
	Status     int
	Code       string // the error JSON's code
	Limit      string
	Remaining  string
	Policy     string
	RetryAfter string
}

// send makes one request as client and reads the answer and its JSON; the answer's
// RateLimit-Reset must be a whole number of seconds from 1 to max.
func send(t *testing.T, method, url, client string, max int) (answer, map[string]any) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"ingredients": ["계란", "밥"]}`)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", client)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var decoded map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&decoded)
	a := answer{
		Status: resp.StatusCode, Limit: resp.Header.Get("RateLimit-Limit"), Remaining: resp.Header.Get("RateLimit-Remaining"),
		Policy: resp.Header.Get("RateLimit-Policy"), RetryAfter: resp.Header.Get("Retry-After"),
	}
	if e, ok := decoded["error"].(map[string]any); ok {
		a.Code, _ = e["code"].(string)
	}
	if reset, err := strconv.Atoi(resp.Header.Get("RateLimit-Reset")); err != nil || reset < 1 || reset > max {
		t.Errorf("%s %s RateLimit-Reset = %q, want 1..%d seconds", method, url, resp.Header.Get("RateLimit-Reset"), max)
	}
	return a, decoded
}

func TestRateLimitsAreSharedByReplicas(t *testing.T) {
	api := replicas(t, 2, map[string]string{"RATE_LIMIT_GENERATE": "3/m"})
	const me, other = "198.51.100.1", "198.51.100.2"

	var got []answer
	for i := range 4 {
		a, _ := send(t, http.MethodPost, api[i%2].URL+"/v1/recipe/generate", me, 60)
		got = append(got, a)
	}
	a, _ := send(t, http.MethodPost, api[0].URL+"/v1/recipe/generate", other, 60)
	got = append(got, a)

	ok := func(remaining string) answer {
		return answer{Status: http.StatusAccepted, Limit: "3", Remaining: remaining, Policy: "3;w=60"}
	}
	want := []answer{
		ok("2"), ok("1"), ok("0"),
		// 3/m gives a request back every 20 s.
		{Status: http.StatusTooManyRequests, Code: "rate_limited", Limit: "3", Remaining: "0", Policy: "3;w=60", RetryAfter: "20"},
		ok("2"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("4 POSTs of one client over two replicas, then another client's, on 3/m (-want +got):\n%s", diff)
	}
}

func TestRateLimitsGenerateAndStatusBudgetsAreIndependent(t *testing.T) {
	api := replicas(t, 1, map[string]string{"RATE_LIMIT_GENERATE": "1/m", "RATE_LIMIT_STATUS": "2/m"})[0]
	const me = "198.51.100.1"
	_, accepted := send(t, http.MethodPost, api.URL+"/v1/recipe/generate", me, 60)
	statusURL := api.URL + accepted["statusUrl"].(string)

	var got []int
	for _, r := range []struct{ method, url string }{
		{http.MethodPost, api.URL + "/v1/recipe/generate"}, // generate spent
		{http.MethodGet, statusURL},                        // status untouched by it
		{http.MethodDelete, statusURL},                     // cancels spend status too
		{http.MethodGet, statusURL},                        // status spent
	} {
		a, _ := send(t, r.method, r.url, me, 60)
		got = append(got, a.Status)
	}
	want := []int{http.StatusTooManyRequests, http.StatusOK, http.StatusOK, http.StatusTooManyRequests}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses on generate 1/m and status 2/m (-want +got):\n%s", diff)
	}
}

func TestRateLimitsCountAnEventStreamOnce(t *testing.T) {
	api := replicas(t, 1, map[string]string{"RATE_LIMIT_STATUS": "3/m"})[0]
	const me = "198.51.100.1"
	_, accepted := send(t, http.MethodPost, api.URL+"/v1/recipe/generate", me, 60)

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api.URL+accepted["eventsUrl"].(string), nil)
	req.Header.Set("X-Forwarded-For", me)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET events = %v, %v; want 200", resp, err)
	}
	lines, beats := bufio.NewScanner(resp.Body), 0
	for beats < 5 && lines.Scan() {
		if lines.Text() == ": heartbeat" {
			beats++
		}
	}
	cancel()
	resp.Body.Close()
	if beats < 5 {
		t.Fatalf("event stream ended after %d heartbeats: %v", beats, lines.Err())
	}

	var got []int
	for range 3 {
		a, _ := send(t, http.MethodGet, api.URL+accepted["statusUrl"].(string), me, 60)
		got = append(got, a.Status)
	}
	if diff := cmp.Diff([]int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests}, got); diff != "" {
		t.Errorf("3 status reads after a stream of 5 events on 3/m (-want +got):\n%s", diff)
	}
}

func TestRateLimitsRefill(t *testing.T) {
	api := replicas(t, 1, map[string]string{"RATE_LIMIT_GENERATE": "2/s"})[0]
	const me = "198.51.100.1"
	var got []answer
	for range 3 {
		a, _ := send(t, http.MethodPost, api.URL+"/v1/recipe/generate", me, 1)
		got = append(got, answer{Status: a.Status, RetryAfter: a.RetryAfter})
	}
	want := []answer{{Status: 202}, {Status: 202}, {Status: 429, RetryAfter: "1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("3 POSTs on 2/s (-want +got):\n%s", diff)
	}
	time.Sleep(time.Second) // the Retry-After the client was given
	if a, _ := send(t, http.MethodPost, api.URL+"/v1/recipe/generate", me, 1); a.Status != http.StatusAccepted {
		t.Errorf("POST after Retry-After = %d, want 202", a.Status)
	}
}
