// Command worker takes generation jobs from Valkey, asks the AI provider chain for
// recipes, reports progress and stores the results.
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/adapters/logging"
	"github.com/naengbu/recipe-ai/adapters/metrics"
	"github.com/naengbu/recipe-ai/adapters/postgres"
	"github.com/naengbu/recipe-ai/adapters/tracing"
	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/cmd/internal/cli"
	"github.com/naengbu/recipe-ai/config"
)

func main() {
	cli.Main("worker", func(c config.Config) string { return c.WorkerHTTPAddr }) // --version, healthcheck
	cfg, err := config.FromEnvironment()
	if err != nil {
		fmt.Fprintln(os.Stderr, "config:", err)
		os.Exit(2)
	}
	fx.New(options(cfg)...).Run()
}

// options composes the worker from its modules; with DATABASE_URL set it also writes
// completed jobs to the history.
func options(cfg config.Config) []fx.Option {
	opts := baseOptions(cfg)
	if cfg.DatabaseURL != "" {
		opts = append(opts, postgres.Module, valkey.OutboxModule)
	}
	return append(opts, logging.StopNotice(fmt.Sprintf(
		"taking no new jobs, finishing running ones for up to %s, then handing the rest back", cfg.ShutdownTimeout)))
}

func baseOptions(cfg config.Config) []fx.Option {
	return []fx.Option{
		fx.Supply(cfg, logging.Binary("worker"), tracing.ServiceName("recipe-ai-worker")),
		// Running jobs get SHUTDOWN_TIMEOUT; handing back the rest and closing take a little more.
		fx.StopTimeout(cfg.ShutdownTimeout + 15*time.Second),
		logging.Module,
		metrics.Module,
		tracing.Module,
		valkey.WorkerModule,
		httpapi.WorkerModule,
		providersModule,
		valkey.ReporterModule,
		fx.Invoke(reportProviderHealth),
		fx.Provide(
			func(providers application.ProviderChain, cfg config.Config, log *zap.Logger) *application.Processor {
				policy := application.RetryPolicy{Attempts: cfg.JobAttempts, Backoff: cfg.JobBackoff}
				return application.NewProcessor(providers, policy, log.Named("processor"), nil)
			},
		),
	}
}

// reportProviderHealth writes the providers' health to Valkey every few seconds while the
// worker runs, for the api's dashboard.
func reportProviderHealth(lc fx.Lifecycle, src application.ProviderHealthSource, w application.ProviderHealthWriter) {
	host, _ := os.Hostname()
	r := application.NewProviderReporter(src, w, host+"-"+rand.Text()[:8], 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() { defer close(done); r.Run(ctx) }()
			return nil
		},
		OnStop: func(context.Context) error {
			cancel()
			<-done
			return nil
		},
	})
}
