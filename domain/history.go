package domain

import "time"

// HistoryEntry is one completed generation as a user's history keeps it: what was asked,
// when, and the result its status showed. A job has at most one entry.
type HistoryEntry struct {
	JobID       JobID
	Request     GenerationRequest // the user, the ingredients and the preferences
	Attempts    int               // attempts started until the job completed
	CreatedAt   time.Time         // when the job was accepted
	CompletedAt time.Time         // when the result was made final
	Result      Result
	Owner       string // see Job.Owner
}

// NewHistoryEntry records that job completed with result at completedAt.
func NewHistoryEntry(job Job, result Result, completedAt time.Time) HistoryEntry {
	return HistoryEntry{
		JobID:       job.ID,
		Request:     job.Request,
		Attempts:    job.Attempt,
		CreatedAt:   job.CreatedAt,
		CompletedAt: completedAt,
		Result:      result,
		Owner:       job.Owner,
	}
}

// Status is the completed status a client reads of the entry's job once nothing else
// remembers it.
func (e HistoryEntry) Status() JobStatus {
	result := e.Result
	return JobStatus{
		ID:        e.JobID,
		Owner:     e.Owner,
		Status:    Completed(),
		Attempts:  e.Attempts,
		Language:  e.Request.Preferences.Language,
		CreatedAt: e.CreatedAt,
		UpdatedAt: e.CompletedAt,
		Result:    &result,
	}
}
