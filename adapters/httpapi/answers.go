package httpapi

import (
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/naengbu/recipe-ai/domain"
)

// completedAnswers keeps the encoded status answers of completed jobs for a moment, so
// that a client that reads a finished job again and again gets the same bytes without
// a trip to Valkey, a decoding of the result and an encoding of the answer each time. A
// completed job no longer changes; it only goes away when its RESULT_TTL ends, so an
// answer is kept at most answerMaxAge: that long at most is a job that just expired
// still shown. Answers are kept per caller, so one never reaches a caller that has not
// been given it by the use case. It is safe for concurrent use.
type completedAnswers struct {
	lru *lru.Cache[answerKey, cachedAnswer]
	now func() time.Time
}

type answerKey struct {
	caller string
	id     domain.JobID
}

type cachedAnswer struct {
	body  []byte
	until time.Time
}

const (
	// answerMaxAge is how long a completed job's answer is served from memory.
	answerMaxAge = time.Second
	// maxAnswers bounds the memory the answers take: about 3 KiB each.
	maxAnswers = 1024
)

func newCompletedAnswers(now func() time.Time) *completedAnswers {
	c, err := lru.New[answerKey, cachedAnswer](maxAnswers)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &completedAnswers{lru: c, now: now}
}

// get returns the answer kept for caller's read of id, if it is fresh.
func (a *completedAnswers) get(caller string, id domain.JobID) ([]byte, bool) {
	k := answerKey{caller, id}
	ans, ok := a.lru.Get(k)
	if !ok {
		return nil, false
	}
	if !a.now().Before(ans.until) {
		a.lru.Remove(k)
		return nil, false
	}
	return ans.body, true
}

// put keeps body, the answer caller was given for id, for answerMaxAge.
func (a *completedAnswers) put(caller string, id domain.JobID, body []byte) {
	a.lru.Add(answerKey{caller, id}, cachedAnswer{body: body, until: a.now().Add(answerMaxAge)})
}
