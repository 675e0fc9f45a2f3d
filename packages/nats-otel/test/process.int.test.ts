import type { Msg } from "@helix/nats-consumer";
import { createPublisher } from "@helix/nats-stream";
import {
  type Baggage,
  context,
  propagation,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { onlySpan, parentOf, pointsWith, sharedServer, until } from "./helpers.js";
import { durable, ids, type Traced, tracedPerTest } from "./messaging-helpers.js";

const CLIENT = "otel-process";
const setup = tracedPerTest(CLIENT);

/** What a handler saw of its context. */
interface Seen {
  seq: number;
  active: SpanContext | undefined;
  baggage: Baggage | undefined;
}

function watch(seen: Seen[]) {
  return (msg: Msg) => {
    seen.push({
      seq: msg.seq,
      active: trace.getActiveSpan()?.spanContext(),
      baggage: propagation.getBaggage(context.active()),
    });
  };
}

/** Publishes one message inside a context carrying baggage `tenant=acme`; returns its send span. */
async function publishWithBaggage(
  t: Traced,
  subject: string,
  msgID: string,
): Promise<ReadableSpan> {
  const ctx = propagation.setBaggage(
    context.active(),
    propagation.createBaggage({ tenant: { value: "acme" } }),
  );
  await context.with(ctx, () => createPublisher(t.conn).publish(subject, "x", { msgID }));
  return onlySpan(t.sdk, `send ${subject}`);
}

describe("process spans", () => {
  it("consume: `process {subject}` CONSUMER, child of the send span, active in the handler, with the producer's baggage", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.orders`;
    const c = await durable(t.conn, stream, "billing");
    t.sdk.reset();
    const send = await publishWithBaggage(t, subject, "m-1");

    const seen: Seen[] = [];
    const run = c.consume(watch(seen));
    try {
      await until(() => t.sdk.named(`process ${subject}`).length === 1);
    } finally {
      await run.drain();
    }

    const span = onlySpan(t.sdk, `process ${subject}`);
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(parentOf(span)?.spanId).toBe(send.spanContext().spanId);
    expect(span.links).toEqual([]);
    expect(span.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "process",
      "messaging.operation.type": "process",
      "messaging.destination.name": subject,
      "messaging.consumer.group.name": "billing",
      "messaging.client.id": CLIENT,
      "server.address": sharedServer().address,
      "server.port": sharedServer().port,
      "messaging.nats.subject": subject,
      "messaging.nats.stream.name": stream,
      "messaging.nats.message.stream_sequence": 1,
      "messaging.nats.message.delivery_count": 1,
      "messaging.message.id": "m-1",
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);

    expect(seen).toHaveLength(1);
    expect(seen[0]?.active).toEqual(span.spanContext());
    expect(seen[0]?.baggage?.getEntry("tenant")?.value).toBe("acme");

    const duration = await t.sdk.metric("messaging.process.duration");
    const points = pointsWith(duration, { "messaging.destination.name": subject });
    expect(points).toHaveLength(1);
    expect(points[0]?.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "process",
      "messaging.operation.type": "process",
      "messaging.destination.name": subject,
      "messaging.consumer.group.name": "billing",
      "server.address": sharedServer().address,
      "server.port": sharedServer().port,
    });
    const consumed = await t.sdk.metric("messaging.client.consumed.messages");
    const handed = pointsWith(consumed, { "messaging.operation.name": "process" });
    expect(handed).toHaveLength(1);
    expect(handed[0]?.value).toBe(1);
  });

  it('processParent "link": a new trace linking to the send span; baggage still reaches the handler', async () => {
    const t = await setup({ processParent: "link" });
    const stream = await t.stream();
    const subject = `${stream}.linked`;
    const c = await durable(t.conn, stream, "linker");
    t.sdk.reset();
    const send = await publishWithBaggage(t, subject, "m-2");

    const seen: Seen[] = [];
    const run = c.consume(watch(seen));
    try {
      await until(() => t.sdk.named(`process ${subject}`).length === 1);
    } finally {
      await run.drain();
    }

    const span = onlySpan(t.sdk, `process ${subject}`);
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(span)).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(send.spanContext().traceId);
    expect(
      span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
    ).toEqual([ids(send)]);
    expect(seen[0]?.active).toEqual(span.spanContext());
    expect(seen[0]?.baggage?.getEntry("tenant")?.value).toBe("acme");
    // What the handler settles stays in the process span's trace.
    await until(() => t.sdk.named(`ack ${subject}`).length === 1);
    expect(parentOf(onlySpan(t.sdk, `ack ${subject}`))?.spanId).toBe(span.spanContext().spanId);
  });

  it("a handler that throws: ERROR with error.type = the error's class, then the redelivery (delivery_count 2) succeeds", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.fail`;
    const c = await durable(t.conn, stream, "failing");
    t.sdk.reset();
    await createPublisher(t.conn).publish(subject, "x", { msgID: "m-3" });
    const send = onlySpan(t.sdk, `send ${subject}`);

    const errors: Error[] = [];
    const run = c.consume(
      (msg) => {
        if (msg.info.deliveryCount === 1) throw new TypeError("cannot read the order");
      },
      { nakDelayMs: 0, onError: (e) => errors.push(e) },
    );
    try {
      await until(() => t.sdk.named(`process ${subject}`).length === 2);
    } finally {
      await run.drain();
    }

    const [first, second] = t.sdk.named(`process ${subject}`) as [ReadableSpan, ReadableSpan];
    expect(first.status).toEqual({ code: SpanStatusCode.ERROR, message: "cannot read the order" });
    expect(first.attributes["error.type"]).toBe("TypeError");
    expect(first.attributes["messaging.nats.message.delivery_count"]).toBe(1);
    const exceptions = first.events.filter((e) => e.name === "exception");
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]?.attributes?.["exception.type"]).toBe("TypeError");
    expect(exceptions[0]?.attributes?.["exception.message"]).toBe("cannot read the order");

    expect(second.status.code).toBe(SpanStatusCode.UNSET);
    expect(second.attributes["error.type"]).toBeUndefined();
    expect(second.attributes["messaging.nats.message.delivery_count"]).toBe(2);
    expect(second.attributes["messaging.nats.message.stream_sequence"]).toBe(1);
    // Both deliveries continue the producer's trace.
    for (const s of [first, second]) expect(parentOf(s)?.spanId).toBe(send.spanContext().spanId);

    // The automatic nak of the failed delivery ran inside its process span.
    const nak = onlySpan(t.sdk, `nak ${subject}`);
    expect(parentOf(nak)?.spanId).toBe(first.spanContext().spanId);
    expect(nak.attributes["messaging.nats.nak.delay_ms"]).toBe(0);
    expect(errors.map((e) => e.name)).toEqual(["TypeError"]);

    const duration = await t.sdk.metric("messaging.process.duration");
    expect(pointsWith(duration, { "error.type": "TypeError" })).toHaveLength(1);
  });

  it("messages without trace headers: each is processed in a new trace of its own, with no parent", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.bare`;
    const c = await durable(t.conn, stream, "bare");
    await t.conn.jetstream.publish(subject, "one");
    await t.conn.jetstream.publish(subject, "two");
    t.sdk.reset();

    const seen: Seen[] = [];
    const run = c.consume(watch(seen));
    try {
      await until(() => t.sdk.named(`process ${subject}`).length === 2);
    } finally {
      await run.drain();
    }

    const [a, b] = t.sdk.named(`process ${subject}`) as [ReadableSpan, ReadableSpan];
    expect(parentOf(a)).toBeUndefined();
    expect(parentOf(b)).toBeUndefined();
    expect(a.links).toEqual([]);
    expect(a.spanContext().traceId).not.toBe(b.spanContext().traceId);
    expect(seen.map((s) => s.active)).toEqual([a.spanContext(), b.spanContext()]);
    expect(seen.map((s) => s.baggage)).toEqual([undefined, undefined]);
    expect(a.attributes["messaging.message.id"]).toBeUndefined();
  });
});
