package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"
	"github.com/swaggo/swag/gen"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/adapters/httpapi/swagger"
	"github.com/naengbu/recipe-ai/application"
)

// TestGeneratedDocsAreCurrent runs swag (the go.mod version, as a library) into a
// temporary folder and compares its output with the committed docs/: an annotation, a DTO
// or a route changed without `make swag` fails here. With UPDATE_DOCS set it writes the
// output instead: that is what `make swag` runs.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	out := t.TempDir()
	err := gen.New().Build(&gen.Config{
		SearchDir: ".", MainAPIFile: "docs.go", OutputDir: out, OutputTypes: []string{"go", "json"},
		ParseInternal: true, PropNamingStrategy: swag.CamelCase, ParseDepth: 100, ParseGoList: true,
		OverridesFile: gen.DefaultOverridesFile, LeftTemplateDelim: "{{", RightTemplateDelim: "}}",
		PackageName: "docs", CollectionFormat: "csv", Debugger: log.New(io.Discard, "", 0),
	})
	if err != nil {
		t.Fatalf("swag: %v", err)
	}
	for _, name := range []string{"docs.go", "swagger.json"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("docs", name))
		if err != nil {
			t.Fatal(err)
		}
		if os.Getenv("UPDATE_DOCS") != "" {
			if err := os.WriteFile(filepath.Join("docs", name), want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("adapters/httpapi/docs/%s is stale: run `make swag` and commit it", name)
		}
	}
}

// TestDocsCoverEveryRoute checks that each route the api can serve (the recipe, history,
// operations and docs routes, the try-it page and the dashboard) is in the document.
func TestDocsCoverEveryRoute(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("docs", "swagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, route := range allRoutes(t) {
		path := gin2openapi(route.Path)
		ops, ok := doc.Paths[path]
		if _, has := ops[strings.ToLower(route.Method)]; !ok || !has {
			t.Errorf("docs/swagger.json lacks %s %s", route.Method, path)
		}
	}
}

// gin2openapi writes gin's :param and *param as {param}.
func gin2openapi(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// allRoutes are the routes of the api with every optional module on, less the redirect
// from /admin to /admin/ and the pages' files.
func allRoutes(t *testing.T) []gin.RouteInfo {
	t.Helper()
	h := newAdminAPI(t, &memBoard{jobs: newMemJobs()}, time.Now)
	r, ok := h.(*gin.Engine)
	if !ok {
		t.Fatalf("router is a %T, want *gin.Engine", h)
	}
	addHistoryAndDocs(t, r)
	routes := slices.DeleteFunc(r.Routes(), func(ri gin.RouteInfo) bool {
		return ri.Path == "/admin" || strings.Contains(ri.Path, "/assets/")
	})
	if len(routes) < 20 {
		t.Fatalf("router has %d routes, want every route of the contract", len(routes))
	}
	return routes
}

// addHistoryAndDocs adds the history route and the Swagger UI to r, as the api does when
// DATABASE_URL is set.
func addHistoryAndDocs(t *testing.T, r *gin.Engine) {
	t.Helper()
	httpapi.NewHistoryHandler(application.NewHistory(&memHistory{}), nil, zap.NewNop()).Register(r)
	swagger.Register(r)
}
