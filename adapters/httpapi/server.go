package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/config"
)

// APIModule serves the recipe and operations routes on HTTP_ADDR, and the Routes of the
// "routes" group.
var APIModule = fx.Module("httpapi",
	fx.Provide(NewHandler, operations, NewAuth, fx.Private,
		fx.Annotate(NewRouter, fx.ParamTags(``, ``, ``, ``, ``, `group:"routes"`))),
	fx.Provide(NewLimits),
	fx.Invoke(func(lc fx.Lifecycle, cfg config.Config, r *gin.Engine, h *Handler, log *zap.Logger) {
		serve(lc, cfg.HTTPAddr, r, log, h.CloseStreams)
	}),
)

// WorkerModule serves the operations routes on WORKER_HTTP_ADDR.
var WorkerModule = fx.Module("httpapi",
	fx.Provide(operations, fx.Private, NewOperationsRouter),
	fx.Invoke(func(lc fx.Lifecycle, cfg config.Config, r *gin.Engine, log *zap.Logger) {
		serve(lc, cfg.WorkerHTTPAddr, r, log)
	}),
)

// operations builds the operations routes on the readiness check named "ready", with a
// span per request when tracing is on.
var operations = fx.Annotate(func(ready ReadyFunc, reg prometheus.Registerer, gatherer prometheus.Gatherer,
	cfg config.Config, tp trace.TracerProvider, prop propagation.TextMapPropagator,
) *Operations {
	o := NewOperations(ready, reg, gatherer)
	if cfg.Tracing() {
		o.trace = traceRequests(tp, prop)
	}
	return o
}, fx.ParamTags(`name:"ready"`))

// serve listens on addr when the app starts and shuts the server down when it stops,
// running onShutdown as the shutdown begins.
func serve(lc fx.Lifecycle, addr string, h http.Handler, log *zap.Logger, onShutdown ...func()) {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	for _, f := range onShutdown {
		srv.RegisterOnShutdown(f)
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			log.Info("listening", zap.String("addr", ln.Addr().String()))
			go func() {
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Error("http server stopped", zap.Error(err))
				}
			}()
			return nil
		},
		OnStop: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			return srv.Shutdown(ctx)
		},
	})
}
