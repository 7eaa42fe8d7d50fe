package chain_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/chain"
	"github.com/naengbu/recipe-ai/application"
)

func TestGenerateSkipsRateLimitedProvider(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, b := newFake(limited(30*time.Second), ok()), newFake(ok())
	c := chain.New(links(a, b), chain.Options{Now: clock})

	steps := []struct {
		at           time.Duration // since the start
		wantProvider string
		wantCalls    []int
	}{
		{at: 0, wantProvider: "b", wantCalls: []int{1, 1}},                // a answers 429, 30s
		{at: 10 * time.Second, wantProvider: "b", wantCalls: []int{1, 2}}, // a skipped
		{at: 29 * time.Second, wantProvider: "b", wantCalls: []int{1, 3}}, // still skipped
		{at: 30 * time.Second, wantProvider: "a", wantCalls: []int{2, 3}}, // a asked again
	}
	start := now
	for _, s := range steps {
		now = start.Add(s.at)
		got, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)))
		if err != nil || got.Provider != s.wantProvider {
			t.Fatalf("at +%v: Generate() = %q, %v; want %q", s.at, got.Provider, err, s.wantProvider)
		}
		if diff := cmp.Diff(s.wantCalls, calls([]*fake{a, b})); diff != "" {
			t.Errorf("at +%v: calls (-want +got):\n%s", s.at, diff)
		}
	}
}

func TestGenerateAllRateLimited(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	a, b := newFake(limited(40*time.Second)), newFake(limited(20*time.Second))
	c := chain.New(links(a, b), chain.Options{Now: func() time.Time { return now }})
	if _, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t))); aitest.Kind(err) != "retry after 20s" {
		t.Fatalf("first Generate() error = %v, want retry after 20s", err)
	}
	now = now.Add(15 * time.Second)
	_, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)))
	if k := aitest.Kind(err); k != "retry after 5s" || !strings.Contains(err.Error(), "skipped: rate limited") {
		t.Errorf("second Generate() error = %v (%s), want both skipped, retry after 5s", err, k)
	}
	if diff := cmp.Diff([]int{1, 1}, calls([]*fake{a, b})); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestGenerateBreaker runs in a synctest bubble, whose fake clock is the one gobreaker
// reads: time.Sleep moves it on at once.
func TestGenerateBreaker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		core, logs := observer.New(zap.InfoLevel)
		reg := prometheus.NewPedanticRegistry()
		a := newFake(temporary(), temporary(), temporary(), temporary(), ok())
		b := newFake(ok())
		c := chain.New(links(a, b), chain.Options{
			Logger: zap.New(core), Registerer: reg, BreakerFailures: 3, BreakerCoolDown: time.Minute,
		})
		state := func() float64 { return gauge(t, reg, "a") }

		steps := []struct {
			sleep        time.Duration
			wantProvider string
			wantACalls   int
			wantState    float64 // of a's breaker after the step
		}{
			{wantProvider: "b", wantACalls: 1, wantState: 0},
			{wantProvider: "b", wantACalls: 2, wantState: 0},
			{wantProvider: "b", wantACalls: 3, wantState: 2},                                   // third failure in a row opens
			{wantProvider: "b", wantACalls: 3, wantState: 2},                                   // skipped while open
			{sleep: 59 * time.Second, wantProvider: "b", wantACalls: 3, wantState: 2},          // still cooling down
			{sleep: 2 * time.Second, wantProvider: "b", wantACalls: 4, wantState: 2},           // half-open probe fails: open again
			{sleep: time.Minute + time.Second, wantProvider: "a", wantACalls: 5, wantState: 0}, // probe succeeds: closed
			{wantProvider: "a", wantACalls: 6, wantState: 0},
		}
		for i, s := range steps {
			time.Sleep(s.sleep)
			got, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)))
			if err != nil || got.Provider != s.wantProvider || a.Calls() != s.wantACalls || state() != s.wantState {
				t.Fatalf("step %d: Generate() = %q, %v; a called %d times, state %v; want %q, %d calls, state %v",
					i, got.Provider, err, a.Calls(), state(), s.wantProvider, s.wantACalls, s.wantState)
			}
		}

		var changes []string
		for _, e := range logs.FilterMessage("circuit breaker state changed").All() {
			f := e.ContextMap()
			changes = append(changes, fmt.Sprintf("%s %s→%s", f["provider"], f["from"], f["to"]))
		}
		want := []string{"a closed→open", "a open→half-open", "a half-open→open", "a open→half-open", "a half-open→closed"}
		if diff := cmp.Diff(want, changes); diff != "" {
			t.Errorf("logged state changes (-want +got):\n%s", diff)
		}
		if n := counter(t, reg, "a", "skipped_circuit_open"); n != 2 {
			t.Errorf("calls_total{a, skipped_circuit_open} = %v, want 2", n)
		}
	})
}

func TestGenerateBreakerSkipCarriesTheCoolDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := chain.New(links(newFake(temporary())), chain.Options{BreakerFailures: 1, BreakerCoolDown: time.Minute})
		_, _ = c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t))) // opens the breaker
		time.Sleep(20 * time.Second)
		_, err := c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)))
		if k := aitest.Kind(err); k != "retry after 40s" || !strings.Contains(err.Error(), "circuit open") {
			t.Errorf("Generate() error = %v (%s), want the open circuit, retry after 40s", err, k)
		}
	})
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	a, b := newFake(permanent(), limited(time.Hour)), newFake(answer(withPeanuts(0, 1, 2)), ok())
	c := chain.New(links(a, b), chain.Options{Registerer: reg})
	for range 3 {
		_, _ = c.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)))
	}
	// 1: a permanent, b invalid. 2: a 429, b success. 3: a skipped, b success.
	want := map[[2]string]float64{
		{"a", "permanent"}: 1, {"a", "rate_limited"}: 1, {"a", "skipped_rate_limited"}: 1,
		{"b", "invalid_answer"}: 1, {"b", "success"}: 2,
	}
	for labels, n := range want {
		if got := counter(t, reg, labels[0], labels[1]); got != n {
			t.Errorf("calls_total%v = %v, want %v", labels, got, n)
		}
	}
	if n, err := testutil.GatherAndCount(reg, "recipe_ai_provider_call_duration_seconds"); err != nil || n != 2 {
		t.Errorf("duration series = %d, %v; want 2 (one per provider)", n, err)
	}
	// A second chain on the same registry shares the collectors instead of panicking.
	chain.New(links(newFake(ok())), chain.Options{Registerer: reg})
}

// counter and gauge read one series of the chain's metrics from reg; 0 when absent.
func counter(t *testing.T, reg *prometheus.Registry, provider, outcome string) float64 {
	t.Helper()
	return value(t, reg, "recipe_ai_provider_calls_total", map[string]string{"provider": provider, "outcome": outcome})
}

func gauge(t *testing.T, reg *prometheus.Registry, provider string) float64 {
	t.Helper()
	return value(t, reg, "recipe_ai_provider_circuit_state", map[string]string{"provider": provider})
}

func value(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather() error = %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			match := len(m.GetLabel()) == len(labels)
			for _, l := range m.GetLabel() {
				match = match && labels[l.GetName()] == l.GetValue()
			}
			if match {
				return m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func TestMetricsErrorKindsAndFallbacks(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	blocked := reply{err: fmt.Errorf("%w: %w: finish reason SAFETY", application.ErrPermanent, application.ErrContentBlocked)}
	a := newFake(blocked, permanent(), limited(time.Hour))
	b := newFake(temporary(), answer(withPeanuts(0, 1, 2)), ok(), ok())
	c := newFake(ok(), ok())
	ch := chain.New([]chain.Link{{Name: "a", Generator: a}, {Name: "b", Generator: b}, {Name: "c", Generator: c}}, chain.Options{Registerer: reg})
	for range 4 {
		_, _ = ch.Generate(context.Background(), aitest.FridgeRequest(t), accept(t, aitest.FridgeRequest(t)))
	}
	// 1: a blocked, b temporary, c success. 2: a permanent, b invalid, c success.
	// 3: a 429, b success. 4: a skipped, b success.
	errs := map[[2]string]float64{
		{"a", "blocked"}: 1, {"a", "permanent"}: 1, {"a", "rate_limited"}: 1, {"a", "skipped"}: 1,
		{"b", "temporary"}: 1, {"b", "invalid_answer"}: 1,
	}
	for l, n := range errs {
		if got := value(t, reg, "recipe_ai_provider_errors_total", map[string]string{"provider": l[0], "kind": l[1]}); got != n {
			t.Errorf("errors_total%v = %v, want %v", l, got, n)
		}
	}
	// Every provider has a series per kind from the start, at zero when it never failed so.
	if n, err := testutil.GatherAndCount(reg, "recipe_ai_provider_errors_total"); err != nil || n != 3*7 {
		t.Errorf("error series = %d, %v; want 21 (3 providers, 7 kinds)", n, err)
	}
	if got := value(t, reg, "recipe_ai_provider_errors_total", map[string]string{"provider": "c", "kind": "timeout"}); got != 0 {
		t.Errorf("errors_total[c timeout] = %v, want 0", got)
	}
	falls := map[[2]string]float64{{"a", "b"}: 4, {"b", "c"}: 2}
	for l, n := range falls {
		if got := value(t, reg, "recipe_ai_provider_fallbacks_total", map[string]string{"from": l[0], "to": l[1]}); got != n {
			t.Errorf("fallbacks_total%v = %v, want %v", l, got, n)
		}
	}
}
