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

// formatWords are what servers write when they reject the requested response format, in
// the error's message, param or code, or anywhere in a body that is not OpenAI's error
// shape. OpenAI: "Invalid parameter: 'response_format' of type 'json_schema' is not
// supported with this model." and "Invalid schema for response_format 'recipes': …"
// (param "response_format", code "invalid_json_schema"); vLLM: param "response_format" in
// OpenAI's shape, or its older top-level {"object": "error", "message": "… json_schema …"},
// or FastAPI's 422 with "loc": ["body", "response_format", …]; LiteLLM: "… does not support
// parameters: {'response_format': …}"; Ollama: "invalid format: expected \"json\" or a JSON
// schema". "schema" covers json_schema; camel case covers SDKs that send responseFormat.
var formatWords = []string{"response_format", "response format", "responseformat", "schema"}

// rejectsFormat reports whether err is a server's rejection of the json_schema response
// format: a 400 or 422 whose error names the response format or a schema, and is not
// about filtered content. Any other 400 (too long a context, an unknown model, a bad
// parameter) would fail again with json_object, so it is not worth a second call. A
// server that echoes the whole request in its error (pydantic's validation errors do)
// may match by mistake; that costs one more call, which fails the same way.
func rejectsFormat(err error) bool {
	code, apiCode := status(err)
	if (code != http.StatusBadRequest && code != http.StatusUnprocessableEntity) || slices.Contains(contentCodes, apiCode) {
		return false
	}
	text := strings.ToLower(errorText(err))
	return slices.ContainsFunc(formatWords, func(w string) bool { return strings.Contains(text, w) })
}

// errorText is everything a server said about a failed request: an API error's message,
// param and code, or the raw body of an answer in another shape.
func errorText(err error) string {
	var api *goopenai.APIError
	var req *goopenai.RequestError
	switch {
	case errors.As(err, &api):
		var b strings.Builder
		b.WriteString(api.Message)
		if api.Param != nil {
			b.WriteString(" " + *api.Param)
		}
		if c, ok := api.Code.(string); ok {
			b.WriteString(" " + c)
		}
		return b.String()
	case errors.As(err, &req):
		text := string(req.Body)
		if req.Err != nil {
			text += " " + req.Err.Error()
		}
		return text
	}
	return ""
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
