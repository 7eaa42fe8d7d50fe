package valkey

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// unavailableRetryAfter is what clients are told to wait while Valkey is away.
const unavailableRetryAfter = 5 * time.Second

// translate turns a go-redis error into the errors the application knows: redis.Nil is
// domain.ErrNotFound; a server that cannot be reached, is loading or has no master is
// application.ErrUnavailable; any other server reply (a script bug) stays as it is.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, redis.Nil) {
		return domain.ErrNotFound
	}
	var rerr redis.Error
	if errors.As(err, &rerr) && !transientReply(rerr.Error()) {
		return fmt.Errorf("valkey: %w", err)
	}
	return &application.UnavailableError{RetryAfter: unavailableRetryAfter, Err: fmt.Errorf("valkey: %w", err)}
}

// transientReply reports whether a server reply means "not now" rather than "never".
func transientReply(msg string) bool {
	for _, prefix := range []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY", "MOVED", "ASK"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
