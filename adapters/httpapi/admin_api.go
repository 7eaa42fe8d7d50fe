package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// overview godoc
// @Summary     The queue at a glance
// @Description Jobs per state now, the last hour's completions, failures, retries, throughput and failure rate (with a count per minute), and each provider's health as the workers reported it in the last 20 s.
// @Tags        admin
// @Produce     json
// @Security    AdminToken
// @Success     200 {object} overviewResponse
// @Failure     401 {object} errorResponse
// @Failure     429 {object} errorResponse
// @Failure     503 {object} errorResponse
// @Router      /admin/api/overview [get]
func (h *AdminHandler) overview(c *gin.Context) {
	o, err := h.admin.Overview(c.Request.Context())
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	c.JSON(http.StatusOK, toOverviewResponse(o))
}

// listJobs godoc
// @Summary     List the jobs of one state, or search
// @Description With state: a page of that list (pending and processing newest first, delayed by when they run again, completed and failed latest first; completed jobs stay listed while their status is kept, RESULT_TTL). With q: the job of that id, or else the jobs of that user id in every list (the newest 1000 of each list are searched).
// @Tags        admin
// @Produce     json
// @Security    AdminToken
// @Param       state  query string false "The list" Enums(pending, delayed, processing, completed, failed) default(pending)
// @Param       q      query string false "A job id or a user id"
// @Param       offset query int    false "Jobs to skip" minimum(0) default(0)
// @Param       limit  query int    false "Page size" minimum(1) maximum(100) default(20)
// @Success     200 {object} jobListResponse
// @Failure     400 {object} errorResponse
// @Failure     401 {object} errorResponse
// @Failure     503 {object} errorResponse
// @Router      /admin/api/jobs [get]
func (h *AdminHandler) listJobs(c *gin.Context) {
	offset, limit, err := pageQuery(c)
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	var page application.JobPage
	if q, ok := c.GetQuery("q"); ok {
		page, err = h.admin.Search(c.Request.Context(), q, limit)
	} else {
		state, perr := application.ParseBoardState(c.DefaultQuery("state", string(application.BoardPending)))
		if perr != nil {
			writeError(c, h.log, perr)
			return
		}
		page, err = h.admin.Jobs(c.Request.Context(), state, offset, limit)
	}
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	c.JSON(http.StatusOK, toJobListResponse(page))
}

// job godoc
// @Summary     A job's detail
// @Description The job's status, request, request id, attempts, error history (with the providers' own words) and result.
// @Tags        admin
// @Produce     json
// @Security    AdminToken
// @Param       jobId path string true "Job id"
// @Success     200 {object} jobDetailResponse
// @Failure     401 {object} errorResponse
// @Failure     404 {object} errorResponse
// @Failure     503 {object} errorResponse
// @Router      /admin/api/jobs/{jobId} [get]
func (h *AdminHandler) job(c *gin.Context) {
	id, err := domain.ParseJobID(c.Param("jobId"))
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	d, err := h.admin.Job(c.Request.Context(), id)
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	c.JSON(http.StatusOK, toJobDetailResponse(d))
}

// cancel godoc
// @Summary     Cancel a pending, delayed or running job
// @Description As DELETE /v1/recipe/status/{jobId} does for the job's client. With a session cookie, send the session's CSRF token in X-CSRF-Token.
// @Tags        admin
// @Produce     json
// @Security    AdminToken
// @Param       jobId path string true "Job id"
// @Success     200 {object} statusResponse "the cancelled status"
// @Failure     401 {object} errorResponse
// @Failure     403 {object} errorResponse
// @Failure     404 {object} errorResponse
// @Failure     409 {object} errorResponse "the job already ended"
// @Failure     503 {object} errorResponse
// @Router      /admin/api/jobs/{jobId}/cancel [post]
func (h *AdminHandler) cancel(c *gin.Context) {
	id, err := domain.ParseJobID(c.Param("jobId"))
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	st, err := h.admin.Cancel(c.Request.Context(), id)
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	c.JSON(http.StatusOK, toStatusResponse(st))
}

// listDeadLetters godoc
// @Summary     List the dead letters
// @Description The jobs that failed for good, most recently failed first, with their status.
// @Tags        admin
// @Produce     json
// @Security    AdminToken
// @Param       offset query int false "Jobs to skip" minimum(0) default(0)
// @Param       limit  query int false "Page size" minimum(1) maximum(100) default(20)
// @Success     200 {object} deadLettersResponse
// @Failure     400 {object} errorResponse
// @Failure     401 {object} errorResponse
// @Failure     503 {object} errorResponse
// @Router      /admin/api/dead-letters [get]
func (h *AdminHandler) listDeadLetters(c *gin.Context) {
	offset, limit, err := pageQuery(c)
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	jobs, err := h.dead.List(c.Request.Context(), offset, limit)
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	out := deadLettersResponse{Items: make([]statusResponse, len(jobs))}
	for i, st := range jobs {
		out.Items[i] = toStatusResponse(st)
	}
	c.JSON(http.StatusOK, out)
}

// retryDead godoc
// @Summary     Retry a dead letter
// @Description Puts the failed job back at the end of the queue with a fresh set of attempts. With a session cookie, send the session's CSRF token in X-CSRF-Token.
// @Tags        admin
// @Produce     json
// @Security    AdminToken
// @Param       jobId path string true "Job id"
// @Success     200 {object} actionResponse
// @Failure     401 {object} errorResponse
// @Failure     403 {object} errorResponse
// @Failure     404 {object} errorResponse "no dead letter has this id"
// @Failure     503 {object} errorResponse
// @Router      /admin/api/dead-letters/{jobId}/retry [post]
func (h *AdminHandler) retryDead(c *gin.Context) {
	h.deadLetterAction(c, h.dead.Retry)
}

// deleteDead godoc
// @Summary     Delete a dead letter
// @Description Removes the failed job for good. With a session cookie, send the session's CSRF token in X-CSRF-Token.
// @Tags        admin
// @Produce     json
// @Security    AdminToken
// @Param       jobId path string true "Job id"
// @Success     200 {object} actionResponse
// @Failure     401 {object} errorResponse
// @Failure     403 {object} errorResponse
// @Failure     404 {object} errorResponse "no dead letter has this id"
// @Failure     503 {object} errorResponse
// @Router      /admin/api/dead-letters/{jobId} [delete]
func (h *AdminHandler) deleteDead(c *gin.Context) {
	h.deadLetterAction(c, h.dead.Delete)
}

func (h *AdminHandler) deadLetterAction(c *gin.Context, act func(context.Context, domain.JobID) error) {
	id, err := domain.ParseJobID(c.Param("jobId"))
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	if err := act(c.Request.Context(), id); err != nil {
		writeError(c, h.log, err)
		return
	}
	c.JSON(http.StatusOK, actionResponse{JobID: string(id), Done: 1})
}

// retryAllDead godoc
// @Summary     Retry every dead letter
// @Description Puts up to 1000 failed jobs back in the queue, each with a fresh set of attempts, and says how many. With a session cookie, send the session's CSRF token in X-CSRF-Token.
// @Tags        admin
// @Produce     json
// @Security    AdminToken
// @Success     200 {object} actionResponse
// @Failure     401 {object} errorResponse
// @Failure     403 {object} errorResponse
// @Failure     503 {object} errorResponse
// @Router      /admin/api/dead-letters/retry [post]
func (h *AdminHandler) retryAllDead(c *gin.Context) {
	n, err := h.dead.RetryAll(c.Request.Context())
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	c.JSON(http.StatusOK, actionResponse{Done: n})
}

// pageQuery reads offset and limit; a missing one takes its default.
func pageQuery(c *gin.Context) (offset, limit int, err error) {
	var fields []domain.FieldError
	offset, limit = 0, 20
	if raw, ok := c.GetQuery("offset"); ok {
		if offset, err = strconv.Atoi(raw); err != nil || offset < 0 {
			fields = append(fields, domain.FieldError{Field: "offset", Message: "must be a whole number from 0"})
		}
	}
	if raw, ok := c.GetQuery("limit"); ok {
		if limit, err = strconv.Atoi(raw); err != nil || limit < 1 || limit > application.MaxBoardPage {
			fields = append(fields, domain.FieldError{Field: "limit", Message: fmt.Sprintf("must be a whole number from 1 to %d", application.MaxBoardPage)})
		}
	}
	if len(fields) > 0 {
		return 0, 0, &domain.ValidationError{Fields: fields}
	}
	return offset, limit, nil
}
