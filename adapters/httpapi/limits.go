package httpapi

import (
	"errors"
	"math"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// errRateLimited: the request does not fit its client's budget.
var errRateLimited = errors.New("rate limited")

// Limits spends each request of a /v1 route from its client's budget, counted in the
// store every api replica shares: submissions from RATE_LIMIT_GENERATE; status reads,
// event streams (the connection, not its events), cancels and history reads from
// RATE_LIMIT_STATUS, one budget for all of them, since the contract names one setting
// for them. A client is the caller's API key when the request carries one, else its
// address (see clientOf).
//
// Every limited answer carries the fields of draft-ietf-httpapi-ratelimit-headers-06
// (RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset in seconds, RateLimit-Policy
// "limit;w=window"); a refused request is 429 rate_limited with Retry-After.
//
// When the store cannot answer, requests pass uncounted (logged at most every
// warnEvery): the limiter protects the service, it is not what the service does, and
// the routes that need Valkey answer 503 themselves while it is away.
type Limits struct {
	limiter  application.RateLimiter
	generate limitedBudget
	status   limitedBudget
	log      *zap.Logger
	warned   atomic.Int64 // when the last failure was logged, Unix ns
}

// limitedBudget is a budget with its RateLimit-Policy and RateLimit-Limit values.
type limitedBudget struct {
	application.Budget
	policy, limit string
}

func newLimitedBudget(name string, r config.Rate) limitedBudget {
	return limitedBudget{
		Budget: application.Budget{Name: name, Limit: r.Limit, Period: r.Period},
		policy: strconv.Itoa(r.Limit) + ";w=" + strconv.Itoa(int(r.Period.Seconds())),
		limit:  strconv.Itoa(r.Limit),
	}
}

// warnEvery is how often an unreachable limiter is logged at most.
const warnEvery = 10 * time.Second

// NewLimits builds the limits of RATE_LIMIT_GENERATE and RATE_LIMIT_STATUS on l.
func NewLimits(l application.RateLimiter, cfg config.Config, log *zap.Logger) *Limits {
	return &Limits{
		limiter:  l,
		generate: newLimitedBudget("generate", cfg.RateLimitGenerate),
		status:   newLimitedBudget("status", cfg.RateLimitStatus),
		log:      log.Named("http"),
	}
}

// submit spends a request of the generate budget; a nil Limits lets every request pass.
func (l *Limits) submit(c *gin.Context) {
	if l != nil {
		l.spend(c, &l.generate)
	}
}

// read spends a request of the status budget; a nil Limits lets every request pass.
func (l *Limits) read(c *gin.Context) {
	if l != nil {
		l.spend(c, &l.status)
	}
}

func (l *Limits) spend(c *gin.Context, b *limitedBudget) {
	ctx := c.Request.Context()
	d, err := l.limiter.Allow(ctx, b.Budget, clientOf(c))
	if err != nil {
		if ctx.Err() == nil { // else the client left: nothing is wrong with the limiter
			l.warn(err)
		}
		return
	}
	// The names are written as net/http would canonicalize them (and sends them): Set
	// then keeps them as they are instead of copying each on every request. Header
	// names are case-insensitive.
	h := c.Writer.Header()
	h.Set("Ratelimit-Policy", b.policy)
	h.Set("Ratelimit-Limit", b.limit)
	h.Set("Ratelimit-Remaining", strconv.Itoa(d.Remaining))
	h.Set("Ratelimit-Reset", seconds(d.ResetAfter))
	if !d.Allowed {
		h.Set("Retry-After", seconds(max(d.RetryAfter, time.Second)))
		writeError(c, l.log, errRateLimited)
	}
}

// warn logs a failure of the limiter, at most once every warnEvery.
func (l *Limits) warn(err error) {
	now := time.Now().UnixNano()
	last := l.warned.Load()
	if now-last < int64(warnEvery) || !l.warned.CompareAndSwap(last, now) {
		return
	}
	l.log.Warn("rate limits cannot be counted; requests pass unlimited", zap.Error(err))
}

// seconds is d in whole seconds, rounded up, so that a client that waits that long is
// never too early.
func seconds(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// clientOf names whose budget a request spends: the caller (a hash of its API key) when
// API keys are on, else its address as gin's ClientIP sees it through the trusted
// proxies (trustedProxies). IPv6 addresses count by their /64 network, the block one
// host usually holds, so that a client cannot get a fresh budget from each of its
// addresses.
func clientOf(c *gin.Context) string {
	if caller := callerOf(c); caller != "" {
		return "key:" + caller
	}
	raw := c.ClientIP()
	addr, err := netip.ParseAddr(raw)
	if err != nil {
		return "ip:" + raw
	}
	addr = addr.Unmap()
	if addr.Is6() {
		return "ip:" + netip.PrefixFrom(addr, 64).Masked().String()
	}
	return "ip:" + addr.String()
}

// callerOf is the caller Auth named for the request (an id derived from its API key), or
// empty when API keys are off.
func callerOf(c *gin.Context) string { return c.GetString(callerKey) }

// trustedProxies are the peers whose X-Forwarded-For and X-Real-IP the api believes when
// it finds a client's address: loopback and private networks, where the deployments'
// reverse proxies (nginx in compose, an ingress controller in Kubernetes) run. A peer on
// a public address is the client itself, so what it claims to forward is ignored.
var trustedProxies = []string{
	"127.0.0.0/8", "::1/128",
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
}
