import { createPublisher } from "@helix/nats-stream";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { onlySpan, parentOf, pointsWith, sharedServer, sleep } from "./helpers.js";
import { durable, ids, type Traced, tracedPerTest } from "./messaging-helpers.js";

const CLIENT = "otel-receive";
const setup = tracedPerTest(CLIENT);

/** Publishes `count` traced messages (each its own trace); returns their send spans in order. */
async function publishTraced(t: Traced, subject: string, count: number): Promise<ReadableSpan[]> {
  const publisher = createPublisher(t.conn);
  for (let i = 0; i < count; i++) await publisher.publish(subject, { i });
  const spans = t.sdk.named(`send ${subject}`);
  return spans.slice(spans.length - count);
}

function expectReceive(
  span: ReadableSpan,
  stream: string,
  consumer: string,
  mode: string,
  count: number,
): void {
  expect(span.kind).toBe(SpanKind.CLIENT);
  expect(span.attributes).toEqual({
    "messaging.system": "nats",
    "messaging.operation.name": "receive",
    "messaging.operation.type": "receive",
    "messaging.destination.name": stream,
    "messaging.consumer.group.name": consumer,
    "messaging.client.id": CLIENT,
    "server.address": sharedServer().address,
    "server.port": sharedServer().port,
    "messaging.nats.stream.name": stream,
    "messaging.nats.receive.mode": mode,
    "messaging.batch.message_count": count,
  });
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
}

function linkIds(span: ReadableSpan): { traceId: string; spanId: string }[] {
  return span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId }));
}

/** True when hrtime `a` is strictly before `b`. */
function before(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

describe("receive spans", () => {
  it("fetch(n) inside a span: `receive {stream}` CLIENT, child of the active span, one link per traced message", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.in`;
    const c = await durable(t.conn, stream, "fetcher");
    const sends = await publishTraced(t, subject, 3);
    // One more without trace context: counted, but nothing to link to.
    await t.conn.jetstream.publish(subject, "raw");
    t.sdk.reset();
    const root = t.sdk.tracerProvider.getTracer("test").startSpan("root");

    const msgs = await context.with(trace.setSpan(context.active(), root), () =>
      c.fetch(4, { expiresMs: 5_000 }),
    );
    root.end();
    expect(msgs).toHaveLength(4);

    const span = onlySpan(t.sdk, `receive ${stream}`);
    expectReceive(span, stream, "fetcher", "fetch", 4);
    expect(span.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(parentOf(span)?.spanId).toBe(root.spanContext().spanId);
    expect(linkIds(span)).toEqual(sends.map(ids));
    expect(before(span.startTime, span.endTime)).toBe(true);

    const consumed = await t.sdk.metric("messaging.client.consumed.messages");
    const points = pointsWith(consumed, {
      "messaging.operation.name": "receive",
      "messaging.destination.name": stream,
      "messaging.consumer.group.name": "fetcher",
    });
    expect(points).toHaveLength(1);
    expect(points[0]?.value).toBe(4);
    for (const m of msgs) await m.ack();
  });

  it("fetch: the span starts when the pull starts, before a message published while it waits", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.late`;
    const c = await durable(t.conn, stream, "waiter");
    const [early] = await publishTraced(t, subject, 1);
    t.sdk.reset();

    const fetching = c.fetch(2, { expiresMs: 10_000 });
    await sleep(300);
    const [late] = await publishTraced(t, subject, 1);
    const msgs = await fetching;
    expect(msgs).toHaveLength(2);

    const span = onlySpan(t.sdk, `receive ${stream}`);
    expectReceive(span, stream, "waiter", "fetch", 2);
    expect(parentOf(span)).toBeUndefined();
    // Back-dated: the pull (and the span) began before the second message was even sent.
    expect(before(span.startTime, (late as ReadableSpan).startTime)).toBe(true);
    // It lasts the whole wait: from before the 300 ms pause to the late message's arrival.
    const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
    // (less a little: Node's timers run on a cached clock and may fire a millisecond early)
    expect(ms(span.endTime) - ms(span.startTime)).toBeGreaterThanOrEqual(290);
    expect(linkIds(span)).toEqual([ids(early as ReadableSpan), ids(late as ReadableSpan)]);
  });

  it("fetchNoWait: mode fetchNoWait, the messages available, one link each; no parent outside a span", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.nw`;
    const c = await durable(t.conn, stream, "nowait");
    const sends = await publishTraced(t, subject, 2);
    t.sdk.reset();

    const msgs = await c.fetchNoWait(10);
    expect(msgs).toHaveLength(2);

    const span = onlySpan(t.sdk, `receive ${stream}`);
    expectReceive(span, stream, "nowait", "fetchNoWait", 2);
    expect(parentOf(span)).toBeUndefined();
    expect(linkIds(span)).toEqual(sends.map(ids));
  });

  it("an empty fetchNoWait: message_count 0, no links, nothing counted as consumed", async () => {
    const t = await setup();
    const stream = await t.stream();
    const c = await durable(t.conn, stream, "empty");
    t.sdk.reset();

    expect(await c.fetchNoWait(5)).toEqual([]);

    const span = onlySpan(t.sdk, `receive ${stream}`);
    expectReceive(span, stream, "empty", "fetchNoWait", 0);
    expect(span.links).toEqual([]);
    const consumed = await t.sdk.metric("messaging.client.consumed.messages");
    expect(pointsWith(consumed, { "messaging.consumer.group.name": "empty" })).toEqual([]);
    const duration = await t.sdk.metric("messaging.client.operation.duration");
    expect(
      pointsWith(duration, {
        "messaging.operation.name": "receive",
        "messaging.consumer.group.name": "empty",
      }),
    ).toHaveLength(1);
  });

  it("fetchBytes: mode fetchBytes, a link per message", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.bytes`;
    const c = await durable(t.conn, stream, "bytes");
    const sends = await publishTraced(t, subject, 2);
    t.sdk.reset();

    const msgs = await c.fetchBytes(100_000, { expiresMs: 1_000 });
    expect(msgs).toHaveLength(2);

    const span = onlySpan(t.sdk, `receive ${stream}`);
    expectReceive(span, stream, "bytes", "fetchBytes", 2);
    expect(linkIds(span)).toEqual(sends.map(ids));
  });

  it("messages().next(): mode next, one message, its link; messages without trace context get none", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.it`;
    const c = await durable(t.conn, stream, "iter");
    const [send] = await publishTraced(t, subject, 1);
    await t.conn.jetstream.publish(subject, "raw");
    t.sdk.reset();
    const iterator = c.messages({ maxMessages: 10, expiresMs: 5_000 });
    try {
      const root = t.sdk.tracerProvider.getTracer("test").startSpan("root");
      const first = await context.with(trace.setSpan(context.active(), root), () =>
        iterator.next(),
      );
      root.end();
      const second = await iterator.next();
      expect(first?.seq).toBe(1);
      expect(second?.seq).toBe(2);

      const spans = t.sdk.named(`receive ${stream}`);
      expect(spans).toHaveLength(2);
      const [a, b] = spans as [ReadableSpan, ReadableSpan];
      expectReceive(a, stream, "iter", "next", 1);
      expect(parentOf(a)?.spanId).toBe(root.spanContext().spanId);
      expect(linkIds(a)).toEqual([ids(send as ReadableSpan)]);
      expectReceive(b, stream, "iter", "next", 1);
      expect(parentOf(b)).toBeUndefined();
      expect(b.links).toEqual([]);
      await first?.ack();
      await second?.ack();
    } finally {
      iterator.stop();
    }
  });
});
