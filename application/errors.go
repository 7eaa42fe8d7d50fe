package application

import (
	"errors"
	"fmt"
	"time"
)

// Errors the use cases return or expect from their ports.
var (
	// ErrUnavailable: the queue or store cannot be reached, or the queue is full. Callers
	// may try again later.
	ErrUnavailable = errors.New("unavailable")
	// ErrPermanent marks a generation failure that a retry cannot fix: an invalid key, a
	// rejected request, blocked content. Such a job fails without further attempts.
	ErrPermanent = errors.New("permanent failure")
	// ErrCancelled is the cause of a job context cancelled by its client.
	ErrCancelled = errors.New("job cancelled")
	// ErrShutdown is the cause of a job context cancelled because its worker stops.
	ErrShutdown = errors.New("worker shutting down")
)

// RetryAfterError is a temporary failure whose source asked to be left alone for a while,
// as an HTTP 429 with Retry-After does.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("retry after %s: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// UnavailableError carries how long a client should wait before trying again.
type UnavailableError struct {
	RetryAfter time.Duration
	Err        error
}

func (e *UnavailableError) Error() string { return e.Err.Error() }

// Is lets errors.Is(err, ErrUnavailable) match.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

func (e *UnavailableError) Unwrap() error { return e.Err }
