package application_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// liveJobs is a StatusStore and a ChangeFeed: set stores a status and pokes the job's
// watchers, unless quiet (an announcement lost); err, when set, fails every read.
type liveJobs struct {
	mu       sync.Mutex
	err      error
	statuses map[domain.JobID]domain.JobStatus
	watchers map[domain.JobID]map[*func()]struct{}
}

func newLiveJobs() *liveJobs {
	return &liveJobs{statuses: make(map[domain.JobID]domain.JobStatus), watchers: make(map[domain.JobID]map[*func()]struct{})}
}

func (j *liveJobs) Status(_ context.Context, id domain.JobID) (domain.JobStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return domain.JobStatus{}, j.err
	}
	st, ok := j.statuses[id]
	if !ok {
		return domain.JobStatus{}, domain.ErrNotFound
	}
	return st, nil
}

func (j *liveJobs) Watch(id domain.JobID, poke func()) func() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.watchers[id] == nil {
		j.watchers[id] = make(map[*func()]struct{})
	}
	j.watchers[id][&poke] = struct{}{}
	return func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		delete(j.watchers[id], &poke)
	}
}

func (j *liveJobs) set(st domain.JobStatus, announce bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.statuses[st.ID] = st
	if announce {
		for poke := range j.watchers[st.ID] {
			(*poke)()
		}
	}
}

func (j *liveJobs) setErr(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.err = err
}

func (j *liveJobs) watching() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	for _, set := range j.watchers {
		n += len(set)
	}
	return n
}

// chanSink passes each event on a channel, which it closes when the stream is closed;
// with fail set, Send fails as it does for a client that left.
type chanSink struct {
	mu     sync.Mutex
	fail   bool
	events chan application.Event
}

func newChanSink() *chanSink { return &chanSink{events: make(chan application.Event, 64)} }

func (s *chanSink) Send(ev application.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errors.New("client gone")
	}
	s.events <- ev
	return nil
}

func (s *chanSink) Close() { close(s.events) }

func (s *chanSink) setFail() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = true
}

// next returns the next event other than a heartbeat, or ok false when the stream closed.
func (s *chanSink) next(t *testing.T) (application.Event, bool) {
	t.Helper()
	for {
		select {
		case ev, ok := <-s.events:
			if ok && ev.Kind == application.EventHeartbeat {
				continue
			}
			return ev, ok
		case <-time.After(5 * time.Second):
			t.Fatal("no event within 5s")
			return application.Event{}, false
		}
	}
}

func running(id domain.JobID, progress int, at time.Time) domain.JobStatus {
	return domain.JobStatus{ID: id, Status: domain.Processing(progress), Attempts: 1, CreatedAt: at, UpdatedAt: at}
}

// follow opens a stream of id on sink and returns the first event.
func follow(t *testing.T, s *application.Streams, id domain.JobID, sink *chanSink) application.Event {
	t.Helper()
	var first application.Event
	err := s.Follow(context.Background(), id, func(ev application.Event) (application.EventSink, error) {
		first = ev
		return sink, nil
	})
	if err != nil {
		t.Fatalf("Follow(%s) = %v", id, err)
	}
	return first
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after 5s", what)
		}
	}
}

func TestStreamSendsEachChangeThenTheEndAndLetsGo(t *testing.T) {
	jobs := newLiveJobs()
	s := application.NewStreams(jobs, jobs, time.Hour)
	now := time.Now()
	jobs.set(running(firstID, 10, now), false)
	sink := newChanSink()

	if first := follow(t, s, firstID, sink); first.Kind != application.EventStatus || first.Status.Status.Progress() != 10 {
		t.Fatalf("first event = %+v, want the current status at 10", first)
	}
	jobs.set(running(firstID, 30, now.Add(time.Second)), true)
	if ev, _ := sink.next(t); ev.Kind != application.EventStatus || ev.Status.Status.Progress() != 30 {
		t.Fatalf("event after progress 30 = %+v", ev)
	}
	jobs.set(running(firstID, 30, now.Add(time.Second)), true) // announced, but nothing a client would see changed
	done := running(firstID, 30, now.Add(2*time.Second))
	done.Status = domain.Completed()
	jobs.set(done, true)
	if ev, _ := sink.next(t); ev.Kind != application.EventCompleted {
		t.Fatalf("event after completion = %+v, want completed (and nothing for the unchanged read)", ev)
	}
	if ev, ok := sink.next(t); ok {
		t.Fatalf("event after the terminal one: %+v", ev)
	}
	waitFor(t, "let go", func() bool { return s.Len() == 0 && jobs.watching() == 0 })
}

func TestStreamOfAnEndedJobIsOneTerminalEvent(t *testing.T) {
	jobs := newLiveJobs()
	s := application.NewStreams(jobs, jobs, time.Hour)
	jobs.set(domain.JobStatus{ID: firstID, Status: domain.Cancelled()}, false)
	sink := newChanSink()
	if first := follow(t, s, firstID, sink); first.Kind != application.EventCancelled {
		t.Fatalf("first event = %+v, want cancelled", first)
	}
	if ev, ok := sink.next(t); ok {
		t.Fatalf("event after the terminal one: %+v", ev)
	}
	if s.Len() != 0 || jobs.watching() != 0 {
		t.Errorf("after the end: %d streams, %d watches, want none", s.Len(), jobs.watching())
	}
}

func TestStreamOfAnUnknownJobIsNotFoundBeforeAnything(t *testing.T) {
	jobs := newLiveJobs()
	s := application.NewStreams(jobs, jobs, time.Hour)
	started := false
	err := s.Follow(context.Background(), firstID, func(application.Event) (application.EventSink, error) {
		started = true
		return newChanSink(), nil
	})
	if !errors.Is(err, domain.ErrNotFound) || started {
		t.Fatalf("Follow(unknown) = %v, started %v; want ErrNotFound before starting", err, started)
	}
	if jobs.watching() != 0 {
		t.Errorf("watches after a refused stream = %d, want 0", jobs.watching())
	}
}

func TestStreamHeartbeatReadsAgainSoALostAnnouncementArrives(t *testing.T) {
	jobs := newLiveJobs()
	s := application.NewStreams(jobs, jobs, 20*time.Millisecond)
	now := time.Now()
	jobs.set(running(firstID, 10, now), false)
	sink := newChanSink()
	follow(t, s, firstID, sink)

	select {
	case ev := <-sink.events:
		if ev.Kind != application.EventHeartbeat {
			t.Fatalf("idle stream sent %+v, want a heartbeat", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no heartbeat within 5s")
	}
	jobs.setErr(application.ErrUnavailable) // the store away for a while: the stream waits
	time.Sleep(60 * time.Millisecond)
	jobs.setErr(nil)
	jobs.set(running(firstID, 30, now.Add(time.Second)), false) // the announcement is lost
	if ev, _ := sink.next(t); ev.Kind != application.EventStatus || ev.Status.Status.Progress() != 30 {
		t.Fatalf("event after an unannounced change = %+v, want progress 30", ev)
	}
}

func TestStreamWhoseClientLeftIsLetGo(t *testing.T) {
	jobs := newLiveJobs()
	s := application.NewStreams(jobs, jobs, time.Hour)
	now := time.Now()
	jobs.set(running(firstID, 10, now), false)
	sink := newChanSink()
	follow(t, s, firstID, sink)
	sink.setFail()
	jobs.set(running(firstID, 30, now.Add(time.Second)), true)
	if _, ok := sink.next(t); ok {
		t.Fatal("the stream sent on after its client left")
	}
	waitFor(t, "let go", func() bool { return s.Len() == 0 && jobs.watching() == 0 })
}

func TestCloseEndsEveryStreamAndRefusesNewOnes(t *testing.T) {
	jobs := newLiveJobs()
	s := application.NewStreams(jobs, jobs, time.Hour)
	jobs.set(running(firstID, 10, time.Now()), false)
	sinks := []*chanSink{newChanSink(), newChanSink()}
	for _, sink := range sinks {
		follow(t, s, firstID, sink)
	}
	s.Close()
	for i, sink := range sinks {
		if ev, ok := sink.next(t); ok {
			t.Errorf("stream %d after Close: %+v, want it closed", i, ev)
		}
	}
	err := s.Follow(context.Background(), firstID, func(application.Event) (application.EventSink, error) {
		return newChanSink(), nil
	})
	if !errors.Is(err, application.ErrUnavailable) {
		t.Errorf("Follow after Close = %v, want ErrUnavailable", err)
	}
	waitFor(t, "let go", func() bool { return s.Len() == 0 && jobs.watching() == 0 })
}

// An idle stream costs memory, not a goroutine: ten thousand of them stay cheap.
func TestIdleStreamsHoldNoGoroutine(t *testing.T) {
	jobs := newLiveJobs()
	s := application.NewStreams(jobs, jobs, time.Hour)
	jobs.set(running(firstID, 10, time.Now()), false)
	before := runtime.NumGoroutine()
	for range 200 {
		follow(t, s, firstID, newChanSink())
	}
	waitFor(t, "idle", func() bool { return runtime.NumGoroutine() <= before+5 })
	if s.Len() != 200 {
		t.Errorf("open streams = %d, want 200", s.Len())
	}
}
