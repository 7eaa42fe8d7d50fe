package domain_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

// statusView is what a Status shows through its methods.
type statusView struct {
	State    domain.State
	Progress int
	Failure  domain.FailureCode
	Terminal bool
}

func viewOf(s domain.Status) statusView {
	return statusView{State: s.State(), Progress: s.Progress(), Failure: s.Failure(), Terminal: s.State().Terminal()}
}

func TestStatusConstructors(t *testing.T) {
	tests := []struct {
		name string
		give domain.Status
		want statusView
	}{
		{name: "pending", give: domain.Pending(), want: statusView{State: domain.StatePending}},
		{name: "processing 0", give: domain.Processing(0), want: statusView{State: domain.StateProcessing}},
		{name: "processing -5 clamps to 0", give: domain.Processing(-5), want: statusView{State: domain.StateProcessing}},
		{name: "processing 30", give: domain.Processing(30), want: statusView{State: domain.StateProcessing, Progress: 30}},
		{name: "processing 99", give: domain.Processing(99), want: statusView{State: domain.StateProcessing, Progress: 99}},
		{name: "processing 100 clamps to 99", give: domain.Processing(100), want: statusView{State: domain.StateProcessing, Progress: 99}},
		{name: "processing 1000 clamps to 99", give: domain.Processing(1000), want: statusView{State: domain.StateProcessing, Progress: 99}},
		{name: "completed", give: domain.Completed(), want: statusView{State: domain.StateCompleted, Progress: 100, Terminal: true}},
		{name: "failed", give: domain.Failed(domain.FailureProvidersUnavailable), want: statusView{State: domain.StateFailed, Failure: domain.FailureProvidersUnavailable, Terminal: true}},
		{name: "cancelled", give: domain.Cancelled(), want: statusView{State: domain.StateCancelled, Terminal: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, viewOf(tt.give)); diff != "" {
				t.Errorf("%s status (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestStatusAdvance(t *testing.T) {
	tests := []struct {
		name    string
		from    domain.Status
		give    int
		want    statusView
		wantErr error
	}{
		{name: "forward", from: domain.Processing(10), give: 30, want: statusView{State: domain.StateProcessing, Progress: 30}},
		{name: "same", from: domain.Processing(30), give: 30, want: statusView{State: domain.StateProcessing, Progress: 30}},
		{name: "never backwards", from: domain.Processing(80), give: 30, want: statusView{State: domain.StateProcessing, Progress: 80}},
		{name: "negative", from: domain.Processing(30), give: -1, want: statusView{State: domain.StateProcessing, Progress: 30}},
		{name: "100 clamps to 99", from: domain.Processing(80), give: 100, want: statusView{State: domain.StateProcessing, Progress: 99}},
		{
			name: "pending", from: domain.Pending(), give: 30,
			want: statusView{State: domain.StatePending}, wantErr: domain.ErrConflict,
		},
		{
			name: "completed", from: domain.Completed(), give: 30,
			want: statusView{State: domain.StateCompleted, Progress: 100, Terminal: true}, wantErr: domain.ErrConflict,
		},
		{
			name: "failed", from: domain.Failed(domain.FailureInternal), give: 30,
			want: statusView{State: domain.StateFailed, Failure: domain.FailureInternal, Terminal: true}, wantErr: domain.ErrConflict,
		},
		{
			name: "cancelled", from: domain.Cancelled(), give: 30,
			want: statusView{State: domain.StateCancelled, Terminal: true}, wantErr: domain.ErrConflict,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.from.Advance(tt.give)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("%v.Advance(%d) error = %v, want %v", viewOf(tt.from), tt.give, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, viewOf(got)); diff != "" {
				t.Errorf("%v.Advance(%d) (-want +got):\n%s", viewOf(tt.from), tt.give, diff)
			}
		})
	}
}

func TestRestoreStatus(t *testing.T) {
	type give struct {
		state    domain.State
		progress int
		reason   domain.FailureCode
	}
	tests := []struct {
		name    string
		give    give
		want    statusView
		wantErr bool
	}{
		{name: "pending", give: give{state: domain.StatePending}, want: statusView{State: domain.StatePending}},
		{name: "pending drops progress", give: give{state: domain.StatePending, progress: 40, reason: domain.FailureInternal}, want: statusView{State: domain.StatePending}},
		{name: "processing", give: give{state: domain.StateProcessing, progress: 80}, want: statusView{State: domain.StateProcessing, Progress: 80}},
		{name: "processing 100 clamps to 99", give: give{state: domain.StateProcessing, progress: 100}, want: statusView{State: domain.StateProcessing, Progress: 99}},
		{name: "processing -1 clamps to 0", give: give{state: domain.StateProcessing, progress: -1}, want: statusView{State: domain.StateProcessing}},
		{name: "completed is 100", give: give{state: domain.StateCompleted, progress: 50}, want: statusView{State: domain.StateCompleted, Progress: 100, Terminal: true}},
		{name: "failed keeps reason", give: give{state: domain.StateFailed, progress: 80, reason: domain.FailureContentBlocked}, want: statusView{State: domain.StateFailed, Failure: domain.FailureContentBlocked, Terminal: true}},
		{name: "cancelled", give: give{state: domain.StateCancelled, progress: 30}, want: statusView{State: domain.StateCancelled, Terminal: true}},
		{name: "unknown state", give: give{state: "running", progress: 30}, wantErr: true},
		{name: "empty state", give: give{}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.RestoreStatus(tt.give.state, tt.give.progress, tt.give.reason)
			if (err != nil) != tt.wantErr {
				t.Fatalf("RestoreStatus(%+v) error = %v, want error %t", tt.give, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, viewOf(got)); diff != "" {
				t.Errorf("RestoreStatus(%+v) (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestJobStatusMessage(t *testing.T) {
	tests := []struct {
		name     string
		status   domain.Status
		attempts int
		language domain.Language
		want     string
	}{
		{name: "pending ko", status: domain.Pending(), language: domain.Korean, want: "대기 중"},
		{name: "pending en", status: domain.Pending(), language: domain.English, want: "Waiting in the queue"},
		{name: "retrying ko", status: domain.Pending(), attempts: 1, language: domain.Korean, want: "재시도 대기 중"},
		{name: "retrying en", status: domain.Pending(), attempts: 2, language: domain.English, want: "Waiting to retry"},
		{name: "processing ko", status: domain.Processing(10), attempts: 1, language: domain.Korean, want: "처리 중..."},
		{name: "processing en", status: domain.Processing(29), attempts: 1, language: domain.English, want: "Processing..."},
		{name: "generating ko", status: domain.Processing(30), attempts: 1, language: domain.Korean, want: "AI가 레시피를 만드는 중"},
		{name: "generating en", status: domain.Processing(79), attempts: 1, language: domain.English, want: "The AI is writing recipes"},
		{name: "generated ko", status: domain.Processing(80), attempts: 1, language: domain.Korean, want: "레시피 정리 중"},
		{name: "generated en", status: domain.Processing(99), attempts: 1, language: domain.English, want: "Checking the recipes"},
		{name: "completed ko", status: domain.Completed(), attempts: 1, language: domain.Korean, want: "생성 완료"},
		{name: "completed en", status: domain.Completed(), attempts: 1, language: domain.English, want: "Completed"},
		{name: "failed ko", status: domain.Failed(domain.FailureInternal), attempts: 3, language: domain.Korean, want: "생성 실패"},
		{name: "failed en", status: domain.Failed(domain.FailureInternal), attempts: 3, language: domain.English, want: "Failed"},
		{name: "cancelled ko", status: domain.Cancelled(), language: domain.Korean, want: "취소됨"},
		{name: "cancelled en", status: domain.Cancelled(), language: domain.English, want: "Cancelled"},
		{name: "no language is Korean", status: domain.Completed(), want: "생성 완료"},
		{name: "unknown language is Korean", status: domain.Pending(), language: "fr", want: "대기 중"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js := domain.JobStatus{Status: tt.status, Attempts: tt.attempts, Language: tt.language}
			if got := js.Message(); got != tt.want {
				t.Errorf("JobStatus{%v, attempts %d, %q}.Message() = %q, want %q", viewOf(tt.status), tt.attempts, tt.language, got, tt.want)
			}
		})
	}
}

func TestFailureSentences(t *testing.T) {
	codes := []domain.FailureCode{
		domain.FailureProvidersUnavailable, domain.FailureProvidersRejected, domain.FailureContentBlocked,
		domain.FailureInvalidAnswer, domain.FailureWorkerLost, domain.FailureInternal,
	}
	seen := map[string]domain.FailureCode{}
	for _, lang := range []domain.Language{domain.Korean, domain.English} {
		for _, c := range codes {
			s := c.Sentence(lang)
			if s == "" {
				t.Errorf("%s.Sentence(%s) is empty", c, lang)
			}
			if prev, ok := seen[s]; ok {
				t.Errorf("%s and %s share the sentence %q", prev, c, s)
			}
			seen[s] = c
			if got := domain.ParseFailureCode(string(c)); got != c {
				t.Errorf("ParseFailureCode(%q) = %q", c, got)
			}
		}
	}
	if got := domain.ParseFailureCode("provider said: 500 internal"); got != domain.FailureInternal {
		t.Errorf("ParseFailureCode(free text) = %q, want internal", got)
	}
	failed := domain.JobStatus{Status: domain.Failed(domain.FailureContentBlocked), Language: domain.English}
	if got, want := failed.FailureSentence(), domain.FailureContentBlocked.Sentence(domain.English); got != want {
		t.Errorf("JobStatus.FailureSentence() = %q, want %q", got, want)
	}
	if got := (domain.JobStatus{Status: domain.Completed()}).FailureSentence(); got != "" {
		t.Errorf("completed JobStatus.FailureSentence() = %q, want empty", got)
	}
}
