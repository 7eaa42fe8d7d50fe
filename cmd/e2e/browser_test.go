package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/httpapi/browsertest"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

// switchableAI speaks OpenAI's chat completions to the worker and answers as it is told
// at the moment: after a delay, refusing the key (401), or holding the call until the
// worker abandons it.
type switchableAI struct {
	srv *httptest.Server

	mu        sync.Mutex
	delay     time.Duration
	reject    bool
	hold      bool
	abandoned chan struct{}
}

func newSwitchableAI(t *testing.T) *switchableAI {
	a := &switchableAI{abandoned: make(chan struct{}, 10)}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *switchableAI) env() map[string]string {
	return map[string]string{"AI_PROVIDERS": "openai", "OPENAI_BASE_URL": a.srv.URL + "/v1", "OPENAI_API_KEY": "sk-test"}
}

func (a *switchableAI) set(f func(a *switchableAI)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f(a)
}

func (a *switchableAI) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	a.mu.Lock()
	delay, reject, hold := a.delay, a.reject, a.hold
	a.mu.Unlock()
	reply := aitest.OpenAICompletion(aitest.ValidAnswer().JSON(), "stop")
	switch {
	case hold:
		<-r.Context().Done()
		a.abandoned <- struct{}{}
		return
	case reject:
		reply = aitest.OpenAIError(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: sk-test.")
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if reply.Status != 0 {
		w.WriteHeader(reply.Status)
	}
	_, _ = io.WriteString(w, reply.Body)
}

// openPage starts a browser on the api's page at path, ready for input.
func openPage(t *testing.T, api *process, path string, screen browsertest.Screen) context.Context {
	t.Helper()
	ctx := browsertest.New(t)
	browsertest.Do(t, ctx, 15*time.Second,
		screen.Emulate(),
		chromedp.Navigate(api.url(path)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
	)
	return ctx
}

// watchProgress records every value the progress bar shows from now on.
const watchProgress = `window.seen = [];
new MutationObserver(() => window.seen.push(Number(document.getElementById("progress-bar").getAttribute("aria-valuenow"))))
  .observe(document.getElementById("progress-bar"), {attributes: true, attributeFilter: ["aria-valuenow"]});
true`

func TestBrowserTryPageFollowsAFridgeToItsCards(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newSwitchableAI(t)
	ai.set(func(a *switchableAI) { a.delay = 1500 * time.Millisecond })
	env := baseEnv(t, srv, ai.env())
	api := start(t, "api", env)
	start(t, "worker", env)

	ctx := openPage(t, api, "/?lang=ko", browsertest.Desktop)
	browsertest.Eval[bool](t, ctx, watchProgress)
	browsertest.Do(t, ctx, 10*time.Second,
		chromedp.SendKeys(chromedp.ID("ingredient-input"), "계란,대파,김치,밥,"),
		chromedp.SendKeys(chromedp.ID("allergy-input"), "땅콩\r"),
		chromedp.SendKeys(chromedp.ID("servings"), "2"),
		chromedp.Click(chromedp.ID("generate")),
	)
	browsertest.WaitFor(t, ctx, 20*time.Second, "the result", `document.getElementById("progress").classList.contains("done")`)

	seen := browsertest.Eval[[]int](t, ctx, `window.seen`)
	moved := false
	for i, v := range seen {
		if v > 0 && v < 100 {
			moved = true
		}
		if i > 0 && v < seen[i-1] && seen[i-1] != 0 {
			t.Errorf("progress went back: %v", seen)
		}
	}
	if !moved || len(seen) == 0 || seen[len(seen)-1] != 100 {
		t.Errorf("progress bar showed %v, want a value between 0 and 100, then 100", seen)
	}
	counts := browsertest.Eval[[]int](t, ctx, `[document.querySelectorAll("#existing .card").length,
		document.querySelectorAll("#additional .card").length, document.querySelectorAll("#additional mark.extra").length]`)
	if counts[0] != 3 || counts[1] != 2 || counts[2] < 2 {
		t.Errorf("cards = %d made from what you have, %d needing more with %d highlighted extras; want 3, 2 and at least 2", counts[0], counts[1], counts[2])
	}
	if got := browsertest.Eval[string](t, ctx, `document.querySelector("#existing .card .time").textContent + " " + document.querySelector("#existing h2, #results h2").textContent`); got != "15분 가진 재료로 만들기" {
		t.Errorf("first card's time and the heading = %q, want them in Korean", got)
	}
	browsertest.Screenshot(t, ctx, "try", browsertest.Desktop)
	browsertest.Screenshot(t, ctx, "try", browsertest.Phone)
}

func TestBrowserCancelsASlowJob(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newSwitchableAI(t)
	ai.set(func(a *switchableAI) { a.hold = true })
	env := baseEnv(t, srv, ai.env())
	api := start(t, "api", env)
	start(t, "worker", env)

	ctx := openPage(t, api, "/?lang=en", browsertest.Phone)
	browsertest.Do(t, ctx, 10*time.Second,
		chromedp.SendKeys(chromedp.ID("ingredient-input"), "eggs\r"),
		chromedp.Click(chromedp.ID("generate")),
	)
	browsertest.WaitFor(t, ctx, 15*time.Second, "the provider being asked",
		`Number(document.getElementById("progress-bar").getAttribute("aria-valuenow")) >= 30`)
	if browsertest.Eval[bool](t, ctx, `document.getElementById("cancel").hidden`) {
		t.Fatal("the cancel button is hidden while the job runs")
	}
	browsertest.Do(t, ctx, 10*time.Second, chromedp.Click(chromedp.ID("cancel")))
	browsertest.WaitFor(t, ctx, 5*time.Second, "the cancelled state", `document.getElementById("progress").classList.contains("stopped")`)
	select {
	case <-ai.abandoned:
	case <-time.After(5 * time.Second):
		t.Error("the worker did not abandon the provider call after the cancel")
	}
	if got := browsertest.Eval[string](t, ctx, `document.getElementById("progress-message").textContent`); got != "Cancelled" {
		t.Errorf("message after cancelling = %q, want Cancelled", got)
	}
	if browsertest.Eval[bool](t, ctx, `document.getElementById("generate").disabled || !document.getElementById("cancel").hidden`) {
		t.Error("after cancelling, the generate button stays disabled or the cancel button shows")
	}
}

func TestBrowserDashboardLogsInShowsCountsAndRetriesADeadJob(t *testing.T) {
	srv := valkeytest.Shared(t)
	ai := newSwitchableAI(t)
	ai.set(func(a *switchableAI) { a.reject = true })
	env := baseEnv(t, srv, ai.env())
	api := start(t, "api", withDefault(map[string]string{"ADMIN_TOKEN": "e2e-admin-token"}, env))
	start(t, "worker", env)

	ctx := openPage(t, api, "/", browsertest.Desktop) // the try-it page is on by default
	browsertest.Do(t, ctx, 15*time.Second,
		chromedp.Navigate(api.url("/admin/")),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "wrong-token"),
		chromedp.Submit(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("login-error")),
	)
	if got := browsertest.Eval[string](t, ctx, `document.getElementById("login-error").textContent`); got != "That token is not the admin token." {
		t.Errorf("after a wrong token the page says %q", got)
	}
	if browsertest.Eval[bool](t, ctx, `document.getElementById("count-failed") !== null`) {
		t.Fatal("a wrong token shows the dashboard")
	}
	browsertest.Screenshot(t, ctx, "login", browsertest.Phone)
	browsertest.Do(t, ctx, 15*time.Second,
		browsertest.Desktop.Emulate(),
		chromedp.SendKeys(chromedp.ID("token"), "e2e-admin-token"),
		chromedp.Submit(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("count-failed")),
	)
	browsertest.WaitFor(t, ctx, 5*time.Second, "the first refresh", `document.getElementById("count-failed").textContent === "0"`)

	a := submit(t, api, `{"userId": "cook-7", "ingredients": ["계란", "대파", "김치", "밥"]}`)
	browsertest.WaitFor(t, ctx, 10*time.Second, "the failed count to change without a reload",
		`document.getElementById("count-failed").textContent === "1"`)
	browsertest.WaitFor(t, ctx, 10*time.Second, "the provider's last error",
		`[...document.querySelectorAll("#providers tr.provider")].some(r => r.textContent.includes("openai") && r.textContent.includes("Incorrect API key"))`)
	browsertest.Do(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(`#tabs button[data-state="failed"]`)))
	browsertest.WaitFor(t, ctx, 5*time.Second, "the dead job in the failed list",
		`[...document.querySelectorAll("#jobs tr.job-row")].some(r => r.textContent.includes("`+a.JobID+`") && r.textContent.includes("cook-7"))`)

	ai.set(func(a *switchableAI) { a.reject = false })
	browsertest.Do(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(`#jobs button.retry`)))
	browsertest.WaitFor(t, ctx, 15*time.Second, "the retried job to complete",
		`document.getElementById("count-failed").textContent === "0" && document.getElementById("count-completed").textContent === "1"`)
	if st := poll(t, api, a.JobID, 10*time.Second); st.Status != "completed" {
		t.Fatalf("retried job = %+v, want completed", st)
	}

	browsertest.Do(t, ctx, 10*time.Second,
		chromedp.Click(chromedp.CSS(`#tabs button[data-state="completed"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#jobs a.job`)),
		chromedp.Click(chromedp.CSS(`#jobs a.job`)),
		chromedp.WaitVisible(chromedp.ID("detail-errors")),
	)
	browsertest.WaitFor(t, ctx, 5*time.Second, "the job's detail",
		`document.getElementById("detail-facts").dataset.status === "completed"`)
	detail := browsertest.Eval[[]string](t, ctx, `[document.getElementById("detail-id").textContent,
		document.getElementById("detail-errors").textContent, document.getElementById("detail-request").textContent,
		String(document.getElementById("detail-result").textContent.includes("계란말이"))]`)
	if detail[0] != a.JobID || !containsAll(detail[1], "1", "Incorrect API key") || !containsAll(detail[2], "cook-7", "김치") || detail[3] != "true" {
		t.Errorf("detail = %q, want the job, its first attempt's error, its request and its result", detail)
	}
	if n := browsertest.Eval[int](t, ctx, `Number(document.getElementById("throughput").textContent.length)`); n == 0 {
		t.Error("the throughput is empty")
	}
	browsertest.Screenshot(t, ctx, "dashboard", browsertest.Desktop)
	browsertest.Screenshot(t, ctx, "dashboard", browsertest.Phone)
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
