package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// workerProcess is this program started again in the worker role.
type workerProcess struct {
	cmd *exec.Cmd
	out *bufio.Reader
}

func startWorker(s settings, recordLatency bool) (*workerProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(),
		workerRoleEnv+"=1",
		fmt.Sprintf("VALKEY_URL=redis://%s/%d", s.addr, s.db),
		"QUEUE_NAME="+benchQueue,
		fmt.Sprintf("WORKER_CONCURRENCY=%d", s.conc),
		"LOG_LEVEL=warn",
		fmt.Sprintf("%s=%t", recordLatencyEnv, recordLatency),
	)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := &workerProcess{cmd: cmd, out: bufio.NewReader(stdout)}
	line, err := w.out.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("worker did not start: %q %w", line, err)
	}
	return w, nil
}

// peakRSS returns the worker's VmHWM in MiB.
func (w *workerProcess) peakRSS() (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", w.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", w.cmd.Process.Pid)
}

// stop sends SIGTERM and returns the latencies (µs) the worker recorded, if any.
func (w *workerProcess) stop() ([]float64, error) {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(w.out)
	if err := w.cmd.Wait(); err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	var lat []float64
	if s := strings.TrimSpace(string(rest)); s != "" {
		if err := json.Unmarshal([]byte(s), &lat); err != nil {
			return nil, fmt.Errorf("worker latencies: %w", err)
		}
	}
	return lat, nil
}

// waitDrained polls until no job is pending, moving or leased: every completion has
// been acknowledged by Valkey.
func waitDrained(ctx context.Context, rdb *redis.Client, timeout time.Duration) error {
	k := "recipe:{" + benchQueue + "}:"
	deadline := time.Now().Add(timeout)
	for {
		pipe := rdb.Pipeline()
		pending := pipe.LLen(ctx, k+"pending")
		inflight := pipe.LLen(ctx, k+"inflight")
		leased := pipe.ZCard(ctx, k+"leases")
		delayed := pipe.ZCard(ctx, k+"delayed")
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
		if pending.Val()+inflight.Val()+leased.Val()+delayed.Val() == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not drained after %v: %d pending, %d leased", timeout, pending.Val(), leased.Val())
		}
		time.Sleep(500 * time.Microsecond)
	}
}

func measureDrain(ctx context.Context, rdb *redis.Client, s settings) (rate, rss float64, err error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return 0, 0, err
	}
	p, err := newProducer(s)
	if err != nil {
		return 0, 0, err
	}
	defer p.rdb.Close()
	if _, err := p.submitAll(ctx, s.n, s.conc); err != nil {
		return 0, 0, err
	}
	w, err := startWorker(s, false)
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := waitDrained(ctx, rdb, 5*time.Minute); err != nil {
		_, _ = w.stop()
		return 0, 0, err
	}
	took := time.Since(start)
	rss, rssErr := w.peakRSS()
	if _, err := w.stop(); err != nil {
		return 0, 0, err
	}
	completed := countCompleted(ctx, rdb)
	if completed != s.n {
		return 0, 0, fmt.Errorf("%d jobs completed, want %d", completed, s.n)
	}
	return float64(s.n) / took.Seconds(), rss, rssErr
}

// countCompleted counts the queue's completed job records.
func countCompleted(ctx context.Context, rdb *redis.Client) int {
	n := 0
	iter := rdb.Scan(ctx, 0, "recipe:{"+benchQueue+"}:job:*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	for chunk := range slices.Chunk(keys, 1000) {
		pipe := rdb.Pipeline()
		cmds := make([]*redis.StringCmd, len(chunk))
		for i, k := range chunk {
			cmds[i] = pipe.HGet(ctx, k, "state")
		}
		_, _ = pipe.Exec(ctx)
		for _, c := range cmds {
			if c.Val() == "completed" {
				n++
			}
		}
	}
	return n
}
