package aitest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/application"
)

// AbandonsWhenCancelled asks gen for FridgeRequest against srv, whose first reply must
// hold the request open, cancels the call's context once the request arrived, and checks
// that Generate returns context.Canceled within a second and that the server sees the
// request abandoned.
func AbandonsWhenCancelled(t *testing.T, srv *Server, gen application.RecipeGenerator) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := gen.Generate(ctx, FridgeRequest(t))
		done <- err
	}()
	Wait(t, srv.Held(), "the request reaching the server")
	start := time.Now()
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Second):
		t.Fatal("Generate() still running 1s after its context was cancelled")
	}
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("Generate() error = %v after %v, want context.Canceled within 1s", err, time.Since(start))
	}
	Wait(t, srv.Abandoned(), "the server seeing the request abandoned")
}
