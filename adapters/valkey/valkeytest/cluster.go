package valkeytest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// StartCluster starts a three-master Valkey Cluster of the test's own (no replicas),
// with the 16384 slots split between the masters, and returns the masters' addresses.
// The servers are killed when the test ends.
func StartCluster(t testing.TB) []string {
	t.Helper()
	const masters, slots = 3, 16384
	addrs := make([]string, masters)
	nodes := make([]*redis.Client, masters)
	for i := range masters {
		s, err := start(false, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")
		if err != nil {
			unavailable(t, err)
		}
		t.Cleanup(s.kill)
		addrs[i] = s.Addr
		nodes[i] = redis.NewClient(&redis.Options{Addr: s.Addr})
		t.Cleanup(func() { _ = nodes[i].Close() })
	}
	ctx := context.Background()
	for i, n := range nodes {
		first, last := i*slots/masters, (i+1)*slots/masters-1
		if err := n.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", first, last).Err(); err != nil {
			t.Fatalf("CLUSTER ADDSLOTSRANGE on %s: %v", addrs[i], err)
		}
	}
	for _, addr := range addrs[1:] {
		host, port, _ := strings.Cut(addr, ":")
		if err := nodes[0].ClusterMeet(ctx, host, port).Err(); err != nil {
			t.Fatalf("CLUSTER MEET %s: %v", addr, err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; i < masters; {
		info, err := nodes[i].ClusterInfo(ctx).Result()
		switch {
		case err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, fmt.Sprintf("cluster_known_nodes:%d", masters)):
			i++
		case time.Now().After(deadline):
			t.Fatalf("cluster on %v never became ok: %v %s", addrs, err, info)
		default:
			time.Sleep(50 * time.Millisecond)
		}
	}
	return addrs
}

// StartClusterReplicas adds one replica to each master of a cluster that StartCluster
// started, and returns the replicas in the masters' order once each master counts its
// replica as in sync. The test may Pause and Resume them; they are killed when it ends.
func StartClusterReplicas(t testing.TB, masters []string) []*Server {
	t.Helper()
	ctx := context.Background()
	replicas := make([]*Server, len(masters))
	for i, addr := range masters {
		master := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { _ = master.Close() })
		id, err := master.Do(ctx, "CLUSTER", "MYID").Text()
		if err != nil {
			t.Fatalf("CLUSTER MYID on %s: %v", addr, err)
		}
		if err := master.ConfigSet(ctx, "repl-diskless-sync-delay", "0").Err(); err != nil {
			t.Fatalf("CONFIG SET on %s: %v", addr, err)
		}
		s, err := start(false, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")
		if err != nil {
			unavailable(t, err)
		}
		t.Cleanup(s.kill)
		replicas[i] = s
		node := redis.NewClient(&redis.Options{Addr: s.Addr})
		host, port, _ := strings.Cut(addr, ":")
		if err := node.ClusterMeet(ctx, host, port).Err(); err != nil {
			t.Fatalf("CLUSTER MEET from %s: %v", s.Addr, err)
		}
		// The new node must learn the master's id before it can replicate it.
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			err = node.Do(ctx, "CLUSTER", "REPLICATE", id).Err()
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("CLUSTER REPLICATE %s on %s: %v", id, s.Addr, err)
			}
		}
		_ = node.Close()
	}
	for _, addr := range masters {
		WaitReplicas(t, &Server{Addr: addr}, 1)
	}
	return replicas
}
