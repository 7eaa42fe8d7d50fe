package chain

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/naengbu/recipe-ai/application"
)

// Failure is how one provider failed during one Generate.
type Failure struct {
	Provider string
	Err      error
}

// Error is what Generate returns when every provider failed. It matches
// application.ErrPermanent only when Permanent is set: every failure was permanent. It
// does not unwrap to its failures, so one permanent failure among temporary ones does not
// make the whole attempt permanent.
type Error struct {
	Failures  []Failure
	Permanent bool
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		parts[i] = f.Provider + ": " + f.Err.Error()
	}
	return fmt.Sprintf("every AI provider failed: %s", strings.Join(parts, "; "))
}

// Is lets errors.Is(err, application.ErrPermanent) match when every failure was permanent.
func (e *Error) Is(target error) bool { return e.Permanent && target == application.ErrPermanent }

// newError sums up failures: permanent when all were, a *application.RetryAfterError with
// the smallest wait when every temporary one carried a wait, a plain temporary *Error
// otherwise.
func newError(failures []Failure) error {
	e := &Error{Failures: failures, Permanent: true}
	var wait time.Duration
	allWait := true
	for _, f := range failures {
		if errors.Is(f.Err, application.ErrPermanent) {
			continue
		}
		e.Permanent = false
		if ra, ok := errors.AsType[*application.RetryAfterError](f.Err); ok {
			if wait == 0 || ra.After < wait {
				wait = ra.After
			}
		} else {
			allWait = false
		}
	}
	if !e.Permanent && allWait {
		return &application.RetryAfterError{After: wait, Err: e}
	}
	return e
}
