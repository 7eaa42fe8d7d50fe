package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/postgres/pgtest"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds cmd/api and cmd/worker once per test run and returns the path of one.
func binary(t *testing.T, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "e2e-bin-")
		if buildErr != nil {
			return
		}
		for _, cmd := range []string{"api", "worker"} {
			out, err := exec.Command("go", "build", "-race", "-o", filepath.Join(binDir, cmd), "../"+cmd).CombinedOutput()
			if err != nil {
				buildErr = fmt.Errorf("go build %s: %w\n%s", cmd, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, name)
}

// process is one running binary; its output is kept and shown when the test fails.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	addr string // its HTTP address
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the named binary with env on a free HTTP port and waits for /health.
func start(t *testing.T, name string, env map[string]string) *process {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binary(t, name))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LOG_LEVEL=info"}
	// Limits far above what a test sends, unless the test sets its own.
	env = withDefault(env, map[string]string{"HTTP_ADDR": addr, "WORKER_HTTP_ADDR": addr,
		"RATE_LIMIT_GENERATE": "100000/m", "RATE_LIMIT_STATUS": "100000/m"})
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &process{name: name, cmd: cmd, out: &lockedBuffer{}, addr: addr}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.out.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(p.url("/health")); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered /health; output:\n%s", name, p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *process) url(path string) string { return "http://" + p.addr + path }

func (p *process) signal(sig syscall.Signal) {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(sig)
		if sig == syscall.SIGKILL {
			_ = p.cmd.Wait()
		}
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *process) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done: // a non-zero exit is an error too; its code says how it ended
		if p.cmd.ProcessState == nil {
			t.Fatalf("%s: wait: %v", p.name, err)
		}
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(timeout):
		t.Fatalf("%s did not exit within %v", p.name, timeout)
		return -1
	}
}

// env is the configuration every process of one test shares: its own queue, and rate
// limits far above what a test sends unless it sets its own.
func baseEnv(t *testing.T, srv *valkeytest.Server, extra map[string]string) map[string]string {
	return withDefault(extra, map[string]string{
		"VALKEY_URL":          srv.URL,
		"QUEUE_NAME":          valkeytest.QueueName(t),
		"RATE_LIMIT_GENERATE": "100000/m",
		"RATE_LIMIT_STATUS":   "100000/m",
	})
}

func withDefault(env, defaults map[string]string) map[string]string {
	out := make(map[string]string, len(env)+len(defaults))
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range env {
		out[k] = v
	}
	return out
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// call sends a request and decodes a JSON answer into out (when not nil).
func call(t *testing.T, method, url, body string, header map[string]string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, url, data, err)
		}
	}
	return resp
}

// status is the contract's status object.
type status struct {
	JobID     string    `json:"jobId"`
	Status    string    `json:"status"`
	Progress  int       `json:"progress"`
	Message   string    `json:"message"`
	Attempts  int       `json:"attempts"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Result    *result   `json:"result"`
	Error     string    `json:"error"`
}

type result struct {
	Existing    []recipe  `json:"existingIngredientsRecipes"`
	Additional  []recipe  `json:"additionalIngredientsRecipes"`
	UserID      string    `json:"userId"`
	Provider    string    `json:"provider"`
	Model       string    `json:"model"`
	GeneratedAt time.Time `json:"generatedAt"`
}

type recipe struct {
	Name                  string   `json:"name"`
	Description           string   `json:"description"`
	Difficulty            string   `json:"difficulty"`
	CookingTime           int      `json:"cookingTime"`
	Servings              int      `json:"servings"`
	Ingredients           []string `json:"ingredients"`
	AdditionalIngredients []string `json:"additionalIngredients"`
	Instructions          string   `json:"instructions"`
}

type accepted struct {
	JobID     string `json:"jobId"`
	Status    string `json:"status"`
	StatusURL string `json:"statusUrl"`
	EventsURL string `json:"eventsUrl"`
}

type errorJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"details"`
	} `json:"error"`
}

// submit posts a generation and returns the accepted answer.
func submit(t *testing.T, api *process, body string) accepted {
	t.Helper()
	var a accepted
	resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), body, nil, &a)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/recipe/generate = %d, want 202", resp.StatusCode)
	}
	return a
}

// poll reads the job's status until it is terminal or timeout passes.
func poll(t *testing.T, api *process, id string, timeout time.Duration) status {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var st status
	for {
		resp := call(t, http.MethodGet, api.url("/v1/recipe/status/"+id), "", nil, &st)
		if resp.StatusCode == http.StatusOK && (st.Status == "completed" || st.Status == "failed" || st.Status == "cancelled") {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s not finished after %v: %d %+v", id, timeout, resp.StatusCode, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitStarted reads the job's status until its worker has reported that it asks the
// providers (progress 30): from then on a killed worker costs the job an attempt.
func waitStarted(t *testing.T, api *process, id string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var st status
		resp := call(t, http.MethodGet, api.url("/v1/recipe/status/"+id), "", nil, &st)
		if resp.StatusCode == http.StatusOK && st.Status == "processing" && st.Progress >= 30 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s never reported progress: %d %+v", id, resp.StatusCode, st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
