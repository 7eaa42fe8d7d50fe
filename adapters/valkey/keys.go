package valkey

import (
	"strconv"

	"github.com/naengbu/recipe-ai/domain"
)

// keys builds every key this package writes. All keys of one queue share the hash tag
// {queue}, so scripts that touch several of them also run on Valkey Cluster.
type keys struct{ prefix string }

func newKeys(queue string) keys { return keys{prefix: "recipe:{" + queue + "}:"} }

func (k keys) pending() string            { return k.prefix + "pending" }
func (k keys) inflight() string           { return k.prefix + "inflight" }
func (k keys) orphans() string            { return k.prefix + "orphans" }
func (k keys) leases() string             { return k.prefix + "leases" }
func (k keys) delayed() string            { return k.prefix + "delayed" }
func (k keys) dead() string               { return k.prefix + "dead" }
func (k keys) jobPrefix() string          { return k.prefix + "job:" }
func (k keys) job(id domain.JobID) string { return k.jobPrefix() + string(id) }

// worker is the liveness key of a running worker; it expires when the worker stops
// renewing it.
func (k keys) worker(id string) string { return k.workerPrefix() + id }
func (k keys) workerPrefix() string    { return k.prefix + "worker:" }

// idempotency is the key naming the job an Idempotency-Key created; keys of different
// owners (API keys) never meet. The owner id holds no ':'.
func (k keys) idempotency(owner, key string) string {
	if owner == "" {
		return k.prefix + "idem:" + key
	}
	return k.prefix + "idem:" + owner + ":" + key
}

// eventsChannel announces the id of each job whose state or progress changed.
func (k keys) eventsChannel() string { return k.prefix + "events" }

// outbox holds the completed jobs the workers still have to write to the history.
func (k keys) outbox() string { return k.prefix + "history-outbox" }

// cancelChannel carries the ids of running jobs that were cancelled.
func (k keys) cancelChannel() string { return k.prefix + "cancel" }

// tally counts the attempts that ended in the minute starting at Unix minute m, for the
// dashboard; it expires after two hours.
func (k keys) tally(m int64) string { return k.prefix + "tally:" + strconv.FormatInt(m, 10) }

// recentCompleted lists the ids of the jobs completed lately, newest first, capped.
func (k keys) recentCompleted() string { return k.prefix + "recent-completed" }

// providers holds each worker's latest report of its providers' health.
func (k keys) providers() string { return k.prefix + "providers" }

// rate counts one client's requests against one budget of the api (redis_rate adds its
// own "rate:" in front, which leaves the hash tag in place).
func (k keys) rate(budget, client string) string { return k.prefix + "limit:" + budget + ":" + client }
