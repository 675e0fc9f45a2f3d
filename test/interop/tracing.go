package main

import (
	"context"
	"net/http"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// tracing is an OpenTelemetry SDK whose spans are kept in memory, and the propagator a helix.go
// service installs: W3C trace context and baggage.
type tracing struct {
	provider   *sdktrace.TracerProvider
	recorder   *tracetest.SpanRecorder
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
}

func newTracing() *tracing {
	recorder := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sdktrace.AlwaysSample()),
		sdktrace.WithSpanProcessor(recorder),
	)
	return &tracing{
		provider: provider,
		recorder: recorder,
		tracer:   provider.Tracer("helix-interop-go"),
		propagator: propagation.NewCompositeTextMapPropagator(
			propagation.TraceContext{},
			propagation.Baggage{},
		),
	}
}

func (t *tracing) shutdown() { _ = t.provider.Shutdown(context.Background()) }

// carrier is helix.go's carrier: nats.Header seen as an http.Header, so that keys are
// canonicalised on Set ("traceparent" is written as "Traceparent") and on Get (a lookup of
// "traceparent" reads the "Traceparent" key, and only that one).
func carrier(h nats.Header) propagation.HeaderCarrier {
	return propagation.HeaderCarrier(http.Header(h))
}

// withBaggage returns ctx carrying the members of a W3C baggage string ("k=v,k2=v2"), as a Go
// service that set baggage before publishing would have it. Values are percent-decoded.
func withBaggage(ctx context.Context, members string) (context.Context, error) {
	if members == "" {
		return ctx, nil
	}
	b, err := baggage.Parse(members)
	if err != nil {
		return nil, err
	}
	return baggage.ContextWithBaggage(ctx, b), nil
}

// baggageMap is every member of the baggage of ctx, decoded.
func baggageMap(ctx context.Context) map[string]string {
	out := map[string]string{}
	for _, m := range baggage.FromContext(ctx).Members() {
		out[m.Key()] = m.Value()
	}
	return out
}
