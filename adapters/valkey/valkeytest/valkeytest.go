// Package valkeytest gives tests a real Valkey (or Redis) server: the one named by
// TEST_VALKEY_URL, or a throwaway valkey-server/redis-server on a free port. Without a
// server binary a test skips, except under CI, where it fails.
package valkeytest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is one Valkey server a test talks to.
type Server struct {
	URL  string // redis://127.0.0.1:PORT/0
	Addr string

	bin  string
	dir  string
	args []string
	cmd  *exec.Cmd
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
)

// Shared returns the server every test of the package may use: TEST_VALKEY_URL when
// set, else one throwaway server started on first use and killed with the test binary.
// Give each test its own queue name (QueueName) so keys never collide.
func Shared(t testing.TB) *Server {
	t.Helper()
	if url := os.Getenv("TEST_VALKEY_URL"); url != "" {
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatalf("TEST_VALKEY_URL: %v", err)
		}
		return &Server{URL: url, Addr: opts.Addr}
	}
	sharedOnce.Do(func() { shared, sharedErr = start(false) })
	if sharedErr != nil {
		unavailable(t, sharedErr)
	}
	return shared
}

// Start starts a server of the test's own, which the test may stop and start again; it
// is killed when the test ends. It never uses TEST_VALKEY_URL, since the test controls
// the process. With persistent, every write is appended to disk before it is
// acknowledged (appendfsync always), so a restart keeps everything acknowledged.
func Start(t testing.TB, persistent bool) *Server {
	t.Helper()
	s, err := start(persistent)
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(s.kill)
	return s
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("no Valkey server for the test (CI is set, so this fails): %v", err)
	}
	t.Skipf("no Valkey server for the test: %v", err)
}

// Binary finds valkey-server or redis-server.
func Binary() (string, error) {
	for _, name := range []string{"valkey-server", "redis-server"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
		if p := "/usr/bin/" + name; fileExists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("neither valkey-server nor redis-server is installed (install Debian's redis-server)")
}

func start(persistent bool, extra ...string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "valkeytest-")
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	aof := []string{"--appendonly", "no"}
	if persistent {
		aof = []string{"--appendonly", "yes", "--appendfsync", "always"}
	}
	s := &Server{
		URL: "redis://" + addr + "/0", Addr: addr, bin: bin, dir: dir,
		args: append([]string{"--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "",
			"--dir", dir, "--daemonize", "no", "--loglevel", "warning"}, append(aof, extra...)...),
	}
	return s, s.Restart()
}

// Stop kills the server, as a crash would.
func (s *Server) Stop() {
	if s.cmd != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart starts a stopped server again on the same port and waits until it answers.
func (s *Server) Restart() error {
	if s.bin == "" {
		return fmt.Errorf("the server at %s is not this test's own", s.Addr)
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with the test binary
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	s.cmd = cmd
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("%s on %s did not answer: %w", s.bin, s.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *Server) kill() {
	s.Stop()
	_ = os.RemoveAll(s.dir)
}

// Client returns a client of the server, closed when the test ends.
func (s *Server) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	opts, err := redis.ParseURL(s.URL)
	if err != nil {
		t.Fatalf("parse %s: %v", s.URL, err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// QueueName returns a queue name no other test uses, so its keys are the test's own.
func QueueName(t testing.TB) string {
	name := strings.NewReplacer("/", "-", " ", "-", "{", "", "}", "").Replace(t.Name())
	return "test-" + name + "-" + strings.ToLower(rand.Text()[:8])
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
