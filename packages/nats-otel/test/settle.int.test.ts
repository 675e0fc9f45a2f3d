import { createPublisher } from "@helix/nats-stream";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { onlySpan, parentOf, pointsWith, sharedServer, until } from "./helpers.js";
import { durable, ids, type Traced, tracedPerTest } from "./messaging-helpers.js";

const CLIENT = "otel-settle";
const setup = tracedPerTest(CLIENT);

/** Publishes traced messages with ids `<prefix>-1…n`; returns their send spans in order. */
async function publishTraced(
  t: Traced,
  subject: string,
  count: number,
  prefix = "m",
): Promise<ReadableSpan[]> {
  const publisher = createPublisher(t.conn);
  for (let i = 1; i <= count; i++)
    await publisher.publish(subject, { i }, { msgID: `${prefix}-${i}` });
  return t.sdk.named(`send ${subject}`).slice(-count);
}

function settleAttributes(
  action: string,
  subject: string,
  stream: string,
  consumer: string,
  seq: number,
  msgID: string,
  deliveryCount = 1,
) {
  return {
    "messaging.system": "nats",
    "messaging.operation.name": action,
    "messaging.operation.type": "settle",
    "messaging.destination.name": subject,
    "messaging.consumer.group.name": consumer,
    "messaging.client.id": CLIENT,
    "server.address": sharedServer().address,
    "server.port": sharedServer().port,
    "messaging.nats.subject": subject,
    "messaging.nats.stream.name": stream,
    "messaging.nats.message.stream_sequence": seq,
    "messaging.nats.message.delivery_count": deliveryCount,
    "messaging.message.id": msgID,
  };
}

function linkIds(span: ReadableSpan): { traceId: string; spanId: string }[] {
  return span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId }));
}

describe("settle spans", () => {
  it("the automatic ack of consume: `ack {subject}` CLIENT, child of the process span, no links", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.auto`;
    const c = await durable(t.conn, stream, "auto");
    const [send] = await publishTraced(t, subject, 1);

    const run = c.consume(() => {});
    try {
      await until(() => t.sdk.named(`ack ${subject}`).length === 1);
    } finally {
      await run.drain();
    }

    const process = onlySpan(t.sdk, `process ${subject}`);
    const ack = onlySpan(t.sdk, `ack ${subject}`);
    expect(ack.kind).toBe(SpanKind.CLIENT);
    expect(ack.attributes).toEqual(settleAttributes("ack", subject, stream, "auto", 1, "m-1"));
    expect(ack.spanContext().traceId).toBe(send?.spanContext().traceId);
    expect(parentOf(ack)?.spanId).toBe(process.spanContext().spanId);
    expect(ack.links).toEqual([]);
    expect(ack.status.code).toBe(SpanStatusCode.UNSET);

    const duration = await t.sdk.metric("messaging.client.operation.duration");
    const points = pointsWith(duration, { "messaging.operation.name": "ack" });
    expect(points).toHaveLength(1);
    expect(points[0]?.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "ack",
      "messaging.operation.type": "settle",
      "messaging.destination.name": subject,
      "messaging.consumer.group.name": "auto",
      "server.address": sharedServer().address,
      "server.port": sharedServer().port,
    });
  });

  it("working, nak(delay) and term of fetched messages outside any span: no parent, a link to each send span", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.manual`;
    const c = await durable(t.conn, stream, "manual");
    const sends = (await publishTraced(t, subject, 2)) as [ReadableSpan, ReadableSpan];
    const [m1, m2] = await c.fetch(2, { expiresMs: 5_000 });
    expect(m2?.seq).toBe(2);
    t.sdk.reset();

    await m1?.working();
    await m1?.nak(250);
    await m2?.term("poison");

    const working = onlySpan(t.sdk, `working ${subject}`);
    const nak = onlySpan(t.sdk, `nak ${subject}`);
    const term = onlySpan(t.sdk, `term ${subject}`);
    expect(working.attributes).toEqual(
      settleAttributes("working", subject, stream, "manual", 1, "m-1"),
    );
    expect(nak.attributes).toEqual({
      ...settleAttributes("nak", subject, stream, "manual", 1, "m-1"),
      "messaging.nats.nak.delay_ms": 250,
    });
    expect(term.attributes).toEqual(settleAttributes("term", subject, stream, "manual", 2, "m-2"));
    for (const s of [working, nak, term]) {
      expect(s.kind).toBe(SpanKind.CLIENT);
      expect(s.status.code).toBe(SpanStatusCode.UNSET);
      expect(parentOf(s)).toBeUndefined();
    }
    expect(linkIds(working)).toEqual([ids(sends[0])]);
    expect(linkIds(nak)).toEqual([ids(sends[0])]);
    expect(linkIds(term)).toEqual([ids(sends[1])]);
    // Each settle span is in a trace of its own, not the producer's.
    expect(nak.spanContext().traceId).not.toBe(sends[0].spanContext().traceId);

    // The nak took effect: message 1 comes back as a second delivery, message 2 never does.
    const again = await c.fetch(1, { expiresMs: 5_000 });
    expect(again.map((m) => [m.seq, m.info.deliveryCount])).toEqual([[1, 2]]);
    await again[0]?.ack();
    const ackAgain = onlySpan(t.sdk, `ack ${subject}`);
    expect(ackAgain.attributes["messaging.nats.message.delivery_count"]).toBe(2);
  });

  it("a fetched message acked outside any span: no parent, one link to its send span", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.later`;
    const c = await durable(t.conn, stream, "later");
    const [send] = (await publishTraced(t, subject, 1)) as [ReadableSpan];
    const [msg] = await c.fetch(1, { expiresMs: 5_000 });
    t.sdk.reset();

    await msg?.ack();

    const ack = onlySpan(t.sdk, `ack ${subject}`);
    expect(ack.kind).toBe(SpanKind.CLIENT);
    expect(ack.attributes).toEqual(settleAttributes("ack", subject, stream, "later", 1, "m-1"));
    expect(parentOf(ack)).toBeUndefined();
    expect(linkIds(ack)).toEqual([ids(send)]);
  });

  it("a fetched message acked inside a span: child of that span, no link", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.inside`;
    const c = await durable(t.conn, stream, "inside");
    await publishTraced(t, subject, 1);
    const [msg] = await c.fetch(1, { expiresMs: 5_000 });
    t.sdk.reset();
    const root = t.sdk.tracerProvider.getTracer("test").startSpan("work");

    await context.with(trace.setSpan(context.active(), root), () => msg?.ackAck());
    root.end();

    const ack = onlySpan(t.sdk, `ack ${subject}`);
    expect(parentOf(ack)?.spanId).toBe(root.spanContext().spanId);
    expect(ack.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(ack.links).toEqual([]);
  });

  it("settleSpans: false drops ack spans but keeps the operation.duration points of the acks", async () => {
    const t = await setup({ settleSpans: false });
    const stream = await t.stream();
    const subject = `${stream}.quiet`;
    const c = await durable(t.conn, stream, "quiet");
    await publishTraced(t, subject, 2);

    const run = c.consume(() => {});
    try {
      await until(() => t.sdk.named(`process ${subject}`).length === 2);
    } finally {
      await run.drain();
    }
    await createPublisher(t.conn).publish(subject, "3", { msgID: "m-3" });
    const [third] = await c.fetch(1, { expiresMs: 5_000 });
    await third?.nak(0);
    const [again] = await c.fetch(1, { expiresMs: 5_000 });
    await again?.ack();

    expect(t.sdk.spans().filter((s) => /^(ack|nak|term|working) /.test(s.name))).toEqual([]);
    const duration = await t.sdk.metric("messaging.client.operation.duration");
    const acks = pointsWith(duration, {
      "messaging.operation.name": "ack",
      "messaging.operation.type": "settle",
      "messaging.destination.name": subject,
      "messaging.consumer.group.name": "quiet",
    });
    expect(acks).toHaveLength(1);
    expect((acks[0]?.value as { count: number } | undefined)?.count).toBe(3);
    const naks = pointsWith(duration, { "messaging.operation.name": "nak" });
    expect(naks).toHaveLength(1);
    expect((naks[0]?.value as { count: number } | undefined)?.count).toBe(1);
  });
});
