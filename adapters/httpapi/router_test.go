package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/adapters/httpapi/swagger"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

func TestRouterUnknownRoutesAndMethods(t *testing.T) {
	tests := []struct {
		method string
		path   string
		want   errorReply
	}{
		{method: http.MethodGet, path: "/", want: errorReply{Status: 404, Code: "not_found"}},
		{method: http.MethodGet, path: "/v1/recipe/nope", want: errorReply{Status: 404, Code: "not_found"}},
		{method: http.MethodPost, path: "/v1/recipe/generate/extra", want: errorReply{Status: 404, Code: "not_found"}},
		{method: http.MethodGet, path: "/v1/recipe/status/", want: errorReply{Status: 404, Code: "not_found"}},
		{method: http.MethodGet, path: "/v2/recipe/generate", want: errorReply{Status: 404, Code: "not_found"}},
		{method: http.MethodGet, path: "/v1/recipe/generate", want: errorReply{Status: 405, Code: "method_not_allowed"}},
		{method: http.MethodPut, path: "/v1/recipe/generate", want: errorReply{Status: 405, Code: "method_not_allowed"}},
		{method: http.MethodPost, path: "/v1/recipe/status/" + string(knownID), want: errorReply{Status: 405, Code: "method_not_allowed"}},
		{method: http.MethodPost, path: "/health", want: errorReply{Status: 405, Code: "method_not_allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := call(newAPI(newMemJobs()), tt.method, tt.path, "application/json", `{"ingredients": ["계란"]}`, nil)
			if diff := cmp.Diff(tt.want, readError(t, rec)); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tt.method, tt.path, diff)
			}
			if rec.Header().Get("X-Request-ID") == "" {
				t.Errorf("%s %s X-Request-ID = \"\", want one on errors too", tt.method, tt.path)
			}
		})
	}
}

// panickyStore is a StatusStore whose every read panics, as a bug in an adapter would.
type panickyStore struct{}

func (panickyStore) Status(context.Context, domain.JobID) (domain.JobStatus, error) {
	panic("status store bug")
}

func TestRouterRecoversPanics(t *testing.T) {
	h := newAPIWith(newMemJobs(), panickyStore{}, func(context.Context) error { return nil }, prometheus.NewRegistry())
	rec := call(h, http.MethodGet, "/v1/recipe/status/"+string(knownID), "", "", map[string]string{"X-Request-ID": "req-panic"})

	if diff := cmp.Diff(errorReply{Status: 500, Code: "internal"}, readError(t, rec)); diff != "" {
		t.Errorf("GET status with a panicking store (-want +got):\n%s", diff)
	}
	if strings.Contains(rec.Body.String(), "status store bug") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("GET status with a panicking store body = %s, want no panic value or stack", rec.Body)
	}
	if got := rec.Header().Get("X-Request-ID"); got != "req-panic" {
		t.Errorf("GET status with a panicking store X-Request-ID = %q, want %q", got, "req-panic")
	}
}

func TestRouterServesDocs(t *testing.T) {
	q := newMemJobs()
	h := httpapi.NewRouter(httpapi.NewHandler(application.NewGenerations(q, q, nil, nil), application.NewStreams(q, q, 0), zap.NewNop()),
		httpapi.NewOperations(func(context.Context) error { return nil }, prometheus.NewRegistry(), prometheus.NewRegistry()),
		nil, nil, zap.NewNop(), swagger.Register)
	tests := []struct {
		path     string
		wantType string
		wantText string
	}{
		{path: "/docs/index.html", wantType: "text/html", wantText: "swagger"},
		{path: "/docs/doc.json", wantType: "application/json", wantText: `"/v1/recipe/generate"`},
		{path: "/docs/swagger-ui-bundle.js", wantType: "application/javascript", wantText: "SwaggerUIBundle"},
		{path: "/docs/swagger-ui.css", wantType: "text/css", wantText: ".swagger-ui"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := call(h, http.MethodGet, tt.path, "", "", nil)
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.wantType) || !strings.Contains(rec.Body.String(), tt.wantText) {
				t.Errorf("GET %s = %d %q, want 200 %s containing %s", tt.path, rec.Code, rec.Header().Get("Content-Type"), tt.wantType, tt.wantText)
			}
		})
	}
	for _, path := range []string{"/docs", "/docs/"} {
		rec := call(h, http.MethodGet, path, "", "", nil)
		if got := rec.Header().Get("Location"); rec.Code/100 != 3 || !strings.HasSuffix(got, "/docs/index.html") && got != "/docs/" {
			t.Errorf("GET %s = %d to %q, want a redirect towards /docs/index.html", path, rec.Code, got)
		}
	}
	if rec := followRedirects(t, h, "/docs"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "swagger") {
		t.Errorf("GET /docs, following redirects = %d, want the Swagger UI", rec.Code)
	}
	var doc struct{ Paths map[string]any }
	if err := json.Unmarshal(call(h, http.MethodGet, "/docs/doc.json", "", "", nil).Body.Bytes(), &doc); err != nil {
		t.Fatalf("GET /docs/doc.json: %v", err)
	}
	for _, path := range []string{"/v1/recipe/generate", "/v1/recipe/status/{jobId}"} {
		if _, ok := doc.Paths[path]; !ok {
			t.Errorf("GET /docs/doc.json paths = %v, want %s", doc.Paths, path)
		}
	}
}

// followRedirects GETs path and follows up to five redirects.
func followRedirects(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	for range 5 {
		rec := call(h, http.MethodGet, path, "", "", nil)
		if rec.Code/100 != 3 {
			return rec
		}
		path = rec.Header().Get("Location")
	}
	t.Fatalf("GET %s: too many redirects", path)
	return nil
}
