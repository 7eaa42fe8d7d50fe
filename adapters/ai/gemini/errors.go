package gemini

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/generative-ai-go/genai"

	"github.com/naengbu/recipe-ai/application"
)

// Bounds of a 429's wait, whatever the server asked.
const (
	defaultRetryAfter = 30 * time.Second // when a 429 says nothing
	minRetryAfter     = time.Second
	maxRetryAfter     = time.Hour
)

// transport authenticates each request and turns an HTTP error answer into an *apiError.
// Returning the error from RoundTrip, rather than the response, also keeps the SDK from
// retrying 503s on its own for up to ten minutes: the chain decides what happens next.
type transport struct {
	key  string
	base http.RoundTripper
	now  func() time.Time
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("x-goog-api-key", t.key)
	resp, err := t.base.RoundTrip(r)
	if err != nil || resp.StatusCode < http.StatusBadRequest {
		return resp, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return nil, newAPIError(resp, body, t.now())
}

// apiError is an error answer of the Gemini API, whose body reads
// {"error": {"code": 429, "message": "…", "status": "RESOURCE_EXHAUSTED", "details": […]}}.
type apiError struct {
	StatusCode int
	Status     string        // the API's status name, such as RESOURCE_EXHAUSTED
	Message    string        // cut to 300 characters
	RetryAfter time.Duration // from Retry-After or a RetryInfo detail, clamped; 0 when absent
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("status %d", e.StatusCode)
	if e.Status != "" {
		s += " " + e.Status
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func newAPIError(resp *http.Response, body []byte, now time.Time) *apiError {
	var wire struct {
		Error struct {
			Message string `json:"message"`
			Status  string `json:"status"`
			Details []struct {
				Type       string `json:"@type"`
				RetryDelay string `json:"retryDelay"`
			} `json:"details"`
		} `json:"error"`
	}
	e := &apiError{StatusCode: resp.StatusCode}
	if json.Unmarshal(body, &wire) == nil {
		e.Status = wire.Error.Status
		e.Message = wire.Error.Message
		for _, d := range wire.Error.Details {
			if delay, err := time.ParseDuration(d.RetryDelay); err == nil && strings.HasSuffix(d.Type, "google.rpc.RetryInfo") {
				e.RetryAfter = clampRetryAfter(delay)
			}
		}
	} else {
		e.Message = strings.TrimSpace(string(body))
	}
	if r := []rune(e.Message); len(r) > 300 {
		e.Message = string(r[:300]) + "…"
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		e.RetryAfter = clampRetryAfter(d)
	}
	return e
}

// clampRetryAfter keeps a wait the server asked for within sane bounds.
func clampRetryAfter(d time.Duration) time.Duration { return min(max(d, minRetryAfter), maxRetryAfter) }

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		return time.Duration(min(s, int64(maxRetryAfter/time.Second))) * time.Second, true // no overflow
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// classify translates an SDK error into the port's error kinds. ctx is the caller's
// context, without the generator's own timeout.
func (g *Generator) classify(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var blocked *genai.BlockedError
	var api *apiError
	switch {
	case errors.As(err, &blocked):
		return fmt.Errorf("%w: %w: %w", application.ErrPermanent, application.ErrContentBlocked, blocked)
	case errors.As(err, &api) && api.StatusCode == http.StatusTooManyRequests:
		after := api.RetryAfter
		if after == 0 {
			after = defaultRetryAfter
		}
		return &application.RetryAfterError{After: after, Err: fmt.Errorf("generate content: %w", api)}
	case errors.As(err, &api) && (api.StatusCode == http.StatusRequestTimeout || api.StatusCode >= 500):
		return fmt.Errorf("generate content: %w", api)
	case errors.As(err, &api):
		// 400 (invalid request, or an invalid key: API_KEY_INVALID), 401, 403, 404 (no
		// such model): asking again will not help.
		return fmt.Errorf("generate content: %w: %w", application.ErrPermanent, api)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("generate content: timed out after %s: %w", g.timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("generate content: %w", err)
}
