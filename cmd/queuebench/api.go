package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// apiProcess is one running api binary on the benchmark's queue.
type apiProcess struct {
	cmd  *exec.Cmd
	addr string
}

// startAPI runs the api binary at bin on a free local port and waits until /ready
// answers 200: Valkey answers, and the events subscription is being made.
func startAPI(s settings, bin string) (*apiProcess, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	// Only the service's own variables: the process is measured as deployed, without the
	// GOGC or GOMEMLIMIT of whoever runs the benchmark. Its thousands of streams come from
	// one address, so the rate limits are far above them (the limiter still runs).
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		fmt.Sprintf("VALKEY_URL=redis://%s/%d", s.addr, s.db),
		"QUEUE_NAME=" + benchQueue,
		"HTTP_ADDR=" + addr,
		"LOG_LEVEL=warn",
		"RATE_LIMIT_GENERATE=" + httpRate,
		"RATE_LIMIT_STATUS=" + httpRate,
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr // stdout carries only the JSON lines
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start api: %w", err)
	}
	a := &apiProcess{cmd: cmd, addr: addr}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return a, nil
			}
		}
		if time.Now().After(deadline) {
			a.stop()
			return nil, fmt.Errorf("api on %s was not ready within 30s", addr)
		}
	}
}

// memory returns the api's resident set now (VmRSS) and at its peak (VmHWM), in MiB.
func (a *apiProcess) memory() (rss, peak float64, err error) {
	if rss, err = procMemory(a.cmd.Process.Pid, "VmRSS"); err != nil {
		return 0, 0, err
	}
	peak, err = procMemory(a.cmd.Process.Pid, "VmHWM")
	return rss, peak, err
}

// stop sends SIGTERM, which also ends every open stream, and waits for the exit.
func (a *apiProcess) stop() {
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = a.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = a.cmd.Process.Kill()
		<-done
	}
}

func freeAddr() (string, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
