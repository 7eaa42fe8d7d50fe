package valkeytest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// StartReplica starts a server of the test's own that replicates primary, and waits
// until it holds primary's data and primary counts it as connected. The test may Stop
// and Restart it (a restarted replica syncs again: see WaitReplicas). It is killed when
// the test ends.
func StartReplica(t testing.TB, primary *Server) *Server {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: primary.Addr})
	defer rdb.Close()
	// Sync at once rather than after the default 5 s spent waiting for more replicas.
	if err := rdb.ConfigSet(context.Background(), "repl-diskless-sync-delay", "0").Err(); err != nil {
		t.Fatalf("CONFIG SET on %s: %v", primary.Addr, err)
	}
	host, port, _ := net.SplitHostPort(primary.Addr)
	s, err := start(false, "--replicaof", host, port, "--repl-diskless-sync-delay", "0")
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(s.kill)
	WaitReplicas(t, primary, 1)
	return s
}

// WaitReplicas waits until primary has at least n replicas connected and in sync: they
// acknowledged a write made after they connected. (A replica that has just loaded the
// master's snapshot is listed online before the master streams it anything.)
func WaitReplicas(t testing.TB, primary *Server, n int) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: primary.Addr})
	defer rdb.Close()
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for {
		info, err := rdb.Info(ctx, "replication").Result()
		if err == nil && onlineReplicas(info) >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never had %d replicas in sync: %v\n%s", primary.Addr, n, err, info)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// WAIT counts the acknowledgements of this connection's writes; PUBLISH is one that
	// leaves no key behind.
	conn := rdb.Conn()
	defer conn.Close()
	if err := conn.Publish(ctx, "valkeytest:sync", "").Err(); err != nil {
		t.Fatalf("PUBLISH on %s: %v", primary.Addr, err)
	}
	if acked, err := conn.Wait(ctx, n, time.Until(deadline)).Result(); err != nil || acked < int64(n) {
		t.Fatalf("%s: %d of %d replicas acknowledged a write: %v", primary.Addr, acked, n, err)
	}
}

// onlineReplicas counts the "slaveN:…,state=online,…" lines of INFO replication.
func onlineReplicas(info string) int {
	n := 0
	for _, line := range strings.Split(info, "\n") {
		if strings.HasPrefix(line, "slave") && strings.Contains(line, "state=online") {
			n++
		}
	}
	return n
}

// Failover is a master with one replica, watched by three Sentinels under one name.
type Failover struct {
	Name      string
	Master    *Server
	Replica   *Server
	Sentinels []string // the Sentinels' addresses
}

// StartFailover starts a master, its replica and three Sentinels that monitor the
// master under name, and waits until every Sentinel knows the replica, so that a
// failover can promote it. Everything is killed when the test ends.
func StartFailover(t testing.TB, name string) *Failover {
	t.Helper()
	f := &Failover{Name: name, Master: Start(t, false)}
	f.Replica = StartReplica(t, f.Master)
	bin, err := Binary()
	if err != nil {
		unavailable(t, err)
	}
	host, masterPort, _ := net.SplitHostPort(f.Master.Addr)
	for range 3 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		conf := filepath.Join(dir, "sentinel.conf")
		body := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor %s %s %s 2\n"+
			"sentinel down-after-milliseconds %s 2000\nsentinel failover-timeout %s 10000\n",
			port, dir, name, host, masterPort, name, name)
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, conf, "--sentinel")
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start sentinel: %v", err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		f.Sentinels = append(f.Sentinels, fmt.Sprintf("127.0.0.1:%d", port))
	}
	for _, addr := range f.Sentinels {
		f.waitSentinel(t, addr, func(s *redis.SentinelClient) error {
			replicas, err := s.Replicas(context.Background(), name).Result()
			if err != nil {
				return err
			}
			for _, r := range replicas {
				if r["ip"]+":"+r["port"] == f.Replica.Addr && r["flags"] == "slave" && r["master-link-status"] == "ok" {
					return nil
				}
			}
			return fmt.Errorf("replica %s not known in sync yet: %v", f.Replica.Addr, replicas)
		})
	}
	return f
}

// FailOver asks one Sentinel for a failover (SENTINEL FAILOVER, as an operator would
// before maintenance) and waits until every Sentinel names the former replica as master
// and the former master replicates it. Master and Replica swap roles.
func (f *Failover) FailOver(t testing.TB) {
	t.Helper()
	s := redis.NewSentinelClient(&redis.Options{Addr: f.Sentinels[0]})
	defer s.Close()
	if err := s.Failover(context.Background(), f.Name).Err(); err != nil {
		t.Fatalf("SENTINEL FAILOVER %s: %v", f.Name, err)
	}
	for _, addr := range f.Sentinels {
		f.waitSentinel(t, addr, func(s *redis.SentinelClient) error {
			got, err := s.GetMasterAddrByName(context.Background(), f.Name).Result()
			if err != nil {
				return err
			}
			if len(got) != 2 || got[0]+":"+got[1] != f.Replica.Addr {
				return fmt.Errorf("master is %v", got)
			}
			return nil
		})
	}
	f.Master, f.Replica = f.Replica, f.Master
	// The former master takes writes until Sentinel turns it into a replica of the new
	// one, which drops what it took meanwhile: the failover ends there.
	WaitReplicas(t, f.Master, 1)
}

// waitSentinel polls the Sentinel at addr until check passes, for 30 s at most.
func (f *Failover) waitSentinel(t testing.TB, addr string, check func(*redis.SentinelClient) error) {
	t.Helper()
	s := redis.NewSentinelClient(&redis.Options{Addr: addr})
	defer s.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := check(s)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sentinel %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Pause stops the server's process without ending it (SIGSTOP), as a stalled machine
// would: connections stay open and nothing answers until Resume.
func (s *Server) Pause() {
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(syscall.SIGSTOP)
	}
}

// Resume lets a paused server go on (SIGCONT).
func (s *Server) Resume() {
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(syscall.SIGCONT)
	}
}
