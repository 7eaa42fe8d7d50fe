package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

const dashboardFile = "../../deployments/grafana/recipe-ai.json"

// Every metric a query of the Grafana dashboard reads is served by the real binaries:
// the api's and the worker's /metrics, scraped after one job ran through both.
func TestDashboardQueriesOnlyExportedMetrics(t *testing.T) {
	queries := dashboardQueries(t)
	// An OpenAI-compatible server that is down: the chain falls back to offline.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error": {"message": "overloaded", "type": "server_error"}}`))
	}))
	t.Cleanup(down.Close)
	env := baseEnv(t, valkeytest.Shared(t), map[string]string{
		"AI_PROVIDERS": "openai,offline", "OPENAI_BASE_URL": down.URL + "/v1", "OPENAI_API_KEY": "sk-test",
	})
	api := start(t, "api", env)
	worker := start(t, "worker", env)
	a := submit(t, api, exampleRequest)
	if st := poll(t, api, a.JobID, 30*time.Second); st.Status != "completed" {
		t.Fatalf("job ended %s, want completed", st.Status)
	}

	exported := map[string]bool{}
	for _, p := range []*process{api, worker} {
		for name, f := range scrape(t, p) {
			for _, series := range seriesNames(name, f) {
				exported[series] = true
			}
		}
	}
	if got := counterValue(scrape(t, worker), "recipe_ai_provider_fallbacks_total", map[string]string{"from": "openai", "to": "offline"}); got != 1 {
		t.Errorf("worker's recipe_ai_provider_fallbacks_total{openai→offline} = %v, want 1", got)
	}
	if got := counterValue(scrape(t, api), "recipe_jobs_total", map[string]string{"event": "enqueued"}); got != 1 {
		t.Errorf("api's recipe_jobs_total{enqueued} = %v, want 1", got)
	}
	for _, q := range queries {
		names := metricNames(q.expr)
		if len(names) == 0 {
			t.Errorf("panel %q: query %q reads no metric", q.panel, q.expr)
		}
		for _, name := range names {
			if !exported[name] {
				t.Errorf("panel %q: query %q reads %s, which neither the api nor the worker serves", q.panel, q.expr, name)
			}
		}
	}
}

type dashboardQuery struct{ panel, expr string }

// dashboardQueries reads every query of the dashboard, and checks that each panel reads
// the dashboard's Prometheus data source variable.
func dashboardQueries(t *testing.T) []dashboardQuery {
	t.Helper()
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			ID         int    `json:"id"`
			Title      string `json:"title"`
			Type       string `json:"type"`
			Datasource *struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	var out []dashboardQuery
	ids := map[int]bool{}
	for _, p := range dash.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d appears twice", p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" || len(p.Targets) == 0 {
			t.Errorf("panel %q: want queries on the ${datasource} variable", p.Title)
		}
		for _, tg := range p.Targets {
			out = append(out, dashboardQuery{panel: p.Title, expr: tg.Expr})
		}
	}
	if len(out) < 10 {
		t.Fatalf("%s has %d queries, want the dashboard's panels", dashboardFile, len(out))
	}
	return out
}

// counterValue reads one counter series of families; -1 when it is absent.
func counterValue(families map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	for _, m := range families[name].GetMetric() {
		match := len(m.GetLabel()) == len(labels)
		for _, l := range m.GetLabel() {
			match = match && labels[l.GetName()] == l.GetValue()
		}
		if match {
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

// scrape reads the families p serves on /metrics.
func scrape(t *testing.T, p *process) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(p.url("/metrics"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("%s /metrics: %v", p.name, err)
	}
	return families
}

// seriesNames are the names a query can read of family f: a histogram's _bucket, _sum
// and _count, a summary's _sum and _count, other families their own name. A family is
// only counted when it has a series.
func seriesNames(name string, f *dto.MetricFamily) []string {
	if len(f.GetMetric()) == 0 {
		return nil
	}
	switch f.GetType() {
	case dto.MetricType_HISTOGRAM:
		return []string{name + "_bucket", name + "_sum", name + "_count"}
	case dto.MetricType_SUMMARY:
		return []string{name, name + "_sum", name + "_count"}
	}
	return []string{name}
}

var (
	quoted      = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	braces      = regexp.MustCompile(`\{[^{}]*\}`)
	brackets    = regexp.MustCompile(`\[[^\[\]]*\]`)
	grouping    = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	offset      = regexp.MustCompile(`\boffset\s+-?[0-9a-z]+`)
	identifier  = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
	notMetric   = []string{"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"}
	numberStart = regexp.MustCompile(`[0-9.]$`)
)

// metricNames returns the metric names a PromQL expression reads: its identifiers once
// strings, label matchers, ranges, grouping clauses and offsets are taken out, less
// functions, aggregations (an identifier before a parenthesis) and keywords.
func metricNames(expr string) []string {
	s := quoted.ReplaceAllString(expr, `""`)
	s = braces.ReplaceAllString(s, "{}")
	s = brackets.ReplaceAllString(s, "[]")
	s = grouping.ReplaceAllString(s, "")
	s = offset.ReplaceAllString(s, "")
	var names []string
	for _, loc := range identifier.FindAllStringIndex(s, -1) {
		name := s[loc[0]:loc[1]]
		rest := strings.TrimLeft(s[loc[1]:], " \t\n")
		switch {
		case strings.HasPrefix(rest, "("), slices.Contains(notMetric, strings.ToLower(name)):
		case loc[0] > 0 && numberStart.MatchString(s[:loc[0]]): // the exponent of 1e3
		default:
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	return names
}

func TestMetricNames(t *testing.T) {
	tests := []struct {
		give string
		want []string
	}{
		{give: `sum by (event) (rate(recipe_jobs_total[$__rate_interval]))`, want: []string{"recipe_jobs_total"}},
		{give: `histogram_quantile(0.95, sum by (le, provider) (rate(x_bucket{a="b_total",c=~"d|e"}[5m])))`, want: []string{"x_bucket"}},
		{give: `a / on(instance) group_left(version) b offset 1h > 1e3`, want: []string{"a", "b"}},
		{give: `max without (pod) (up) or vector(0)`, want: []string{"up"}},
		{give: `sum(rate(recipe_jobs_total{event="completed"}[5m])) / sum(rate(recipe_jobs_total[5m]))`, want: []string{"recipe_jobs_total"}},
	}
	for _, tt := range tests {
		if got := metricNames(tt.give); !slices.Equal(got, tt.want) {
			t.Errorf("metricNames(%q) = %v, want %v", tt.give, got, tt.want)
		}
	}
}
