// Command api serves the HTTP API: it validates generation requests, queues them on
// Valkey and reports their status.
package main

import (
	"fmt"
	"os"
	"time"

	"go.uber.org/fx"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/adapters/httpapi/swagger"
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
	cli.Main("api", func(c config.Config) string { return c.HTTPAddr }) // --version, healthcheck
	cfg, err := config.FromEnvironment()
	if err != nil {
		fmt.Fprintln(os.Stderr, "config:", err)
		os.Exit(2)
	}
	fx.New(options(cfg)...).Run()
}

// options composes the api from its modules.
func options(cfg config.Config) []fx.Option {
	opts := append(baseOptions(cfg), historyOptions(cfg)...)
	opts = append(opts, pageOptions(cfg)...)
	return append(opts, logging.StopNotice("ending event streams, finishing the requests in flight"))
}

// pageOptions serve the try-it page when TRY_PAGE is true, and the job dashboard when
// ADMIN_TOKEN is set.
func pageOptions(cfg config.Config) []fx.Option {
	var opts []fx.Option
	if cfg.TryPage {
		opts = append(opts, httpapi.TryPageModule)
	}
	if cfg.AdminToken != "" {
		opts = append(opts,
			valkey.AdminModule,
			httpapi.AdminModule,
			fx.Provide(
				func(b application.JobBoard, h application.ProviderHealthReader, q application.JobQueue) *application.Admin {
					return application.NewAdmin(b, h, q, nil)
				},
				application.NewDeadLetters,
			),
		)
	}
	return opts
}

// historyOptions keep results as per-user history when DATABASE_URL is set: the history
// route, and a status that falls back to the history once Valkey has forgotten a job.
func historyOptions(cfg config.Config) []fx.Option {
	if cfg.DatabaseURL == "" {
		return nil
	}
	return []fx.Option{
		postgres.Module,
		httpapi.HistoryModule,
		fx.Provide(application.NewHistory),
		fx.Decorate(func(s application.StatusStore, h application.HistoryReader) application.StatusStore {
			return application.StatusWithHistory(s, h)
		}),
	}
}

func baseOptions(cfg config.Config) []fx.Option {
	return []fx.Option{
		fx.Supply(cfg, logging.Binary("api"), tracing.ServiceName("recipe-ai-api")),
		fx.StopTimeout(20 * time.Second),
		logging.Module,
		metrics.Module,
		tracing.Module,
		valkey.APIModule,
		httpapi.APIModule,
		fx.Provide(
			func(q application.JobQueue, s application.StatusStore) *application.Generations {
				return application.NewGenerations(q, s, nil, nil)
			},
			func(s application.StatusStore, feed application.ChangeFeed) *application.Streams {
				return application.NewStreams(s, feed, 0)
			},
			func(c application.RateCounter) application.RateLimiter {
				return application.NewLeasedLimiter(c, nil)
			},
			fx.Annotate(func() httpapi.Routes { return swagger.Register }, fx.ResultTags(`group:"routes"`)),
		),
	}
}
