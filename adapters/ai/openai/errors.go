package openai

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/naengbu/recipe-ai/application"
)

// Bounds of a 429's wait, whatever the server asked.
const (
	defaultRetryAfter = 30 * time.Second // when a 429 says nothing
	minRetryAfter     = time.Second
	maxRetryAfter     = time.Hour
)

// responseKey carries a *response in a request's context.
type responseKey struct{}

// response keeps the headers of the last response to a request, which the SDK's errors
// leave out: a 429's Retry-After lives there.
type response struct {
	mu sync.Mutex
	h  http.Header
}

func (r *response) header() http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.h
}

// headerRecorder hands each response's headers to the *response in its request's context.
type headerRecorder struct{ base http.RoundTripper }

func (t headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if rec, ok := req.Context().Value(responseKey{}).(*response); ok && err == nil {
		rec.mu.Lock()
		rec.h = resp.Header.Clone()
		rec.mu.Unlock()
	}
	return resp, err
}

// status returns the HTTP status and the API's error code of an SDK error, 0 and "" when
// the server gave no error answer (network, timeout, undecodable body).
func status(err error) (int, string) {
	var api *goopenai.APIError
	var req *goopenai.RequestError
	switch {
	case errors.As(err, &api):
		code, _ := api.Code.(string)
		return api.HTTPStatusCode, code
	case errors.As(err, &req):
		return req.HTTPStatusCode, ""
	}
	return 0, ""
}

// Error codes that a 400 or 429 carries when no request shape will help.
var (
	contentCodes = []string{"content_policy_violation", "content_filter"}
	quotaCode    = "insufficient_quota" // a 429 that waits for billing, not for time
)

// rejectsRequest reports whether err may be a server's rejection of the json_schema
// response format: a 400 or 422 other than filtered content. Servers word it
// differently ("response_format", "json_schema", "schema"…), so no wording is required; a
// request that is bad for another reason fails again with json_object and is reported
// as such.
func rejectsRequest(err error) bool {
	code, apiCode := status(err)
	return (code == http.StatusBadRequest || code == http.StatusUnprocessableEntity) && !slices.Contains(contentCodes, apiCode)
}

// classify translates an SDK error into the port's error kinds. ctx is the caller's
// context, without the generator's own timeout; h holds the failed response's headers.
func (g *Generator) classify(ctx context.Context, err error, h http.Header) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	code, apiCode := status(err)
	switch {
	case code == http.StatusTooManyRequests && apiCode == quotaCode:
		return fmt.Errorf("chat completion: %w: %w", application.ErrPermanent, err)
	case code == http.StatusTooManyRequests:
		return &application.RetryAfterError{After: retryAfter(h, g.now()), Err: fmt.Errorf("chat completion: %w", err)}
	case code == http.StatusRequestTimeout || code >= 500:
		return fmt.Errorf("chat completion: %w", err)
	case code >= 400:
		// 400 invalid request or filtered content, 401 invalid key, 403, 404 no such model.
		return fmt.Errorf("chat completion: %w: %w", application.ErrPermanent, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("chat completion: timed out after %s: %w", g.timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("chat completion: %w", err)
}

// retryAfter reads how long a 429 asked to wait: retry-after-ms, as OpenAI sends it, or
// Retry-After in seconds or as an HTTP date; defaultRetryAfter when neither is there.
func retryAfter(h http.Header, now time.Time) time.Duration {
	d, ok := time.Duration(0), false
	if ms, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After-Ms")), 64); err == nil && ms >= 0 {
		d, ok = time.Duration(min(ms, float64(maxRetryAfter/time.Millisecond)))*time.Millisecond, true
	} else if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
			d, ok = time.Duration(min(s, int64(maxRetryAfter/time.Second)))*time.Second, true
		} else if t, err := http.ParseTime(v); err == nil {
			d, ok = max(t.Sub(now), 0), true
		}
	}
	if !ok {
		return defaultRetryAfter
	}
	return min(max(d, minRetryAfter), maxRetryAfter)
}
