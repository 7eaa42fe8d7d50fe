package e2e

import (
	"compress/gzip"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
)

// receiver is an OTLP/HTTP trace endpoint that keeps every span it is sent.
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	spans    []span
	requests int
}

// span is one received span with the service that sent it.
type span struct {
	service string
	*tracepb.Span
}

func (s span) attr(key string) string {
	for _, kv := range s.GetAttributes() {
		if kv.GetKey() == key {
			if v := kv.GetValue().GetStringValue(); v != "" {
				return v
			}
			return kv.GetValue().String()
		}
	}
	return ""
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body io.Reader = req.Body
		if req.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(req.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = zr
		}
		data, err := io.ReadAll(body)
		var export coltracepb.ExportTraceServiceRequest
		if err == nil {
			err = proto.Unmarshal(data, &export)
		}
		if req.URL.Path != "/v1/traces" || err != nil {
			t.Errorf("OTLP receiver: %s %s: %v", req.Method, req.URL.Path, err)
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.requests++
		for _, rs := range export.GetResourceSpans() {
			service := ""
			for _, kv := range rs.GetResource().GetAttributes() {
				if kv.GetKey() == "service.name" {
					service = kv.GetValue().GetStringValue()
				}
			}
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					r.spans = append(r.spans, span{service: service, Span: s})
				}
			}
		}
		r.mu.Unlock()
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() ([]span, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]span(nil), r.spans...), r.requests
}

// One generation is one trace: the client's traceparent, the api's server span, its send
// span and Valkey command, then (through the traceparent stored in the job) the worker's
// run of the job, its claim and its provider call.
func TestOneTraceFromTheAPIThroughValkeyToTheProvider(t *testing.T) {
	rcv := newReceiver(t)
	srv := valkeytest.Shared(t)
	env := baseEnv(t, srv, map[string]string{
		"OTEL_ENABLED":                "true",
		"OTEL_EXPORTER_OTLP_ENDPOINT": rcv.srv.URL,
		"OTEL_BSP_SCHEDULE_DELAY":     "100", // ms: send spans soon
	})
	api := start(t, "api", env)
	start(t, "worker", env)

	const traceID, clientSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	var a accepted
	resp := call(t, http.MethodPost, api.url("/v1/recipe/generate"), exampleRequest,
		map[string]string{"traceparent": "00-" + traceID + "-" + clientSpan + "-01"}, &a)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/recipe/generate = %d, want 202", resp.StatusCode)
	}
	if st := poll(t, api, a.JobID, 30*time.Second); st.Status != "completed" {
		t.Fatalf("job ended %s, want completed", st.Status)
	}

	queue := env["QUEUE_NAME"]
	// Each step names the span that must follow the one before it, as its child.
	steps := []struct {
		service, name, kind string
	}{
		{"recipe-ai-api", "POST /v1/recipe/generate", "SPAN_KIND_SERVER"},
		{"recipe-ai-api", "send " + queue, "SPAN_KIND_PRODUCER"},
		{"recipe-ai-worker", "process " + queue, "SPAN_KIND_CONSUMER"},
		{"recipe-ai-worker", "generate offline", "SPAN_KIND_CLIENT"},
	}
	var byID map[string]span
	var chain []span
	deadline := time.Now().Add(15 * time.Second)
	for {
		spans, _ := rcv.received()
		byID = make(map[string]span)
		for _, s := range spans {
			if hex.EncodeToString(s.GetTraceId()) == traceID {
				byID[hex.EncodeToString(s.GetSpanId())] = s
			}
		}
		chain = findChain(byID, clientSpan, steps)
		if len(chain) == len(steps) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(chain) != len(steps) {
		var got []string
		for _, s := range byID {
			got = append(got, s.service+" "+s.GetName()+" parent "+hex.EncodeToString(s.GetParentSpanId()))
		}
		t.Fatalf("trace %s: found %d of the %d linked spans %v; spans of the trace:\n%s", traceID, len(chain), len(steps), steps, strings.Join(got, "\n"))
	}
	if got := chain[3].attr("recipe.provider.outcome"); got != "success" {
		t.Errorf("provider span outcome = %q, want success", got)
	}
	if got := chain[2].attr("messaging.message.id"); got != a.JobID {
		t.Errorf("worker span job id = %q, want %q", got, a.JobID)
	}
	if got := chain[2].attr("recipe.job.verdict"); got != "complete" {
		t.Errorf("worker span verdict = %q, want complete", got)
	}

	var enqueueCommand, claim bool
	for _, s := range byID {
		parent := hex.EncodeToString(s.GetParentSpanId())
		switch {
		case parent == hex.EncodeToString(chain[1].GetSpanId()) && s.attr("db.system") == "valkey":
			enqueueCommand = true
		case parent == hex.EncodeToString(chain[2].GetSpanId()) && s.GetName() == "claim "+queue:
			claim = true
		}
	}
	if !enqueueCommand || !claim {
		t.Errorf("Valkey command under the send span: %t; claim span under the run: %t; want both", enqueueCommand, claim)
	}

	// Commands of the background loops (BLMOVE, heartbeats, sweeps) open no traces.
	spans, _ := rcv.received()
	for _, s := range spans {
		if s.attr("db.system") == "valkey" && len(s.GetParentSpanId()) == 0 {
			t.Errorf("%s sent a root span for Valkey command %q, want commands only within traces", s.service, s.GetName())
			break
		}
	}
}

// findChain follows steps from the span parent down, each step a child of the last.
func findChain(byID map[string]span, parent string, steps []struct{ service, name, kind string }) []span {
	var chain []span
	for _, step := range steps {
		found := false
		for id, s := range byID {
			if hex.EncodeToString(s.GetParentSpanId()) == parent && s.service == step.service &&
				s.GetName() == step.name && s.GetKind().String() == step.kind {
				chain, parent, found = append(chain, s), id, true
				break
			}
		}
		if !found {
			return chain
		}
	}
	return chain
}

// Tracing off: nothing is sent, even with an endpoint configured.
func TestTracingOffSendsNothing(t *testing.T) {
	rcv := newReceiver(t)
	env := baseEnv(t, valkeytest.Shared(t), map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": rcv.srv.URL,
		"OTEL_BSP_SCHEDULE_DELAY":     "100",
	})
	api := start(t, "api", env)
	worker := start(t, "worker", env)
	a := submit(t, api, exampleRequest)
	if st := poll(t, api, a.JobID, 30*time.Second); st.Status != "completed" {
		t.Fatalf("job ended %s, want completed", st.Status)
	}
	// A stopping binary flushes the spans it holds: after both exited, all were sent.
	for _, p := range []*process{api, worker} {
		p.signal(syscall.SIGTERM)
		if code := p.wait(t, 30*time.Second); code != 0 {
			t.Fatalf("%s exited %d after SIGTERM, want 0", p.name, code)
		}
	}
	if _, n := rcv.received(); n != 0 {
		t.Errorf("OTLP export requests with OTEL_ENABLED unset = %d, want 0", n)
	}
}
