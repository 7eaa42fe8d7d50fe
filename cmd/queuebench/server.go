package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// ensureServer returns at once when a server answers at addr; else it starts a
// throwaway redis-server (or valkey-server) there and returns a func that stops it.
func ensureServer(addr string) (func(), error) {
	if ping(addr) == nil {
		progressf("using the server at %s", addr)
		return func() {}, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("PEERS_REDIS_ADDR %q: %w", addr, err)
	}
	bin, err := serverBinary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "queuebench-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--port", port, "--bind", host, "--save", "", "--appendonly", "no",
		"--dir", dir, "--daemonize", "no", "--loglevel", "warning")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); _ = os.RemoveAll(dir) }
	for deadline := time.Now().Add(10 * time.Second); ping(addr) != nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("%s on %s did not answer", bin, addr)
		}
	}
	progressf("started %s on %s", bin, addr)
	return stop, nil
}

func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return err
	}
	_ = conn.Close()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 500 * time.Millisecond})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return rdb.Ping(ctx).Err()
}

func serverBinary() (string, error) {
	for _, name := range []string{"valkey-server", "redis-server", "/usr/bin/redis-server"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no valkey-server or redis-server installed (make deps installs one)")
}
