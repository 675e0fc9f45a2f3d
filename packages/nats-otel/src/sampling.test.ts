import {
  type ClientInfo,
  COMPLETED,
  copyHeaders,
  type DeliveredMessage,
  MiddlewareStack,
  type Operation,
} from "@helix/nats-core";
import { type Attributes, SamplingDecision } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type Sampler,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { otel } from "./plugin.js";

const client: ClientInfo = { name: "orders-api", serverAddress: "127.0.0.1", serverPort: 4222 };
const message: DeliveredMessage = {
  subject: "orders.created",
  headers: copyHeaders({
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "Nats-Msg-Id": "m-1",
  }),
  data: new Uint8Array(5),
  info: {
    stream: "ORDERS",
    consumer: "billing",
    streamSequence: 7,
    deliverySequence: 9,
    deliveryCount: 2,
    pending: 0,
    timestampMs: 0,
  },
};

function publishOp(): Operation {
  return {
    kind: "publish",
    client,
    subject: "orders.created",
    headers: copyHeaders(),
    payload: new Uint8Array(1),
    msgID: "m-1",
    async: false,
    attempt: 1,
  };
}

/** A sampler that keeps (or drops) every span and remembers the attributes it was shown. */
function recordingSampler(decision: SamplingDecision) {
  const seen: Attributes[] = [];
  const sampler: Sampler = {
    shouldSample: (_ctx, _trace, _name, _kind, attributes) => {
      seen.push({ ...attributes });
      return { decision };
    },
    toString: () => "recording",
  };
  return { sampler, seen };
}

function stackWith(sampler: Sampler) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    sampler,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const stack = new MiddlewareStack();
  otel({ tracerProvider, propagator: new W3CTraceContextPropagator() }).install(stack);
  return { stack, exporter };
}

const SHARED_SEND = {
  "messaging.system": "nats",
  "messaging.operation.name": "send",
  "messaging.operation.type": "send",
  "messaging.destination.name": "orders.created",
  "server.address": "127.0.0.1",
  "server.port": 4222,
};

describe("spans and samplers", () => {
  it("a sampler sees the operation's shared attributes; a dropped span still propagates", async () => {
    const { sampler, seen } = recordingSampler(SamplingDecision.NOT_RECORD);
    const { stack, exporter } = stackWith(sampler);
    const op = publishOp();
    await stack.run(op, () => Promise.resolve(undefined));
    expect(seen).toEqual([SHARED_SEND]);
    expect(exporter.getFinishedSpans()).toEqual([]);
    const traceparent = op.kind === "publish" ? op.headers.get("Traceparent") : "";
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it("a recorded span gets the per-operation attributes too", async () => {
    const { stack, exporter } = stackWith(new AlwaysOnSampler());
    await stack.run(publishOp(), () => Promise.resolve(undefined));
    expect(exporter.getFinishedSpans().map((s) => s.attributes)).toEqual([
      {
        ...SHARED_SEND,
        "messaging.client.id": "orders-api",
        "messaging.nats.subject": "orders.created",
        "messaging.message.id": "m-1",
      },
    ]);
  });

  it("an operation that completed synchronously is finished at once and answers COMPLETED", () => {
    const { stack, exporter } = stackWith(new AlwaysOnSampler());
    const processed = stack.run(
      { kind: "process", client, stream: "ORDERS", consumer: "billing", message },
      () => COMPLETED,
    );
    expect(processed).toBe(COMPLETED);
    // Ended before anything was awaited: no microtask between the call and the span's end.
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.parentSpanContext?.spanId])).toEqual([
      ["process orders.created", "b7ad6b7169203331"],
    ]);
  });
});
