package deployments

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestImagesUnderPodman runs the service as containers: each Dockerfile's final stage,
// on top of scratch instead of distroless (no registry can be reached to pull a base
// image), with the static binaries built as the Dockerfiles build them. Podman (rootful,
// host network) runs them against a Valkey-compatible server on the host; the test
// submits a job, polls it to completion on the offline engine, runs each image's own
// HEALTHCHECK, and stops both with SIGTERM, expecting exit code 0.
func TestImagesUnderPodman(t *testing.T) {
	if testing.Short() {
		t.Skip("builds images and runs containers")
	}
	podman := needTool(t, "podman")
	server := valkeyServer(t)
	stamp := "e2e-" + randomHex(4)

	ctx := t.TempDir()
	if err := copyFile("/etc/ssl/certs/ca-certificates.crt", filepath.Join(ctx, "ca-certificates.crt")); err != nil {
		t.Fatalf("CA bundle for the image: %v (install ca-certificates)", err)
	}
	pm := &podmanCLI{bin: podman, t: t}
	imageOf := make(map[string]string)
	for _, img := range images {
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X "+versionSymbol(t)+"="+stamp,
			"-o", filepath.Join(ctx, img.binary), "./cmd/"+img.binary)
		build.Dir = root
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/%s: %v\n%s", img.binary, err, out)
		}
		file := filepath.Join(ctx, "Containerfile."+img.binary)
		if err := os.WriteFile(file, scratchContainerfile(t, readRoot(t, img.file)), 0o644); err != nil {
			t.Fatal(err)
		}
		tag := "localhost/recipe-ai-" + img.binary + ":" + stamp
		// The docker format keeps HEALTHCHECK, which the OCI image format has no field for.
		if out, err := pm.run("build", "--format", "docker", "--network", "host", "--build-arg", "VERSION="+stamp,
			"-f", file, "-t", tag, ctx); err != nil {
			unavailable(t, fmt.Errorf("podman build %s: %v\n%s", img.file, err, out))
		}
		t.Cleanup(func() { _, _ = pm.run("rmi", "-f", tag) })
		imageOf[img.binary] = tag
	}
	pm.pickRuntime(imageOf["api"], "api "+stamp)

	apiAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	workerAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	env := []string{"VALKEY_URL=" + server, "QUEUE_NAME=podman-" + stamp, "AI_PROVIDERS=offline", "SHUTDOWN_TIMEOUT=5s",
		"HTTP_ADDR=" + apiAddr, "WORKER_HTTP_ADDR=" + workerAddr}
	api := pm.start("recipe-api-"+stamp, imageOf["api"], env)
	worker := pm.start("recipe-worker-"+stamp, imageOf["worker"], env)
	for _, name := range []string{api, worker} {
		pm.waitHealthy(name, 30*time.Second)
	}

	var health struct{ Status, Version string }
	getJSON(t, "http://"+apiAddr+"/health", &health)
	if health.Status != "ok" || health.Version != stamp {
		t.Errorf("GET /health of the api container = %+v, want status ok, version %s", health, stamp)
	}
	getJSON(t, "http://"+workerAddr+"/health", &health)
	if health.Version != stamp {
		t.Errorf("GET /health of the worker container = %+v, want version %s", health, stamp)
	}

	job := submit(t, "http://"+apiAddr)
	status := waitTerminal(t, "http://"+apiAddr+job.StatusURL, 30*time.Second)
	if status.Status != "completed" || status.Result.Provider != "offline" || len(status.Result.Existing) == 0 {
		t.Fatalf("job %s through the containers ended %+v, want completed by offline with recipes", job.JobID, status)
	}

	for _, name := range []string{worker, api} {
		if out, err := pm.run("stop", "--time", "20", name); err != nil {
			t.Fatalf("podman stop %s: %v\n%s", name, err, out)
		}
		code, _ := pm.run("inspect", "--format", "{{.State.ExitCode}}", name)
		if strings.TrimSpace(code) != "0" {
			t.Errorf("%s after SIGTERM exited with code %q, want 0", name, code)
		}
	}
}

// scratchContainerfile keeps the final stage of a Dockerfile (USER, EXPOSE, HEALTHCHECK,
// ENTRYPOINT as written) and swaps what a registry would bring: FROM scratch plus the
// host's CA bundle instead of distroless, and the binary from the build context instead
// of the build stage.
func scratchContainerfile(t testing.TB, dockerfile []byte) []byte {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	var from int
	for _, n := range res.AST.Children {
		if strings.EqualFold(n.Value, "from") {
			from = n.StartLine
		}
	}
	lines := strings.Split(string(dockerfile), "\n")[from-1:]
	lines[0] = "FROM scratch\nCOPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt"
	fromStage := regexp.MustCompile(`^COPY --from=\S+ \S*/(\S+) (\S+)$`)
	copied := false
	for i, l := range lines {
		if m := fromStage.FindStringSubmatch(l); m != nil {
			lines[i], copied = "COPY "+m[1]+" "+m[2], true
		}
	}
	if !copied {
		t.Fatal("the final stage copies no binary from the build stage")
	}
	return []byte(strings.Join(lines, "\n"))
}

// podmanCLI runs podman with the OCI runtime that works on this host.
type podmanCLI struct {
	bin     string
	runtime []string // global flags choosing the runtime, none for podman's default
	t       *testing.T
}

// limits keeps the container's rlimits within what an unprivileged sandbox lets root set;
// podman's own defaults (a million open files) are refused there.
var limits = []string{"--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"}

func (p *podmanCLI) run(args ...string) (string, error) {
	out, err := exec.Command(p.bin, append(append([]string{}, p.runtime...), args...)...).CombinedOutput()
	return string(out), err
}

// pickRuntime runs image with --version under podman's default runtime, then runc, and
// keeps the first whose output starts with want. Without one the test cannot go on.
func (p *podmanCLI) pickRuntime(image, want string) {
	p.t.Helper()
	var tried []error
	for _, rt := range [][]string{nil, {"--runtime", "runc"}} {
		p.runtime = rt
		out, err := p.run(append(append([]string{"run", "--rm", "--network", "host"}, limits...), image, "--version")...)
		if err == nil && strings.Contains(out, want) {
			p.t.Logf("podman runs the containers with runtime flags %q (after %d failed)", rt, len(tried))
			return
		}
		tried = append(tried, fmt.Errorf("podman %v run %s --version: %v: %s", rt, image, err, strings.TrimSpace(out)))
	}
	unavailable(p.t, fmt.Errorf("podman cannot run a container here:\n%w", errors.Join(tried...)))
}

// start runs image detached on the host network with a read-only root filesystem, as
// the Helm chart does, and removes the container when the test ends.
func (p *podmanCLI) start(name, image string, env []string) string {
	p.t.Helper()
	args := append([]string{"run", "-d", "--name", name, "--network", "host", "--read-only"}, limits...)
	for _, e := range env {
		args = append(args, "--env", e)
	}
	if out, err := p.run(append(args, image)...); err != nil {
		p.t.Fatalf("podman run %s: %v\n%s", image, err, out)
	}
	p.t.Cleanup(func() {
		if p.t.Failed() {
			logs, _ := p.run("logs", name)
			p.t.Logf("logs of %s:\n%s", name, logs)
		}
		_, _ = p.run("rm", "-f", name)
	})
	return name
}

// waitHealthy runs the image's own HEALTHCHECK in the container until it passes.
func (p *podmanCLI) waitHealthy(name string, within time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for {
		out, err := p.run("healthcheck", "run", name)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("podman healthcheck run %s: still failing after %s: %v\n%s", name, within, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// valkeyServer starts a throwaway valkey-server or redis-server on a free loopback port
// and returns its URL; it dies with the test.
func valkeyServer(t *testing.T) string {
	t.Helper()
	bin := ""
	for _, name := range []string{"valkey-server", "redis-server"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		bin = needTool(t, "redis-server")
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", t.TempDir(), "--daemonize", "no", "--loglevel", "warning")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for !pong(addr) {
		if time.Now().After(deadline) {
			t.Fatalf("%s on %s never answered PING", bin, addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "redis://" + addr + "/0"
}

func pong(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.HasPrefix(line, "+PONG")
}

type accepted struct {
	JobID     string `json:"jobId"`
	StatusURL string `json:"statusUrl"`
}

type jobStatus struct {
	Status string `json:"status"`
	Result struct {
		Provider string            `json:"provider"`
		Existing []json.RawMessage `json:"existingIngredientsRecipes"`
	} `json:"result"`
}

// submit posts the contract's example request and returns the 202 answer.
func submit(t *testing.T, base string) accepted {
	t.Helper()
	body := `{"userId":"user-42","ingredients":["계란","대파","김치","밥"],"preferences":{"cuisine":"korean","allergies":["땅콩"],"maxCookingTime":30,"servings":2}}`
	resp, err := http.Post(base+"/v1/recipe/generate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a accepted
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != http.StatusAccepted || a.StatusURL == "" {
		t.Fatalf("POST /v1/recipe/generate = %d %+v (%v), want 202 with a statusUrl", resp.StatusCode, a, err)
	}
	return a
}

// waitTerminal polls url until the job is completed, failed or cancelled.
func waitTerminal(t *testing.T, url string, within time.Duration) jobStatus {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var s jobStatus
		getJSON(t, url, &s)
		switch s.Status {
		case "completed", "failed", "cancelled":
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: still %q after %s", url, s.Status, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
