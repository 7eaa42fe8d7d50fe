package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
)

// fakeOpenAI speaks OpenAI's chat completions wire format to the worker's real openai
// adapter. It counts calls per job marker (an ingredient "marker-N" in the prompt) and
// can hold calls open until the worker gives up on them.
type fakeOpenAI struct {
	srv *httptest.Server

	mu        sync.Mutex
	calls     map[string]int
	holdFirst bool // hold each marker's first call until the client goes away
	// firstCall, when set, decides each marker's first call instead of holdFirst.
	firstCall func(marker string) callPlan
	held      chan string   // a marker whose call is being held
	abandoned chan string   // a marker whose held call the client abandoned
	delay     time.Duration // before every answer
	// A streamed answer (the worker asks for one unless STREAMING=false) comes in
	// deltas of four characters, pace apart; with breakAfter > 0, each marker's first
	// stream stalls after that many recipes and breaks off, as a server that died
	// half-way.
	pace       time.Duration
	breakAfter int
}

// callPlan is what the fake does with a marker's first call.
type callPlan int

const (
	planAnswer callPlan = iota // answer as every later call does
	planHold                   // hold it until the client goes away
	planFail                   // answer 503, as an overloaded server does
)

var markerPattern = regexp.MustCompile(`marker-\d+`)

func newFakeOpenAI(t *testing.T) *fakeOpenAI {
	f := &fakeOpenAI{calls: map[string]int{}, held: make(chan string, 100), abandoned: make(chan string, 100)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// env points a worker at the fake, with no other provider to fall back to.
func (f *fakeOpenAI) env() map[string]string {
	return map[string]string{"AI_PROVIDERS": "openai", "OPENAI_BASE_URL": f.srv.URL + "/v1", "OPENAI_API_KEY": "sk-test"}
}

func (f *fakeOpenAI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	marker := markerPattern.FindString(string(body))
	f.mu.Lock()
	f.calls[marker]++
	first := planAnswer
	switch {
	case f.calls[marker] > 1:
	case f.firstCall != nil:
		first = f.firstCall(marker)
	case f.holdFirst:
		first = planHold
	}
	delay := f.delay
	cut := f.breakAfter > 0 && f.calls[marker] == 1
	f.mu.Unlock()
	if first == planFail {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"error":{"message":"The server is overloaded","type":"server_error"}}`)
		return
	}
	if first == planHold {
		f.held <- marker
		<-r.Context().Done()
		f.abandoned <- marker
		return
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return
	}
	if bytes.Contains(body, []byte(`"stream":true`)) {
		f.stream(w, r, marker, cut)
		return
	}
	reply := aitest.OpenAICompletion(aitest.ValidAnswer().JSON(), "stop")
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, reply.Body)
}

// stream writes the answer as OpenAI streams it, or its first recipes only, then cuts
// the connection. A stream the client abandons is reported on abandoned.
func (f *fakeOpenAI) stream(w http.ResponseWriter, r *http.Request, marker string, cut bool) {
	answer := aitest.ValidAnswer().JSON()
	tokens := aitest.Tokens(answer, 4)
	frames := aitest.OpenAIStream(tokens, "stop").Stream
	if cut {
		frames = frames[:aitest.UpTo(tokens, answer, f.breakAfter)+1] // after the role frame
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher := w.(http.Flusher)
	for i, frame := range frames {
		if i > 0 && f.pace > 0 {
			select {
			case <-time.After(f.pace):
			case <-r.Context().Done():
				f.abandoned <- marker
				return
			}
		}
		_, _ = io.WriteString(w, frame)
		flusher.Flush()
	}
	if cut { // stall a moment, then die
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
		}
		panic(http.ErrAbortHandler)
	}
}

func (f *fakeOpenAI) callCount(marker string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[marker]
}

// waitHeld waits until a call is being held and returns its marker.
func (f *fakeOpenAI) waitHeld(t *testing.T) string {
	t.Helper()
	select {
	case m := <-f.held:
		return m
	case <-time.After(30 * time.Second):
		t.Fatal("the worker never called the provider")
		return ""
	}
}
