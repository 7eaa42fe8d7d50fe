package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// ReadyFunc reports whether the process can do its work; /ready answers 503 while it
// returns an error.
type ReadyFunc func(ctx context.Context) error

// Operations serves /health, /ready and /metrics, on the api and on the worker.
type Operations struct {
	ready    ReadyFunc
	gatherer prometheus.Gatherer
}

// NewOperations builds the operations routes.
func NewOperations(ready ReadyFunc, gatherer prometheus.Gatherer) *Operations {
	return &Operations{ready: ready, gatherer: gatherer}
}

func (o *Operations) register(r *gin.Engine) {
	r.GET("/health", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/ready", func(c *gin.Context) {
		if err := o.ready(c.Request.Context()); err != nil {
			c.JSON(http.StatusServiceUnavailable, errorResponse{Error: errorBody{
				Code: "not_ready", Message: "Valkey does not answer.", Details: []fieldDetail{},
			}})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	})
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(o.gatherer, promhttp.HandlerOpts{})))
}

// NewOperationsRouter builds the worker's listener: the operations routes only.
func NewOperationsRouter(ops *Operations, log *zap.Logger) *gin.Engine {
	r := newEngine(log)
	ops.register(r)
	return r
}
