package chain

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

const tracerName = "github.com/naengbu/recipe-ai/adapters/ai/chain"

// startTry starts the span of one try of provider l, when the chain records spans; the
// provider's own client spans (if its SDK records any) nest under it.
func (c *Chain) startTry(ctx context.Context, l *link) (context.Context, trace.Span) {
	if c.tracer == nil {
		return ctx, nil
	}
	attrs := []attribute.KeyValue{attribute.String("recipe.provider", l.Name)}
	if l.Model != "" {
		attrs = append(attrs, attribute.String("recipe.provider.model", l.Model))
	}
	return c.tracer.Start(ctx, "generate "+l.Name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
}

// tried records how one try of provider ended: its metrics, and its span's outcome,
// with an error status (the outcome's name, never the provider's words) unless it
// succeeded or its caller gave up.
func (c *Chain) tried(span trace.Span, provider, outcome string, err error, took time.Duration) {
	c.metrics.called(provider, outcome, err, took)
	if span == nil {
		return
	}
	span.SetAttributes(attribute.String("recipe.provider.outcome", outcome))
	if kind := errorKindOf(outcome, err); kind != "" {
		span.SetStatus(codes.Error, kind)
	}
	span.End()
}
