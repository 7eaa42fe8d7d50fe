package application

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// ChangeFeed tells the api when a job may have changed: the workers announce every state
// and progress change, and the feed passes each on to the followers of that job.
type ChangeFeed interface {
	// Watch starts following id: poke is called after each announced change of the job,
	// and after the feed reconnected (announcements may have been lost meanwhile). poke
	// runs on the feed's own goroutine and must return at once; it may still be called
	// once while stop runs. stop ends the watch.
	Watch(id domain.JobID, poke func()) (stop func())
}

// EventSink is one client's end of a job's stream.
type EventSink interface {
	// Send delivers one event. An error means the client is gone or does not read, and
	// ends the stream.
	Send(Event) error
	// Close ends the stream: after its terminal event, after Send failed, or when the
	// server shuts down.
	Close()
}

// EventKind names an event of a job's stream.
type EventKind string

// The events of a job's stream. A stream ends with exactly one terminal event.
const (
	EventStatus    EventKind = "status"    // the status changed (state or progress)
	EventRecipe    EventKind = "recipe"    // a streamed recipe as soon as it is written, or a reset
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
	// Recipe is a recipe event's recipe, unless Reset says that the recipes sent so far
	// on the stream are void (their provider failed, or the attempt is retried).
	Recipe domain.PartialRecipe
	Reset  bool
}

// terminalEvents maps each terminal state to its event.
var terminalEvents = map[domain.State]EventKind{
	domain.StateCompleted: EventCompleted,
	domain.StateFailed:    EventFailed,
	domain.StateCancelled: EventCancelled,
}

// DefaultHeartbeat is how often an idle stream says it is alive and re-reads its job.
const DefaultHeartbeat = 15 * time.Second

// maxSenders is how many streams are brought up to date at once: each reads its job
// and sends what changed. The senders exist only while there is work, so an idle stream
// costs no goroutine.
const maxSenders = 32

// readTimeout bounds one read of a followed job.
const readTimeout = 5 * time.Second

// errShuttingDown answers a stream asked for while the server shuts down; the client
// reconnects to another replica.
var errShuttingDown = &UnavailableError{RetryAfter: time.Second, Err: errors.New("server shutting down")}

// Streams serves live job events: the current status first, each change as it happens,
// then one terminal event. An open stream holds no goroutine while its job is idle: the
// feed's pokes and each stream's heartbeat timer queue it, and a few senders bring the
// queued streams up to date. It is safe for concurrent use.
type Streams struct {
	status    StatusStore
	feed      ChangeFeed
	heartbeat time.Duration

	mu      sync.Mutex
	open    map[*stream]struct{}
	queue   []*stream
	senders int
	closed  bool
}

// NewStreams builds the use case; heartbeat 0 means DefaultHeartbeat.
func NewStreams(status StatusStore, feed ChangeFeed, heartbeat time.Duration) *Streams {
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	return &Streams{status: status, feed: feed, heartbeat: heartbeat, open: make(map[*stream]struct{})}
}

// stream is one open stream. Its fields below mu are guarded by Streams.mu; last and
// sink belong to whoever runs it, one sender at a time.
type stream struct {
	id      domain.JobID
	sink    EventSink
	last    domain.JobStatus
	recipes recipeCursor // the streamed recipes this stream has sent
	stop    func()       // ends the feed's watch
	timer   *time.Timer

	state streamState
	work  pendingWork
}

type streamState uint8

const (
	stateOpening streamState = iota // its first event is being sent
	stateIdle
	stateQueued
	stateRunning
	stateEnded
)

type pendingWork uint8

const (
	workChange pendingWork = 1 << iota // the feed announced a change
	workBeat                           // the heartbeat is due
	workClose                          // the server shuts down
)

// Follow reads job id and hands its first event to start, which answers the client and
// returns the sink for the rest; a job that has already ended gets its terminal event
// and the sink is closed at once. From then on the stream runs on its own until its
// terminal event, a failed Send or Close, and Follow returns at once. Before start is
// called, Follow gives domain.ErrNotFound for an unknown job and ErrUnavailable when the
// job cannot be read or the server shuts down; the caller answers with that error. At
// every heartbeat the job is read again, so a change whose announcement was lost still
// arrives, and a store that is briefly away only delays the next event. Each status is
// followed by a recipe event for each streamed recipe the stream has not sent yet,
// preceded by a reset when the recipes it sent are void; the terminal event is preceded
// by a reset unless the job completed with every recipe sent in its place in the result.
// Another API key's job is not found.
func (s *Streams) Follow(ctx context.Context, id domain.JobID, start func(Event) (EventSink, error)) error {
	st := &stream{id: id}
	st.stop = s.feed.Watch(id, func() { s.mark(st, workChange) }) // before the first read: no change slips in between
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.open[st] = struct{}{}
	}
	s.mu.Unlock()
	if closed {
		st.stop()
		return errShuttingDown
	}
	first, err := s.status.Status(ctx, id)
	if err == nil && !visible(ctx, first.Owner) {
		err = hidden(id)
	}
	if err != nil {
		s.drop(st)
		return fmt.Errorf("follow job %s: %w", id, err)
	}
	st.last = first
	ev, end := eventFor(first)
	if st.sink, err = start(ev); err != nil {
		s.drop(st)
		return err
	}
	if end {
		s.drop(st)
		st.sink.Close()
		return nil
	}
	if err := st.recipes.send(first, st.sink.Send); err != nil {
		s.drop(st)
		st.sink.Close()
		return nil //nolint:nilerr // the client is gone; the stream simply ends
	}
	st.timer = time.AfterFunc(s.heartbeat, func() { s.mark(st, workBeat) })
	s.mu.Lock()
	st.state = stateIdle
	s.enqueue(st) // whatever the feed announced while the first event was being sent
	s.mu.Unlock()
	return nil
}

// Close ends every open stream, and the streams asked for from now on get
// ErrUnavailable. The server calls it when it shuts down, so that shutdown does not wait
// for clients that never hang up; they reconnect to another replica.
func (s *Streams) Close() {
	s.mu.Lock()
	s.closed = true
	var idle []*stream
	for st := range s.open {
		switch st.state {
		case stateIdle, stateQueued:
			st.state = stateEnded
			delete(s.open, st)
			idle = append(idle, st)
		default: // its sender or Follow closes it
			st.work |= workClose
		}
	}
	s.mu.Unlock()
	for _, st := range idle {
		st.end()
	}
}

// Len says how many streams are open now.
func (s *Streams) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

// mark records work for st and queues it unless it is queued, running or ended.
func (s *Streams) mark(st *stream, w pendingWork) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.state == stateEnded {
		return
	}
	st.work |= w
	if st.state == stateIdle {
		s.enqueue(st)
	}
}

// enqueue queues an idle st that has work, and starts a sender when fewer than
// maxSenders run. s.mu is held.
func (s *Streams) enqueue(st *stream) {
	if st.work == 0 {
		return
	}
	st.state = stateQueued
	s.queue = append(s.queue, st)
	if s.senders < maxSenders {
		s.senders++
		go s.send()
	}
}

// send brings queued streams up to date until the queue is empty.
func (s *Streams) send() {
	for {
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.senders--
			s.mu.Unlock()
			return
		}
		st := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		if st.state != stateQueued { // ended while queued
			s.mu.Unlock()
			continue
		}
		w := st.work
		st.work, st.state = 0, stateRunning
		s.mu.Unlock()

		ended := w&workClose != 0 || !s.advance(st, w)

		s.mu.Lock()
		ended = ended || st.work&workClose != 0
		if ended {
			st.state = stateEnded
			delete(s.open, st)
		} else {
			st.state = stateIdle
			s.enqueue(st)
		}
		s.mu.Unlock()
		if ended {
			st.end()
		}
	}
}

// advance carries out st's work: the heartbeat, then a fresh read of the job and the
// event it gives. It reports whether the stream goes on.
func (s *Streams) advance(st *stream, w pendingWork) bool {
	if w&workBeat != 0 {
		if err := st.sink.Send(Event{Kind: EventHeartbeat}); err != nil {
			return false
		}
		defer st.timer.Reset(s.heartbeat)
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	next, err := s.status.Status(ctx, st.id)
	cancel()
	switch {
	case errors.Is(err, ErrUnavailable):
		return true // read again at the next change or heartbeat
	case err != nil:
		return false
	}
	ev, end := eventFor(next)
	if end {
		st.last = next
		if st.recipes.settle(next, st.sink.Send) == nil {
			_ = st.sink.Send(ev) // the last event: the stream ends either way
		}
		return false
	}
	if changed(st.last, next) {
		if st.sink.Send(ev) != nil {
			return false
		}
	}
	st.last = next
	return st.recipes.send(next, st.sink.Send) == nil
}

// drop forgets a stream that never ran. Its sink, if any, is the caller's to close.
func (s *Streams) drop(st *stream) {
	st.stop()
	s.mu.Lock()
	st.state = stateEnded
	delete(s.open, st)
	s.mu.Unlock()
}

// end releases an ended stream: the watch, the heartbeat and the client.
func (st *stream) end() {
	st.stop()
	st.timer.Stop()
	st.sink.Close()
}

// eventFor is the event a read of a job gives, and whether it ends the stream.
func eventFor(st domain.JobStatus) (Event, bool) {
	if kind, ok := terminalEvents[st.Status.State()]; ok {
		return Event{Kind: kind, Status: st}, true
	}
	return Event{Kind: EventStatus, Status: st}, false
}

// changed reports whether a client would see a difference between two reads of a job.
func changed(a, b domain.JobStatus) bool {
	return a.Status != b.Status || a.Attempts != b.Attempts || !a.UpdatedAt.Equal(b.UpdatedAt)
}

// FollowEach follows id as Follow does, handing each event to send in the caller's
// process, and waits until the stream ends or ctx is done. It serves callers that consume
// a stream in-process, such as the benchmarks.
func (s *Streams) FollowEach(ctx context.Context, id domain.JobID, send func(Event) error) error {
	sink := &funcSink{send: send, done: make(chan struct{})}
	err := s.Follow(ctx, id, func(ev Event) (EventSink, error) {
		if err := send(ev); err != nil {
			return nil, err
		}
		return sink, nil
	})
	if err != nil {
		return err
	}
	select {
	case <-sink.done:
		return sink.failure()
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// funcSink is an EventSink over a function.
type funcSink struct {
	send func(Event) error
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	err  error
}

func (f *funcSink) Send(ev Event) error {
	err := f.send(ev)
	if err != nil {
		f.mu.Lock()
		f.err = err
		f.mu.Unlock()
	}
	return err
}

func (f *funcSink) Close() { f.once.Do(func() { close(f.done) }) }

func (f *funcSink) failure() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
