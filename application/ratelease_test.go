package application_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/application"
)

// fakeCounter is a shared budget store with a fixed number of requests left per client.
// It records what each Take asked for.
type fakeCounter struct {
	mu      sync.Mutex
	left    map[string]int
	wants   []int
	err     error
	gate    chan struct{} // when not nil, each Take waits for a value from it
	running int           // Takes in progress
	most    int           // the most Takes ever in progress at once
}

func newFakeCounter(left map[string]int) *fakeCounter { return &fakeCounter{left: left} }

func (f *fakeCounter) Take(_ context.Context, _ application.Budget, client string, want int) (application.RateTake, error) {
	f.mu.Lock()
	f.running++
	f.most = max(f.most, f.running)
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running--
	f.wants = append(f.wants, want)
	if f.err != nil {
		return application.RateTake{}, f.err
	}
	granted := min(want, f.left[client])
	f.left[client] -= granted
	if granted == 0 {
		return application.RateTake{RetryAfter: 2 * time.Second, ResetAfter: time.Minute}, nil
	}
	return application.RateTake{Granted: granted, Remaining: f.left[client], ResetAfter: time.Minute}, nil
}

func (f *fakeCounter) asked() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.wants...)
}

// manualClock is a clock the test moves.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newLeased(counter application.RateCounter) (*application.LeasedLimiter, *manualClock) {
	clock := &manualClock{now: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	return application.NewLeasedLimiter(counter, clock.Now), clock
}

// burst sends n requests of client at one moment and counts the allowed ones.
func burst(t *testing.T, l *application.LeasedLimiter, b application.Budget, client string, n int) int {
	t.Helper()
	allowed := 0
	for range n {
		d, err := l.Allow(context.Background(), b, client)
		if err != nil {
			t.Fatalf("Allow error = %v", err)
		}
		if d.Allowed {
			allowed++
		}
	}
	return allowed
}

var bigBudget = application.Budget{Name: "status", Limit: 100000, Period: time.Second}

func TestLeasedLimiterCountsEachRequestOfAQuietClientInTheStore(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 599})
	l, clock := newLeased(counter)
	b := application.Budget{Name: "status", Limit: 600, Period: time.Minute}
	var remaining []int
	for range 4 {
		d, err := l.Allow(context.Background(), b, "ip:a")
		if err != nil || !d.Allowed {
			t.Fatalf("Allow = %+v, %v; want allowed", d, err)
		}
		remaining = append(remaining, d.Remaining)
		clock.advance(300 * time.Millisecond) // a request now and then
	}
	if diff := cmp.Diff([]int{1, 1, 1, 1}, counter.asked()); diff != "" {
		t.Errorf("Takes asked for (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{598, 597, 596, 595}, remaining); diff != "" {
		t.Errorf("Remaining (-want +got):\n%s", diff)
	}
}

func TestLeasedLimiterTakesABusyClientsDemandAtOnce(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 1000})
	l, clock := newLeased(counter)

	allowed := burst(t, l, bigBudget, "ip:a", 30) // the first window: no demand known yet
	clock.advance(100 * time.Millisecond)
	allowed += burst(t, l, bigBudget, "ip:a", 30)
	clock.advance(100 * time.Millisecond)
	allowed += burst(t, l, bigBudget, "ip:a", 30)

	asked := counter.asked()
	if allowed != 90 {
		t.Errorf("allowed %d of 90 requests, want all", allowed)
	}
	// Each lease of 30 is asked for again once three quarters are spent, so the second
	// and third windows take 2 or 3 leases of 30 (the last refill may still be on its way).
	busy := asked[min(30, len(asked)):]
	if len(asked) < 32 || len(busy) > 3 || slices.ContainsFunc(asked[:30], func(n int) bool { return n != 1 }) ||
		slices.ContainsFunc(busy, func(n int) bool { return n != 30 }) {
		t.Errorf("Takes asked for %v, want 30 of one, then 2 or 3 of 30", asked)
	}
}

func TestLeasedLimiterCountsDownABusyClientsRemainingByOneARequest(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 1000})
	l, clock := newLeased(counter)
	// What the replica holds for the client is still the client's: a lease, taken from
	// the store, or its refill arriving in between must not move Remaining by more than
	// the one request each answer spends.
	for i := 1; i <= 150; i++ {
		d, err := l.Allow(context.Background(), bigBudget, "ip:a")
		if err != nil || !d.Allowed {
			t.Fatalf("request %d: Allow = %+v, %v; want allowed", i, d, err)
		}
		if d.Remaining != 1000-i {
			t.Fatalf("request %d: Remaining = %d, want %d (Takes so far %v)", i, d.Remaining, 1000-i, counter.asked())
		}
		if i%30 == 0 {
			clock.advance(100 * time.Millisecond) // the next window: 30 requests in each
		}
	}
	if asked := counter.asked(); !slices.Contains(asked, 30) {
		t.Errorf("Takes asked for %v; want leases of 30 once the client was busy", asked)
	}
}

func TestLeasedLimiterTakesAtMostAFiftiethOfTheBudget(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 1000})
	l, clock := newLeased(counter)
	b := application.Budget{Name: "generate", Limit: 1000, Period: time.Minute}
	burst(t, l, b, "ip:a", 100)
	clock.advance(100 * time.Millisecond)
	before := len(counter.asked())
	burst(t, l, b, "ip:a", 100)
	for _, want := range counter.asked()[before:] {
		if want != 20 {
			t.Fatalf("Takes of a busy client on 1000/m asked for %v, want 20 each", counter.asked()[before:])
		}
	}
}

func TestLeasedLimiterNeverAllowsMoreThanTheStoreGranted(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 45})
	l, clock := newLeased(counter)
	allowed := 0
	for range 5 {
		allowed += burst(t, l, bigBudget, "ip:a", 30)
		clock.advance(100 * time.Millisecond)
	}
	if allowed != 45 {
		t.Errorf("allowed %d requests with 45 left in the store, want 45", allowed)
	}
}

func TestLeasedLimiterGivesUpAnUnusedLease(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 1000})
	l, clock := newLeased(counter)
	burst(t, l, bigBudget, "ip:a", 40)
	clock.advance(100 * time.Millisecond)
	burst(t, l, bigBudget, "ip:a", 1) // takes a lease of 40, spends 1
	before := len(counter.asked())
	clock.advance(250 * time.Millisecond) // longer than a lease is held
	burst(t, l, bigBudget, "ip:a", 1)
	if got := counter.asked()[before:]; len(got) != 1 {
		t.Errorf("after the lease was held too long, Takes asked for %v, want one new Take", got)
	}
	if left := counter.left["ip:a"]; left != 1000-40-40-1 {
		t.Errorf("store has %d left, want the given-up lease spent: %d", left, 1000-40-40-1)
	}
}

func TestLeasedLimiterRemembersARefusalUntilItsRetryAfter(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 0})
	l, clock := newLeased(counter)
	var retries []time.Duration
	for _, step := range []time.Duration{0, time.Second, 900 * time.Millisecond, 100 * time.Millisecond} {
		clock.advance(step)
		d, err := l.Allow(context.Background(), bigBudget, "ip:a")
		if err != nil || d.Allowed {
			t.Fatalf("Allow = %+v, %v; want refused", d, err)
		}
		retries = append(retries, d.RetryAfter)
	}
	if diff := cmp.Diff([]time.Duration{2 * time.Second, time.Second, 100 * time.Millisecond, 2 * time.Second}, retries); diff != "" {
		t.Errorf("RetryAfter of refusals 0, 1, 1.9 and 2 s after the first (-want +got):\n%s", diff)
	}
	if n := len(counter.asked()); n != 2 {
		t.Errorf("the store was asked %d times, want twice: at the first refusal and once its RetryAfter passed", n)
	}
}

func TestLeasedLimiterAsksTheStoreOnceAtATimePerClient(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 100, "ip:b": 100})
	counter.gate = make(chan struct{}, 8) // enough for a Take per request; fewer happen
	l, _ := newLeased(counter)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { burst(t, l, bigBudget, []string{"ip:a", "ip:b"}[i%2], 1) })
	}
	waitRunning(t, counter, 2) // one per client; the rest wait for those answers
	for range 8 {
		counter.gate <- struct{}{}
	}
	wg.Wait()
	if counter.most != 2 {
		t.Errorf("at most %d Takes ran at once for two clients, want 2: one per client", counter.most)
	}
}

// waitRunning waits until n Takes are in progress.
func waitRunning(t *testing.T, f *fakeCounter, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		f.mu.Lock()
		running := f.running
		f.mu.Unlock()
		if running == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d Takes in progress after 5s, want %d", running, n)
		}
	}
}

func TestLeasedLimiterTakesForTheRequestsThatWaitedInAFirstBurst(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 1000})
	counter.gate = make(chan struct{}, 100)
	l, _ := newLeased(counter)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { burst(t, l, bigBudget, "ip:a", 1) })
	}
	waitRunning(t, counter, 1)
	time.Sleep(200 * time.Millisecond) // the other 19 reach the wait for its answer
	for range 20 {
		counter.gate <- struct{}{}
	}
	wg.Wait()
	if asked := counter.asked(); len(asked) > 3 {
		t.Errorf("20 requests at once, before any demand was known, asked the store %d times %v; want the waiting ones taken together", len(asked), asked)
	}
}

func TestLeasedLimiterAsksForABusyClientsNextLeaseBeforeItRunsOut(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 1000})
	l, clock := newLeased(counter)
	burst(t, l, bigBudget, "ip:a", 40)
	clock.advance(100 * time.Millisecond)
	counter.gate = make(chan struct{}, 10)
	counter.gate <- struct{}{}
	burst(t, l, bigBudget, "ip:a", 31) // a lease of 40: 9 left, below a quarter
	waitRunning(t, counter, 1)         // the next lease is being asked for
	if got := burst(t, l, bigBudget, "ip:a", 9); got != 9 {
		t.Fatalf("allowed %d of the 9 requests left of the lease while the next was asked for, want all", got)
	}
	counter.gate <- struct{}{}
	waitRunning(t, counter, 0)
	before := len(counter.asked())
	if got := burst(t, l, bigBudget, "ip:a", 40); got != 40 {
		t.Errorf("allowed %d of 40 requests after the next lease came, want all", got)
	}
	if asked := counter.asked()[before:]; len(asked) > 1 {
		t.Errorf("the 40 requests after the refill asked the store %v, want them served from the refill (and at most one refill more)", asked)
	}
}

func TestLeasedLimiterGivesTheRequestsThatWaitedTheStoresErrorWithoutAskingAgain(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 100})
	counter.gate = make(chan struct{}, 10)
	counter.err = application.ErrUnavailable
	l, _ := newLeased(counter)
	errs := make(chan error, 5)
	for range 5 {
		go func() {
			_, err := l.Allow(context.Background(), bigBudget, "ip:a")
			errs <- err
		}()
	}
	waitRunning(t, counter, 1)
	time.Sleep(100 * time.Millisecond) // the other 4 reach the wait for its answer
	for range 5 {                      // enough for each to ask, were it to
		counter.gate <- struct{}{}
	}
	for range 5 {
		if err := <-errs; !errors.Is(err, application.ErrUnavailable) {
			t.Errorf("Allow error = %v, want ErrUnavailable", err)
		}
	}
	if n := len(counter.asked()); n != 1 {
		t.Errorf("the store was asked %d times, want once: the waiting requests share its error", n)
	}
}

func TestLeasedLimiterPassesTheStoresErrorOnAndAsksAgain(t *testing.T) {
	counter := newFakeCounter(map[string]int{"ip:a": 10})
	counter.err = application.ErrUnavailable
	l, _ := newLeased(counter)
	if _, err := l.Allow(context.Background(), bigBudget, "ip:a"); !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("Allow error = %v, want ErrUnavailable", err)
	}
	counter.err = nil
	if d, err := l.Allow(context.Background(), bigBudget, "ip:a"); err != nil || !d.Allowed {
		t.Errorf("Allow once the store is back = %+v, %v; want allowed", d, err)
	}
}
