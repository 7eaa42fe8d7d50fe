package httpapi

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// Errors of the HTTP layer itself, before a use case runs.
var (
	errTooLarge     = errors.New("body too large")
	errNotJSON      = errors.New("content type is not JSON")
	errRouteMissing = errors.New("no such route")
	errMethod       = errors.New("method not allowed")
	errPanic        = errors.New("handler panicked")
)

// defaultRetryAfter is the Retry-After of a 503 whose cause did not say how long to wait.
const defaultRetryAfter = 5 * time.Second

// malformedError is a body that is not one JSON object of the expected shape.
type malformedError struct{ reason string }

func (e *malformedError) Error() string { return e.reason }

// writeError maps err to the contract's status and error JSON. The message is fixed per
// code (never err.Error(), which may hold internals) except for a malformed body, whose
// reason the client needs. 5xx errors are logged here, once.
func writeError(c *gin.Context, log *zap.Logger, err error) {
	status, body := classify(err)
	if errors.Is(err, application.ErrUnavailable) {
		wait := defaultRetryAfter
		if unavailable, ok := errors.AsType[*application.UnavailableError](err); ok && unavailable.RetryAfter > 0 {
			wait = max(unavailable.RetryAfter, time.Second)
		}
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds())))) // whole seconds, never too early
	}
	if status >= http.StatusInternalServerError {
		log.Error("request failed", zap.String("route", c.FullPath()), zap.String("request_id", requestID(c)), zap.Error(err))
	}
	if body.Details == nil {
		body.Details = []fieldDetail{}
	}
	c.AbortWithStatusJSON(status, errorResponse{Error: body})
}

func classify(err error) (int, errorBody) {
	var verr *domain.ValidationError
	var malformed *malformedError
	switch {
	case errors.As(err, &verr):
		details := make([]fieldDetail, len(verr.Fields))
		for i, f := range verr.Fields {
			details[i] = fieldDetail{Field: f.Field, Message: f.Message}
		}
		return http.StatusBadRequest, errorBody{Code: "invalid_request", Message: "The request has invalid fields.", Details: details}
	case errors.As(err, &malformed):
		return http.StatusBadRequest, errorBody{Code: "invalid_json", Message: "The body must be one JSON object: " + malformed.reason + "."}
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, errorBody{Code: "payload_too_large", Message: "The body must be at most 64 KiB."}
	case errors.Is(err, errNotJSON):
		return http.StatusUnsupportedMediaType, errorBody{Code: "unsupported_media_type", Message: "Send the body as application/json."}
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized, errorBody{Code: "unauthorized", Message: "Send a valid API key as Authorization: Bearer <key>."}
	case errors.Is(err, errRouteMissing), errors.Is(err, domain.ErrNotFound):
		return http.StatusNotFound, errorBody{Code: "not_found", Message: "Nothing is here, or it has expired."}
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, errorBody{Code: "method_not_allowed", Message: "This route does not take that method."}
	case errors.Is(err, domain.ErrConflict):
		return http.StatusConflict, errorBody{Code: "conflict", Message: "The request conflicts with the job's current state or an earlier request."}
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, errorBody{Code: "rate_limited", Message: "Too many requests; retry after the seconds in Retry-After."}
	case errors.Is(err, application.ErrUnavailable):
		return http.StatusServiceUnavailable, errorBody{Code: "unavailable", Message: "The service cannot take this request now; try again later."}
	}
	return http.StatusInternalServerError, errorBody{Code: "internal", Message: "Something went wrong on our side."}
}
