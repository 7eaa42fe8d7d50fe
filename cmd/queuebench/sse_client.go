package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// stream is one client of GET /v1/recipe/status/{jobId}/events on its own TCP
// connection. It parses the response with net/http but runs no transport goroutines, so
// that ten thousand of them cost the benchmark process little next to the api it
// measures.
type stream struct {
	conn   net.Conn
	events *bufio.Reader // the response body, chunked encoding removed
}

// sseEvent is one event of a stream, with the status fields the benchmark reads.
type sseEvent struct {
	name     string
	state    string
	progress int
}

// openStream connects, asks for id's events and reads the first event, which the
// server sends as soon as the stream is set up.
func openStream(addr string, id domain.JobID) (*stream, sseEvent, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, sseEvent{}, err
	}
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/v1/recipe/status/"+string(id)+"/events", nil)
	if err != nil {
		conn.Close()
		return nil, sseEvent{}, err
	}
	req.Header.Set("Accept", "text/event-stream")
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, sseEvent{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 512), req) //nolint:bodyclose // the stream is read off conn, which the caller closes
	if err != nil {
		conn.Close()
		return nil, sseEvent{}, err
	}
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, sseEvent{}, fmt.Errorf("events of %s: status %d", id, resp.StatusCode)
	}
	s := &stream{conn: conn, events: bufio.NewReaderSize(resp.Body, 512)}
	ev, err := s.next()
	if err != nil {
		conn.Close()
		return nil, sseEvent{}, fmt.Errorf("first event of %s: %w", id, err)
	}
	_ = conn.SetDeadline(time.Time{})
	return s, ev, nil
}

// next reads the next event, skipping comments such as heartbeats.
func (s *stream) next() (sseEvent, error) {
	var ev sseEvent
	var data []byte
	for {
		line, err := s.events.ReadBytes('\n')
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return sseEvent{}, err
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if ev.name == "" && data == nil {
				continue // the end of a comment block
			}
			var st struct {
				Status   string `json:"status"`
				Progress int    `json:"progress"`
			}
			if err := json.Unmarshal(data, &st); err != nil {
				return sseEvent{}, fmt.Errorf("event %q: %w", ev.name, err)
			}
			ev.state, ev.progress = st.Status, st.Progress
			return ev, nil
		case bytes.HasPrefix(line, []byte("event: ")):
			ev.name = string(line[len("event: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			data = append(data, line[len("data: "):]...)
		}
	}
}

func (s *stream) close() { _ = s.conn.Close() }
