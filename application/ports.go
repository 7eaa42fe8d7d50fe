package application

import (
	"context"

	"github.com/naengbu/recipe-ai/domain"
)

// RecipeGenerator writes recipes for one request. Implementations are AI providers and
// the offline engine. An error wrapping ErrPermanent will not get better on retry; a
// *RetryAfterError says when the provider may be asked again; any other error is
// temporary. Generate must return promptly once ctx is done.
type RecipeGenerator interface {
	Generate(ctx context.Context, req domain.GenerationRequest) (domain.Result, error)
}

// StatusStore reads what clients may see of a job.
type StatusStore interface {
	// Status returns the job's status, with its result when completed. An unknown or
	// expired id gives domain.ErrNotFound; an unreachable store wraps ErrUnavailable.
	Status(ctx context.Context, id domain.JobID) (domain.JobStatus, error)
}
