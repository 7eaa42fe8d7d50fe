package httpapi

import (
	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// traceRequests records a server span per request, named by method and route, that
// continues the trace of an incoming traceparent header. The operations routes
// (/health, /ready, /metrics), which probes and scrapers call every few seconds, are
// left out. Request metrics stay with Prometheus (Operations.measure).
func traceRequests(tp trace.TracerProvider, prop propagation.TextMapPropagator) gin.HandlerFunc {
	return otelgin.Middleware("recipe-ai",
		otelgin.WithTracerProvider(tp),
		otelgin.WithPropagators(prop),
		otelgin.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelgin.WithGinFilter(func(c *gin.Context) bool {
			switch c.FullPath() {
			case "/health", "/ready", "/metrics":
				return false
			}
			return true
		}),
	)
}
