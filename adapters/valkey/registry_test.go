package valkey

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// A cancel that arrives between a job's claim and its start cancels the job as it starts.
func TestCancelBeforeTheJobStartsIsNotLost(t *testing.T) {
	r := newRegistry()
	now := time.Now()
	r.clientCancelled("early", now)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r.track("early", runningJob{token: "t", cancel: cancel})
	if !errors.Is(context.Cause(ctx), application.ErrCancelled) {
		t.Fatalf("cause = %v, want ErrCancelled", context.Cause(ctx))
	}

	other, cancelOther := context.WithCancelCause(context.Background())
	defer cancelOther(nil)
	r.track("other", runningJob{token: "t", cancel: cancelOther})
	if other.Err() != nil {
		t.Errorf("a job nobody cancelled was cancelled: %v", context.Cause(other))
	}
}

// Cancels of jobs that never start here are forgotten after a while.
func TestEarlyCancelsAreForgotten(t *testing.T) {
	r := newRegistry()
	start := time.Now()
	for i := range 100 {
		r.clientCancelled(domain.JobID(rune('a'+i%26))+domain.JobID(rune(i)), start)
	}
	r.clientCancelled("late", start.Add(earlyCancelMemory+time.Second))
	if n := len(r.cancelled); n != 1 {
		t.Errorf("remembered cancels = %d, want only the last", n)
	}
}
