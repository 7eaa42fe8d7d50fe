package valkeytest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// StartSentinel starts a server of the test's own and one Sentinel that monitors it
// under the name master, and returns the Sentinel's address. Both are killed when the
// test ends.
func StartSentinel(t testing.TB, master string) string {
	t.Helper()
	primary := Start(t, false)
	bin, err := Binary()
	if err != nil {
		unavailable(t, err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	host, primaryPort, _ := net.SplitHostPort(primary.Addr)
	body := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor %s %s %s 1\nsentinel down-after-milliseconds %s 2000\n",
		port, dir, master, host, primaryPort, master)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, conf, "--sentinel")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sentinel: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	sentinel := redis.NewSentinelClient(&redis.Options{Addr: addr})
	defer sentinel.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := sentinel.GetMasterAddrByName(context.Background(), master).Result()
		if err == nil && len(got) == 2 && got[0]+":"+got[1] == primary.Addr {
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("sentinel on %s never reported master %s at %s: %v %v", addr, master, primary.Addr, got, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
