package application

import (
	"context"

	"github.com/naengbu/recipe-ai/domain"
)

// Streamed is one piece of news from a provider that streams its answer: a recipe it has
// just finished writing, or word that the recipes it wrote so far are void.
type Streamed struct {
	// Provider and Model name who wrote it; the chain sets them.
	Provider string
	Model    string
	// Reset says that the recipes the provider handed over so far are void: its call
	// failed or its answer was refused, or it started its answer over. Kind and Recipe
	// are then empty.
	Reset  bool
	Kind   domain.RecipeKind
	Recipe domain.Recipe
}

// StreamFunc receives what streaming providers write, as they write it. It is called
// from the goroutine that called Generate, and never after Generate has returned.
type StreamFunc func(Streamed)

// RecipeStreamer is a RecipeGenerator that can also hand over each recipe of its answer
// the moment it has written it.
type RecipeStreamer interface {
	RecipeGenerator
	// GenerateStream is Generate that also calls emit for each recipe as soon as it is
	// complete, in the order written, and with Reset when recipes it emitted are no
	// longer part of its answer. It returns the whole answer as Generate does; what it
	// emitted is only a preview of it. emit is called from the calling goroutine and
	// never after GenerateStream has returned.
	GenerateStream(ctx context.Context, req domain.GenerationRequest, emit StreamFunc) (domain.Result, error)
}

// Reporter tells a running job's clients how the job is going. Its methods never block
// for long and never fail: what they carry is advisory, the result is what counts.
type Reporter interface {
	// Progress moves the job's progress forward to progress (0..99).
	Progress(progress int)
	// Partial replaces the recipes the job's clients see while it runs with partial, and
	// moves the progress forward to progress.
	Partial(partial domain.Partial, progress int)
}
