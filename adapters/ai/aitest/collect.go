package aitest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/application"
)

// Collector keeps what a streaming generator emitted. It is safe for concurrent use.
type Collector struct {
	mu     sync.Mutex
	events []application.Streamed
}

// Emit is the StreamFunc to hand to GenerateStream.
func (c *Collector) Emit(s application.Streamed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, s)
}

// Names lists what was emitted, as kind/name or "reset".
func (c *Collector) Names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.events))
	for i, s := range c.events {
		out[i] = string(s.Kind) + "/" + s.Recipe.Name
		if s.Reset {
			out[i] = "reset"
		}
	}
	return out
}

// Events returns a copy of what was emitted.
func (c *Collector) Events() []application.Streamed {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]application.Streamed(nil), c.events...)
}

// StreamNames are the events a generator streams for ValidAnswer, in order.
var StreamNames = []string{
	"existing/계란말이", "existing/김치볶음밥", "existing/대파계란국", "additional/김치전", "additional/김치두부덮밥",
}

// StreamsBeforeTheEnd asks gen to stream FridgeRequest from srv, whose reply must hold
// its stream open after the pieces that complete the first recipe (HoldAfter). It checks
// that the first recipe is emitted while the server still holds the rest, then cancels
// the call and checks that GenerateStream returns context.Canceled within a second and
// that the server sees the request abandoned.
func StreamsBeforeTheEnd(t *testing.T, srv *Server, gen application.RecipeStreamer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got Collector
	done := make(chan error, 1)
	go func() {
		_, err := gen.GenerateStream(ctx, FridgeRequest(t), got.Emit)
		done <- err
	}()
	Wait(t, srv.Held(), "the server holding the rest of the answer")
	deadline := time.Now().Add(5 * time.Second)
	for len(got.Names()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if names := got.Names(); len(names) != 1 || names[0] != StreamNames[0] {
		t.Errorf("emitted while the rest of the answer was held = %q, want the first recipe", names)
	}
	start := time.Now()
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Second):
		t.Fatal("GenerateStream() still running 1s after its context was cancelled")
	}
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("GenerateStream() error = %v after %v, want context.Canceled within 1s", err, time.Since(start))
	}
	Wait(t, srv.Abandoned(), "the server seeing the stream abandoned")
}
