package application

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// BoardState names a list of jobs on the dashboard. Delayed jobs are pending jobs that
// wait for a retry or for a provider to be available again.
type BoardState string

// The lists of the dashboard.
const (
	BoardPending    BoardState = "pending"
	BoardProcessing BoardState = "processing"
	BoardDelayed    BoardState = "delayed"
	BoardCompleted  BoardState = "completed" // completed recently, while their status is kept
	BoardFailed     BoardState = "failed"    // the dead letters
)

// BoardStates lists the dashboard's lists in the order a job moves through them.
var BoardStates = []BoardState{BoardPending, BoardDelayed, BoardProcessing, BoardCompleted, BoardFailed}

// ParseBoardState returns the list named by s; domain.ErrInvalidInput for anything else.
func ParseBoardState(s string) (BoardState, error) {
	for _, b := range BoardStates {
		if string(b) == s {
			return b, nil
		}
	}
	return "", &domain.ValidationError{Fields: []domain.FieldError{{
		Field: "state", Message: "must be one of: pending, delayed, processing, completed, failed",
	}}}
}

// QueueCounts is how many jobs each list of the queue holds now.
type QueueCounts struct {
	Pending    int64
	Processing int64
	Delayed    int64
	Failed     int64 // dead letters
}

// MinuteTally counts the attempts that ended in one minute, over all workers.
type MinuteTally struct {
	Minute    time.Time // the minute's start
	Completed int64     // jobs completed
	Failed    int64     // jobs failed for good (into the dead letters)
	Retried   int64     // attempts that failed and were retried
}

// JobSummary is one line of a dashboard list.
type JobSummary struct {
	Status    domain.JobStatus // without the result
	UserID    string
	LastError string    // the last attempt's error, with the provider's own words
	RunAt     time.Time // delayed jobs: when they run again
}

// AttemptError is one failed attempt in a job's history.
type AttemptError struct {
	Attempt int
	Error   string // with the provider's own words: for operators only
	At      time.Time
}

// JobDetail is everything the queue knows of a job.
type JobDetail struct {
	Status    domain.JobStatus // with the result when completed
	Request   domain.GenerationRequest
	RequestID string
	Errors    []AttemptError
	Delayed   bool      // waiting for a retry
	RunAt     time.Time // when Delayed: when it runs again
}

// JobFilter selects a page of a list; with UserID only the jobs requested by that user.
type JobFilter struct {
	State  BoardState
	UserID string
	Offset int
	Limit  int
}

// JobPage is a page of a list. Total counts the whole list (the matches a search found,
// for a search); Partial says a search looked at only the newest jobs of a long list.
type JobPage struct {
	Jobs    []JobSummary
	Total   int64
	Partial bool
}

// JobBoard is what the dashboard reads of the queue.
type JobBoard interface {
	// Counts returns how many jobs each list holds now.
	Counts(ctx context.Context) (QueueCounts, error)
	// Tallies returns the counts of each minute from from to to (both included), oldest
	// first; a minute without ends has zero counts.
	Tallies(ctx context.Context, from, to time.Time) ([]MinuteTally, error)
	// Jobs returns a page of the list f names, newest first.
	Jobs(ctx context.Context, f JobFilter) (JobPage, error)
	// Job returns the job's detail; domain.ErrNotFound for an unknown or expired job.
	Job(ctx context.Context, id domain.JobID) (JobDetail, error)
}

// MaxBoardPage is the most jobs one page of a list holds.
const MaxBoardPage = 100

// StatsWindow is the span of the dashboard's throughput and failure rate.
const StatsWindow = time.Hour

// Overview is the dashboard's summary of the queue and the providers.
type Overview struct {
	Counts    QueueCounts
	LastHour  HourStats
	Providers []ProviderStatus
	At        time.Time
}

// HourStats sums the last StatsWindow of tallies.
type HourStats struct {
	Completed int64
	Failed    int64
	Retried   int64
	// Throughput is the jobs completed per minute, on average over the window.
	Throughput float64
	// FailureRate is the share of the jobs that ended in the window that failed for good:
	// failed / (completed + failed), 0 when none ended.
	FailureRate float64
	Minutes     []MinuteTally
}

// Admin serves the dashboard: the state of the queue and the providers, the jobs of each
// list, a job's detail, and cancelling a job.
type Admin struct {
	board  JobBoard
	health ProviderHealthReader
	queue  JobQueue
	now    func() time.Time
}

// NewAdmin builds the dashboard's use case on its ports; now may be nil for time.Now.
func NewAdmin(board JobBoard, health ProviderHealthReader, queue JobQueue, now func() time.Time) *Admin {
	if now == nil {
		now = time.Now
	}
	return &Admin{board: board, health: health, queue: queue, now: now}
}

// Overview counts the jobs of each list, sums the last hour's tallies and says how each
// provider is doing according to the workers' reports.
func (a *Admin) Overview(ctx context.Context) (Overview, error) {
	now := a.now()
	counts, err := a.board.Counts(ctx)
	if err != nil {
		return Overview{}, fmt.Errorf("count jobs: %w", err)
	}
	end := now.Truncate(time.Minute)
	minutes, err := a.board.Tallies(ctx, end.Add(-StatsWindow+time.Minute), end)
	if err != nil {
		return Overview{}, fmt.Errorf("read tallies: %w", err)
	}
	reports, err := a.health.ProviderReports(ctx)
	if err != nil {
		return Overview{}, fmt.Errorf("read provider health: %w", err)
	}
	return Overview{Counts: counts, LastHour: sumHour(minutes), Providers: summariseProviders(reports, now), At: now}, nil
}

func sumHour(minutes []MinuteTally) HourStats {
	h := HourStats{Minutes: minutes}
	for _, m := range minutes {
		h.Completed += m.Completed
		h.Failed += m.Failed
		h.Retried += m.Retried
	}
	h.Throughput = float64(h.Completed) / StatsWindow.Minutes()
	if ended := h.Completed + h.Failed; ended > 0 {
		h.FailureRate = float64(h.Failed) / float64(ended)
	}
	return h
}

// Jobs returns a page of one list, newest first; limit is clamped to 1..MaxBoardPage.
func (a *Admin) Jobs(ctx context.Context, state BoardState, offset, limit int) (JobPage, error) {
	page, err := a.board.Jobs(ctx, JobFilter{State: state, Offset: max(offset, 0), Limit: clampPage(limit)})
	if err != nil {
		return JobPage{}, fmt.Errorf("list %s jobs: %w", state, err)
	}
	return page, nil
}

// Search finds jobs by job id or by user id: a query shaped like a job id that names a
// known job returns that job; any other query returns the jobs of that user, in every
// list, newest first.
func (a *Admin) Search(ctx context.Context, query string, limit int) (JobPage, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return JobPage{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: "q", Message: "must name a job id or a user id"}}}
	}
	if id, err := domain.ParseJobID(query); err == nil {
		d, err := a.board.Job(ctx, id)
		switch {
		case err == nil:
			return JobPage{Jobs: []JobSummary{d.summary()}, Total: 1}, nil
		case !errors.Is(err, domain.ErrNotFound):
			return JobPage{}, fmt.Errorf("find job %s: %w", id, err)
		}
	}
	out := JobPage{}
	for _, state := range BoardStates {
		page, err := a.board.Jobs(ctx, JobFilter{State: state, UserID: query, Limit: clampPage(limit)})
		if err != nil {
			return JobPage{}, fmt.Errorf("find jobs of user %q: %w", query, err)
		}
		out.Jobs = append(out.Jobs, page.Jobs...)
		out.Total += page.Total
		out.Partial = out.Partial || page.Partial
	}
	if n := clampPage(limit); len(out.Jobs) > n {
		out.Jobs = out.Jobs[:n]
	}
	return out, nil
}

// Job returns a job's detail.
func (a *Admin) Job(ctx context.Context, id domain.JobID) (JobDetail, error) {
	d, err := a.board.Job(ctx, id)
	if err != nil {
		return JobDetail{}, fmt.Errorf("load job %s: %w", id, err)
	}
	return d, nil
}

// Cancel cancels a pending, delayed or running job, as its client could.
func (a *Admin) Cancel(ctx context.Context, id domain.JobID) (domain.JobStatus, error) {
	st, err := a.queue.Cancel(ctx, id)
	if err != nil {
		return domain.JobStatus{}, fmt.Errorf("cancel job %s: %w", id, err)
	}
	return st, nil
}

func (d JobDetail) summary() JobSummary {
	s := JobSummary{Status: d.Status, UserID: d.Request.UserID, RunAt: d.RunAt}
	s.Status.Result = nil
	if n := len(d.Errors); n > 0 {
		s.LastError = d.Errors[n-1].Error
	}
	return s
}

func clampPage(limit int) int {
	if limit <= 0 {
		return 20
	}
	return min(limit, MaxBoardPage)
}
