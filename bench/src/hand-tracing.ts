import type { JetStreamClient, JsMsg, PubAck } from "@nats-io/jetstream";
import { type MsgHdrs, headers as natsHeaders } from "@nats-io/transport-node";
import {
  type Attributes,
  context,
  type Histogram,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { Sdk } from "./sdk.js";

/**
 * The tracing a user writes by hand around the raw client, with the same output as helix's otel
 * plugin with `settleSpans: false`: on consume, extract the producer's context from the headers,
 * one CONSUMER span around the handler (run in `context.with`), the ack, one duration histogram
 * point; on publish, one PRODUCER span, inject, publish, the span ended and one duration point
 * recorded when the ack arrives. Same span names, kinds and attributes as the plugin's.
 */
export class HandTracing {
  readonly #tracer: Tracer;
  readonly #propagator: Sdk["propagator"];
  readonly #processDuration: Histogram;
  readonly #operationDuration: Histogram;
  readonly #client: string;
  readonly #server: Attributes;

  constructor(sdk: Sdk, client: string, host: string, port: number) {
    this.#tracer = sdk.tracerProvider.getTracer("bench-hand-written");
    this.#propagator = sdk.propagator;
    const meter = sdk.meterProvider.getMeter("bench-hand-written");
    this.#processDuration = meter.createHistogram("messaging.process.duration", { unit: "s" });
    this.#operationDuration = meter.createHistogram("messaging.client.operation.duration", {
      unit: "s",
    });
    this.#client = client;
    this.#server = { "server.address": host, "server.port": port };
  }

  /** Handles one consumed message: span, context, `handle` (which acks), histogram. */
  process(m: JsMsg, handle: (m: JsMsg) => void): void {
    const started = performance.now();
    const parent = this.#propagator.extract(ROOT_CONTEXT, m.headers, getter);
    const info = m.info;
    const span = this.#tracer.startSpan(
      `process ${m.subject}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "nats",
          "messaging.operation.name": "process",
          "messaging.operation.type": "process",
          "messaging.destination.name": m.subject,
          "messaging.consumer.group.name": info.consumer,
          ...this.#server,
          "messaging.client.id": this.#client,
          "messaging.nats.subject": m.subject,
          "messaging.nats.stream.name": info.stream,
          "messaging.nats.message.stream_sequence": info.streamSequence,
          "messaging.nats.message.delivery_count": info.deliveryCount,
        },
      },
      parent,
    );
    try {
      context.with(trace.setSpan(parent, span), handle, undefined, m);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
      this.#processDuration.record((performance.now() - started) / 1000, {
        "messaging.system": "nats",
        "messaging.operation.name": "process",
        "messaging.operation.type": "process",
        "messaging.destination.name": m.subject,
        "messaging.consumer.group.name": info.consumer,
        ...this.#server,
      });
    }
  }

  /** A traced `js.publish`, with a `Nats-Msg-Id` as helix sends by default. */
  publish(js: JetStreamClient, subject: string, data: Uint8Array, msgID: string): Promise<PubAck> {
    const started = performance.now();
    const span = this.#tracer.startSpan(`send ${subject}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        "messaging.system": "nats",
        "messaging.operation.name": "send",
        "messaging.operation.type": "send",
        "messaging.destination.name": subject,
        ...this.#server,
        "messaging.client.id": this.#client,
        "messaging.nats.subject": subject,
        "messaging.message.id": msgID,
      },
    });
    const headers = natsHeaders();
    this.#propagator.inject(trace.setSpan(context.active(), span), headers, setter);
    const done = (err?: unknown) => {
      if (err !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      span.end();
      this.#operationDuration.record((performance.now() - started) / 1000, {
        "messaging.system": "nats",
        "messaging.operation.name": "send",
        "messaging.operation.type": "send",
        "messaging.destination.name": subject,
        ...this.#server,
      });
    };
    return js.publish(subject, data, { headers, msgID }).then(
      (ack) => {
        span.setAttribute("messaging.nats.stream.name", ack.stream);
        span.setAttribute("messaging.nats.message.stream_sequence", ack.seq);
        done();
        return ack;
      },
      (err: unknown) => {
        done(err);
        throw err;
      },
    );
  }
}

const getter: TextMapGetter<MsgHdrs | undefined> = {
  get: (h, key) => (h?.has(key) ? h.get(key) : undefined),
  keys: (h) => (h ? [...h.keys()] : []),
};

const setter: TextMapSetter<MsgHdrs> = {
  set: (h, key, value) => h.set(key, value),
};
