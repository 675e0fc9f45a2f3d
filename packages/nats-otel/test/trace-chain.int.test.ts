import { createPublisher } from "@helix/nats-stream";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onlySpan, parentOf, until, useAsyncContext } from "./helpers.js";
import { durable, type Traced, traced } from "./messaging-helpers.js";

let t: Traced;
beforeAll(async () => {
  useAsyncContext();
  t = await traced({}, "otel-chain");
});
afterAll(() => t.close());

describe("one trace across services", () => {
  it("root → send → process → send (in the handler) → process: one trace, exact parents, acks under their process spans", async () => {
    const stream = await t.stream();
    const orders = `${stream}.orders`;
    const invoices = `${stream}.invoices`;
    const billing = await durable(t.conn, stream, "billing", { filter_subject: orders });
    const mailer = await durable(t.conn, stream, "mailer", { filter_subject: invoices });
    const publisher = createPublisher(t.conn);
    t.sdk.reset();

    const runs = [
      billing.consume(async (msg) => {
        await publisher.publish(invoices, { order: msg.json() });
      }),
      mailer.consume(() => {}),
    ];
    try {
      const root = t.sdk.tracerProvider.getTracer("test").startSpan("checkout");
      await context.with(trace.setSpan(context.active(), root), () =>
        publisher.publish(orders, { id: 42 }),
      );
      root.end();
      await until(
        () =>
          t.sdk.named(`ack ${orders}`).length === 1 && t.sdk.named(`ack ${invoices}`).length === 1,
      );

      const send1 = onlySpan(t.sdk, `send ${orders}`);
      const process1 = onlySpan(t.sdk, `process ${orders}`);
      const ack1 = onlySpan(t.sdk, `ack ${orders}`);
      const send2 = onlySpan(t.sdk, `send ${invoices}`);
      const process2 = onlySpan(t.sdk, `process ${invoices}`);
      const ack2 = onlySpan(t.sdk, `ack ${invoices}`);

      const traceId = root.spanContext().traceId;
      for (const s of [send1, process1, ack1, send2, process2, ack2]) {
        expect(s.spanContext().traceId, s.name).toBe(traceId);
      }
      const id = (s: { spanContext(): { spanId: string } }) => s.spanContext().spanId;
      expect(parentOf(send1)?.spanId).toBe(id(root));
      expect(parentOf(process1)?.spanId).toBe(id(send1));
      expect(parentOf(send2)?.spanId).toBe(id(process1));
      expect(parentOf(process2)?.spanId).toBe(id(send2));
      expect(parentOf(ack1)?.spanId).toBe(id(process1));
      expect(parentOf(ack2)?.spanId).toBe(id(process2));
      // Spans start and end on one clock, finer than a millisecond: a child lies inside its
      // parent's time, and the handler's publish inside its process span.
      const ns = (time: [number, number]) => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
      for (const [parent, child] of [
        [process1, send2],
        [process1, ack1],
        [process2, ack2],
      ] as const) {
        expect(ns(child.startTime) >= ns(parent.startTime), child.name).toBe(true);
        expect(ns(child.endTime) <= ns(parent.endTime), child.name).toBe(true);
      }
      const subMillisecond = [send1, process1, ack1, send2, process2, ack2].filter(
        (s) => s.startTime[1] % 1_000_000 !== 0,
      );
      expect(subMillisecond.length).toBeGreaterThan(0);
      // Across the message the parent is remote (read from headers); in-process it is local.
      expect(parentOf(process1)?.isRemote).toBe(true);
      expect(parentOf(process2)?.isRemote).toBe(true);
      expect(parentOf(send2)?.isRemote).toBeFalsy();
      expect([send1.kind, process1.kind, ack1.kind]).toEqual([
        SpanKind.PRODUCER,
        SpanKind.CONSUMER,
        SpanKind.CLIENT,
      ]);
      // Nothing else joined the trace (the root span is exported by the same SDK).
      const inTrace = t.sdk.spans().filter((s) => s.spanContext().traceId === traceId);
      expect(inTrace.map((s) => s.name).sort()).toEqual(
        [
          "checkout",
          `send ${orders}`,
          `process ${orders}`,
          `ack ${orders}`,
          `send ${invoices}`,
          `process ${invoices}`,
          `ack ${invoices}`,
        ].sort(),
      );
    } finally {
      for (const r of runs) await r.drain();
    }
  });
});
