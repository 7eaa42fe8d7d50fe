package application

import (
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// Verdict is what happens to a job after one run of the processor.
type Verdict int

// The verdicts. The queue carries each out; only Retry and Fail spend the attempt that
// the run took.
const (
	// VerdictComplete: store Outcome.Result.
	VerdictComplete Verdict = iota + 1
	// VerdictRetry: run again after Outcome.Delay; the attempt counts.
	VerdictRetry
	// VerdictFail: fail with Outcome.Code and keep the job in the dead letters.
	VerdictFail
	// VerdictWait: no provider was called; run again after Outcome.Delay without
	// spending the attempt.
	VerdictWait
	// VerdictHandBack: the worker stops; put the job back for another worker at once,
	// without spending the attempt.
	VerdictHandBack
	// VerdictDrop: the job was cancelled or taken over by another worker: record nothing.
	VerdictDrop
)

var verdictNames = map[Verdict]string{
	VerdictComplete: "complete", VerdictRetry: "retry", VerdictFail: "fail",
	VerdictWait: "wait", VerdictHandBack: "handback", VerdictDrop: "drop",
}

func (v Verdict) String() string { return verdictNames[v] }

// Outcome is the processor's decision about one run of a job.
type Outcome struct {
	Verdict Verdict
	Result  domain.Result      // with VerdictComplete
	Delay   time.Duration      // with VerdictRetry and VerdictWait
	Code    domain.FailureCode // with VerdictRetry and VerdictFail: what a client would be told
	// Err is what went wrong, with the providers' own words, for the log and the
	// dead-letter history only.
	Err error
}
