package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/trace"
)

// spanIDs is a span's identity as the TypeScript side compares it.
type spanIDs struct {
	TraceID string `json:"traceId"`
	SpanID  string `json:"spanId"`
}

func idsOf(sc trace.SpanContext) spanIDs {
	return spanIDs{TraceID: sc.TraceID().String(), SpanID: sc.SpanID().String()}
}

// payload reads the message body from -data (UTF-8 text) or -data-b64 (any bytes).
func payload(text, b64 string) ([]byte, error) {
	if b64 != "" {
		return base64.StdEncoding.DecodeString(b64)
	}
	return []byte(text), nil
}

// publish: a helix.go producer. Inside a PRODUCER span (with the -baggage members in its
// context), the trace context is injected into the message's headers through helix.go's carrier,
// then the message is published to JetStream and its PubAck printed.
var publishCommand = command{
	usage: "publish -subject S [-data TEXT | -data-b64 B64] [-msg-id ID] [-baggage k=v,...] [-no-trace]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		subject := fs.String("subject", "", "subject to publish to")
		data := fs.String("data", "", "payload, UTF-8")
		dataB64 := fs.String("data-b64", "", "payload, base64")
		msgID := fs.String("msg-id", "", "Nats-Msg-Id for deduplication")
		members := fs.String("baggage", "", "W3C baggage members to set before publishing")
		noTrace := fs.Bool("no-trace", false, "publish without a span or trace headers")
		return func(ctx context.Context, e *env) (any, error) {
			body, err := payload(*data, *dataB64)
			if err != nil {
				return nil, err
			}
			msg := &nats.Msg{Subject: *subject, Data: body, Header: nats.Header{}}
			var span trace.Span = trace.SpanFromContext(ctx)
			if !*noTrace {
				if ctx, err = withBaggage(ctx, *members); err != nil {
					return nil, err
				}
				ctx, span = e.traces.tracer.Start(ctx, "NATS JetStream: Publish",
					trace.WithSpanKind(trace.SpanKindProducer))
				defer span.End()
				e.traces.propagator.Inject(ctx, carrier(msg.Header))
			}
			var opts []jetstream.PublishOpt
			if *msgID != "" {
				opts = append(opts, jetstream.WithMsgID(*msgID))
			}
			ack, err := e.js.PublishMsg(ctx, msg, opts...)
			if err != nil {
				return nil, err
			}
			return map[string]any{
				"stream":    ack.Stream,
				"seq":       ack.Sequence,
				"duplicate": ack.Duplicate,
				"span":      idsOf(span.SpanContext()),
				"headers":   msg.Header,
			}, nil
		}
	},
}

// consume-one: a helix.go consumer. Fetches one message from a durable consumer, extracts the
// producer's context from its headers through helix.go's carrier, starts the CONSUMER span in
// that context (as helix.go's Consume does), acks (waiting for the server) and prints what it saw.
var consumeOneCommand = command{
	usage: "consume-one -stream S -consumer C [-expires 10s]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		stream := fs.String("stream", "", "stream name")
		name := fs.String("consumer", "", "durable consumer name")
		expires := fs.Duration("expires", 10*time.Second, "how long the pull waits")
		return func(ctx context.Context, e *env) (any, error) {
			c, err := e.js.Consumer(ctx, *stream, *name)
			if err != nil {
				return nil, err
			}
			batch, err := c.Fetch(1, jetstream.FetchMaxWait(*expires))
			if err != nil {
				return nil, err
			}
			var msg jetstream.Msg
			for m := range batch.Messages() {
				msg = m
			}
			if batch.Error() != nil {
				return nil, batch.Error()
			}
			if msg == nil {
				return nil, errors.New("no message within " + expires.String())
			}
			meta, err := msg.Metadata()
			if err != nil {
				return nil, err
			}
			headers := msg.Headers()
			if headers == nil {
				headers = nats.Header{}
			}
			hc := carrier(headers)
			remoteCtx := e.traces.propagator.Extract(ctx, hc)
			remote := trace.SpanContextFromContext(remoteCtx)
			_, span := e.traces.tracer.Start(remoteCtx, "NATS JetStream: Consume",
				trace.WithSpanKind(trace.SpanKindConsumer))
			span.End()
			process := e.traces.recorder.Ended()[0]
			if err := msg.DoubleAck(ctx); err != nil {
				return nil, err
			}
			return map[string]any{
				"subject":    msg.Subject(),
				"streamSeq":  meta.Sequence.Stream,
				"deliveries": meta.NumDelivered,
				"data":       msg.Data(),
				"headers":    headers,
				// What helix.go's carrier reads for each key the propagators ask for.
				"carrier": map[string]string{
					"traceparent": hc.Get("traceparent"),
					"tracestate":  hc.Get("tracestate"),
					"baggage":     hc.Get("baggage"),
				},
				"remote": map[string]any{
					"traceId":    remote.TraceID().String(),
					"spanId":     remote.SpanID().String(),
					"valid":      remote.IsValid(),
					"isRemote":   remote.IsRemote(),
					"sampled":    remote.IsSampled(),
					"traceState": remote.TraceState().String(),
				},
				"baggage": baggageMap(remoteCtx),
				"process": map[string]any{
					"traceId":      process.SpanContext().TraceID().String(),
					"spanId":       process.SpanContext().SpanID().String(),
					"parentSpanId": process.Parent().SpanID().String(),
				},
			}, nil
		}
	},
}

// create-stream: a stream with file storage and the given subjects.
var createStreamCommand = command{
	usage: "create-stream -name S -subjects a.>,b [-duplicates 2m]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		name := fs.String("name", "", "stream name")
		subjects := fs.String("subjects", "", "comma-separated subjects")
		duplicates := fs.Duration("duplicates", 2*time.Minute, "deduplication window")
		return func(ctx context.Context, e *env) (any, error) {
			s, err := e.js.CreateStream(ctx, jetstream.StreamConfig{
				Name:       *name,
				Subjects:   splitList(*subjects),
				Duplicates: *duplicates,
			})
			if err != nil {
				return nil, err
			}
			return streamSummary(s.CachedInfo()), nil
		}
	},
}

// create-consumer: a durable pull consumer with explicit acks (jetstream's default).
var createConsumerCommand = command{
	usage: "create-consumer -stream S -durable D [-filter subject]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		stream := fs.String("stream", "", "stream name")
		durable := fs.String("durable", "", "durable name")
		filter := fs.String("filter", "", "filter subject")
		return func(ctx context.Context, e *env) (any, error) {
			c, err := e.js.CreateOrUpdateConsumer(ctx, *stream, jetstream.ConsumerConfig{
				Durable:       *durable,
				FilterSubject: *filter,
				AckPolicy:     jetstream.AckExplicitPolicy,
			})
			if err != nil {
				return nil, err
			}
			return consumerSummary(c.CachedInfo()), nil
		}
	},
}

var streamInfoCommand = command{
	usage: "stream-info -name S",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		name := fs.String("name", "", "stream name")
		return func(ctx context.Context, e *env) (any, error) {
			s, err := e.js.Stream(ctx, *name)
			if err != nil {
				return nil, err
			}
			return streamSummary(s.CachedInfo()), nil
		}
	},
}

var consumerInfoCommand = command{
	usage: "consumer-info -stream S -name C",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		stream := fs.String("stream", "", "stream name")
		name := fs.String("name", "", "consumer name")
		return func(ctx context.Context, e *env) (any, error) {
			c, err := e.js.Consumer(ctx, *stream, *name)
			if err != nil {
				return nil, err
			}
			return consumerSummary(c.CachedInfo()), nil
		}
	},
}

func streamSummary(info *jetstream.StreamInfo) map[string]any {
	return map[string]any{
		"name":       info.Config.Name,
		"subjects":   info.Config.Subjects,
		"duplicates": info.Config.Duplicates.Milliseconds(),
		"messages":   info.State.Msgs,
		"firstSeq":   info.State.FirstSeq,
		"lastSeq":    info.State.LastSeq,
		"consumers":  info.State.Consumers,
	}
}

func consumerSummary(info *jetstream.ConsumerInfo) map[string]any {
	return map[string]any{
		"stream":             info.Stream,
		"name":               info.Name,
		"durable":            info.Config.Durable,
		"ackPolicy":          info.Config.AckPolicy,
		"filterSubject":      info.Config.FilterSubject,
		"numPending":         info.NumPending,
		"numAckPending":      info.NumAckPending,
		"deliveredStreamSeq": info.Delivered.Stream,
		"ackFloorStreamSeq":  info.AckFloor.Stream,
	}
}
