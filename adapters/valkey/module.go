package valkey

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// APIModule provides the Valkey client, the queue and the rate limiter, bound to the
// api's ports.
var APIModule = fx.Module("valkey",
	fx.Provide(
		func(lc fx.Lifecycle, cfg config.Config, tp trace.TracerProvider, log *zap.Logger) (redis.UniversalClient, error) {
			return newManagedClient(lc, cfg, 0, tp, log)
		},
		func(lc fx.Lifecycle, rdb redis.UniversalClient, cfg config.Config, reg prometheus.Registerer, tp trace.TracerProvider, prop propagation.TextMapPropagator) *Queue {
			q := NewQueue(rdb, cfg)
			q.events = newJobEvents(reg, apiEvents...)
			if cfg.Tracing() {
				q.tracing = newJobTracing(tp, prop, cfg.QueueName)
			}
			lc.Append(fx.StopHook(q.Close))
			return q
		},
		func(q *Queue) application.JobQueue { return q },
		func(q *Queue) application.StatusStore { return q },
		func(q *Queue) application.DeadLetterQueue { return q },
		func(lc fx.Lifecycle, rdb redis.UniversalClient, cfg config.Config, log *zap.Logger) *Feed {
			f := NewFeed(rdb, cfg, log)
			lc.Append(fx.StopHook(f.Stop))
			return f
		},
		func(f *Feed) application.ChangeFeed { return f },
		func(lc fx.Lifecycle, rdb redis.UniversalClient, cfg config.Config) application.RateCounter {
			l := NewRateLimiter(rdb, cfg)
			lc.Append(fx.StopHook(l.Close))
			return l
		},
		readiness,
	),
	fx.Invoke(func(reg prometheus.Registerer, rdb redis.UniversalClient, cfg config.Config, f *Feed) error {
		if err := reg.Register(NewStreamsGauge(f)); err != nil {
			return err
		}
		return reg.Register(NewQueueCollector(rdb, cfg.QueueName))
	}),
)

// WorkerModule provides the Valkey client and the consumer, which starts and stops
// with the app.
var WorkerModule = fx.Module("valkey",
	fx.Provide(
		func(lc fx.Lifecycle, cfg config.Config, tp trace.TracerProvider, log *zap.Logger) (redis.UniversalClient, error) {
			// One connection per running job, plus BLMOVE, pub/sub and the background loops.
			return newManagedClient(lc, cfg, cfg.WorkerConcurrency+8, tp, log)
		},
		ConsumerOptionsFrom,
		func(rdb redis.UniversalClient, cfg config.Config, proc *application.Processor, opts ConsumerOptions, reg prometheus.Registerer, tp trace.TracerProvider, prop propagation.TextMapPropagator, log *zap.Logger) *Consumer {
			c := NewConsumer(rdb, cfg, proc, opts, reg, log)
			if cfg.Tracing() {
				c.tracing = newJobTracing(tp, prop, cfg.QueueName)
			}
			return c
		},
		readiness,
	),
	fx.Invoke(func(lc fx.Lifecycle, c *Consumer) {
		lc.Append(fx.StartStopHook(c.Start, c.Stop))
	}),
)

// OutboxModule drains the history outbox into the application.HistoryWriter; add it to
// the worker when DATABASE_URL is set.
var OutboxModule = fx.Module("valkey.outbox",
	fx.Invoke(func(lc fx.Lifecycle, rdb redis.UniversalClient, cfg config.Config, h application.HistoryWriter, log *zap.Logger) {
		o := NewOutbox(rdb, cfg, h, log)
		lc.Append(fx.StartStopHook(o.Start, o.Stop))
	}),
)

// readiness provides the check /ready runs, named "ready": Valkey answers PING within a
// second.
var readiness = fx.Annotate(func(rdb redis.UniversalClient) func(context.Context) error {
	return func(ctx context.Context) error { return Ping(ctx, rdb, time.Second) }
}, fx.ResultTags(`name:"ready"`))

// newManagedClient connects and closes the client with the app, and records a span for
// each command run within a trace when tracing is on. Valkey being away at start is no
// error: the binaries start, /ready says so, and they recover when it returns.
func newManagedClient(lc fx.Lifecycle, cfg config.Config, poolSize int, tp trace.TracerProvider, log *zap.Logger) (redis.UniversalClient, error) {
	rdb, err := NewClient(cfg, poolSize)
	if err != nil {
		return nil, err
	}
	logClientNotices(log)
	if cfg.Tracing() {
		if err := instrument(rdb, tp); err != nil {
			return nil, fmt.Errorf("trace valkey commands: %w", err)
		}
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := Ping(ctx, rdb, 2*time.Second); err != nil {
				log.Warn("valkey does not answer yet; will keep trying", zap.Error(err))
			}
			return nil
		},
		OnStop: func(context.Context) error { return rdb.Close() },
	})
	return rdb, nil
}
