package domain

import (
	"fmt"
	"time"
)

// State is where a generation is in its life.
type State string

// The states of a generation. Completed, failed and cancelled are terminal.
const (
	StatePending    State = "pending"
	StateProcessing State = "processing"
	StateCompleted  State = "completed"
	StateFailed     State = "failed"
	StateCancelled  State = "cancelled"
)

// Terminal reports whether no further change can happen after s.
func (s State) Terminal() bool {
	return s == StateCompleted || s == StateFailed || s == StateCancelled
}

// The progress a worker reports at each stage of one attempt.
const (
	ProgressStarted    = 10 // the worker took the job
	ProgressGenerating = 30 // the AI provider is being asked
	ProgressGenerated  = 80 // the answer arrived and is being checked
	ProgressCompleted  = 100
	maxRunningProgress = 99
)

// Status is the generation status value object: a state with its progress, which is
// 0..99 while processing, 100 only when completed and 0 otherwise.
type Status struct {
	state    State
	progress int
	failure  FailureCode
}

// Pending is the status of a job waiting for a worker.
func Pending() Status { return Status{state: StatePending} }

// Processing is the status of a running job; progress is clamped to 0..99.
func Processing(progress int) Status {
	return Status{state: StateProcessing, progress: min(max(progress, 0), maxRunningProgress)}
}

// Completed is the status of a job with a result.
func Completed() Status { return Status{state: StateCompleted, progress: ProgressCompleted} }

// Failed is the status of a job that ran out of attempts or failed permanently.
func Failed(code FailureCode) Status { return Status{state: StateFailed, failure: code} }

// Cancelled is the status of a job its client cancelled.
func Cancelled() Status { return Status{state: StateCancelled} }

// RestoreStatus rebuilds a stored status, applying the same rules as the constructors.
func RestoreStatus(state State, progress int, code FailureCode) (Status, error) {
	switch state {
	case StatePending:
		return Pending(), nil
	case StateProcessing:
		return Processing(progress), nil
	case StateCompleted:
		return Completed(), nil
	case StateFailed:
		return Failed(code), nil
	case StateCancelled:
		return Cancelled(), nil
	}
	return Status{}, fmt.Errorf("restore status: unknown state %q", state)
}

// State returns the state.
func (s Status) State() State { return s.state }

// Progress returns 0..100.
func (s Status) Progress() int { return s.progress }

// Failure returns why a failed job failed, and "" otherwise.
func (s Status) Failure() FailureCode { return s.failure }

// Advance moves a running job's progress forward to p (clamped to 0..99); a lower p
// leaves it as it is, since progress never goes backwards within one attempt. It returns
// ErrConflict when the job is not processing.
func (s Status) Advance(p int) (Status, error) {
	if s.state != StateProcessing {
		return s, fmt.Errorf("advance %s job: %w", s.state, ErrConflict)
	}
	return Processing(max(s.progress, p)), nil
}

// JobStatus is what a client sees of one job.
type JobStatus struct {
	ID        JobID
	Owner     string // see Job.Owner
	Status    Status
	Attempts  int // attempts started so far
	Language  Language
	CreatedAt time.Time
	UpdatedAt time.Time
	Result    *Result // only when completed
}

// FailureSentence explains a failed job's failure in the job's language, and is "" otherwise.
func (j JobStatus) FailureSentence() string {
	if j.Status.State() != StateFailed {
		return ""
	}
	return j.Status.Failure().Sentence(j.Language)
}

// Message describes the status in the job's language.
func (j JobStatus) Message() string {
	m := messages[j.Language]
	if m == nil {
		m = messages[Korean]
	}
	switch st := j.Status.State(); {
	case st == StatePending && j.Attempts > 0:
		return m["retrying"]
	case st == StateProcessing && j.Status.Progress() >= ProgressGenerated:
		return m["generated"]
	case st == StateProcessing && j.Status.Progress() >= ProgressGenerating:
		return m["generating"]
	default:
		return m[string(st)]
	}
}

var messages = map[Language]map[string]string{
	Korean: {
		"pending":    "대기 중",
		"retrying":   "재시도 대기 중",
		"processing": "처리 중...",
		"generating": "AI가 레시피를 만드는 중",
		"generated":  "레시피 정리 중",
		"completed":  "생성 완료",
		"failed":     "생성 실패",
		"cancelled":  "취소됨",
	},
	English: {
		"pending":    "Waiting in the queue",
		"retrying":   "Waiting to retry",
		"processing": "Processing...",
		"generating": "The AI is writing recipes",
		"generated":  "Checking the recipes",
		"completed":  "Completed",
		"failed":     "Failed",
		"cancelled":  "Cancelled",
	},
}
