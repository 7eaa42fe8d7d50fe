package httpapi

import (
	"crypto/rand"
	"reflect"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"
	"go.uber.org/zap"
)

func init() {
	gin.SetMode(gin.ReleaseMode)
	// Validation errors name fields by their JSON names, as clients send them.
	if v, ok := binding.Validator.Engine().(*validator.Validate); ok {
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			return name
		})
	}
}

// Routes adds routes from another package to the api's router, such as the Swagger UI.
type Routes func(*gin.Engine)

// NewRouter builds the api's routes: the recipe routes, spending from the budgets of
// limits (nil: unlimited), the operations routes and the extra ones; auth guards every
// /v1 route when API keys are configured, and runs before the limits, which count per
// caller.
func NewRouter(h *Handler, ops *Operations, auth *Auth, limits *Limits, log *zap.Logger, extra ...Routes) *gin.Engine {
	r := newEngine(log, ops)
	r.Use(auth.check)
	v1 := r.Group("/v1/recipe")
	v1.POST("/generate", limits.submit, h.createGeneration)
	v1.GET("/status/:jobId", limits.read, h.getStatus)
	v1.DELETE("/status/:jobId", limits.read, h.cancelGeneration)
	v1.GET("/status/:jobId/events", limits.read, h.streamEvents)
	ops.register(r)
	for _, add := range extra {
		add(r)
	}
	return r
}

// newEngine is a gin engine with the middleware every listener shares: request ids,
// access logs, metrics, JSON errors for panics, unknown routes and wrong methods.
func newEngine(log *zap.Logger, ops *Operations) *gin.Engine {
	log = log.Named("http")
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	if err := r.SetTrustedProxies(trustedProxies); err != nil {
		panic(err) // a typo in trustedProxies
	}
	if ops.trace != nil {
		r.Use(ops.trace)
	}
	r.Use(withRequestID, accessLog(log), ops.measure, gin.CustomRecovery(func(c *gin.Context, recovered any) {
		log.Error("panic serving request", zap.Any("panic", recovered), zap.Stack("stack"))
		writeError(c, log, errPanic)
	}))
	r.NoRoute(func(c *gin.Context) { writeError(c, log, errRouteMissing) })
	r.NoMethod(func(c *gin.Context) { writeError(c, log, errMethod) })
	return r
}

const requestIDKey = "request_id"

// withRequestID takes X-Request-ID when it is sensible (printable, at most 128 bytes) or
// makes one, stores it for the handlers and echoes it back.
func withRequestID(c *gin.Context) {
	id := c.GetHeader("X-Request-Id")
	if len(id) == 0 || len(id) > 128 || strings.IndexFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		id = rand.Text()
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id) // canonical, as it is sent: not copied on every request
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// accessLog logs each request at debug level, and errors at info and above.
func accessLog(log *zap.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := zap.DebugLevel
		if status >= 400 {
			level = zap.InfoLevel
		}
		if ce := log.Check(level, "request"); ce != nil {
			ce.Write(zap.String("method", c.Request.Method), zap.String("path", c.Request.URL.Path),
				zap.Int("status", status), zap.Duration("took", time.Since(start)), zap.String("request_id", requestID(c)))
		}
	}
}
