import type { Msg } from "@helix/nats-consumer";
import { copyHeaders } from "@helix/nats-core";
import { createPublisher } from "@helix/nats-stream";
import {
  type Baggage,
  context,
  propagation,
  type SpanContext,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { messageContext } from "../src/index.js";
import { onlySpan, parentOf, until, useAsyncContext } from "./helpers.js";
import {
  durable,
  headerKeys,
  hex,
  ids,
  storedHeaders,
  type Traced,
  traced,
} from "./messaging-helpers.js";

let t: Traced;
beforeAll(async () => {
  useAsyncContext();
  t = await traced({}, "otel-interop");
});
beforeEach(() => t.sdk.reset());
afterAll(() => t.close());

/** Publishes with the raw client (no middleware, so no plugin): headers exactly as given. */
async function publishRaw(subject: string, headers: Record<string, string>): Promise<number> {
  const ack = await t.conn.jetstream.publish(subject, "raw", { headers: copyHeaders(headers) });
  return ack.seq;
}

interface Handled {
  seq: number;
  active: SpanContext | undefined;
  baggage: Baggage | undefined;
}

/**
 * Consumes `count` messages from a fresh durable consumer, waits for their acks to reach the
 * server (the consumer's ack floor), and returns what each handler saw.
 */
async function consumeAll(stream: string, name: string, count: number): Promise<Handled[]> {
  const c = await durable(t.conn, stream, name);
  const handled: Handled[] = [];
  const errors: Error[] = [];
  const run = c.consume(
    (msg: Msg) => {
      handled.push({
        seq: msg.seq,
        active: trace.getActiveSpan()?.spanContext(),
        baggage: propagation.getBaggage(context.active()),
      });
    },
    { onError: (e) => errors.push(e) },
  );
  try {
    await until(() => handled.length === count);
  } finally {
    await run.drain();
  }
  const jsm = await t.conn.manager();
  const info = await jsm.consumers.info(stream, name);
  expect(info.ack_floor.stream_seq).toBe(count);
  expect(info.num_ack_pending).toBe(0);
  expect(errors).toEqual([]);
  return handled;
}

describe("trace headers written by others", () => {
  it.each(["Traceparent", "traceparent", "TRACEPARENT"])(
    "a `%s` header (as a Go service or a raw client writes it) is the process span's parent",
    async (key) => {
      const stream = await t.stream();
      const subject = `${stream}.go`;
      const traceId = hex(16);
      const spanId = hex(8);
      const seq = await publishRaw(subject, { [key]: `00-${traceId}-${spanId}-01` });
      // Sent exactly in that casing (the raw client does not canonicalise).
      expect(headerKeys(await storedHeaders(t.conn, stream, seq))).toEqual([key]);

      const [handled] = await consumeAll(stream, "go", 1);

      const span = onlySpan(t.sdk, `process ${subject}`);
      expect(span.spanContext().traceId).toBe(traceId);
      expect(parentOf(span)?.spanId).toBe(spanId);
      expect(parentOf(span)?.isRemote).toBe(true);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(handled?.active).toEqual(span.spanContext());
      const ack = onlySpan(t.sdk, `ack ${subject}`);
      expect(ack.spanContext().traceId).toBe(traceId);
      expect(parentOf(ack)?.spanId).toBe(span.spanContext().spanId);
    },
  );

  it("a Go `Baggage` header reaches the handler's context", async () => {
    const stream = await t.stream();
    const subject = `${stream}.bag`;
    await publishRaw(subject, {
      Traceparent: `00-${hex(16)}-${hex(8)}-01`,
      Baggage: "tenant=acme,region=eu",
    });

    const [handled] = await consumeAll(stream, "bag", 1);

    expect(handled?.baggage?.getEntry("tenant")?.value).toBe("acme");
    expect(handled?.baggage?.getEntry("region")?.value).toBe("eu");
  });

  it.each([
    ["garbage", "garbage"],
    ["non-hex ids", `00-${"z".repeat(32)}-${"z".repeat(16)}-01`],
    ["an all-zero trace id", `00-${"0".repeat(32)}-${hex(8)}-01`],
  ])(
    "a malformed Traceparent (%s) is ignored: a new trace each, no error, handled and acked",
    async (_label, value) => {
      const stream = await t.stream();
      const subject = `${stream}.bad`;
      await publishRaw(subject, { Traceparent: value });
      await publishRaw(subject, { Traceparent: value });

      const handled = await consumeAll(stream, "bad", 2);

      const spans = t.sdk.named(`process ${subject}`) as [ReadableSpan, ReadableSpan];
      expect(spans).toHaveLength(2);
      for (const s of spans) {
        expect(parentOf(s)).toBeUndefined();
        expect(s.links).toEqual([]);
        expect(s.status.code).toBe(SpanStatusCode.UNSET);
        expect(s.events).toEqual([]);
      }
      expect(spans[0].spanContext().traceId).not.toBe(spans[1].spanContext().traceId);
      expect(handled.map((h) => h.active)).toEqual(spans.map((s) => s.spanContext()));
      expect(t.sdk.named(`ack ${subject}`)).toHaveLength(2);
    },
  );

  it("a malformed `baggage` header does not break processing or the trace", async () => {
    const stream = await t.stream();
    const subject = `${stream}.badbag`;
    const traceId = hex(16);
    const spanId = hex(8);
    await publishRaw(subject, {
      traceparent: `00-${traceId}-${spanId}-01`,
      baggage: "=;;%%%,=x,,key-only;;%zz",
    });

    const [handled] = await consumeAll(stream, "badbag", 1);

    const span = onlySpan(t.sdk, `process ${subject}`);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(parentOf(span)?.spanId).toBe(spanId);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(handled?.active).toEqual(span.spanContext());
    expect(onlySpan(t.sdk, `ack ${subject}`).status.code).toBe(SpanStatusCode.UNSET);
  });

  it("a fetch links to the context a Go producer wrote", async () => {
    const stream = await t.stream();
    const subject = `${stream}.gofetch`;
    const traceId = hex(16);
    const spanId = hex(8);
    await publishRaw(subject, { Traceparent: `00-${traceId}-${spanId}-01` });
    const c = await durable(t.conn, stream, "gofetch");

    const [msg] = await c.fetch(1, { expiresMs: 5_000 });
    await msg?.ack();

    const receive = onlySpan(t.sdk, `receive ${stream}`);
    expect(receive.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [traceId, spanId],
    ]);
    const ack = onlySpan(t.sdk, `ack ${subject}`);
    expect(ack.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [traceId, spanId],
    ]);
  });
});

describe("messages you pull yourself", () => {
  it("withMessage(msg, fn): fn runs in the producer's context (span and baggage); an ack inside is the send span's child", async () => {
    const stream = await t.stream();
    const subject = `${stream}.pulled`;
    const c = await durable(t.conn, stream, "puller");
    const ctx = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ tenant: { value: "acme" } }),
    );
    await context.with(ctx, () => createPublisher(t.conn).publish(subject, "x", { msgID: "p-1" }));
    const send = onlySpan(t.sdk, `send ${subject}`);

    const iterator = c.messages({ expiresMs: 5_000 });
    let msg: Msg | null = null;
    try {
      msg = await iterator.next();
    } finally {
      iterator.stop();
    }
    if (msg === null) throw new Error("no message");
    const pulled = msg;

    let inside: SpanContext | undefined;
    let baggage: Baggage | undefined;
    const result = await t.plugin.withMessage(pulled, async () => {
      inside = trace.getSpanContext(context.active());
      baggage = propagation.getBaggage(context.active());
      await pulled.ack();
      return "done";
    });
    expect(result).toBe("done");

    expect({ traceId: inside?.traceId, spanId: inside?.spanId }).toEqual(ids(send));
    expect(inside?.isRemote).toBe(true);
    expect(baggage?.getEntry("tenant")?.value).toBe("acme");

    const ack = onlySpan(t.sdk, `ack ${subject}`);
    expect(ack.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(parentOf(ack)?.spanId).toBe(send.spanContext().spanId);
    expect(ack.links).toEqual([]);

    // messageContext gives the same context: the plugin's, and the standalone one.
    for (const mc of [t.plugin.messageContext(pulled), messageContext(pulled, t.sdk.propagator)]) {
      expect(trace.getSpanContext(mc)).toEqual(inside);
      expect(propagation.getBaggage(mc)?.getAllEntries()).toEqual(baggage?.getAllEntries());
    }
  });

  it("messageContext of a message without trace headers has no span", async () => {
    const stream = await t.stream();
    const subject = `${stream}.plain`;
    await t.conn.jetstream.publish(subject, "plain");
    const c = await durable(t.conn, stream, "plain");
    const [msg] = await c.fetch(1, { expiresMs: 5_000 });
    if (msg === undefined) throw new Error("no message");

    expect(trace.getSpanContext(t.plugin.messageContext(msg))).toBeUndefined();
    expect(t.plugin.withMessage(msg, () => trace.getActiveSpan())).toBeUndefined();
    await msg.ack();
  });
});
