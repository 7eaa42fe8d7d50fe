package httpapi

import (
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// maxIdempotencyKey is the longest Idempotency-Key, in characters.
const maxIdempotencyKey = 128

// Handler serves the recipe routes.
type Handler struct {
	generations *application.Generations
	streams     *application.Streams
	answers     *completedAnswers
	log         *zap.Logger
}

// NewHandler builds the recipe routes' handler on the use cases.
func NewHandler(g *application.Generations, s *application.Streams, log *zap.Logger) *Handler {
	return &Handler{generations: g, streams: s, answers: newCompletedAnswers(time.Now), log: log.Named("http")}
}

// CloseStreams ends every open event stream; the server calls it when it shuts down.
func (h *Handler) CloseStreams() { h.streams.Close() }

// createGeneration godoc
// @Summary     Queue a recipe generation
// @Description Validates the ingredients and preferences, queues a job and answers at once.
// @Tags        recipes
// @Accept      json
// @Produce     json
// @Param       body            body   generateRequest true  "Ingredients and preferences"
// @Param       Idempotency-Key header string          false "Same key and body within 24 h returns the same job"
// @Param       X-Request-ID    header string          false "Echoed back and carried into the worker's logs"
// @Success     202 {object} acceptedResponse
// @Header      202 {string} Location "/v1/recipe/status/{jobId}"
// @Failure     400 {object} errorResponse
// @Failure     409 {object} errorResponse
// @Failure     413 {object} errorResponse
// @Failure     415 {object} errorResponse
// @Failure     429 {object} errorResponse "over the caller's rate limit; see Retry-After and the RateLimit-* headers"
// @Failure     503 {object} errorResponse
// @Router      /v1/recipe/generate [post]
func (h *Handler) createGeneration(c *gin.Context) {
	key := c.GetHeader("Idempotency-Key")
	if utf8.RuneCountInString(key) > maxIdempotencyKey {
		writeError(c, h.log, &domain.ValidationError{Fields: []domain.FieldError{{
			Field: "Idempotency-Key", Message: "must be at most 128 characters",
		}}})
		return
	}
	var body generateRequest
	unknown, err := bindJSONReporting(c, &body)
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	if len(unknown) > 0 {
		h.log.Info("request with unknown fields", zap.Strings("fields", unknown), zap.String("request_id", requestID(c)))
	}
	req, err := body.toDomain()
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	st, err := h.generations.Accept(c.Request.Context(), req, application.Submission{
		IdempotencyKey: key, RequestID: requestID(c),
	})
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	status := statusURL(st.ID)
	c.Header("Location", status)
	c.JSON(http.StatusAccepted, acceptedResponse{
		JobID:     string(st.ID),
		Status:    string(st.Status.State()),
		StatusURL: status,
		EventsURL: status + "/events",
		Warnings:  append(unknownFieldWarnings(unknown), requestWarnings(req)...),
	})
}

// getStatus godoc
// @Summary     Read a generation's status
// @Description Progress while it runs, the recipes once completed, the reason once failed.
// @Tags        recipes
// @Produce     json
// @Param       jobId path string true "Job id from the 202 answer"
// @Success     200 {object} statusResponse
// @Failure     404 {object} errorResponse
// @Failure     429 {object} errorResponse "over the caller's rate limit; see Retry-After and the RateLimit-* headers"
// @Failure     503 {object} errorResponse
// @Router      /v1/recipe/status/{jobId} [get]
func (h *Handler) getStatus(c *gin.Context) {
	id, err := domain.ParseJobID(c.Param("jobId"))
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	caller := callerOf(c)
	if body, ok := h.answers.get(caller, id); ok {
		c.Data(http.StatusOK, jsonContentType, body)
		return
	}
	st, err := h.generations.Status(c.Request.Context(), id)
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	body, err := json.Marshal(toStatusResponse(st))
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	if st.Status.State() == domain.StateCompleted {
		h.answers.put(caller, id, body)
	}
	c.Data(http.StatusOK, jsonContentType, body)
}

// jsonContentType is the Content-Type of JSON answers, as gin's c.JSON writes it.
const jsonContentType = "application/json; charset=utf-8"
