package valkey

import (
	_ "embed"

	"github.com/redis/go-redis/v9"
)

// Each script runs with EVALSHA, falling back to EVAL (which loads it) on NOSCRIPT.
var (
	//go:embed scripts/enqueue.lua
	enqueueSrc    string
	enqueueScript = redis.NewScript(enqueueSrc)

	// take.lua defines a function that claim.lua and finish.lua call.
	//go:embed scripts/take.lua
	takeSrc string

	//go:embed scripts/claim.lua
	claimSrc    string
	claimScript = redis.NewScript(takeSrc + claimSrc)

	//go:embed scripts/progress.lua
	progressSrc    string
	progressScript = redis.NewScript(progressSrc)

	//go:embed scripts/partial.lua
	partialSrc    string
	partialScript = redis.NewScript(partialSrc)

	//go:embed scripts/renew.lua
	renewSrc    string
	renewScript = redis.NewScript(renewSrc)

	//go:embed scripts/finish.lua
	finishSrc    string
	finishScript = redis.NewScript(takeSrc + finishSrc)

	//go:embed scripts/sweep.lua
	sweepSrc    string
	sweepScript = redis.NewScript(sweepSrc)

	//go:embed scripts/cancel.lua
	cancelSrc    string
	cancelScript = redis.NewScript(cancelSrc)

	//go:embed scripts/deadletter.lua
	deadLetterSrc    string
	deadLetterScript = redis.NewScript(deadLetterSrc)
)
