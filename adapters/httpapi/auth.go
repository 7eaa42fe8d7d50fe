package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// errUnauthorized is a /v1 request without a valid API key while API_KEYS is set.
var errUnauthorized = errors.New("missing or wrong API key")

// Auth checks the bearer API key of every /v1 request when API_KEYS is set, and names
// the caller for the use cases: an id derived from the key (never the key itself), under
// which jobs, their events, their cancel, idempotency keys and history are kept apart.
// A nil *Auth, or one without keys, lets every request through as the caller "".
type Auth struct {
	digests [][sha256.Size]byte
	ids     []string
	log     *zap.Logger
}

// NewAuth reads API_KEYS. Keys are kept only as SHA-256 digests.
func NewAuth(cfg config.Config, log *zap.Logger) *Auth {
	a := &Auth{log: log.Named("http")}
	for _, k := range cfg.APIKeys {
		sum := sha256.Sum256([]byte(k.Reveal()))
		a.digests = append(a.digests, sum)
		a.ids = append(a.ids, CallerID(k.Reveal()))
	}
	return a
}

// CallerID is the owner id of an API key: 24 hex digits of its SHA-256, which names the
// key in storage and logs without revealing it.
func CallerID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "k" + hex.EncodeToString(sum[:12])
}

// callerKey is where the caller's id is kept in a gin context.
const callerKey = "caller"

// check is the middleware. Every key is compared, each in constant time, so the time
// taken says nothing about which key (or how much of one) matched.
func (a *Auth) check(c *gin.Context) {
	if a == nil || len(a.digests) == 0 || !strings.HasPrefix(c.Request.URL.Path, "/v1/") {
		c.Next()
		return
	}
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	match := -1
	for i, d := range a.digests {
		if subtle.ConstantTimeCompare(sum[:], d[:]) == 1 {
			match = i
		}
	}
	if !ok || match < 0 {
		c.Header("WWW-Authenticate", `Bearer realm="recipe-ai"`)
		writeError(c, a.log, errUnauthorized)
		return
	}
	caller := a.ids[match]
	c.Set(callerKey, caller)
	c.Request = c.Request.WithContext(application.WithCaller(c.Request.Context(), caller))
	c.Next()
}
