import type { Connection } from "@helix/nats-core";
import { createPubSub, type PubSub, ServiceError } from "@helix/nats-pubsub";
import { uniqueName } from "@helix/nats-testing/vitest";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectTraced,
  createSdk,
  onlySpan,
  parentOf,
  pointsWith,
  type Sdk,
  sharedServer,
  until,
  useAsyncContext,
} from "./helpers.js";

// Core NATS (@helix/nats-pubsub) traced by the plugin with no new dependency: `send` PRODUCER
// spans for publish and request (the request's lasting until the reply), `process` CONSUMER spans
// for subscribe and reply handlers, parented to the sender's span, the response a `send _INBOX`
// span marked temporary; the same metrics as JetStream messages.

useAsyncContext();

const CLIENT = "otel-pubsub";
let sdk: Sdk;
let conn: Connection;
let ps: PubSub;

beforeAll(async () => {
  sdk = createSdk();
  conn = await connectTraced(sdk, {}, CLIENT);
  ps = createPubSub(conn);
});
afterAll(async () => {
  await conn.drain();
  await sdk.shutdown();
});

function subjectOf(name: string): string {
  return `${uniqueName("ps")}.${name}`;
}

function ids(span: ReadableSpan | undefined) {
  return { traceId: span?.spanContext().traceId, spanId: span?.spanContext().spanId };
}

describe("pubsub spans", () => {
  it("publish → subscribe: send PRODUCER, process CONSUMER child of it, active in the handler", async () => {
    const subject = subjectOf("events");
    const seen: (string | undefined)[] = [];
    const sub = ps.subscribe(
      subject,
      () => {
        seen.push(trace.getActiveSpan()?.spanContext().spanId);
      },
      { queue: "g1" },
    );
    await ps.flush();
    sdk.reset();
    await ps.publish(subject, "hello");
    await until(() => seen.length === 1 && sdk.named(`process ${subject}`).length === 1);
    const send = onlySpan(sdk, `send ${subject}`);
    const process = onlySpan(sdk, `process ${subject}`);
    const { address, port } = sharedServer();
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "send",
      "messaging.operation.type": "send",
      "messaging.destination.name": subject,
      "messaging.client.id": CLIENT,
      "messaging.nats.subject": subject,
      "server.address": address,
      "server.port": port,
    });
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "process",
      "messaging.operation.type": "process",
      "messaging.destination.name": subject,
      "messaging.consumer.group.name": "g1",
      "messaging.client.id": CLIENT,
      "messaging.nats.subject": subject,
      "messaging.nats.process.mode": "subscribe",
      "server.address": address,
      "server.port": port,
    });
    expect(parentOf(process)).toMatchObject(ids(send));
    expect(seen).toEqual([process.spanContext().spanId]);
    expect(process.status.code).toBe(SpanStatusCode.UNSET);
    await sub.drain();
  });

  it("request → reply: one trace; the request span lasts until the reply, the response is a temporary send", async () => {
    const subject = subjectOf("svc");
    const sub = ps.reply(subject, async (msg) => {
      await new Promise((r) => setTimeout(r, 30));
      return `re ${msg.string()}`;
    });
    await ps.flush();
    sdk.reset();
    const tracer = sdk.tracerProvider.getTracer("test");
    const root = tracer.startSpan("caller");
    const reply = await context.with(trace.setSpan(context.active(), root), () =>
      ps.request(subject, "q"),
    );
    root.end();
    expect(reply.string()).toBe("re q");
    await until(() => sdk.named("send _INBOX").length === 1);
    const request = onlySpan(sdk, `send ${subject}`);
    const process = onlySpan(sdk, `process ${subject}`);
    const response = onlySpan(sdk, "send _INBOX");
    expect(request.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf(request)).toMatchObject(ids(onlySpan(sdk, "caller")));
    expect(parentOf(process)).toMatchObject(ids(request));
    expect(parentOf(response)).toMatchObject(ids(process));
    expect(new Set([request, process, response].map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(process.attributes["messaging.nats.process.mode"]).toBe("reply");
    expect(process.attributes["messaging.consumer.group.name"]).toBeUndefined();
    expect(response.kind).toBe(SpanKind.PRODUCER);
    expect(response.attributes["messaging.destination.name"]).toBe("_INBOX");
    expect(response.attributes["messaging.destination.temporary"]).toBe(true);
    expect(String(response.attributes["messaging.nats.subject"]).startsWith("_INBOX.")).toBe(true);
    // The request span covers the handler's work: it ends after the process span started.
    const end = (s: ReadableSpan) => s.endTime[0] * 1e9 + s.endTime[1];
    const start = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
    expect(start(request)).toBeLessThanOrEqual(start(process));
    expect(end(request)).toBeGreaterThanOrEqual(end(response));
    await sub.drain();
  });

  it("processParent: link makes the handler span a new trace linked to the sender", async () => {
    const linked = createSdk();
    const other = await connectTraced(linked, { processParent: "link" }, `${CLIENT}-link`);
    try {
      const own = createPubSub(other);
      const subject = subjectOf("linked");
      const sub = own.reply(subject, () => "ok");
      await own.flush();
      await own.request(subject);
      await until(() => linked.named(`process ${subject}`).length === 1);
      const request = onlySpan(linked, `send ${subject}`);
      const process = onlySpan(linked, `process ${subject}`);
      expect(parentOf(process)).toBeUndefined();
      expect(process.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
      expect(process.spanContext().traceId).not.toBe(request.spanContext().traceId);
      await sub.drain();
    } finally {
      await other.drain();
      await linked.shutdown();
    }
  });

  it("error and no-responder paths: ERROR status with error.type on both sides", async () => {
    const subject = subjectOf("fail");
    const sub = ps.reply(subject, () => {
      throw new ServiceError(404, "no such order");
    });
    await ps.flush();
    sdk.reset();
    await expect(ps.request(subject)).rejects.toBeInstanceOf(ServiceError);
    await until(() => sdk.named(`process ${subject}`).length === 1);
    const request = onlySpan(sdk, `send ${subject}`);
    const process = onlySpan(sdk, `process ${subject}`);
    expect(request.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: `service error 404: no such order (subject "${subject}")`,
    });
    expect(request.attributes["error.type"]).toBe("SERVICE_ERROR");
    expect(process.status.code).toBe(SpanStatusCode.ERROR);
    expect(process.attributes["error.type"]).toBe("SERVICE_ERROR");
    await sub.drain();

    const nobody = subjectOf("nobody");
    await expect(ps.request(nobody)).rejects.toMatchObject({ code: "NO_RESPONDERS" });
    const failed = onlySpan(sdk, `send ${nobody}`);
    expect(failed.attributes["error.type"]).toBe("NO_RESPONDERS");
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("carries trace context in Go's header casing", async () => {
    const subject = subjectOf("casing");
    const raw = conn.nats.subscribe(subject, { max: 1 });
    await ps.flush();
    await ps.publish(subject, "x");
    for await (const m of raw) {
      expect([...(m.headers?.keys() ?? [])]).toContain("Traceparent");
      break;
    }
  });

  it("records the same metrics as JetStream messages", async () => {
    const subject = subjectOf("metrics");
    let handled = 0;
    const sub = ps.subscribe(subject, () => {
      handled++;
    });
    await ps.flush();
    await ps.publish(subject, "1");
    await ps.publish(subject, "2");
    await until(() => handled === 2);
    await sub.drain();
    const attrs = {
      "messaging.system": "nats",
      "messaging.destination.name": subject,
    };
    const sent = await sdk.metric("messaging.client.sent.messages");
    expect(pointsWith(sent, { ...attrs, "messaging.operation.name": "send" })[0]?.value).toBe(2);
    const consumed = await sdk.metric("messaging.client.consumed.messages");
    expect(
      pointsWith(consumed, { ...attrs, "messaging.operation.name": "process" })[0]?.value,
    ).toBe(2);
    const processDuration = await sdk.metric("messaging.process.duration");
    const point = pointsWith(processDuration, attrs)[0]?.value as { count: number } | undefined;
    expect(point?.count).toBe(2);
    const opDuration = await sdk.metric("messaging.client.operation.duration");
    const sends = pointsWith(opDuration, attrs)[0]?.value as { count: number } | undefined;
    expect(sends?.count).toBe(2);
  });
});
