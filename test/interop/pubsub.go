package main

// Core NATS request/reply between helix-nats (@helix/nats-pubsub) and Go: a Go client's request
// answered by a helix reply handler, and a Go service (nats.go's micro package, the way Go
// services answer requests) answering a helix request. Both carry the trace context through
// helix.go's header carrier, so each exchange stays in one trace.

import (
	"context"
	"errors"
	"flag"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"
	"go.opentelemetry.io/otel/trace"
)

func init() {
	commands["request"] = requestCommand
	commands["serve"] = serveCommand
}

// request: a Go client. Inside a PRODUCER span the trace context is injected into the request's
// headers through helix.go's carrier; the reply (data and headers, an error response's included)
// is printed with the span's ids.
var requestCommand = command{
	usage: "request -subject S [-data TEXT]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		subject := fs.String("subject", "", "subject to send the request to")
		data := fs.String("data", "", "payload, UTF-8")
		return func(ctx context.Context, e *env) (any, error) {
			msg := &nats.Msg{Subject: *subject, Data: []byte(*data), Header: nats.Header{}}
			ctx, span := e.traces.tracer.Start(ctx, "NATS: Request",
				trace.WithSpanKind(trace.SpanKindProducer))
			e.traces.propagator.Inject(ctx, carrier(msg.Header))
			reply, err := e.nc.RequestMsgWithContext(ctx, msg)
			span.End()
			if err != nil {
				return nil, err
			}
			return map[string]any{
				"span":    idsOf(span.SpanContext()),
				"data":    string(reply.Data),
				"headers": reply.Header,
			}, nil
		}
	},
}

// serve: a Go service on nats.go's micro package. Prints {"ready":true} once its endpoint is
// subscribed, then for each of -count requests: extracts the caller's context through helix.go's
// carrier, starts a CONSUMER span in it, answers "go:<data>" (or, for the data "fail", the
// service error 404 "no such order"), and prints one line with the ids. Exits after -count.
var serveCommand = command{
	usage: "serve -subject S [-count 1]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		subject := fs.String("subject", "", "endpoint subject")
		count := fs.Int("count", 1, "requests to answer before exiting")
		return func(ctx context.Context, e *env) (any, error) {
			type served struct {
				line map[string]any
				err  error
			}
			done := make(chan served, *count)
			handler := micro.HandlerFunc(func(req micro.Request) {
				hc := carrier(nats.Header(req.Headers()))
				remoteCtx := e.traces.propagator.Extract(context.Background(), hc)
				remote := trace.SpanContextFromContext(remoteCtx)
				_, span := e.traces.tracer.Start(remoteCtx, "NATS: Serve",
					trace.WithSpanKind(trace.SpanKindConsumer))
				var err error
				if string(req.Data()) == "fail" {
					err = req.Error("404", "no such order", nil)
				} else {
					err = req.Respond([]byte("go:" + string(req.Data())))
				}
				span.End()
				done <- served{line: map[string]any{
					"data":   string(req.Data()),
					"remote": idsOf(remote),
					"process": map[string]any{
						"traceId":      span.SpanContext().TraceID().String(),
						"spanId":       span.SpanContext().SpanID().String(),
						"parentSpanId": remote.SpanID().String(),
					},
				}, err: err}
			})
			svc, err := micro.AddService(e.nc, micro.Config{
				Name:     "interop",
				Version:  "1.0.0",
				Endpoint: &micro.EndpointConfig{Subject: *subject, Handler: handler},
			})
			if err != nil {
				return nil, err
			}
			defer func() { _ = svc.Stop() }()
			if err := e.nc.FlushWithContext(ctx); err != nil {
				return nil, err
			}
			if err := e.out.Encode(map[string]bool{"ready": true}); err != nil {
				return nil, err
			}
			for i := 0; i < *count; i++ {
				select {
				case s := <-done:
					if s.err != nil {
						return nil, s.err
					}
					if err := e.out.Encode(s.line); err != nil {
						return nil, err
					}
				case <-ctx.Done():
					return nil, errors.New("served " + strconv.Itoa(i) + " of " + strconv.Itoa(*count) + " requests before the deadline")
				}
			}
			return nil, nil
		}
	},
}
