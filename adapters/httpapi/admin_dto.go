package httpapi

import (
	"time"

	"github.com/naengbu/recipe-ai/application"
)

// overviewResponse is the dashboard's summary.
type overviewResponse struct {
	Counts    countsResponse     `json:"counts"`
	LastHour  hourResponse       `json:"lastHour"`
	Providers []providerResponse `json:"providers"`
	At        time.Time          `json:"at"`
}

// countsResponse counts the jobs per state.
type countsResponse struct {
	Pending           int64 `json:"pending" example:"4"`
	Processing        int64 `json:"processing" example:"2"`
	Delayed           int64 `json:"delayed" example:"1"`
	CompletedLastHour int64 `json:"completedLastHour" example:"120"`
	Failed            int64 `json:"failed" example:"3"`
}

// hourResponse sums the last hour; failureRate is failed / (completed + failed).
type hourResponse struct {
	Completed           int64            `json:"completed" example:"120"`
	Failed              int64            `json:"failed" example:"3"`
	Retried             int64            `json:"retried" example:"7"`
	ThroughputPerMinute float64          `json:"throughputPerMinute" example:"2"`
	FailureRate         float64          `json:"failureRate" minimum:"0" maximum:"1" example:"0.024"`
	Minutes             []minuteResponse `json:"minutes"`
}

// minuteResponse counts the ends of one minute, over all workers.
type minuteResponse struct {
	Minute    time.Time `json:"minute"`
	Completed int64     `json:"completed"`
	Failed    int64     `json:"failed"`
	Retried   int64     `json:"retried"`
}

// providerResponse is one provider's health over the workers that reported it.
type providerResponse struct {
	Provider            string     `json:"provider" example:"gemini"`
	Breaker             string     `json:"breaker" enums:"closed,half-open,open" example:"closed"`
	Workers             int        `json:"workers" example:"2"`
	OpenOn              int        `json:"openOn" example:"0"`
	ConsecutiveFailures int        `json:"consecutiveFailures" example:"0"`
	LastError           string     `json:"lastError,omitempty" example:"status 503: model overloaded"`
	LastErrorAt         *time.Time `json:"lastErrorAt,omitempty"`
	LastSuccessAt       *time.Time `json:"lastSuccessAt,omitempty"`
}

func toOverviewResponse(o application.Overview) overviewResponse {
	out := overviewResponse{
		Counts: countsResponse{
			Pending: o.Counts.Pending, Processing: o.Counts.Processing, Delayed: o.Counts.Delayed,
			CompletedLastHour: o.LastHour.Completed, Failed: o.Counts.Failed,
		},
		LastHour: hourResponse{
			Completed: o.LastHour.Completed, Failed: o.LastHour.Failed, Retried: o.LastHour.Retried,
			ThroughputPerMinute: o.LastHour.Throughput, FailureRate: o.LastHour.FailureRate,
			Minutes: make([]minuteResponse, len(o.LastHour.Minutes)),
		},
		Providers: make([]providerResponse, len(o.Providers)),
		At:        o.At,
	}
	for i, m := range o.LastHour.Minutes {
		out.LastHour.Minutes[i] = minuteResponse{Minute: m.Minute, Completed: m.Completed, Failed: m.Failed, Retried: m.Retried}
	}
	for i, p := range o.Providers {
		out.Providers[i] = providerResponse{
			Provider: p.Provider, Breaker: string(p.Breaker), Workers: p.Workers, OpenOn: p.OpenOn,
			ConsecutiveFailures: p.ConsecutiveFailures, LastError: p.LastError,
			LastErrorAt: timeOrNil(p.LastErrorAt), LastSuccessAt: timeOrNil(p.LastSuccessAt),
		}
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// jobListResponse is a page of jobs; total counts the whole list, or the matches of a
// search; partial says a search looked at only the newest jobs of a long list.
type jobListResponse struct {
	Items   []jobSummaryResponse `json:"items"`
	Total   int64                `json:"total" example:"42"`
	Partial bool                 `json:"partial,omitempty"`
}

// jobSummaryResponse is one job of a list.
type jobSummaryResponse struct {
	JobID     string     `json:"jobId" example:"KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"`
	Status    string     `json:"status" enums:"pending,processing,completed,failed,cancelled"`
	Progress  int        `json:"progress" minimum:"0" maximum:"100"`
	Attempts  int        `json:"attempts"`
	UserID    string     `json:"userId,omitempty" example:"user-42"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	ErrorCode string     `json:"errorCode,omitempty" enums:"providers_unavailable,providers_rejected,content_blocked,invalid_answer,worker_lost,internal"`
	LastError string     `json:"lastError,omitempty" example:"every AI provider failed: gemini: status 503"`
	RunAt     *time.Time `json:"runAt,omitempty"`
}

func toJobListResponse(p application.JobPage) jobListResponse {
	out := jobListResponse{Items: make([]jobSummaryResponse, len(p.Jobs)), Total: p.Total, Partial: p.Partial}
	for i, j := range p.Jobs {
		out.Items[i] = toJobSummaryResponse(j)
	}
	return out
}

func toJobSummaryResponse(j application.JobSummary) jobSummaryResponse {
	st := j.Status
	return jobSummaryResponse{
		JobID: string(st.ID), Status: string(st.Status.State()), Progress: st.Status.Progress(),
		Attempts: st.Attempts, UserID: j.UserID, CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt,
		ErrorCode: string(st.Status.Failure()), LastError: j.LastError, RunAt: timeOrNil(j.RunAt),
	}
}

// jobDetailResponse is everything the queue keeps of a job.
type jobDetailResponse struct {
	statusResponse
	Request   jobRequestResponse     `json:"request"`
	RequestID string                 `json:"requestId,omitempty" example:"3f9c2a"`
	Errors    []attemptErrorResponse `json:"errors"`
	Delayed   bool                   `json:"delayed"`
	RunAt     *time.Time             `json:"runAt,omitempty"`
}

// jobRequestResponse is the request a job was accepted with.
type jobRequestResponse struct {
	UserID      string              `json:"userId,omitempty" example:"user-42"`
	Ingredients []string            `json:"ingredients" example:"계란,대파,김치,밥"`
	Preferences preferencesResponse `json:"preferences"`
}

// attemptErrorResponse is one failed attempt, with the provider's own words.
type attemptErrorResponse struct {
	Attempt int       `json:"attempt" example:"1"`
	Error   string    `json:"error" example:"every AI provider failed: gemini: status 503"`
	At      time.Time `json:"at"`
}

func toJobDetailResponse(d application.JobDetail) jobDetailResponse {
	p := d.Request.Preferences
	out := jobDetailResponse{
		statusResponse: toStatusResponse(d.Status),
		Request: jobRequestResponse{
			UserID: d.Request.UserID, Ingredients: d.Request.Ingredients.Names(),
			Preferences: preferencesResponse{
				Dietary: p.Dietary, Cuisine: p.Cuisine, Allergies: p.Allergies,
				MaxCookingTime: p.MaxCookingTime, Servings: p.Servings, Language: string(p.Language),
			},
		},
		RequestID: d.RequestID,
		Errors:    make([]attemptErrorResponse, len(d.Errors)),
		Delayed:   d.Delayed,
		RunAt:     timeOrNil(d.RunAt),
	}
	for i, e := range d.Errors {
		out.Errors[i] = attemptErrorResponse{Attempt: e.Attempt, Error: e.Error, At: e.At}
	}
	return out
}

// deadLettersResponse is a page of failed jobs.
type deadLettersResponse struct {
	Items []statusResponse `json:"items"`
}

// actionResponse says what an action did: done counts the jobs it acted on.
type actionResponse struct {
	JobID string `json:"jobId,omitempty" example:"KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"`
	Done  int    `json:"done" example:"1"`
}
