package valkey

import (
	"fmt"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// The Go side of the scripts' protocol. Every value a script acts on arrives in ARGV
// from here; the scripts hold no copy of a progress value or a mode of their own beyond
// comparing with the names below.

// endMode is how the finish script ends an attempt.
type endMode string

const (
	endComplete endMode = "complete" // store the result, expire the job after the TTL
	endRetry    endMode = "retry"    // record the error, run again after a delay
	endFail     endMode = "fail"     // record the error, move to the dead letters
	endWait     endMode = "wait"     // run again after a delay; the attempt is given back
	endHandBack endMode = "handback" // back to the head of the pending list; attempt given back
)

// endModes maps the processor's verdicts to the finish script's modes; VerdictDrop has
// none: nothing is recorded.
var endModes = map[application.Verdict]endMode{
	application.VerdictComplete: endComplete,
	application.VerdictRetry:    endRetry,
	application.VerdictFail:     endFail,
	application.VerdictWait:     endWait,
	application.VerdictHandBack: endHandBack,
}

// enqueueVerdict is what the enqueue script says of one job.
type enqueueVerdict string

const (
	enqueueOK       enqueueVerdict = "ok"       // stored and pushed (or already stored by a resent call)
	enqueueDup      enqueueVerdict = "dup"      // the idempotency key names an earlier job: its id follows
	enqueueConflict enqueueVerdict = "conflict" // the idempotency key was used with another request
	enqueueFull     enqueueVerdict = "full"     // QUEUE_MAX_LENGTH jobs wait already
)

// cancelVerdict is what the cancel script says of a job.
type cancelVerdict string

const (
	cancelDone    cancelVerdict = "cancelled"
	cancelEnded   cancelVerdict = "ended"
	cancelMissing cancelVerdict = "missing"
)

// claimedProgress is the progress a claimed job shows before its worker reports.
const claimedProgress = domain.ProgressStarted

// sweepCounts is what one sweep did.
type sweepCounts struct {
	Recovered int64 // jobs of dead workers put back on the pending list (an attempt spent)
	Refunded  int64 // jobs whose claim was never confirmed, or whose live worker no longer renews them, put back without spending an attempt
	Promoted  int64 // due retries and waits put on the pending list
	Returned  int64 // ids BLMOVE left in flight, put back on the pending list
	Failed    int64 // jobs of dead workers out of attempts, moved to the dead letters
	Extended  int64 // expired leases of workers that are still alive, extended
}

// sweepReplyFields is how many counts the sweep script returns, in sweepCounts' order.
const sweepReplyFields = 6

func parseSweepCounts(reply []int64) (sweepCounts, error) {
	if len(reply) != sweepReplyFields {
		return sweepCounts{}, fmt.Errorf("sweep: %d counts in the reply, want %d", len(reply), sweepReplyFields)
	}
	return sweepCounts{
		Recovered: reply[0], Refunded: reply[1], Promoted: reply[2],
		Returned: reply[3], Failed: reply[4], Extended: reply[5],
	}, nil
}

// lostWorker is the history entry and failure code of a job whose worker died.
const lostWorkerError = "worker lost: lease expired"

// boolArg is a script's "1" or "0".
func boolArg(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
