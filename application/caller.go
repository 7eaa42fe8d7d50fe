package application

import (
	"context"

	"github.com/naengbu/recipe-ai/domain"
)

type callerKey struct{}

// WithCaller returns ctx carrying the caller: the owner id of the API key the request
// came with (an opaque digest, never the key), or "" when the service runs without keys.
func WithCaller(ctx context.Context, caller string) context.Context {
	return context.WithValue(ctx, callerKey{}, caller)
}

// CallerFrom returns the caller WithCaller put in ctx, "" when none.
func CallerFrom(ctx context.Context) string {
	caller, _ := ctx.Value(callerKey{}).(string)
	return caller
}

// visible reports whether the caller in ctx may see a job of owner: only the API key that
// made a job sees it; without keys every job is visible.
func visible(ctx context.Context, owner string) bool { return CallerFrom(ctx) == owner }

// hidden is the error a caller gets for another caller's job: the same as for a job that
// does not exist, so that job ids of others cannot be probed.
func hidden(id domain.JobID) error { return &notFoundError{id: id} }

type notFoundError struct{ id domain.JobID }

func (e *notFoundError) Error() string        { return "job " + string(e.id) + " not found" }
func (e *notFoundError) Is(target error) bool { return target == domain.ErrNotFound }
