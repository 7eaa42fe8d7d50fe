package valkey

import (
	"context"
	"time"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"

	"github.com/naengbu/recipe-ai/application"
)

const tracerName = "github.com/naengbu/recipe-ai/adapters/valkey"

// jobTracing carries a job's trace from the api to the worker. The api's send span
// stores its W3C traceparent in the job's hash (field "tp"); the worker reads it back
// with the claim, and its spans for the job continue that trace, retries included. A
// nil *jobTracing records nothing and stores no traceparent.
type jobTracing struct {
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
	queue  string
}

func newJobTracing(tp trace.TracerProvider, prop propagation.TextMapPropagator, queue string) *jobTracing {
	return &jobTracing{tracer: tp.Tracer(tracerName), prop: prop, queue: queue}
}

// send starts the api's span for enqueuing job id, a child of ctx's span, and returns
// the traceparent to store with the job.
func (t *jobTracing) send(ctx context.Context, id string) (context.Context, trace.Span, string) {
	if t == nil {
		return ctx, trace.SpanFromContext(context.Background()), ""
	}
	ctx, span := t.tracer.Start(ctx, "send "+t.queue, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(t.attributes(id, "send")...))
	carrier := propagation.MapCarrier{}
	t.prop.Inject(ctx, carrier)
	return ctx, span, carrier.Get("traceparent")
}

// run starts the worker's span for one run of cj: it continues the trace of cj's
// traceparent (a job stored without one starts a trace of its own), begins when the
// claim was sent and holds a child span for the claim's round trip. end closes it with
// the outcome the processor decided.
func (t *jobTracing) run(cj claimedJob) (ctx context.Context, end func(application.Outcome)) {
	if t == nil {
		return context.Background(), func(application.Outcome) {}
	}
	parent := t.prop.Extract(context.Background(), propagation.MapCarrier{"traceparent": cj.traceparent})
	attrs := append(t.attributes(string(cj.job.ID), "process"), attribute.Int("recipe.job.attempt", cj.job.Attempt))
	ctx, span := t.tracer.Start(parent, "process "+t.queue, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithTimestamp(cj.claimStart), trace.WithAttributes(attrs...))
	_, claim := t.tracer.Start(ctx, "claim "+t.queue, trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(cj.claimStart))
	claim.End(trace.WithTimestamp(cj.claimEnd))
	return ctx, func(out application.Outcome) {
		span.SetAttributes(attribute.String("recipe.job.verdict", out.Verdict.String()))
		if out.Verdict == application.VerdictFail || out.Verdict == application.VerdictRetry {
			span.SetStatus(codes.Error, string(out.Code)) // the failure code, never a provider's words
		}
		span.End()
	}
}

func (t *jobTracing) attributes(id, operation string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("messaging.system", "valkey"),
		attribute.String("messaging.destination.name", t.queue),
		attribute.String("messaging.operation.type", operation),
		attribute.String("messaging.message.id", id),
	}
}

// stamp records when the claim of jobs was sent and when its reply arrived.
func stamp(jobs []claimedJob, sent, replied time.Time) {
	for i := range jobs {
		jobs[i].claimStart, jobs[i].claimEnd = sent, replied
	}
}

// within is ctx's span context on a fresh context: a script run shared by several calls
// appears in the trace of the first one.
func within(ctx context.Context) context.Context {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		return trace.ContextWithSpanContext(context.Background(), sc)
	}
	return context.Background()
}

// instrument records a span for each Valkey command run within a trace, without its
// arguments (job payloads stay out of the traces).
func instrument(rdb redis.UniversalClient, tp trace.TracerProvider) error {
	return redisotel.InstrumentTracing(rdb, redisotel.WithTracerProvider(inTraces{tp: tp}),
		redisotel.WithDBStatement(false), redisotel.WithCallerEnabled(false), redisotel.WithDBSystem("valkey"))
}

// inTraces is a tracer provider whose tracers start a span only within a trace. The
// background loops (BLMOVE, heartbeats, sweeps, progress writes, pub/sub) run their
// commands outside any request: each would otherwise open a trace of its own, several a
// second per worker.
type inTraces struct {
	embedded.TracerProvider
	tp trace.TracerProvider
}

func (p inTraces) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return inTracesTracer{t: p.tp.Tracer(name, opts...)}
}

type inTracesTracer struct {
	embedded.Tracer
	t trace.Tracer
}

func (t inTracesTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ctx, trace.SpanFromContext(ctx)
	}
	return t.t.Start(ctx, name, opts...)
}
