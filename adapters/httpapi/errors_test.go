package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// written is what writeError sent, as a client and an operator see it.
type written struct {
	Status     int
	RetryAfter string
	Body       errorResponse
	Logged     int // error lines logged
}

func writeErrorOf(err error) written {
	core, logs := observer.New(zap.DebugLevel)
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	writeError(c, zap.New(core), err)
	var body errorResponse
	if uerr := json.Unmarshal(rec.Body.Bytes(), &body); uerr != nil {
		body.Error.Message = "undecodable: " + rec.Body.String()
	}
	return written{Status: rec.Code, RetryAfter: rec.Header().Get("Retry-After"), Body: body, Logged: logs.Len()}
}

func TestWriteError(t *testing.T) {
	verr := &domain.ValidationError{Fields: []domain.FieldError{
		{Field: "ingredients[2]", Message: "must not be empty"},
		{Field: "preferences.servings", Message: "must be between 1 and 20"},
	}}
	tests := []struct {
		name string
		give error
		want written
	}{
		{
			name: "validation",
			give: fmt.Errorf("submit: %w", verr),
			want: written{Status: 400, Body: errorResponse{errorBody{Code: "invalid_request", Message: "The request has invalid fields.", Details: []fieldDetail{
				{Field: "ingredients[2]", Message: "must not be empty"},
				{Field: "preferences.servings", Message: "must be between 1 and 20"},
			}}}},
		},
		{
			name: "malformed",
			give: &malformedError{reason: "data follows the object"},
			want: written{Status: 400, Body: errorResponse{errorBody{Code: "invalid_json", Message: "The body must be one JSON object: data follows the object.", Details: []fieldDetail{}}}},
		},
		{
			name: "too large",
			give: errTooLarge,
			want: written{Status: 413, Body: errorResponse{errorBody{Code: "payload_too_large", Message: "The body must be at most 64 KiB.", Details: []fieldDetail{}}}},
		},
		{
			name: "not JSON",
			give: errNotJSON,
			want: written{Status: 415, Body: errorResponse{errorBody{Code: "unsupported_media_type", Message: "Send the body as application/json.", Details: []fieldDetail{}}}},
		},
		{
			name: "no route",
			give: errRouteMissing,
			want: written{Status: 404, Body: errorResponse{errorBody{Code: "not_found", Message: "Nothing is here, or it has expired.", Details: []fieldDetail{}}}},
		},
		{
			name: "not found",
			give: fmt.Errorf("load status X: %w", domain.ErrNotFound),
			want: written{Status: 404, Body: errorResponse{errorBody{Code: "not_found", Message: "Nothing is here, or it has expired.", Details: []fieldDetail{}}}},
		},
		{
			name: "wrong method",
			give: errMethod,
			want: written{Status: 405, Body: errorResponse{errorBody{Code: "method_not_allowed", Message: "This route does not take that method.", Details: []fieldDetail{}}}},
		},
		{
			name: "conflict",
			give: fmt.Errorf("cancel job X: %w", domain.ErrConflict),
			want: written{Status: 409, Body: errorResponse{errorBody{Code: "conflict", Message: "The request conflicts with the job's current state or an earlier request.", Details: []fieldDetail{}}}},
		},
		{
			name: "unavailable",
			give: fmt.Errorf("enqueue job X: %w", application.ErrUnavailable),
			want: written{Status: 503, RetryAfter: "5", Logged: 1, Body: errorResponse{errorBody{Code: "unavailable", Message: "The service cannot take this request now; try again later.", Details: []fieldDetail{}}}},
		},
		{
			name: "queue full for a minute",
			give: fmt.Errorf("enqueue job X: %w", &application.UnavailableError{RetryAfter: time.Minute, Err: errors.New("queue full")}),
			want: written{Status: 503, RetryAfter: "60", Logged: 1, Body: errorResponse{errorBody{Code: "unavailable", Message: "The service cannot take this request now; try again later.", Details: []fieldDetail{}}}},
		},
		{
			name: "queue full for 2.1 s",
			give: &application.UnavailableError{RetryAfter: 2100 * time.Millisecond, Err: errors.New("queue full")},
			want: written{Status: 503, RetryAfter: "3", Logged: 1, Body: errorResponse{errorBody{Code: "unavailable", Message: "The service cannot take this request now; try again later.", Details: []fieldDetail{}}}},
		},
		{
			name: "panic",
			give: errPanic,
			want: written{Status: 500, Logged: 1, Body: errorResponse{errorBody{Code: "internal", Message: "Something went wrong on our side.", Details: []fieldDetail{}}}},
		},
		{
			name: "unexpected, with internals in its text",
			give: errors.New("ERR unknown command 'EVALSHA' at redis://:secret@valkey:6379"),
			want: written{Status: 500, Logged: 1, Body: errorResponse{errorBody{Code: "internal", Message: "Something went wrong on our side.", Details: []fieldDetail{}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, writeErrorOf(tt.give)); diff != "" {
				t.Errorf("writeError(%v) (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}
