package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// streamEvents godoc
// @Summary     Follow a generation live (Server-Sent Events)
// @Description The current status first (event `status`), each change as it happens, then exactly one terminal event (`completed`, `failed` or `cancelled`, data = the status object) after which the server closes the stream. A client that connects after the job ended gets the terminal event at once. The event `recipe` is reserved for recipes streamed as soon as a model has written them. Comment lines (`: heartbeat`) every 15 s keep idle proxies from closing the stream.
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
	ctx, cancel := h.streams.context(c.Request.Context())
	defer cancel()
	w := &eventWriter{w: c.Writer, flush: c.Writer.Flush}
	err = h.streams.use.Follow(ctx, id, func(ev application.Event) error {
		if !w.started {
			c.Header("Content-Type", "text/event-stream")
			c.Header("Cache-Control", "no-cache")
			c.Header("Connection", "keep-alive")
			c.Header("X-Accel-Buffering", "no") // nginx: pass each event on at once
			c.Status(http.StatusOK)
		}
		return w.event(ev)
	})
	if err != nil && !w.started {
		writeError(c, h.log, err)
	}
}

// eventWriter writes Server-Sent Events and flushes each one.
type eventWriter struct {
	w       io.Writer
	flush   func()
	started bool
}

func (w *eventWriter) event(ev application.Event) error {
	w.started = true
	var buf bytes.Buffer
	if ev.Kind == application.EventHeartbeat {
		buf.WriteString(": heartbeat\n\n")
	} else {
		data, err := json.Marshal(toStatusResponse(ev.Status))
		if err != nil {
			return err
		}
		writeEvent(&buf, string(ev.Kind), data)
	}
	if _, err := w.w.Write(buf.Bytes()); err != nil {
		return err
	}
	w.flush()
	return nil
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

// liveStreams holds the streams use case and ends every open stream when the server
// shuts down, so that shutdown does not wait for clients that never hang up; they
// reconnect to another replica.
type liveStreams struct {
	use      *application.Streams
	base     context.Context
	shutdown context.CancelFunc // ends every open stream; safe to call more than once
}

func newLiveStreams(use *application.Streams) *liveStreams {
	base, cancel := context.WithCancel(context.Background())
	return &liveStreams{use: use, base: base, shutdown: cancel}
}

// context is ctx, also cancelled when the server shuts down.
func (s *liveStreams) context(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.base, func() { cancel(errShuttingDown) })
	return ctx, func() { stop(); cancel(nil) }
}

var errShuttingDown = errors.New("server shutting down")
