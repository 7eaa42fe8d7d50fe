package application

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// Errors providers wrap so that the processor can tell their failures apart.
var (
	// ErrContentBlocked marks an answer or request a provider blocked (safety filters,
	// refusals). It is permanent: wrap ErrPermanent too.
	ErrContentBlocked = errors.New("content blocked")
	// ErrLeaseLost is the cause of a job context whose lease another worker took over.
	ErrLeaseLost = errors.New("lease lost")
)

// Answer is what one provider of the chain answered, before the processor checks it.
type Answer struct {
	Result   domain.Result
	Provider string // the chain's name of the provider: "gemini", "openai", "offline"
	Model    string // the model that wrote it, when the chain knows it
	// Partial marks a provider whose answers may hold fewer than 3 + 2 recipes (the
	// offline engine never pads with unfit ones); AI providers give exactly 3 + 2.
	Partial bool
}

// AcceptFunc checks an answer and returns the result to keep, or an error wrapping
// domain.ErrInvalidAnswer that sends the chain on to its next provider.
type AcceptFunc func(Answer) (domain.Result, error)

// ProviderChain walks the AI providers in order for one attempt.
type ProviderChain interface {
	// Generate asks each provider in turn, skipping the ones that cool down after a 429 or
	// sit behind an open circuit breaker, until accept takes an answer. It returns ctx's
	// error once ctx is done, and a *ProvidersError when no answer was accepted.
	//
	// With a stream, the providers that can stream (RecipeStreamer) are asked to, and
	// stream receives each recipe they write as they write it, named with its provider;
	// after such a provider fails or its answer is refused, stream receives a Reset for
	// it before the chain moves on. A nil stream asks every provider for its whole answer.
	Generate(ctx context.Context, req domain.GenerationRequest, accept AcceptFunc, stream StreamFunc) (domain.Result, error)
}

// FailureKind classifies how one provider failed.
type FailureKind int

// The kinds of provider failure.
const (
	// FailureTemporary: 5xx, timeout, network, 429: another try may work.
	FailureTemporary FailureKind = iota
	// FailurePermanent: invalid key or request; a retry cannot fix it.
	FailurePermanent
	// FailureBlocked: the provider blocked the content; permanent.
	FailureBlocked
	// FailureInvalid: the answer broke the result rules or the constraints; temporary.
	FailureInvalid
	// FailureSkipped: the provider was not called (cooling down, breaker open or probing).
	FailureSkipped
)

// ProviderFailure is how one provider failed during one attempt.
type ProviderFailure struct {
	Provider string
	Kind     FailureKind
	// RetryAfter is how long the provider asked to be left alone (a 429's Retry-After,
	// the rest of a breaker's cool-down); 0 when it did not say.
	RetryAfter time.Duration
	Err        error
}

// ClassifyFailure turns a provider's error into a failure of provider.
func ClassifyFailure(provider string, err error) ProviderFailure {
	f := ProviderFailure{Provider: provider, Kind: FailureTemporary, Err: err}
	switch {
	case errors.Is(err, ErrContentBlocked):
		f.Kind = FailureBlocked
	case errors.Is(err, ErrPermanent):
		f.Kind = FailurePermanent
	case errors.Is(err, domain.ErrInvalidAnswer):
		f.Kind = FailureInvalid
	}
	if ra, ok := errors.AsType[*RetryAfterError](err); ok && f.Kind == FailureTemporary {
		f.RetryAfter = ra.After
	}
	return f
}

// SkippedFailure is a provider that was not called, available again after after.
func SkippedFailure(provider string, after time.Duration, why error) ProviderFailure {
	return ProviderFailure{Provider: provider, Kind: FailureSkipped, RetryAfter: after, Err: why}
}

// ProvidersError is what an attempt ends with when no provider's answer was accepted.
type ProvidersError struct{ Failures []ProviderFailure }

func (e *ProvidersError) Error() string {
	if len(e.Failures) == 0 {
		return "no AI provider configured"
	}
	parts := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		parts[i] = f.Provider + ": " + f.Err.Error()
	}
	return fmt.Sprintf("every AI provider failed: %s", strings.Join(parts, "; "))
}

// called reports whether any provider was really asked; a chain without providers counts
// as asked, so that it fails rather than waits forever.
func (e *ProvidersError) called() bool {
	if len(e.Failures) == 0 {
		return true
	}
	for _, f := range e.Failures {
		if f.Kind != FailureSkipped {
			return true
		}
	}
	return false
}

// firstAvailable is how long until the first skipped provider may be asked again.
func (e *ProvidersError) firstAvailable() time.Duration {
	first := time.Duration(-1)
	for _, f := range e.Failures {
		if f.Kind == FailureSkipped && (first < 0 || f.RetryAfter < first) {
			first = f.RetryAfter
		}
	}
	return max(first, 0)
}

// classify reduces the failures of a called attempt to what happens next: whether a
// retry may help, the smallest Retry-After when every temporary failure carried one, and
// the code the job fails with if it fails now.
func (e *ProvidersError) classify() (retryable bool, retryAfter time.Duration, code domain.FailureCode) {
	var temporary, invalid, blocked int
	allWaits := true
	for _, f := range e.Failures {
		switch f.Kind {
		case FailureTemporary, FailureSkipped:
			temporary++
			if f.RetryAfter <= 0 {
				allWaits = false
			} else if retryAfter == 0 || f.RetryAfter < retryAfter {
				retryAfter = f.RetryAfter
			}
		case FailureInvalid:
			invalid++
			allWaits = false
		case FailureBlocked:
			blocked++
		}
	}
	if !allWaits {
		retryAfter = 0
	}
	switch {
	case temporary > 0:
		return true, retryAfter, domain.FailureProvidersUnavailable
	case invalid > 0:
		return true, 0, domain.FailureInvalidAnswer
	case blocked > 0:
		return false, 0, domain.FailureContentBlocked
	}
	return false, 0, domain.FailureProvidersRejected
}
