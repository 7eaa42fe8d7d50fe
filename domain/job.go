package domain

import (
	"crypto/rand"
	"strings"
	"time"
)

// JobID identifies one generation. It is random and unguessable: 26 characters of
// base32 carrying 130 bits from crypto/rand.
type JobID string

const jobIDLength = 26

// NewJobID returns a fresh random JobID.
func NewJobID() JobID { return JobID(rand.Text()) }

// ParseJobID checks that s has the shape of a JobID. A malformed id matches ErrNotFound,
// since no job can have it.
func ParseJobID(s string) (JobID, error) {
	if len(s) != jobIDLength || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		return "", ErrNotFound
	}
	return JobID(s), nil
}

// Job is a generation request accepted into the queue.
type Job struct {
	ID        JobID
	Request   GenerationRequest
	RequestID string // the X-Request-ID it came with, carried into the worker's logs
	CreatedAt time.Time
	Attempt   int // 1 for the first run; set when a worker claims the job
	// Owner names the API key that submitted the job (an opaque digest, never the key);
	// empty when the service runs without API keys. Only the same owner sees the job.
	Owner string
}

// NewJob wraps an accepted request with a fresh id.
func NewJob(id JobID, req GenerationRequest, requestID string, now time.Time) Job {
	return Job{ID: id, Request: req, RequestID: requestID, CreatedAt: now}
}
