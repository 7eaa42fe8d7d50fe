package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// service is one running binary of the service (cmd/api or cmd/worker) built from this
// tree, as a deployment runs it.
type service struct {
	name string
	cmd  *exec.Cmd
	out  *tail
	addr string // its HTTP address
	exit chan struct{}
}

// buildCommand builds cmd/<name> of this module as `make build` does (static, trimmed)
// into dir and returns its path: the benchmark measures the binary that ships.
func buildCommand(dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-o", path, "github.com/naengbu/recipe-ai/cmd/"+name)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build cmd/%s: %w\n%s", name, err, out)
	}
	return path, nil
}

// commandBinary is the cmd/<name> binary a phase measures: the build named by the
// variable env when it is set (another version, to compare), else this tree's, built into
// a temporary directory that done removes.
func commandBinary(env, name string) (bin string, done func(), err error) {
	if bin := os.Getenv(env); bin != "" {
		return bin, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "queuebench-"+name+"-")
	if err != nil {
		return "", nil, err
	}
	done = func() { _ = os.RemoveAll(dir) }
	progressf("building the %s binary", name)
	if bin, err = buildCommand(dir, name); err != nil {
		done()
		return "", nil, err
	}
	return bin, done, nil
}

// buildBinaries builds cmd/api and cmd/worker into dir.
func buildBinaries(dir string) error {
	for _, name := range []string{"api", "worker"} {
		if _, err := buildCommand(dir, name); err != nil {
			return err
		}
	}
	return nil
}

// errRefused: the binary exited at start, for instance on a setting it does not accept.
var errRefused = errors.New("refused to start")

// startService runs bin with env on a free loopback port and waits until /ready answers.
// A binary that exits first gives errRefused with the last lines it printed.
func startService(bin string, env map[string]string) (*service, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	name := filepath.Base(bin)
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HTTP_ADDR=" + addr, "WORKER_HTTP_ADDR=" + addr}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	s := &service{name: name, cmd: cmd, out: &tail{}, addr: addr, exit: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { _ = cmd.Wait(); close(s.exit) }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case <-s.exit:
			return nil, fmt.Errorf("%s %w: %s", name, errRefused, strings.TrimSpace(s.out.String()))
		default:
		}
		if resp, err := http.Get(s.url("/ready")); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s was not ready within 30s: %s", name, s.out.String())
		}
	}
}

func (s *service) url(path string) string { return "http://" + s.addr + path }

// peakRSS returns the process's VmHWM in MiB.
func (s *service) peakRSS() (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", s.cmd.Process.Pid)
}

// counter reads the value of one sample of a counter from the process's /metrics, as
// Prometheus' text format prints it: sample is the metric's name with its labels, e.g.
// recipe_jobs_total{event="completed"}. A sample that is not there is an error, so that a
// renamed metric cannot pass for a worker that did nothing.
func (s *service) counter(sample string) (float64, error) {
	resp, err := http.Get(s.url("/metrics"))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("%s: no sample %s in /metrics", s.name, sample)
}

// cpuTime returns the CPU time the process has used so far, user and system.
func (s *service) cpuTime() (time.Duration, error) { return processCPU(s.cmd.Process.Pid) }

// processCPU returns the CPU time process pid has used so far, user and system.
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses and may hold spaces:
	// utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
	_, rest, ok := strings.Cut(string(data), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// stop ends the process with SIGTERM, or SIGKILL when it has not stopped after 10 s.
func (s *service) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exit:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exit
	}
}

// completedJob submits body and waits until the job has completed; it returns the job's
// status path.
func completedJob(api *service, body string) (string, error) {
	resp, err := http.Post(api.url("/v1/recipe/generate"), "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	var accepted struct{ StatusURL string }
	err = json.NewDecoder(resp.Body).Decode(&accepted)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusAccepted {
		return "", fmt.Errorf("POST /v1/recipe/generate = %d, %w", resp.StatusCode, err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(api.url(accepted.StatusURL))
		if err != nil {
			return "", err
		}
		var st struct{ Status string }
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			return "", err
		}
		if st.Status == "completed" {
			return accepted.StatusURL, nil
		}
	}
	return "", errors.New("the job did not complete within 30s: is the worker running?")
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tail keeps the last 8 KiB a process printed, for error messages.
type tail struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - 8<<10; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
