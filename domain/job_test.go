package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

func TestNewJobID(t *testing.T) {
	const n = 1000
	seen := make(map[domain.JobID]bool, n)
	for range n {
		id := domain.NewJobID()
		if len(id) != 26 {
			t.Fatalf("len(NewJobID()) = %d (%q), want 26", len(id), id)
		}
		if got, err := domain.ParseJobID(string(id)); err != nil || got != id {
			t.Fatalf("ParseJobID(NewJobID() = %q) = %q, %v, want the same id", id, got, err)
		}
		if seen[id] {
			t.Fatalf("NewJobID() = %q twice in %d calls, want unique ids", id, n)
		}
		seen[id] = true
	}
}

func TestParseJobID(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    domain.JobID
		wantErr error
	}{
		{name: "letters", give: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", want: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{name: "digits 2 to 7", give: "234567234567234567234567AB", want: "234567234567234567234567AB"},
		{name: "empty", give: "", wantErr: domain.ErrNotFound},
		{name: "25 characters", give: strings.Repeat("A", 25), wantErr: domain.ErrNotFound},
		{name: "27 characters", give: strings.Repeat("A", 27), wantErr: domain.ErrNotFound},
		{name: "lower case", give: strings.Repeat("a", 26), wantErr: domain.ErrNotFound},
		{name: "digit 0", give: strings.Repeat("A", 25) + "0", wantErr: domain.ErrNotFound},
		{name: "digit 1", give: "1" + strings.Repeat("A", 25), wantErr: domain.ErrNotFound},
		{name: "digit 8", give: strings.Repeat("A", 12) + "8" + strings.Repeat("A", 13), wantErr: domain.ErrNotFound},
		{name: "padding", give: strings.Repeat("A", 24) + "==", wantErr: domain.ErrNotFound},
		{name: "path", give: "../" + strings.Repeat("A", 23), wantErr: domain.ErrNotFound},
		{name: "26 bytes of Korean", give: strings.Repeat("가", 8) + "AB", wantErr: domain.ErrNotFound},
		{name: "UUID", give: "0f8fad5b-d9cb-469f-a165-70867728950e", wantErr: domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ParseJobID(tt.give)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseJobID(%q) error = %v, want %v", tt.give, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseJobID(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestNewJob(t *testing.T) {
	req, err := domain.NewGenerationRequest("user-42", []string{"계란"}, domain.Preferences{})
	if err != nil {
		t.Fatalf("NewGenerationRequest() error = %v", err)
	}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	got := domain.NewJob("ABCDEFGHIJKLMNOPQRSTUVWXYZ", req, "req-1", now)
	want := domain.Job{ID: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", Request: req, RequestID: "req-1", CreatedAt: now}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(domain.Ingredients{})); diff != "" {
		t.Errorf("NewJob() (-want +got):\n%s", diff)
	}
}
