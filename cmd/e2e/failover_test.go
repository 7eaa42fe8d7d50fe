package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

// failoverOutcome is what a stream of submissions saw across a Sentinel failover.
type failoverOutcome struct {
	accepted map[int]string // marker → the job id of its 202
	refused  int            // 503s and lost connections, each retried with the same key
	vanished []int          // accepted markers whose job is gone after the failover
	jobs     map[int]int    // job records per marker on the final master
}

// submitAcrossFailover starts a master, a replica and three Sentinels, an api and a
// worker on them, and submits 500 marked requests from 10 clients; after the first 100
// were accepted it asks Sentinel to fail over. Each client retries a 503 (or a lost
// connection) with the same Idempotency-Key, as the contract asks of clients. Then it
// waits for every accepted job that still exists to complete.
func submitAcrossFailover(t *testing.T, waitReplicas string) failoverOutcome {
	t.Helper()
	fo := valkeytest.StartFailover(t, "recipes")
	ai := newFakeOpenAI(t)
	queue := valkeytest.QueueName(t)
	env := withDefault(ai.env(), map[string]string{
		"VALKEY_SENTINEL_ADDRS": strings.Join(fo.Sentinels, ","), "VALKEY_SENTINEL_MASTER": fo.Name,
		"QUEUE_NAME": queue, "ENQUEUE_WAIT_REPLICAS": waitReplicas, "JOB_LEASE": "2s", "WORKER_CONCURRENCY": "20",
	})
	api := start(t, "api", env)
	start(t, "worker", env)

	const total, clients = 500, 10
	ids := make([]string, total)
	var next, accepted, refused atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(40 * time.Second)
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < total; i = int(next.Add(1)) - 1 {
				for time.Now().Before(deadline) {
					if id := post(client, api.url("/v1/recipe/generate"), markedRequest(i), "k-"+strconv.Itoa(i)); id != "" {
						ids[i] = id
						accepted.Add(1)
						break
					}
					refused.Add(1)
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}
	begin := time.Now()
	for accepted.Load() < 100 {
		if time.Since(begin) > time.Minute {
			t.Fatalf("only %d submissions accepted after a minute", accepted.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	failoverAt := time.Since(begin)
	fo.FailOver(t)
	failedOver := time.Since(begin)
	wg.Wait()
	submitted := time.Since(begin)
	out := failoverOutcome{accepted: map[int]string{}, refused: int(refused.Load()), jobs: map[int]int{}}
	for i, id := range ids {
		if id == "" {
			t.Fatalf("marker-%d was never accepted in 40 s", i)
		}
		out.accepted[i] = id
	}
	// The failover is over: one master, which the other replicates. An accepted job it
	// does not hold has vanished; every other one must complete.
	rdb := redis.NewClient(&redis.Options{Addr: fo.Master.Addr})
	defer rdb.Close()
	ctx := context.Background()
	for i := range total {
		n, err := rdb.Exists(ctx, "recipe:{"+queue+"}:job:"+ids[i]).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			out.vanished = append(out.vanished, i)
			continue
		}
		if st := poll(t, api, ids[i], 30*time.Second); st.Status != "completed" {
			t.Errorf("accepted job %s (marker-%d) = %+v, want completed", ids[i], i, st)
		}
	}

	// Count the job records per marker on the final master: a request must never have
	// become two jobs.
	marker := regexp.MustCompile(`marker-(\d+)`)
	iter := rdb.Scan(ctx, 0, "recipe:{"+queue+"}:job:*", 1000).Iterator()
	for iter.Next(ctx) {
		req, err := rdb.HGet(ctx, iter.Val(), "req").Result()
		if err != nil {
			t.Fatal(err)
		}
		if m := marker.FindStringSubmatch(req); m != nil {
			n, _ := strconv.Atoi(m[1])
			out.jobs[n]++
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	reruns := 0
	for i := range total {
		if ai.callCount("marker-"+strconv.Itoa(i)) > 1 {
			reruns++
		}
	}
	t.Logf("ENQUEUE_WAIT_REPLICAS=%s: %d accepted, %d refused and retried, %d accepted jobs vanished, %d generated more than once; "+
		"failover asked at %v, done at %v, all accepted at %v, all ended at %v",
		waitReplicas, len(out.accepted), out.refused, len(out.vanished), reruns,
		failoverAt.Round(time.Millisecond), failedOver.Round(time.Millisecond), submitted.Round(time.Millisecond), time.Since(begin).Round(time.Millisecond))
	return out
}

// post submits body with an Idempotency-Key and returns the job id of a 202, or "" for
// anything else (a 503, a lost connection).
func post(client *http.Client, url, body, key string) string {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return ""
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var a accepted
	if resp.StatusCode != http.StatusAccepted || json.NewDecoder(resp.Body).Decode(&a) != nil {
		return ""
	}
	return a.JobID
}

func TestSentinelFailoverLosesNoAcceptedJobWhenTheAPIWaitsForAReplica(t *testing.T) {
	out := submitAcrossFailover(t, "1")
	if len(out.vanished) > 0 {
		t.Errorf("%d accepted jobs vanished in the failover (markers %v), want none", len(out.vanished), out.vanished)
	}
	for i := range out.accepted {
		if out.jobs[i] != 1 {
			t.Errorf("marker-%d has %d job records, want 1", i, out.jobs[i])
		}
	}
}

// Without waiting for replicas, the writes the old master took in its last moments
// (acknowledged with 202) are lost when it becomes a replica of the new one.
func TestSentinelFailoverWithoutWaitingForReplicasMayLoseAcceptedJobs(t *testing.T) {
	out := submitAcrossFailover(t, "0")
	for i := range out.accepted {
		if out.jobs[i] != 1 && !slices.Contains(out.vanished, i) {
			t.Errorf("marker-%d has %d job records, want 1", i, out.jobs[i])
		}
	}
}
