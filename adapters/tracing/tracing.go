// Package tracing sets up OpenTelemetry tracing for both binaries. With tracing on
// (config.Tracing) spans go, in batches, to an OTLP exporter over HTTP or gRPC
// (OTEL_EXPORTER_OTLP_PROTOCOL), which reads the standard OTEL_EXPORTER_OTLP_* variables
// itself (endpoint, headers, timeout, certificates); the SDK reads the sampler
// (OTEL_TRACES_SAMPLER) and the resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES).
// With tracing off the provider is OpenTelemetry's no-op one: nothing is recorded or sent.
package tracing

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/buildinfo"
	"github.com/naengbu/recipe-ai/config"
)

// ServiceName is the service.name a binary's spans carry unless OTEL_SERVICE_NAME says
// otherwise; cmd supplies it ("recipe-ai-api", "recipe-ai-worker").
type ServiceName string

// Module provides the trace.TracerProvider and the propagation.TextMapPropagator the
// adapters trace with. When tracing is on it also installs them as OpenTelemetry's
// globals, so that libraries instrumented through the globals join the same traces,
// and flushes the spans still buffered when the app stops.
var Module = fx.Module("tracing",
	fx.Provide(
		func(lc fx.Lifecycle, cfg config.Config, name ServiceName, log *zap.Logger) (trace.TracerProvider, error) {
			tp, err := New(context.Background(), cfg, string(name))
			if err != nil {
				return nil, err
			}
			if sdk, ok := tp.(*sdktrace.TracerProvider); ok {
				otel.SetTracerProvider(sdk)
				otel.SetTextMapPropagator(Propagator())
				otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
					log.Named("tracing").Warn("tracing error", zap.Error(err))
				}))
				lc.Append(fx.StopHook(sdk.Shutdown))
			}
			return tp, nil
		},
		Propagator,
	),
)

// Propagator is how a trace context travels: W3C trace context and baggage.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// New returns the no-op provider when cfg turns tracing off, else an SDK provider that
// batches spans to the OTLP exporter of cfg's protocol. Shut an SDK provider down to
// flush it.
func New(ctx context.Context, cfg config.Config, service string) (trace.TracerProvider, error) {
	if !cfg.Tracing() {
		return noop.NewTracerProvider(), nil
	}
	var (
		exp sdktrace.SpanExporter
		err error
	)
	switch cfg.OTLPTracesProtocol() {
	case config.OTLPGRPC:
		exp, err = otlptracegrpc.New(ctx)
	default:
		exp, err = otlptracehttp.New(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("otlp trace exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(
			attribute.String("service.name", service),
			attribute.String("service.version", buildinfo.Version()),
		),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
	)
	if err != nil {
		return nil, fmt.Errorf("tracing resource: %w", err)
	}
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}
