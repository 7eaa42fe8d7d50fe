package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

const adminToken = "s3cret-admin-token"

// memBoard is an in-memory JobBoard, ProviderHealthReader and DeadLetterQueue over the
// jobs of a memJobs: the dead letters are its failed jobs.
type memBoard struct {
	jobs *memJobs
	mu   sync.Mutex
	dead []domain.JobID
}

func (b *memBoard) Counts(context.Context) (application.QueueCounts, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return application.QueueCounts{Pending: int64(len(b.jobs.jobs)), Failed: int64(len(b.dead))}, nil
}

func (b *memBoard) Tallies(_ context.Context, from, to time.Time) ([]application.MinuteTally, error) {
	var out []application.MinuteTally
	for m := from; !m.After(to); m = m.Add(time.Minute) {
		out = append(out, application.MinuteTally{Minute: m, Completed: 2})
	}
	return out, nil
}

func (b *memBoard) Jobs(_ context.Context, f application.JobFilter) (application.JobPage, error) {
	if f.State != application.BoardFailed {
		return application.JobPage{}, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var page application.JobPage
	for _, id := range b.dead {
		page.Jobs = append(page.Jobs, application.JobSummary{Status: domain.JobStatus{ID: id, Status: domain.Failed(domain.FailureInternal)}, UserID: "u1", LastError: "boom"})
	}
	page.Total = int64(len(page.Jobs))
	return page, nil
}

func (b *memBoard) Job(_ context.Context, id domain.JobID) (application.JobDetail, error) {
	st, err := b.jobs.Status(context.Background(), id)
	if err != nil {
		return application.JobDetail{}, err
	}
	return application.JobDetail{
		Status:  st,
		Request: domain.RestoreGenerationRequest("u1", []string{"계란"}, domain.Preferences{Language: domain.Korean}),
		Errors:  []application.AttemptError{{Attempt: 1, Error: "status 500", At: testNow}},
	}, nil
}

func (b *memBoard) ProviderReports(context.Context) ([]application.ProviderReport, error) {
	return []application.ProviderReport{{Worker: "w1", At: time.Now(), Providers: []application.ProviderHealth{
		{Provider: "gemini", Breaker: application.BreakerOpen, LastError: "503", LastErrorAt: time.Now()},
	}}}, nil
}

func (b *memBoard) DeadLetters(_ context.Context, offset, limit int) ([]domain.JobStatus, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []domain.JobStatus
	for i := offset; i < len(b.dead) && i < offset+limit; i++ {
		out = append(out, domain.JobStatus{ID: b.dead[i], Status: domain.Failed(domain.FailureInternal)})
	}
	return out, nil
}

func (b *memBoard) RetryDead(_ context.Context, id domain.JobID) error  { return b.remove(id) }
func (b *memBoard) DeleteDead(_ context.Context, id domain.JobID) error { return b.remove(id) }

func (b *memBoard) remove(id domain.JobID) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, d := range b.dead {
		if d == id {
			b.dead = append(b.dead[:i], b.dead[i+1:]...)
			return nil
		}
	}
	return domain.ErrNotFound
}

// newAdminAPI is the api's router with the dashboard and the try-it page, on the clock
// now.
func newAdminAPI(t *testing.T, board *memBoard, now func() time.Time) http.Handler {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return map[string]string{"ADMIN_TOKEN": adminToken}[k] })
	if err != nil {
		t.Fatal(err)
	}
	jobs := board.jobs
	log := zap.NewNop()
	admin := httpapi.NewAdminHandlerWithClock(application.NewAdmin(board, board, jobs, nil), application.NewDeadLetters(board), cfg, log, now)
	g := application.NewGenerations(jobs, jobs, nil, nil)
	return httpapi.NewRouter(httpapi.NewHandler(g, application.NewStreams(jobs, jobs, testHeartbeat), log),
		httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry()),
		nil, nil, log, admin.Register, httpapi.RegisterTryPage)
}

func form(h http.Handler, path string, values url.Values, header map[string]string) *httptest.ResponseRecorder {
	return call(h, http.MethodPost, path, "application/x-www-form-urlencoded", values.Encode(), header)
}

// signIn logs in and returns the session cookie and the dashboard's CSRF token.
func signIn(t *testing.T, h http.Handler) (cookie, csrf string) {
	t.Helper()
	rec := form(h, "/admin/login", url.Values{"token": {adminToken}}, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/" {
		t.Fatalf("POST /admin/login with the token = %d to %q, want 303 to /admin/", rec.Code, rec.Header().Get("Location"))
	}
	cookie = strings.Split(rec.Header().Get("Set-Cookie"), ";")[0]
	page := call(h, http.MethodGet, "/admin/", "", "", map[string]string{"Cookie": cookie})
	m := regexp.MustCompile(`name="csrf-token" content="([^"]+)"`).FindStringSubmatch(page.Body.String())
	if page.Code != http.StatusOK || m == nil {
		t.Fatalf("GET /admin/ signed in = %d without a CSRF token:\n%s", page.Code, page.Body)
	}
	return cookie, m[1]
}

func TestAdminLoginSetsAStrictHttpOnlySessionCookie(t *testing.T) {
	h := newAdminAPI(t, &memBoard{jobs: newMemJobs()}, time.Now)

	page := call(h, http.MethodGet, "/admin/", "", "", nil)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `action="/admin/login"`) || strings.Contains(page.Body.String(), "csrf-token") {
		t.Errorf("GET /admin/ without a session = %d, want the login form only:\n%s", page.Code, page.Body)
	}
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("GET /admin/ Content-Security-Policy = %q, want default-src 'self'", csp)
	}

	rec := form(h, "/admin/login", url.Values{"token": {adminToken}}, map[string]string{"X-Forwarded-Proto": "https"})
	setCookie := rec.Header().Get("Set-Cookie")
	for _, want := range []string{"recipe_admin=", "Path=/admin", "HttpOnly", "SameSite=Strict", "Secure", "Max-Age=43200"} {
		if !strings.Contains(setCookie, want) {
			t.Errorf("Set-Cookie = %q, want %s", setCookie, want)
		}
	}
	if strings.Contains(setCookie, adminToken) {
		t.Errorf("Set-Cookie = %q carries the token itself", setCookie)
	}
	if rec := form(h, "/admin/login", url.Values{"token": {adminToken}}, nil); strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") {
		t.Errorf("Set-Cookie over plain HTTP = %q, want no Secure (the browser would drop it)", rec.Header().Get("Set-Cookie"))
	}

	cookie, csrf := signIn(t, h)
	rec = call(h, http.MethodGet, "/admin/api/overview", "", "", map[string]string{"Cookie": cookie})
	var o struct {
		Counts    map[string]int64 `json:"counts"`
		LastHour  map[string]any   `json:"lastHour"`
		Providers []map[string]any `json:"providers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &o); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("GET /admin/api/overview with the session = %d %s", rec.Code, rec.Body)
	}
	if o.Counts["completedLastHour"] != 120 || o.LastHour["throughputPerMinute"] != 2.0 || len(o.Providers) != 1 || o.Providers[0]["breaker"] != "open" {
		t.Errorf("overview = %s, want 120 completed in the hour, 2/min and gemini open", rec.Body)
	}

	rec = form(h, "/admin/logout", url.Values{"csrf": {csrf}}, map[string]string{"Cookie": cookie})
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("POST /admin/logout = %d, Set-Cookie %q, want 303 and the cookie removed", rec.Code, rec.Header().Get("Set-Cookie"))
	}
}

func TestAdminRefusesWrongTokensAndForgedSessions(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	h := newAdminAPI(t, &memBoard{jobs: newMemJobs()}, clock)
	cookie, _ := signIn(t, h)

	rec := form(h, "/admin/login", url.Values{"token": {"guess"}}, nil)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "not the admin token") || rec.Header().Get("Set-Cookie") != "" {
		t.Errorf("POST /admin/login with a wrong token = %d, Set-Cookie %q, want 401 with the form and an error", rec.Code, rec.Header().Get("Set-Cookie"))
	}

	value := strings.TrimPrefix(cookie, "recipe_admin=")
	forged := "recipe_admin=" + value[:len(value)-2] + map[bool]string{true: "AA", false: "AB"}[!strings.HasSuffix(value, "AA")]
	tests := []struct {
		name   string
		header map[string]string
		want   errorReply
	}{
		{name: "no credentials", want: errorReply{Status: 401, Code: "unauthorized"}},
		{name: "wrong bearer", header: map[string]string{"Authorization": "Bearer nope"}, want: errorReply{Status: 401, Code: "unauthorized"}},
		{name: "token as cookie", header: map[string]string{"Cookie": "recipe_admin=" + adminToken}, want: errorReply{Status: 401, Code: "unauthorized"}},
		{name: "forged session", header: map[string]string{"Cookie": forged}, want: errorReply{Status: 401, Code: "unauthorized"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readError(t, call(h, http.MethodGet, "/admin/api/overview", "", "", tt.header)); got.Status != tt.want.Status || got.Code != tt.want.Code {
				t.Errorf("GET /admin/api/overview = %+v, want %+v", got, tt.want)
			}
		})
	}
	if rec := call(h, http.MethodGet, "/admin/api/overview", "", "", map[string]string{"Authorization": "Bearer " + adminToken}); rec.Code != http.StatusOK {
		t.Errorf("GET /admin/api/overview with the bearer token = %d, want 200", rec.Code)
	}

	now = now.Add(13 * time.Hour)
	if rec := call(h, http.MethodGet, "/admin/api/overview", "", "", map[string]string{"Cookie": cookie}); rec.Code != http.StatusUnauthorized {
		t.Errorf("GET /admin/api/overview with a 13 h old session = %d, want 401", rec.Code)
	}
}

func TestAdminChangesNeedTheCSRFToken(t *testing.T) {
	board := &memBoard{jobs: newMemJobs(), dead: []domain.JobID{domain.NewJobID(), domain.NewJobID()}}
	h := newAdminAPI(t, board, time.Now)
	cookie, csrf := signIn(t, h)
	path := "/admin/api/dead-letters/" + string(board.dead[0]) + "/retry"

	for name, header := range map[string]map[string]string{
		"no token":    {"Cookie": cookie},
		"wrong token": {"Cookie": cookie, "X-CSRF-Token": "x" + csrf},
	} {
		if got := readError(t, call(h, http.MethodPost, path, "", "", header)); got.Status != 403 || got.Code != "forbidden" {
			t.Errorf("POST retry with the session and %s = %+v, want 403 forbidden", name, got)
		}
	}
	if n := len(board.dead); n != 2 {
		t.Fatalf("dead letters after refused retries = %d, want 2", n)
	}
	rec := call(h, http.MethodPost, path, "", "", map[string]string{"Cookie": cookie, "X-CSRF-Token": csrf})
	if rec.Code != http.StatusOK || len(board.dead) != 1 {
		t.Errorf("POST retry with the CSRF token = %d %s, dead letters %d, want 200 and 1 left", rec.Code, rec.Body, len(board.dead))
	}
	rec = call(h, http.MethodPost, "/admin/api/dead-letters/retry", "", "", map[string]string{"Authorization": "Bearer " + adminToken})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"done":1`) || len(board.dead) != 0 {
		t.Errorf("POST retry all with the bearer token = %d %s, want 200 done 1", rec.Code, rec.Body)
	}
	if rec := form(h, "/admin/logout", url.Values{}, map[string]string{"Cookie": cookie}); rec.Code != http.StatusForbidden {
		t.Errorf("POST /admin/logout without the CSRF token = %d, want 403", rec.Code)
	}
}

func TestAdminLoginIsRateLimited(t *testing.T) {
	now := time.Now()
	h := newAdminAPI(t, &memBoard{jobs: newMemJobs()}, func() time.Time { return now })
	for i := range 5 {
		if rec := form(h, "/admin/login", url.Values{"token": {"guess"}}, nil); rec.Code != http.StatusUnauthorized {
			t.Fatalf("wrong login %d = %d, want 401", i+1, rec.Code)
		}
	}
	rec := form(h, "/admin/login", url.Values{"token": {adminToken}}, nil)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || rec.Header().Get("Set-Cookie") != "" {
		t.Errorf("login after 5 wrong tokens = %d, Retry-After %q, want 429 and no session", rec.Code, rec.Header().Get("Retry-After"))
	}
	if got := readError(t, call(h, http.MethodGet, "/admin/api/overview", "", "", map[string]string{"Authorization": "Bearer nope"})); got.Status != 429 {
		t.Errorf("bearer after 5 wrong tokens = %+v, want 429", got)
	}
	now = now.Add(13 * time.Second)
	if rec := form(h, "/admin/login", url.Values{"token": {adminToken}}, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("login 13 s later = %d, want 303", rec.Code)
	}
}

func TestAdminJSONRoutes(t *testing.T) {
	jobs := newMemJobs()
	running := domain.JobStatus{ID: domain.NewJobID(), Status: domain.Processing(30), CreatedAt: testNow, UpdatedAt: testNow}
	done := domain.JobStatus{ID: domain.NewJobID(), Status: domain.Completed(), Result: &domain.Result{Provider: "offline"}}
	jobs.set(running)
	jobs.set(done)
	dead := domain.NewJobID()
	h := newAdminAPI(t, &memBoard{jobs: jobs, dead: []domain.JobID{dead}}, time.Now)
	auth := map[string]string{"Authorization": "Bearer " + adminToken}

	tests := []struct {
		method, path string
		wantStatus   int
		wantText     string
	}{
		{http.MethodGet, "/admin/api/jobs?state=failed", 200, `"lastError":"boom"`},
		{http.MethodGet, "/admin/api/jobs", 200, `"items":[]`},
		{http.MethodGet, "/admin/api/jobs?state=cancelled", 400, `"field":"state"`},
		{http.MethodGet, "/admin/api/jobs?state=failed&limit=0", 400, `"field":"limit"`},
		{http.MethodGet, "/admin/api/jobs?offset=-1", 400, `"field":"offset"`},
		{http.MethodGet, "/admin/api/jobs?q=" + string(running.ID), 200, `"jobId":"` + string(running.ID)},
		{http.MethodGet, "/admin/api/jobs?q=u1", 200, `"userId":"u1"`},
		{http.MethodGet, "/admin/api/jobs/" + string(running.ID), 200, `"errors":[{"attempt":1,"error":"status 500"`},
		{http.MethodGet, "/admin/api/jobs/" + string(done.ID), 200, `"provider":"offline"`},
		{http.MethodGet, "/admin/api/jobs/nope", 404, `"not_found"`},
		{http.MethodGet, "/admin/api/dead-letters", 200, string(dead)},
		{http.MethodPost, "/admin/api/jobs/" + string(running.ID) + "/cancel", 200, `"status":"cancelled"`},
		{http.MethodPost, "/admin/api/jobs/" + string(done.ID) + "/cancel", 409, `"conflict"`},
		{http.MethodPost, "/admin/api/dead-letters/" + string(done.ID) + "/retry", 404, `"not_found"`},
		{http.MethodDelete, "/admin/api/dead-letters/" + string(dead), 200, `"done":1`},
		{http.MethodDelete, "/admin/api/dead-letters/" + string(dead), 404, `"not_found"`},
		{http.MethodPut, "/admin/api/jobs/" + string(done.ID), 405, `"method_not_allowed"`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := call(h, tt.method, tt.path, "", "", auth)
			if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantText) {
				t.Errorf("%s %s = %d %s, want %d with %s", tt.method, tt.path, rec.Code, rec.Body, tt.wantStatus, tt.wantText)
			}
		})
	}
}

func TestTryPageAndItsFiles(t *testing.T) {
	h := newAdminAPI(t, &memBoard{jobs: newMemJobs()}, time.Now)
	tests := []struct {
		path     string
		wantType string
		wantText string
	}{
		{path: "/", wantType: "text/html", wantText: `<script src="/assets/try.js"`},
		{path: "/assets/try.js", wantType: "text/javascript", wantText: "EventSource"},
		{path: "/assets/try.css", wantType: "text/css", wantText: "@media"},
		{path: "/admin/assets/admin.js", wantType: "text/javascript", wantText: "X-CSRF-Token"},
		{path: "/admin/assets/admin.css", wantType: "text/css", wantText: ".counts"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := call(h, http.MethodGet, tt.path, "", "", nil)
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.wantType) || !strings.Contains(rec.Body.String(), tt.wantText) {
				t.Fatalf("GET %s = %d %q, want 200 %s with %q", tt.path, rec.Code, rec.Header().Get("Content-Type"), tt.wantType, tt.wantText)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Content-Security-Policy") == "" {
				t.Errorf("GET %s lacks the security headers: %v", tt.path, rec.Header())
			}
			again := call(h, http.MethodGet, tt.path, "", "", map[string]string{"If-None-Match": rec.Header().Get("ETag")})
			if again.Code != http.StatusNotModified {
				t.Errorf("GET %s with its ETag = %d, want 304", tt.path, again.Code)
			}
		})
	}
	for _, path := range []string{"/", "/assets/try.js", "/admin/assets/admin.js"} {
		body := call(h, http.MethodGet, path, "", "", nil).Body.String()
		if regexp.MustCompile(`(?i)(src|href)="https?://|import\s|https?://[a-z]`).MatchString(body) {
			t.Errorf("GET %s refers to another site; the pages must work offline", path)
		}
	}
	if rec := call(h, http.MethodGet, "/assets/nope.js", "", "", nil); rec.Code != http.StatusNotFound {
		t.Errorf("GET /assets/nope.js = %d, want 404", rec.Code)
	}
}
