package aitest

import (
	"cmp"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer of a Server.
type Reply struct {
	Status int               // 0 means 200
	Header map[string]string // e.g. Retry-After
	Body   string            // sent as application/json
	// Hold never answers: the handler reports the request on Held, then waits until
	// the client abandons it, which it reports on Abandoned.
	Hold bool

	// Stream, when set, is the body written piece by piece instead of Body, each piece
	// flushed at once and Pace after the one before, as a streaming API writes.
	Stream      []string
	Pace        time.Duration
	ContentType string // replaces application/json
	// HoldAfter, when > 0, holds a Stream reply open after that many pieces: the
	// handler reports on Held and waits until the client goes away.
	HoldAfter int
	// BreakAfter, when > 0, cuts the connection after that many pieces of a Stream
	// reply, without the rest of the body, as a server that died half-way.
	BreakAfter int
}

// Received is what a Server got in one request.
type Received struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// Server is an httptest.Server that answers each request with the next scripted Reply
// and records every request. Past the script it answers 500 and fails the test.
type Server struct {
	URL string

	t         testing.TB
	mu        sync.Mutex
	replies   []Reply
	received  []Received
	held      chan struct{}
	abandoned chan struct{}
	stop      chan struct{}
}

// NewServer starts a server with the script replies; t's cleanup stops it.
func NewServer(t testing.TB, replies ...Reply) *Server {
	t.Helper()
	s := &Server{
		t: t, replies: replies,
		held: make(chan struct{}, 16), abandoned: make(chan struct{}, 16), stop: make(chan struct{}),
	}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = srv.URL
	t.Cleanup(func() {
		close(s.stop)
		srv.Close()
	})
	return s
}

// Received returns a copy of the requests received so far, in order.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Held receives one value for each request a Hold reply started holding.
func (s *Server) Held() <-chan struct{} { return s.held }

// Abandoned receives one value for each held request whose client went away.
func (s *Server) Abandoned() <-chan struct{} { return s.abandoned }

// signal sends on a buffered channel without ever blocking the handler.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default: // nobody counts that many
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.received = append(s.received, Received{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body,
	})
	reply := Reply{Status: http.StatusInternalServerError, Body: `{"error":"no scripted reply"}`}
	if len(s.replies) > 0 {
		reply, s.replies = s.replies[0], s.replies[1:]
	} else {
		s.t.Errorf("aitest.Server: unscripted request %s %s", r.Method, r.URL.Path)
	}
	s.mu.Unlock()

	if reply.Hold {
		signal(s.held)
		select {
		case <-r.Context().Done():
			signal(s.abandoned)
		case <-s.stop:
		}
		return
	}
	for k, v := range reply.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", cmp.Or(reply.ContentType, "application/json"))
	if reply.Status == 0 {
		reply.Status = http.StatusOK
	}
	w.WriteHeader(reply.Status)
	if reply.Stream == nil {
		_, _ = io.WriteString(w, reply.Body)
		return
	}
	s.stream(w, r, reply)
}

// stream writes a Stream reply piece by piece.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, reply Reply) {
	flusher, _ := w.(http.Flusher)
	for i, piece := range reply.Stream {
		if i > 0 && reply.Pace > 0 {
			select {
			case <-time.After(reply.Pace):
			case <-r.Context().Done():
				signal(s.abandoned)
				return
			}
		}
		if _, err := io.WriteString(w, piece); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		switch i + 1 {
		case reply.HoldAfter:
			signal(s.held)
			select {
			case <-r.Context().Done():
				signal(s.abandoned)
			case <-s.stop:
			}
			return
		case reply.BreakAfter:
			panic(http.ErrAbortHandler) // the server cuts the connection
		}
	}
}
