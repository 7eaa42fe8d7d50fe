package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// ChangeFeed tells the api when a job may have changed: the workers announce every state
// and progress change, and the feed passes each on to the followers of that job.
type ChangeFeed interface {
	// Watch starts following id. changes receives after each announced change of the job,
	// and after the feed reconnected (announcements may have been lost meanwhile); it
	// coalesces and never blocks the feed. stop ends the watch.
	Watch(id domain.JobID) (changes <-chan struct{}, stop func())
}

// EventKind names an event of a job's stream.
type EventKind string

// The events of a job's stream. A stream ends with exactly one terminal event.
const (
	EventStatus    EventKind = "status"    // the status changed (state or progress)
	EventRecipe    EventKind = "recipe"    // a streamed recipe, as soon as it is written (reserved)
	EventCompleted EventKind = "completed" // terminal
	EventFailed    EventKind = "failed"    // terminal
	EventCancelled EventKind = "cancelled" // terminal
	// EventHeartbeat carries nothing: the stream is alive, so idle proxies keep it open.
	EventHeartbeat EventKind = "heartbeat"
)

// Event is one event of a job's stream.
type Event struct {
	Kind   EventKind
	Status domain.JobStatus // with status and terminal events
}

// terminalEvents maps each terminal state to its event.
var terminalEvents = map[domain.State]EventKind{
	domain.StateCompleted: EventCompleted,
	domain.StateFailed:    EventFailed,
	domain.StateCancelled: EventCancelled,
}

// DefaultHeartbeat is how often an idle stream says it is alive and re-reads its job.
const DefaultHeartbeat = 15 * time.Second

// Streams serves live job events: the current status first, each change as it happens,
// then one terminal event.
type Streams struct {
	status    StatusStore
	feed      ChangeFeed
	heartbeat time.Duration
}

// NewStreams builds the use case; heartbeat 0 means DefaultHeartbeat.
func NewStreams(status StatusStore, feed ChangeFeed, heartbeat time.Duration) *Streams {
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	return &Streams{status: status, feed: feed, heartbeat: heartbeat}
}

// Follow sends id's events to send until the job ends (its terminal event is the last),
// ctx ends or send fails. The first event is the current status, so a client that
// connects late is never behind; a job that has already ended gets its terminal event at
// once. An unknown job gives domain.ErrNotFound before anything is sent. At every
// heartbeat the job is read again, so a change whose announcement was lost still
// arrives, and a store that is briefly away only delays the next event.
func (s *Streams) Follow(ctx context.Context, id domain.JobID, send func(Event) error) error {
	changes, stop := s.feed.Watch(id) // before the first read: no change slips in between
	defer stop()
	st, err := s.status.Status(ctx, id)
	if err == nil && !visible(ctx, st.Owner) {
		err = hidden(id)
	}
	if err != nil {
		return fmt.Errorf("follow job %s: %w", id, err)
	}
	if kind, ok := terminalEvents[st.Status.State()]; ok {
		return send(Event{Kind: kind, Status: st})
	}
	if err := send(Event{Kind: EventStatus, Status: st}); err != nil {
		return err
	}
	heartbeat := time.NewTicker(s.heartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-changes:
		case <-heartbeat.C:
			if err := send(Event{Kind: EventHeartbeat}); err != nil {
				return err
			}
		}
		next, err := s.status.Status(ctx, id)
		switch {
		case errors.Is(err, ErrUnavailable):
			continue // read again at the next change or heartbeat
		case err != nil:
			return fmt.Errorf("follow job %s: %w", id, err)
		}
		if kind, ok := terminalEvents[next.Status.State()]; ok {
			return send(Event{Kind: kind, Status: next})
		}
		if changed(st, next) {
			if err := send(Event{Kind: EventStatus, Status: next}); err != nil {
				return err
			}
		}
		st = next
	}
}

// changed reports whether a client would see a difference between two reads of a job.
func changed(a, b domain.JobStatus) bool {
	return a.Status != b.Status || a.Attempts != b.Attempts || !a.UpdatedAt.Equal(b.UpdatedAt)
}
