import { randomUUID } from "node:crypto";
import { copyHeaders } from "@helix/nats-core";
import { createPublisher } from "@helix/nats-stream";
import {
  context,
  createTraceState,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { onlySpan, parentOf, pointsWith, sharedServer } from "./helpers.js";
import {
  headerKeys,
  hex,
  ids,
  parseTraceparent,
  storedHeaders,
  tracedPerTest,
} from "./messaging-helpers.js";

const CLIENT = "otel-publish";
const setup = tracedPerTest(CLIENT);

describe("send spans", () => {
  it("publish: a PRODUCER span `send {subject}` with every README attribute, and its context in `Traceparent`", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.orders`;
    t.sdk.reset();

    const ack = await createPublisher(t.conn).publish(subject, { id: 42 }, { msgID: "order-42" });

    const span = onlySpan(t.sdk, `send ${subject}`);
    expect(span.kind).toBe(SpanKind.PRODUCER);
    expect(span.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "send",
      "messaging.operation.type": "send",
      "messaging.destination.name": subject,
      "messaging.client.id": CLIENT,
      "server.address": sharedServer().address,
      "server.port": sharedServer().port,
      "messaging.nats.subject": subject,
      "messaging.message.id": "order-42",
      "messaging.nats.stream.name": stream,
      "messaging.nats.message.stream_sequence": ack.seq,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events).toEqual([]);
    expect(parentOf(span)).toBeUndefined();

    const h = await storedHeaders(t.conn, stream, ack.seq);
    expect(headerKeys(h)).toContain("Traceparent");
    expect(headerKeys(h)).not.toContain("traceparent");
    expect(h.get("Nats-Msg-Id")).toBe("order-42");
    const written = parseTraceparent(h.get("Traceparent"));
    expect(written).toEqual(ids(span));
    // No baggage and no trace state in the context: nothing else written.
    expect(headerKeys(h)).not.toContain("Baggage");
    expect(headerKeys(h)).not.toContain("Tracestate");

    const sent = await t.sdk.metric("messaging.client.sent.messages");
    const points = pointsWith(sent, { "messaging.destination.name": subject });
    expect(points).toHaveLength(1);
    expect(points[0]?.value).toBe(1);
    expect(points[0]?.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "send",
      "messaging.operation.type": "send",
      "messaging.destination.name": subject,
      "server.address": sharedServer().address,
      "server.port": sharedServer().port,
    });
  });

  it("publish: messaging.message.id is the Nats-Msg-Id the publisher generated when none was given", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.gen`;
    t.sdk.reset();

    const ack = await createPublisher(t.conn).publish(subject, "x");

    const span = onlySpan(t.sdk, `send ${subject}`);
    const h = await storedHeaders(t.conn, stream, ack.seq);
    const id = h.get("Nats-Msg-Id");
    expect(id).not.toBe("");
    expect(span.attributes["messaging.message.id"]).toBe(id);
  });

  it("publish inside a span: the send span is its child, and the header carries the send span (not the parent)", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.child`;
    t.sdk.reset();
    const tracer = t.sdk.tracerProvider.getTracer("test");
    const root = tracer.startSpan("root");

    const ack = await context.with(trace.setSpan(context.active(), root), () =>
      createPublisher(t.conn).publish(subject, "x"),
    );
    root.end();

    const span = onlySpan(t.sdk, `send ${subject}`);
    expect(span.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(parentOf(span)?.spanId).toBe(root.spanContext().spanId);
    const h = await storedHeaders(t.conn, stream, ack.seq);
    expect(parseTraceparent(h.get("Traceparent"))).toEqual(ids(span));
  });

  it("publishAsync: the span ends when the ack arrives, with the ack's stream and sequence", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.async`;
    t.sdk.reset();
    const publisher = createPublisher(t.conn);

    const future = await publisher.publishAsync(subject, "async", { msgID: "a-1" });
    // The message is written; its ack cannot have been read yet (no I/O since): no span yet.
    expect(t.sdk.named(`send ${subject}`)).toHaveLength(0);

    let exportedWhenAcked = -1;
    const ack = await future.ack.then((a) => {
      exportedWhenAcked = t.sdk.named(`send ${subject}`).length;
      return a;
    });
    expect(exportedWhenAcked).toBe(1);

    const span = onlySpan(t.sdk, `send ${subject}`);
    expect(span.kind).toBe(SpanKind.PRODUCER);
    expect(span.ended).toBe(true);
    expect(span.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "send",
      "messaging.operation.type": "send",
      "messaging.destination.name": subject,
      "messaging.client.id": CLIENT,
      "server.address": sharedServer().address,
      "server.port": sharedServer().port,
      "messaging.nats.subject": subject,
      "messaging.message.id": "a-1",
      "messaging.nats.stream.name": stream,
      "messaging.nats.message.stream_sequence": ack.seq,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const h = await storedHeaders(t.conn, stream, ack.seq);
    expect(parseTraceparent(h.get("Traceparent"))).toEqual(ids(span));
  });

  it("does not mutate the headers the caller passed (record or MsgHdrs), but sends them with the trace headers", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.hdrs`;
    const publisher = createPublisher(t.conn);

    const record = { "X-App": "one" };
    const ack1 = await publisher.publish(subject, "1", { headers: record });
    expect(record).toEqual({ "X-App": "one" });

    const msgHdrs = copyHeaders({ "X-App": "two" });
    const future = await publisher.publishAsync(subject, "2", { headers: msgHdrs });
    const ack2 = await future.ack;
    expect(headerKeys(msgHdrs)).toEqual(["X-App"]);
    expect(msgHdrs.get("X-App")).toBe("two");

    const h1 = await storedHeaders(t.conn, stream, ack1.seq);
    expect(h1.get("X-App")).toBe("one");
    expect(headerKeys(h1)).toContain("Traceparent");
    const h2 = await storedHeaders(t.conn, stream, ack2.seq);
    expect(h2.get("X-App")).toBe("two");
    expect(headerKeys(h2)).toContain("Traceparent");
  });

  it("writes the parent's trace state as `Tracestate` when the caller set no trace header", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.state`;
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: hex(16),
      spanId: hex(8),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: createTraceState("vendor=abc"),
    });
    t.sdk.reset();

    const ack = await context.with(parent, () => createPublisher(t.conn).publish(subject, "x"));

    const h = await storedHeaders(t.conn, stream, ack.seq);
    expect(headerKeys(h)).toContain("Tracestate");
    expect(h.get("Tracestate")).toBe("vendor=abc");
    expect(parseTraceparent(h.get("Traceparent"))).toEqual(ids(onlySpan(t.sdk, `send ${subject}`)));
  });

  it("keeps a `traceparent` the caller set (lower case): not overwritten, sent as `Traceparent` (Go's casing), no `Tracestate` added beside it", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.own`;
    const own = `00-${hex(16)}-${hex(8)}-01`;
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: hex(16),
      spanId: hex(8),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: createTraceState("vendor=abc"),
    });
    t.sdk.reset();

    const ack = await context.with(parent, () =>
      createPublisher(t.conn).publish(subject, "x", { headers: { traceparent: own } }),
    );

    const h = await storedHeaders(t.conn, stream, ack.seq);
    const traceKeys = headerKeys(h).filter((k) => k.toLowerCase().startsWith("trace"));
    expect(traceKeys).toEqual(["Traceparent"]);
    expect(h.get("Traceparent")).toBe(own);
    // The send span is still recorded, in the active context's trace.
    const span = onlySpan(t.sdk, `send ${subject}`);
    expect(span.spanContext().traceId).toBe(trace.getSpanContext(parent)?.traceId);
  });

  it("a duplicate publish (same msgID) is not an error: messaging.nats.message.duplicate = true, status UNSET", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.dup`;
    t.sdk.reset();
    const publisher = createPublisher(t.conn);

    const first = await publisher.publish(subject, "x", { msgID: "dup-1" });
    const second = await publisher.publish(subject, "x", { msgID: "dup-1" });
    expect(second.duplicate).toBe(true);

    const spans = t.sdk.named(`send ${subject}`);
    expect(spans).toHaveLength(2);
    const [a, b] = spans;
    expect(a?.attributes["messaging.nats.message.duplicate"]).toBeUndefined();
    expect(b?.attributes["messaging.nats.message.duplicate"]).toBe(true);
    expect(b?.attributes["messaging.nats.message.stream_sequence"]).toBe(first.seq);
    expect(b?.attributes["messaging.message.id"]).toBe("dup-1");
    expect(b?.status.code).toBe(SpanStatusCode.UNSET);
    expect(b?.attributes["error.type"]).toBeUndefined();
    expect(b?.events).toEqual([]);
  });

  it("a publish no stream listens to: status ERROR, error.type NOT_FOUND, the exception recorded", async () => {
    const t = await setup();
    const subject = `nostream${randomUUID().replaceAll("-", "")}.x`;
    t.sdk.reset();

    const err = (await createPublisher(t.conn)
      .publish(subject, "x")
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as Error & { code: string };
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe("NOT_FOUND");

    const span = onlySpan(t.sdk, `send ${subject}`);
    expect(span.kind).toBe(SpanKind.PRODUCER);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: err.message });
    expect(span.attributes["error.type"]).toBe("NOT_FOUND");
    expect(span.attributes["messaging.nats.stream.name"]).toBeUndefined();
    expect(span.attributes["messaging.nats.message.stream_sequence"]).toBeUndefined();
    const exceptions = span.events.filter((e) => e.name === "exception");
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]?.attributes?.["exception.message"]).toBe(err.message);

    const sent = await t.sdk.metric("messaging.client.sent.messages");
    const failed = pointsWith(sent, {
      "messaging.destination.name": subject,
      "error.type": "NOT_FOUND",
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.value).toBe(1);
  });
});

describe("send options", () => {
  it("recordBodySize adds messaging.message.body.size (payload bytes); off by default", async () => {
    const on = await setup({ recordBodySize: true });
    const off = await setup();
    const stream = await on.stream();
    const subject = `${stream}.body`;
    on.sdk.reset();
    off.sdk.reset();

    await createPublisher(on.conn).publish(subject, new Uint8Array(7));
    await createPublisher(off.conn).publish(subject, new Uint8Array(7));

    expect(onlySpan(on.sdk, `send ${subject}`).attributes["messaging.message.body.size"]).toBe(7);
    expect(
      onlySpan(off.sdk, `send ${subject}`).attributes["messaging.message.body.size"],
    ).toBeUndefined();
  });

  it("destination renames the span and messaging.destination.name; messaging.nats.subject keeps the subject", async () => {
    const t = await setup({ destination: (s) => s.replace(/\.[^.]+$/, ".*") });
    const stream = await t.stream();
    const subject = `${stream}.eu.123`;
    t.sdk.reset();

    await createPublisher(t.conn).publish(subject, "x");

    const span = onlySpan(t.sdk, `send ${stream}.eu.*`);
    expect(span.attributes["messaging.destination.name"]).toBe(`${stream}.eu.*`);
    expect(span.attributes["messaging.nats.subject"]).toBe(subject);
    const sent = await t.sdk.metric("messaging.client.sent.messages");
    expect(pointsWith(sent, { "messaging.destination.name": `${stream}.eu.*` })).toHaveLength(1);
    expect(pointsWith(sent, { "messaging.destination.name": subject })).toHaveLength(0);
  });

  it("a destination namer that throws, or returns '', falls back to the subject", async () => {
    const throwing = await setup({
      destination: () => {
        throw new Error("namer broke");
      },
    });
    const empty = await setup({ destination: () => "" });
    const stream = await throwing.stream();
    const subject = `${stream}.fallback`;
    throwing.sdk.reset();
    empty.sdk.reset();

    const ack = await createPublisher(throwing.conn).publish(subject, "x");
    expect(ack.stream).toBe(stream);
    await createPublisher(empty.conn).publish(subject, "y");

    for (const sdk of [throwing.sdk, empty.sdk]) {
      const span = onlySpan(sdk, `send ${subject}`);
      expect(span.attributes["messaging.destination.name"]).toBe(subject);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
  });

  it("baggage of the active context is written as the `Baggage` header", async () => {
    const t = await setup();
    const stream = await t.stream();
    const subject = `${stream}.bag`;
    const bag = propagation.createBaggage({ tenant: { value: "acme" } });
    const ctx = propagation.setBaggage(context.active(), bag);

    const ack = await context.with(ctx, () => createPublisher(t.conn).publish(subject, "x"));

    const h = await storedHeaders(t.conn, stream, ack.seq);
    expect(headerKeys(h)).toContain("Baggage");
    expect(h.get("Baggage")).toBe("tenant=acme");
  });
});
