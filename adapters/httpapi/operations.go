package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/buildinfo"
)

// ReadyFunc reports whether the process can do its work; /ready answers 503 while it
// returns an error. In the fx graph it is the value named "ready", which the Valkey
// adapter provides.
type ReadyFunc = func(ctx context.Context) error

// Operations serves /health, /ready and /metrics, on the api and on the worker, and
// counts the requests of the listener it is part of.
type Operations struct {
	ready    ReadyFunc
	gatherer prometheus.Gatherer
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	trace    gin.HandlerFunc // records a span per request; nil when tracing is off
}

// NewOperations builds the operations routes; the request metrics go to reg and /metrics
// serves gatherer.
func NewOperations(ready ReadyFunc, reg prometheus.Registerer, gatherer prometheus.Gatherer) *Operations {
	o := &Operations{
		ready:    ready,
		gatherer: gatherer,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "recipe_http_requests_total",
			Help: "HTTP requests answered, by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "recipe_http_request_duration_seconds",
			Help:    "How long HTTP requests took to answer, by route.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1},
		}, []string{"route"}),
	}
	reg.MustRegister(o.requests, o.duration)
	return o
}

// measure counts each request under its route pattern (never the raw path, whose job
// ids would make unbounded labels).
func (o *Operations) measure(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	o.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
	o.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
}

func (o *Operations) register(r *gin.Engine) {
	r.GET("/health", o.health)
	r.GET("/ready", o.readiness)
	r.GET("/metrics", o.metrics)
}

// health godoc
// @Summary     Liveness
// @Description 200 while the process runs, with its version.
// @Tags        operations
// @Produce     json
// @Success     200 {object} healthResponse
// @Router      /health [get]
func (o *Operations) health(c *gin.Context) {
	c.JSON(http.StatusOK, healthResponse{Status: "ok", Version: buildinfo.Version()})
}

// readiness godoc
// @Summary     Readiness
// @Description 200 only while Valkey answers; 503 with code not_ready otherwise.
// @Tags        operations
// @Produce     json
// @Success     200 {object} readyResponse
// @Failure     503 {object} errorResponse
// @Router      /ready [get]
func (o *Operations) readiness(c *gin.Context) {
	if err := o.ready(c.Request.Context()); err != nil {
		c.JSON(http.StatusServiceUnavailable, errorResponse{Error: errorBody{
			Code: "not_ready", Message: "Valkey does not answer.", Details: []fieldDetail{},
		}})
		return
	}
	c.JSON(http.StatusOK, readyResponse{Status: "ready"})
}

// metrics godoc
// @Summary     Prometheus metrics
// @Description The process's metrics in the Prometheus text format.
// @Tags        operations
// @Produce     plain
// @Success     200 {string} string "metrics in the Prometheus text format"
// @Router      /metrics [get]
func (o *Operations) metrics(c *gin.Context) {
	promhttp.HandlerFor(o.gatherer, promhttp.HandlerOpts{}).ServeHTTP(c.Writer, c.Request)
}

// healthResponse answers /health.
type healthResponse struct {
	Status  string `json:"status" example:"ok"`
	Version string `json:"version" example:"v1.4.0"`
}

// readyResponse answers /ready.
type readyResponse struct {
	Status string `json:"status" example:"ready"`
}

// NewOperationsRouter builds the worker's listener: the operations routes only.
func NewOperationsRouter(ops *Operations, log *zap.Logger) *gin.Engine {
	r := newEngine(log, ops)
	ops.register(r)
	return r
}
