package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/logging"
	"github.com/naengbu/recipe-ai/adapters/tracing"
	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

const (
	workerRoleEnv    = "QUEUEBENCH_WORKER"
	recordLatencyEnv = "QUEUEBENCH_RECORD_LATENCY"
)

// noopGenerator is a provider chain that answers at once with one fixed recipe, which
// the processor checks as it checks every answer; with recording on, it notes how long
// each job waited between its enqueue and the start of its handler.
type noopGenerator struct {
	record bool
	mu     sync.Mutex
	waits  []float64 // µs
}

func (g *noopGenerator) Generate(ctx context.Context, req domain.GenerationRequest, accept application.AcceptFunc) (domain.Result, error) {
	if g.record {
		now := time.Now().UnixMicro()
		if job, ok := application.JobFromContext(ctx); ok {
			if enqUs, ok := parseRequestID(job.RequestID); ok {
				g.mu.Lock()
				g.waits = append(g.waits, float64(now-enqUs))
				g.mu.Unlock()
			}
		}
	}
	return accept(application.Answer{Result: noopAnswer(), Provider: "noop", Model: "noop", Partial: true})
}

func noopAnswer() domain.Result {
	return domain.Result{ExistingIngredientsRecipes: []domain.Recipe{{
		Name: "계란밥", Description: "계란과 밥", Difficulty: domain.Easy, CookingTime: 5, Servings: 1,
		Ingredients: []string{"계란 1개", "밥 1공기"}, Instructions: "1. 섞는다",
	}}}
}

// runWorker runs the service's worker modules (logging, the Valkey consumer, the
// processor) with the no-op generator, until SIGTERM. It prints "ready" once consuming,
// and the recorded waits as a JSON array when it stops.
func runWorker() error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	gen := &noopGenerator{record: os.Getenv(recordLatencyEnv) == "true"}
	app := fx.New(
		fx.NopLogger,
		fx.Supply(cfg, logging.Binary("bench-worker"), tracing.ServiceName("bench-worker")),
		fx.Provide(func(cfg config.Config) (*zap.Logger, error) { return logging.New(cfg, "bench-worker") }),
		fx.Provide(func() prometheus.Registerer { return prometheus.NewRegistry() }),
		tracing.Module, // off unless OTEL_ENABLED is set, as in the worker
		valkey.WorkerModule,
		fx.Provide(func(log *zap.Logger) *application.Processor {
			policy := application.RetryPolicy{Attempts: cfg.JobAttempts, Backoff: cfg.JobBackoff}
			return application.NewProcessor(gen, policy, log, nil)
		}),
	)
	if path := os.Getenv("QUEUEBENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(fmt.Sprintf("%s.%d", path, os.Getpid()))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		return err
	}
	fmt.Println("ready")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	stopCtx, stopCancel := context.WithTimeout(context.Background(), time.Minute)
	defer stopCancel()
	if err := app.Stop(stopCtx); err != nil {
		return err
	}
	if gen.record {
		gen.mu.Lock()
		defer gen.mu.Unlock()
		return json.NewEncoder(os.Stdout).Encode(gen.waits)
	}
	return nil
}
