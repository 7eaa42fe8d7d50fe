package valkey_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// fixture is one queue of the test's own on a real server.
type fixture struct {
	t     *testing.T
	cfg   config.Config
	rdb   redis.UniversalClient
	queue *valkey.Queue
	gens  *application.Generations
	gen   *fakeGenerator
	log   *zap.Logger
	reg   *prometheus.Registry
	ends  *prometheus.CounterVec // the consumers' recipe_worker_attempts_total, read back
}

func newFixture(t *testing.T, srv *valkeytest.Server, env map[string]string) *fixture {
	t.Helper()
	vars := map[string]string{"VALKEY_URL": srv.URL, "QUEUE_NAME": valkeytest.QueueName(t),
		"JOB_BACKOFF": "20ms", "JOB_LEASE": "2s", "SHUTDOWN_TIMEOUT": "1s"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("config.Load(%v) error = %v", vars, err)
	}
	rdb, err := valkey.NewClient(cfg, 64)
	if err != nil {
		t.Fatalf("NewClient error = %v", err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	q := valkey.NewQueue(rdb, cfg)
	return &fixture{
		t: t, cfg: cfg, rdb: rdb, queue: q,
		gens: application.NewGenerations(q, q, nil, nil),
		gen:  newFakeGenerator(),
		log:  zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)),
	}
}

// consumer starts a consumer of the fixture's queue, stopped when the test ends.
func (f *fixture) consumer(mutate ...func(*valkey.ConsumerOptions)) *valkey.Consumer {
	f.t.Helper()
	opts := valkey.ConsumerOptionsFrom(f.cfg)
	opts.BlockTimeout = time.Second // BLMOVE takes whole seconds
	opts.SweepInterval = 50 * time.Millisecond
	for _, m := range mutate {
		m(&opts)
	}
	policy := application.RetryPolicy{Attempts: f.cfg.JobAttempts, Backoff: f.cfg.JobBackoff}
	reg := prometheus.NewRegistry()
	c := valkey.NewConsumer(f.rdb, f.cfg, application.NewProcessor(f.gen, policy, f.log, nil), opts, reg, f.log)
	f.reg = reg
	f.ends = attemptsCounter(f.t, reg)
	c.Start()
	f.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Stop(ctx)
	})
	return c
}

// attemptsCounter finds recipe_worker_attempts_total in reg, to read it back.
func attemptsCounter(t *testing.T, reg *prometheus.Registry) *prometheus.CounterVec {
	t.Helper()
	ends := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "recipe_worker_attempts_total",
		Help: "Job attempts this worker ended, by how they ended: completed, retry, failed, waited, handed_back, dropped (cancelled or taken over).",
	}, []string{"end"})
	err := reg.Register(ends)
	are, ok := errors.AsType[prometheus.AlreadyRegisteredError](err)
	if !ok {
		t.Fatalf("recipe_worker_attempts_total is not registered: %v", err)
	}
	return are.ExistingCollector.(*prometheus.CounterVec)
}

// jobKey is the Valkey key of a job's record.
func (f *fixture) jobKey(id domain.JobID) string {
	return "recipe:{" + f.cfg.QueueName + "}:job:" + string(id)
}

func (f *fixture) submit(user string, ingredients ...string) domain.JobID {
	f.t.Helper()
	job, err := f.gens.Submit(context.Background(), request(f.t, user, ingredients...), application.Submission{RequestID: "req-" + user})
	if err != nil {
		f.t.Fatalf("Submit(%s) error = %v", user, err)
	}
	return job.ID
}

// waitFor polls the job's status until want holds, failing the test after 10 s.
func (f *fixture) waitFor(id domain.JobID, what string, want func(domain.JobStatus) bool) domain.JobStatus {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := f.queue.Status(context.Background(), id)
		if err == nil && want(st) {
			return st
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("job %s never became %s; last status %+v, error %v", id, what, st, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitReported waits until the job's worker has reported progress, which confirms its
// claim: from then on a lost worker costs the job an attempt.
func (f *fixture) waitReported(id domain.JobID) {
	f.t.Helper()
	f.waitFor(id, "reported on", func(st domain.JobStatus) bool {
		return st.Status.Progress() >= domain.ProgressGenerating
	})
}

func (f *fixture) waitState(id domain.JobID, state domain.State) domain.JobStatus {
	f.t.Helper()
	return f.waitFor(id, string(state), func(st domain.JobStatus) bool { return st.Status.State() == state })
}

func request(t testing.TB, user string, ingredients ...string) domain.GenerationRequest {
	t.Helper()
	if len(ingredients) == 0 {
		ingredients = []string{"계란", "대파"}
	}
	req, err := domain.NewGenerationRequest(user, ingredients, domain.Preferences{})
	if err != nil {
		t.Fatalf("NewGenerationRequest error = %v", err)
	}
	return req
}

// fakeGenerator answers by the request's user id: it counts calls per user and runs the
// behaviour set for the user, or answers at once.
type fakeGenerator struct {
	mu      sync.Mutex
	calls   map[string]int
	callAt  map[string][]time.Time
	behave  map[string]func(ctx context.Context, call int) error
	started chan string
}

func newFakeGenerator() *fakeGenerator {
	return &fakeGenerator{calls: map[string]int{}, callAt: map[string][]time.Time{},
		behave: map[string]func(context.Context, int) error{}, started: make(chan string, 1000)}
}

func (g *fakeGenerator) on(user string, f func(ctx context.Context, call int) error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.behave[user] = f
}

// skipped is what a behaviour returns for a chain whose every provider was skipped
// without a call, available again after the duration.
type skipped time.Duration

func (s skipped) Error() string { return fmt.Sprintf("skipped for %s", time.Duration(s)) }

// Generate answers as a one-provider chain named "fake" would.
func (g *fakeGenerator) Generate(ctx context.Context, req domain.GenerationRequest, accept application.AcceptFunc) (domain.Result, error) {
	res, err := g.answer(ctx, req)
	if err == nil {
		res, err = accept(application.Answer{Result: res, Provider: "fake", Model: res.Model, Partial: true})
	}
	if ctx.Err() != nil {
		return domain.Result{}, ctx.Err()
	}
	if s, ok := errors.AsType[skipped](err); ok {
		return domain.Result{}, &application.ProvidersError{Failures: []application.ProviderFailure{
			application.SkippedFailure("fake", time.Duration(s), err)}}
	}
	if err != nil {
		return domain.Result{}, &application.ProvidersError{Failures: []application.ProviderFailure{
			application.ClassifyFailure("fake", err)}}
	}
	return res, nil
}

func (g *fakeGenerator) answer(ctx context.Context, req domain.GenerationRequest) (domain.Result, error) {
	g.mu.Lock()
	g.calls[req.UserID]++
	call := g.calls[req.UserID]
	g.callAt[req.UserID] = append(g.callAt[req.UserID], time.Now())
	f := g.behave[req.UserID]
	g.mu.Unlock()
	g.started <- req.UserID
	if f != nil {
		if err := f(ctx, call); err != nil {
			return domain.Result{}, err
		}
	}
	return domain.Result{
		ExistingIngredientsRecipes: []domain.Recipe{{Name: "계란볶음밥 " + req.UserID, Description: "볶음밥", Difficulty: domain.Easy,
			CookingTime: 10, Servings: 1, Ingredients: req.Ingredients.Names(), Instructions: "1. 볶는다"}},
		Provider: "fake", Model: fmt.Sprintf("call-%d", call),
	}, nil
}

func (g *fakeGenerator) callCount(user string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[user]
}

// blockUntilCancelled is a behaviour of a slow provider: it returns only when ctx ends.
func blockUntilCancelled(ctx context.Context, _ int) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestCompletedJobKeepsResultForResultTTL(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), map[string]string{"RESULT_TTL": "90s"})
	id := f.submit("u1", "계란", "대파", "밥")
	if st := f.waitState(id, domain.StatePending); st.Status.Progress() != 0 || st.Attempts != 0 {
		t.Fatalf("Status(new job) = %+v, want pending with progress 0 and no attempts", st)
	}
	f.consumer()
	st := f.waitState(id, domain.StateCompleted)
	if st.Status.Progress() != 100 || st.Attempts != 1 || st.Result == nil {
		t.Fatalf("Status(done) = %+v, want progress 100, 1 attempt and a result", st)
	}
	if got := st.Result.ExistingIngredientsRecipes[0].Name; got != "계란볶음밥 u1" {
		t.Errorf("result recipe = %q, want the generator's", got)
	}
	if got := st.Result.UserID; got != "u1" {
		t.Errorf("result userId = %q, want u1", got)
	}
	ttl := f.rdb.PTTL(context.Background(), f.jobKey(id)).Val()
	if ttl <= 80*time.Second || ttl > 90*time.Second {
		t.Errorf("PTTL(job) = %v, want about RESULT_TTL 90s", ttl)
	}
}

func TestStatusOfUnknownJobIsNotFound(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	_, err := f.gens.Status(context.Background(), domain.NewJobID())
	if !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("Status(unknown) error = %v, want ErrNotFound", err)
	}
}

func TestProgressIsVisibleWhileRunningAndNeverGoesBack(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	release := make(chan struct{})
	f.gen.on("slow", func(ctx context.Context, _ int) error { <-release; return nil })
	id := f.submit("slow")
	f.consumer()
	st := f.waitFor(id, "at progress 30", func(st domain.JobStatus) bool { return st.Status.Progress() == domain.ProgressGenerating })
	if st.Status.State() != domain.StateProcessing || st.Message() != "AI가 레시피를 만드는 중" {
		t.Errorf("Status(running) = %v %q, want processing with the generating message", st.Status.State(), st.Message())
	}
	close(release)
	f.waitState(id, domain.StateCompleted)
}

func TestMetricsCountAttemptsAndQueueDepth(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	f.gen.on("m-fail", func(context.Context, int) error { return fmt.Errorf("bad key: %w", application.ErrPermanent) })
	pendingReg := prometheus.NewRegistry()
	pendingReg.MustRegister(valkey.NewQueueCollector(f.rdb, f.cfg.QueueName))
	f.submit("m-ok")
	failed := f.submit("m-fail")
	if err := testutil.GatherAndCompare(pendingReg, strings.NewReader(`
# HELP recipe_queue_jobs Jobs in the queue by state, read from Valkey at scrape time.
# TYPE recipe_queue_jobs gauge
recipe_queue_jobs{state="dead"} 0
recipe_queue_jobs{state="delayed"} 0
recipe_queue_jobs{state="pending"} 2
recipe_queue_jobs{state="running"} 0
`)); err != nil {
		t.Errorf("queue depth before the worker: %v", err)
	}
	f.consumer()
	f.waitState(failed, domain.StateFailed)
	want := map[string]float64{"completed": 1, "failed": 1}
	for end, n := range want {
		got := 0.0
		deadline := time.Now().Add(5 * time.Second)
		for got != n && time.Now().Before(deadline) {
			got = testutil.ToFloat64(f.ends.WithLabelValues(end))
			time.Sleep(5 * time.Millisecond)
		}
		if got != n {
			t.Errorf("recipe_worker_attempts_total{end=%q} = %v, want %v", end, got, n)
		}
	}
}

func TestEnqueueAfterCloseIsUnavailable(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	f.queue.Close()
	_, err := f.gens.Submit(context.Background(), request(t, "late"), application.Submission{})
	if !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("Submit after Close error = %v, want ErrUnavailable", err)
	}
}
