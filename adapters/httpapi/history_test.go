package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// historyCall is one ListByUser call a memHistory was given.
type historyCall struct {
	UserID string
	Limit  int
	Cursor string
}

// memHistory is a HistoryReader over entries kept newest first. Its cursor is the index
// of the next entry; a cursor that is not a number is invalid input. err, when set, fails
// every call.
type memHistory struct {
	entries []domain.HistoryEntry
	err     error
	calls   []historyCall
}

func (m *memHistory) ListByUser(_ context.Context, _, userID string, limit int, cursor string) (application.HistoryPage, error) {
	m.calls = append(m.calls, historyCall{userID, limit, cursor})
	if m.err != nil {
		return application.HistoryPage{}, m.err
	}
	from := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil {
			return application.HistoryPage{}, fmt.Errorf("cursor %q: %w", cursor, domain.ErrInvalidInput)
		}
		from = n
	}
	var mine []domain.HistoryEntry
	for _, e := range m.entries {
		if e.Request.UserID == userID {
			mine = append(mine, e)
		}
	}
	page := application.HistoryPage{Entries: mine[min(from, len(mine)):min(from+limit, len(mine))]}
	if from+limit < len(mine) {
		page.Next = strconv.Itoa(from + limit)
	}
	return page, nil
}

func (m *memHistory) Get(context.Context, domain.JobID) (domain.HistoryEntry, error) {
	return domain.HistoryEntry{}, domain.ErrNotFound
}

// newHistoryAPI is the api's router with the history route on reader. The recipe routes'
// use case is absent: these tests never reach it.
func newHistoryAPI(reader application.HistoryReader) http.Handler {
	log := zap.NewNop()
	ops := httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry())
	history := httpapi.NewHistoryHandler(application.NewHistory(reader), nil, log)
	return httpapi.NewRouter(httpapi.NewHandler(nil, nil, log), ops, nil, nil, log, history.Register)
}

func historyEntry(t *testing.T, id domain.JobID, userID string, completed time.Time) domain.HistoryEntry {
	t.Helper()
	req, err := domain.NewGenerationRequest(userID, []string{"계란", "대파"}, domain.Preferences{Allergies: []string{"땅콩"}, Servings: 2})
	if err != nil {
		t.Fatalf("NewGenerationRequest error = %v", err)
	}
	job := domain.NewJob(id, req, "", completed.Add(-20*time.Second))
	return domain.NewHistoryEntry(job, *completedResult(), completed)
}

func getHistory(h http.Handler, target string) *httptest.ResponseRecorder {
	return call(h, http.MethodGet, target, "", "", nil)
}

func TestListHistoryItemShape(t *testing.T) {
	reader := &memHistory{entries: []domain.HistoryEntry{
		historyEntry(t, "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A", "user-42", testNow),
	}}

	rec := getHistory(newHistoryAPI(reader), "/v1/users/user-42/recipes")

	if rec.Code != http.StatusOK {
		t.Fatalf("GET history = %d %s, want 200", rec.Code, rec.Body)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("history body %s: %v", rec.Body, err)
	}
	if _, ok := body["nextCursor"]; ok {
		t.Errorf("history body = %s, want no nextCursor on the last page", rec.Body)
	}
	items, _ := body["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("history body = %s, want 1 item", rec.Body)
	}
	item := items[0].(map[string]any)
	result, _ := item["result"].(map[string]any)
	delete(item, "result")
	want := map[string]any{
		"jobId":       "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A",
		"createdAt":   "2025-03-01T09:29:40Z",
		"completedAt": "2025-03-01T09:30:00Z",
		"ingredients": []any{"계란", "대파"},
		"preferences": map[string]any{"allergies": []any{"땅콩"}, "servings": 2.0, "language": "ko"},
	}
	if diff := cmp.Diff(want, item); diff != "" {
		t.Errorf("history item without result (-want +got):\n%s", diff)
	}
	for _, key := range []string{"existingIngredientsRecipes", "additionalIngredientsRecipes", "provider", "model", "generatedAt"} {
		if _, ok := result[key]; !ok {
			t.Errorf("history item result = %v, want the contract's %q", result, key)
		}
	}
}

func TestListHistoryPages(t *testing.T) {
	var entries []domain.HistoryEntry
	for i := range 5 {
		entries = append(entries, historyEntry(t, domain.NewJobID(), "user-42", testNow.Add(-time.Duration(i)*time.Minute)))
	}
	reader := &memHistory{entries: entries}
	h := newHistoryAPI(reader)

	var got []string
	target := "/v1/users/user-42/recipes?limit=2"
	for pages := 1; ; pages++ {
		rec := getHistory(h, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s, want 200", target, rec.Code, rec.Body)
		}
		var body struct {
			Items      []struct{ JobID string }
			NextCursor *string
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("history body %s: %v", rec.Body, err)
		}
		for _, it := range body.Items {
			got = append(got, it.JobID)
		}
		if body.NextCursor == nil {
			if pages != 3 {
				t.Errorf("pages of 2 over 5 entries = %d, want 3", pages)
			}
			break
		}
		if pages > 5 {
			t.Fatal("the pages never end")
		}
		target = "/v1/users/user-42/recipes?limit=2&cursor=" + *body.NextCursor
	}
	var want []string
	for _, e := range entries {
		want = append(want, string(e.JobID))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("job ids over all pages (-want +got):\n%s", diff)
	}
	wantCalls := []historyCall{{"user-42", 2, ""}, {"user-42", 2, "2"}, {"user-42", 2, "4"}}
	if diff := cmp.Diff(wantCalls, reader.calls); diff != "" {
		t.Errorf("reader calls (-want +got):\n%s", diff)
	}
}

func TestListHistoryPassesTheQuery(t *testing.T) {
	tests := []struct {
		give string
		want historyCall
	}{
		{give: "/v1/users/user-42/recipes", want: historyCall{"user-42", application.DefaultHistoryLimit, ""}},
		{give: "/v1/users/user-42/recipes?limit=1", want: historyCall{"user-42", 1, ""}},
		{give: "/v1/users/user-42/recipes?limit=100&cursor=7", want: historyCall{"user-42", 100, "7"}},
		{give: "/v1/users/%EC%82%AC%EC%9A%A9%EC%9E%90/recipes", want: historyCall{"사용자", application.DefaultHistoryLimit, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			reader := &memHistory{}
			rec := getHistory(newHistoryAPI(reader), tt.give)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d %s, want 200", tt.give, rec.Code, rec.Body)
			}
			if diff := cmp.Diff([]historyCall{tt.want}, reader.calls); diff != "" {
				t.Errorf("GET %s reader calls (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestListHistoryWithoutHistoryIsEmpty(t *testing.T) {
	reader := &memHistory{entries: []domain.HistoryEntry{historyEntry(t, domain.NewJobID(), "someone-else", testNow)}}

	rec := getHistory(newHistoryAPI(reader), "/v1/users/user-42/recipes")

	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"items":[]}` {
		t.Errorf("GET history of a user without any = %d %s, want 200 {\"items\":[]}", rec.Code, rec.Body)
	}
}

func TestListHistoryErrors(t *testing.T) {
	long := strings.Repeat("a", domain.MaxUserIDLength+1)
	tests := []struct {
		name      string
		readerErr error
		give      string
		want      errorReply
	}{
		{name: "limit 0", give: "/v1/users/u/recipes?limit=0", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"limit"}}},
		{name: "limit 101", give: "/v1/users/u/recipes?limit=101", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"limit"}}},
		{name: "negative limit", give: "/v1/users/u/recipes?limit=-3", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"limit"}}},
		{name: "limit not a number", give: "/v1/users/u/recipes?limit=ten", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"limit"}}},
		{name: "empty limit", give: "/v1/users/u/recipes?limit=", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"limit"}}},
		{name: "limit too large for an int", give: "/v1/users/u/recipes?limit=99999999999999999999", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"limit"}}},
		{name: "user id too long", give: "/v1/users/" + long + "/recipes", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"userId"}}},
		{name: "malformed cursor", give: "/v1/users/u/recipes?cursor=not-a-cursor", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"cursor"}}},
		{name: "store unreachable", readerErr: fmt.Errorf("list: %w", application.ErrUnavailable), give: "/v1/users/u/recipes",
			want: errorReply{Status: 503, Code: "unavailable", RetryAfter: "5"}},
		{name: "store fails", readerErr: fmt.Errorf("scan row"), give: "/v1/users/u/recipes", want: errorReply{Status: 500, Code: "internal"}},
		{name: "empty user id", give: "/v1/users//recipes", want: errorReply{Status: 400, Code: "invalid_request", Fields: []string{"userId"}}},
		{name: "wrong method", give: "/v1/users/u/recipes", want: errorReply{Status: 405, Code: "method_not_allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.want.Code == "method_not_allowed" {
				method = http.MethodPost
			}
			rec := call(newHistoryAPI(&memHistory{err: tt.readerErr}), method, tt.give, "", "", nil)
			if diff := cmp.Diff(tt.want, readError(t, rec)); diff != "" {
				t.Errorf("%s %s error (-want +got):\n%s", method, tt.give, diff)
			}
		})
	}
}

func TestHistoryRouteAbsentWithoutHistory(t *testing.T) {
	rec := getHistory(newAPI(newMemJobs()), "/v1/users/user-42/recipes")

	if diff := cmp.Diff(errorReply{Status: 404, Code: "not_found"}, readError(t, rec)); diff != "" {
		t.Errorf("GET history without history kept (-want +got):\n%s", diff)
	}
}

func TestHistoryModuleAddsTheRoute(t *testing.T) {
	reader := &memHistory{entries: []domain.HistoryEntry{historyEntry(t, domain.NewJobID(), "user-42", testNow)}}
	var routes []httpapi.Routes
	app := fx.New(fx.NopLogger,
		fx.Supply(application.NewHistory(reader), zap.NewNop(), (*httpapi.Limits)(nil)),
		httpapi.HistoryModule,
		fx.Invoke(fx.Annotate(func(rs []httpapi.Routes) { routes = rs }, fx.ParamTags(`group:"routes"`))),
	)
	if err := app.Err(); err != nil {
		t.Fatalf("fx.New(HistoryModule) error = %v", err)
	}
	if len(routes) != 1 {
		t.Fatalf("HistoryModule added %d Routes to the group, want 1", len(routes))
	}
	r := gin.New()
	routes[0](r)

	rec := getHistory(r, "/v1/users/user-42/recipes")

	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"jobId"`) {
		t.Errorf("GET history through the module's route = %d %s, want 200 with an item", rec.Code, rec.Body)
	}
}
