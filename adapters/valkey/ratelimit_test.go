package valkey_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// newLimiter is a rate limiter on srv for the queue named in env (or a fresh one), with
// a client of its own, as one api replica has; both are closed when the test ends.
func newLimiter(t *testing.T, srv *valkeytest.Server, env map[string]string) *valkey.RateLimiter {
	t.Helper()
	vars := map[string]string{"VALKEY_URL": srv.URL, "QUEUE_NAME": valkeytest.QueueName(t)}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("config.Load(%v) error = %v", vars, err)
	}
	rdb, err := valkey.NewClient(cfg, 0)
	if err != nil {
		t.Fatalf("NewClient error = %v", err)
	}
	l := valkey.NewRateLimiter(rdb, cfg)
	t.Cleanup(func() { l.Close(); _ = rdb.Close() })
	return l
}

// decision is what a test compares of a RateDecision: whether the request fitted and
// what was left.
type decision struct {
	Allowed   bool
	Remaining int
}

// allowOne spends one request, as a replica's lease of one does.
func allowOne(ctx context.Context, l *valkey.RateLimiter, b application.Budget, client string) (application.RateDecision, error) {
	got, err := l.Take(ctx, b, client, 1)
	return application.RateDecision{Allowed: got.Granted > 0, Remaining: got.Remaining,
		RetryAfter: got.RetryAfter, ResetAfter: got.ResetAfter}, err
}

func allow(t *testing.T, l *valkey.RateLimiter, b application.Budget, client string) application.RateDecision {
	t.Helper()
	d, err := allowOne(context.Background(), l, b, client)
	if err != nil {
		t.Fatalf("Allow(%s, %s) error = %v", b.Name, client, err)
	}
	return d
}

func TestRateLimiterCountsEachClientAndBudget(t *testing.T) {
	l := newLimiter(t, valkeytest.Shared(t), nil)
	generate := application.Budget{Name: "generate", Limit: 3, Period: time.Minute}
	status := application.Budget{Name: "status", Limit: 3, Period: time.Minute}

	var got []decision
	var refused application.RateDecision
	for range 4 {
		refused = allow(t, l, generate, "ip:198.51.100.1")
		got = append(got, decision{refused.Allowed, refused.Remaining})
	}
	got = append(got, decision{Allowed: allow(t, l, generate, "ip:198.51.100.2").Allowed})
	got = append(got, decision{Allowed: allow(t, l, status, "ip:198.51.100.1").Allowed})

	want := []decision{{true, 2}, {true, 1}, {true, 0}, {false, 0}, {Allowed: true}, {Allowed: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("4 requests of one client on 3/m, then another client, then another budget (-want +got):\n%s", diff)
	}
	// 3/m gives one request back every 20 s; the whole budget is back a minute after the
	// first request.
	if refused.RetryAfter <= 19*time.Second || refused.RetryAfter > 20*time.Second {
		t.Errorf("refused request's RetryAfter = %v, want just under 20s", refused.RetryAfter)
	}
	if refused.ResetAfter <= 59*time.Second || refused.ResetAfter > time.Minute {
		t.Errorf("refused request's ResetAfter = %v, want just under 1m", refused.ResetAfter)
	}
}

func TestRateLimiterBudgetIsSharedByReplicas(t *testing.T) {
	srv := valkeytest.Shared(t)
	queue := map[string]string{"QUEUE_NAME": valkeytest.QueueName(t)}
	replicas := []*valkey.RateLimiter{newLimiter(t, srv, queue), newLimiter(t, srv, queue)}
	b := application.Budget{Name: "generate", Limit: 4, Period: time.Minute}

	var got []bool
	for i := range 6 {
		got = append(got, allow(t, replicas[i%2], b, "key:c0ffee").Allowed)
	}
	if diff := cmp.Diff([]bool{true, true, true, true, false, false}, got); diff != "" {
		t.Errorf("6 requests over two replicas on 4/m (-want +got):\n%s", diff)
	}
	other := newLimiter(t, srv, nil) // another deployment: another queue
	if !allow(t, other, b, "key:c0ffee").Allowed {
		t.Errorf("the same client on another queue was refused, want its own budget")
	}
}

func TestRateLimiterRefills(t *testing.T) {
	l := newLimiter(t, valkeytest.Shared(t), nil)
	b := application.Budget{Name: "status", Limit: 4, Period: time.Second}
	for range 4 {
		allow(t, l, b, "ip:198.51.100.1")
	}
	refused := allow(t, l, b, "ip:198.51.100.1")
	if refused.Allowed || refused.RetryAfter <= 0 || refused.RetryAfter > 250*time.Millisecond {
		t.Fatalf("fifth request on 4/s = allowed %t, RetryAfter %v; want refused within 250ms", refused.Allowed, refused.RetryAfter)
	}
	time.Sleep(refused.RetryAfter) // as long as the client was told
	if d := allow(t, l, b, "ip:198.51.100.1"); !d.Allowed {
		t.Errorf("request after the RetryAfter of %v refused, want allowed", refused.RetryAfter)
	}
}

func TestRateLimiterCountsConcurrentRequestsExactly(t *testing.T) {
	l := newLimiter(t, valkeytest.Shared(t), nil)
	b := application.Budget{Name: "generate", Limit: 50, Period: time.Hour}
	var mu sync.Mutex
	allowed := map[string]int{}
	var wg sync.WaitGroup
	for i := range 300 {
		client := []string{"ip:198.51.100.1", "ip:198.51.100.2"}[i%2]
		wg.Go(func() {
			d, err := allowOne(context.Background(), l, b, client)
			if err != nil {
				t.Errorf("Allow error = %v", err)
				return
			}
			if d.Allowed {
				mu.Lock()
				allowed[client]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	want := map[string]int{"ip:198.51.100.1": 50, "ip:198.51.100.2": 50}
	if diff := cmp.Diff(want, allowed); diff != "" {
		t.Errorf("150 concurrent requests per client on 50/h allowed (-want +got):\n%s", diff)
	}
}

func TestRateLimiterTakesWhatFitsOfSeveral(t *testing.T) {
	l := newLimiter(t, valkeytest.Shared(t), nil)
	b := application.Budget{Name: "status", Limit: 5, Period: time.Minute}
	ctx := context.Background()
	type take struct{ Granted, Remaining int }
	var got []take
	for _, want := range []int{3, 3, 1} {
		tk, err := l.Take(ctx, b, "key:c0ffee", want)
		if err != nil {
			t.Fatalf("Take(%d) error = %v", want, err)
		}
		got = append(got, take{tk.Granted, tk.Remaining})
		if tk.Granted == 0 && (tk.RetryAfter <= 0 || tk.RetryAfter > 12*time.Second) {
			t.Errorf("Take(%d) of a spent 5/m: RetryAfter = %v, want up to the 12 s one request takes to come back", want, tk.RetryAfter)
		}
	}
	if diff := cmp.Diff([]take{{3, 2}, {2, 0}, {0, 0}}, got); diff != "" {
		t.Errorf("Take 3, 3, then 1 of 5/m (-want +got):\n%s", diff)
	}
}

func TestRateLimiterKeysCarryTheQueueHashTag(t *testing.T) {
	srv := valkeytest.Shared(t)
	queue := valkeytest.QueueName(t)
	l := newLimiter(t, srv, map[string]string{"QUEUE_NAME": queue})
	allow(t, l, application.Budget{Name: "generate", Limit: 10, Period: time.Minute}, "ip:198.51.100.1")

	rdb := srv.Client(t)
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, "*"+queue+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"rate:recipe:{" + queue + "}:limit:generate:ip:198.51.100.1"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Fatalf("keys of the queue after one request (-want +got):\n%s", diff)
	}
	if ttl := rdb.PTTL(ctx, keys[0]).Val(); ttl <= 0 || ttl > 7*time.Second {
		t.Errorf("TTL of the count after 1 of 10/m = %v, want at most the 6 s it takes to refill", ttl)
	}
}

func TestRateLimiterUnavailable(t *testing.T) {
	srv := valkeytest.Start(t, false)
	l := newLimiter(t, srv, nil)
	b := application.Budget{Name: "generate", Limit: 10, Period: time.Minute}
	srv.Stop()
	if _, err := allowOne(context.Background(), l, b, "ip:198.51.100.1"); !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Allow with Valkey stopped error = %v, want ErrUnavailable", err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if d, err := allowOne(context.Background(), l, b, "ip:198.51.100.1"); err != nil || !d.Allowed {
		t.Errorf("Allow once Valkey is back = %+v, %v; want allowed", d, err)
	}
	l.Close()
	if _, err := allowOne(context.Background(), l, b, "ip:198.51.100.1"); !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Allow after Close error = %v, want ErrUnavailable", err)
	}
}

// TestRateLimiterRunsOnValkeyCluster counts on a three-master cluster: the script takes
// one key, which carries the queue's hash tag.
func TestRateLimiterRunsOnValkeyCluster(t *testing.T) {
	addrs := valkeytest.StartCluster(t)
	srv := &valkeytest.Server{URL: "redis://" + addrs[0] + "/0"}
	env := map[string]string{"VALKEY_CLUSTER_ADDRS": strings.Join(addrs, ","), "QUEUE_NAME": valkeytest.QueueName(t)}
	replicas := []*valkey.RateLimiter{newLimiter(t, srv, env), newLimiter(t, srv, env)}
	b := application.Budget{Name: "generate", Limit: 2, Period: time.Minute}

	var got []bool
	for i := range 3 {
		got = append(got, allow(t, replicas[i%2], b, "ip:198.51.100.1").Allowed)
	}
	if diff := cmp.Diff([]bool{true, true, false}, got); diff != "" {
		t.Errorf("3 requests over two replicas on a cluster, 2/m (-want +got):\n%s", diff)
	}
}
