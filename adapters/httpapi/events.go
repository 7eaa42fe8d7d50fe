package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// streamEvents godoc
// @Summary     Follow a generation live (Server-Sent Events)
// @Description The current status first (event `status`), each change as it happens, then exactly one terminal event (`completed`, `failed` or `cancelled`, data = the status object) after which the server closes the stream. A client that connects after the job ended gets the terminal event at once. While a provider streams its answer, each recipe that passed the checks comes as an event `recipe` as soon as it is written, data `{"kind": "existing|additional", "index": 0, "recipe": {…}}`; `{"kind": "reset"}` says the recipes sent so far are void (their provider failed and another takes over, or the attempt is retried). The completed result is authoritative. Comment lines (`: heartbeat`) every 15 s keep idle proxies from closing the stream.
// @Tags        recipes
// @Produce     text/event-stream
// @Param       jobId path string true "Job id from the 202 answer"
// @Success     200 {object} statusResponse "a stream of events whose data is this object"
// @Failure     404 {object} errorResponse
// @Failure     429 {object} errorResponse "over the caller's rate limit; see Retry-After and the RateLimit-* headers"
// @Failure     503 {object} errorResponse
// @Router      /v1/recipe/status/{jobId}/events [get]
func (h *Handler) streamEvents(c *gin.Context) {
	id, err := domain.ParseJobID(c.Param("jobId"))
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	answered := false
	err = h.streams.Follow(c.Request.Context(), id, func(first application.Event) (application.EventSink, error) {
		s, err := takeOver(c, first)
		answered = s != nil || errors.Is(err, errClientGone)
		return s, err
	})
	if err != nil && !answered {
		writeError(c, h.log, err)
	}
}

// streamWriteTimeout is how long an event may wait for a client that does not read; the
// stream is dropped after it, and the client reconnects.
const streamWriteTimeout = 5 * time.Second

// errClientGone: the client left while its stream was being answered.
var errClientGone = errors.New("client gone")

// eventStream is one stream's connection, taken over from the HTTP server once the
// request is answered: an idle stream then holds no goroutine and none of the server's
// buffers, only the connection. It implements application.EventSink; the streams use
// case calls it from one goroutine at a time.
type eventStream struct {
	conn    net.Conn
	chunked bool // HTTP/1.1: each event is one chunk, so the end is a clean one
}

// takeOver answers the request with the stream's headers and first event, on the
// connection taken over from the server.
func takeOver(c *gin.Context, first application.Event) (*eventStream, error) {
	var head bytes.Buffer
	head.WriteString("HTTP/1.1 200 OK\r\n")
	header := c.Writer.Header().Clone() // X-Request-ID and the like, set by the middleware
	header.Set("Content-Type", "text/event-stream")
	header.Set("Cache-Control", "no-cache")
	header.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	header.Set("Connection", "close") // the stream is the connection's last answer
	s := &eventStream{chunked: c.Request.ProtoAtLeast(1, 1)}
	if s.chunked {
		header.Set("Transfer-Encoding", "chunked")
	}
	_ = header.Write(&head)
	head.WriteString("\r\n")
	conn, _, err := c.Writer.Hijack()
	if err != nil {
		return nil, fmt.Errorf("take over the connection: %w", err)
	}
	s.conn = conn
	if err := s.write(head.Bytes(), first); err != nil {
		_ = conn.Close()
		return nil, errClientGone
	}
	return s, nil
}

// Send writes one event. Before a heartbeat it checks that the client is still there,
// as a closed connection would take the server two writes to notice.
func (s *eventStream) Send(ev application.Event) error {
	if ev.Kind == application.EventHeartbeat && s.gone() {
		return errClientGone
	}
	return s.write(nil, ev)
}

// Close ends the response and closes the connection.
func (s *eventStream) Close() {
	if s.chunked {
		_ = s.conn.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		_, _ = s.conn.Write([]byte("0\r\n\r\n"))
	}
	_ = s.conn.Close()
}

// write sends head (if any) and ev in one write.
func (s *eventStream) write(head []byte, ev application.Event) error {
	var body bytes.Buffer
	if ev.Kind == application.EventHeartbeat {
		body.WriteString(": heartbeat\n\n")
	} else {
		var data []byte
		var err error
		if ev.Kind == application.EventRecipe {
			data, err = json.Marshal(toRecipeEvent(ev))
		} else {
			data, err = json.Marshal(toStatusResponse(ev.Status))
		}
		if err != nil {
			return err
		}
		writeEvent(&body, string(ev.Kind), data)
	}
	out := head
	if s.chunked {
		out = fmt.Appendf(out, "%x\r\n", body.Len())
		out = append(append(out, body.Bytes()...), "\r\n"...)
	} else {
		out = append(out, body.Bytes()...)
	}
	if err := s.conn.SetWriteDeadline(time.Now().Add(streamWriteTimeout)); err != nil {
		return err
	}
	_, err := s.conn.Write(out)
	return err
}

// gone reports whether the client has closed its end. It sends nothing after its
// request, so a read that finds the end of the stream or a reset, rather than nothing
// within a microsecond, means it left.
func (s *eventStream) gone() bool {
	if err := s.conn.SetReadDeadline(time.Now().Add(time.Microsecond)); err != nil {
		return true
	}
	var b [1]byte
	_, err := s.conn.Read(b[:])
	var ne net.Error
	return err != nil && (!errors.As(err, &ne) || !ne.Timeout())
}

// writeEvent appends one event to buf: its name, then each line of data as a data line
// (SSE splits data on newlines, so data with newlines stays one event), then a blank line.
// Carriage returns and newlines in name are dropped, so name cannot forge a field.
func writeEvent(buf *bytes.Buffer, name string, data []byte) {
	name = stripLineBreaks(name)
	if name != "" {
		buf.WriteString("event: ")
		buf.WriteString(name)
		buf.WriteByte('\n')
	}
	for _, line := range splitLines(data) {
		buf.WriteString("data: ")
		buf.Write(line)
		buf.WriteByte('\n')
	}
	buf.WriteByte('\n')
}

// splitLines splits data at \r\n, \r and \n, as an SSE reader does.
func splitLines(data []byte) [][]byte {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	return bytes.Split(data, []byte("\n"))
}

func stripLineBreaks(s string) string {
	return string(bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, []byte(s)))
}

// cancelGeneration godoc
// @Summary     Cancel a generation
// @Description A pending job never starts; a running job's provider call is abandoned within 1 s.
// @Tags        recipes
// @Produce     json
// @Param       jobId path string true "Job id from the 202 answer"
// @Success     200 {object} statusResponse "the cancelled status"
// @Failure     404 {object} errorResponse
// @Failure     409 {object} errorResponse "the job already ended"
// @Failure     429 {object} errorResponse "over the caller's rate limit; see Retry-After and the RateLimit-* headers"
// @Failure     503 {object} errorResponse
// @Router      /v1/recipe/status/{jobId} [delete]
func (h *Handler) cancelGeneration(c *gin.Context) {
	id, err := domain.ParseJobID(c.Param("jobId"))
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	st, err := h.generations.Cancel(c.Request.Context(), id)
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	c.JSON(http.StatusOK, toStatusResponse(st))
}
