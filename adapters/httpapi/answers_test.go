package httpapi

import (
	"bytes"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

func TestCompletedAnswers(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	a := newCompletedAnswers(func() time.Time { return now })
	const id domain.JobID = "KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"
	a.put("caller-a", id, []byte(`{"a":1}`))

	if body, ok := a.get("caller-a", id); !ok || !bytes.Equal(body, []byte(`{"a":1}`)) {
		t.Errorf("get(caller-a) = %s, %t; want the answer kept", body, ok)
	}
	if _, ok := a.get("caller-b", id); ok {
		t.Errorf("get(caller-b) found caller-a's answer, want none")
	}
	if _, ok := a.get("", id); ok {
		t.Errorf("get(no caller) found caller-a's answer, want none")
	}
	now = now.Add(answerMaxAge - time.Millisecond)
	if _, ok := a.get("caller-a", id); !ok {
		t.Errorf("get just before answerMaxAge found nothing, want the answer")
	}
	now = now.Add(time.Millisecond)
	if _, ok := a.get("caller-a", id); ok {
		t.Errorf("get at answerMaxAge found the answer, want it gone")
	}
}

func TestCompletedAnswersAreBounded(t *testing.T) {
	a := newCompletedAnswers(time.Now)
	for i := range maxAnswers + 10 {
		a.put("", domain.JobID(rune('a'+i%26))+domain.JobID(string(rune(i))), []byte("{}"))
	}
	if n := a.lru.Len(); n != maxAnswers {
		t.Errorf("answers kept after %d puts = %d, want %d", maxAnswers+10, n, maxAnswers)
	}
}
