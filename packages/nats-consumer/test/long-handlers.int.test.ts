import { ConfigError, TimeoutError } from "@helix/nats-core";
import { deferred, ofKind, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectNoLoss, publish, setup, type TestContext } from "./helpers.js";

const version = inject("natsServerVersion");

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-long-handlers");
});
afterAll(() => t.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`long handlers (nats-server ${version})`, () => {
  it("ack_wait 2 s and a 7 s handler: working() is sent automatically, the message is delivered once", async () => {
    const stream = await t.stream();
    const c = await t.durable(stream, { ackWaitMs: 2_000 });
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const deliveries: number[] = [];
    const processed = new Set<number>();
    const ctx = c.consume(
      async (msg) => {
        deliveries.push(msg.info.deliveryCount);
        await sleep(7_000);
        processed.add(msg.info.streamSequence);
      },
      // concurrency 2: a redelivery would reach a second handler while the first still runs
      { concurrency: 2 },
    );
    await until(() => ofKind(t.ops, "settle").some((s) => s.action === "ack"), 15_000, "the ack");
    // Past another ack_wait: a redelivery would have come.
    await sleep(2_500);
    await ctx.drain();
    const working = ofKind(t.ops, "settle").filter((s) => s.action === "working");
    console.info(
      `[keepalive ${version}] ack_wait 2000 ms, handler 7000 ms: deliveries ${JSON.stringify(deliveries)}, working() sent ${working.length} times (interval 666 ms)`,
    );
    expect(deliveries).toEqual([1]);
    // One every 666 ms (the first within one interval): about ten; at least 8 whatever the drift.
    expect(working.length).toBeGreaterThanOrEqual(8);
    expect((await c.info()).num_redelivered).toBe(0);
    await expectNoLoss(t.conn, { consumer: c, stored: 1, processed: processed.size });
  });

  it("keepAlive: false: the same slow handler is redelivered behind its back after ack_wait", async () => {
    const stream = await t.stream();
    const c = await t.durable(stream, { ackWaitMs: 1_000 });
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const deliveries: number[] = [];
    const processed = new Set<number>();
    const second = deferred();
    const ctx = c.consume(
      async (msg) => {
        deliveries.push(msg.info.deliveryCount);
        if (msg.info.deliveryCount === 2) second.resolve();
        else await sleep(2_500);
        processed.add(msg.info.streamSequence);
      },
      { concurrency: 2, keepAlive: false },
    );
    await second.promise;
    await ctx.drain();
    expect(deliveries).toEqual([1, 2]);
    expect(ofKind(t.ops, "settle").filter((s) => s.action === "working")).toEqual([]);
    // Handled twice, but one message: acked, nothing lost.
    await expectNoLoss(t.conn, { consumer: c, stored: 1, processed: processed.size });
  });

  it("a keepAlive interval over half of ack_wait is refused before any pull: a late beat would let the server redeliver behind the handler", async () => {
    const stream = await t.stream();
    const c = await t.durable(stream, { ackWaitMs: 1_000 });
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const handled: number[] = [];
    let caught: unknown;
    try {
      c.consume((msg) => void handled.push(msg.info.streamSequence), {
        keepAlive: { intervalMs: 1_000 },
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).reasons).toEqual([
      {
        message:
          "keepAlive.intervalMs (1000 ms) must be at most half the consumer's ack_wait (1000 ms): a late beat would let the server redeliver a message whose handler is still running; leave it out for a third of ack_wait",
        path: ["keepAlive", "intervalMs"],
      },
    ]);
    expect(t.ops).toEqual([]);
    const info = await c.info();
    expect([handled, info.delivered.consumer_seq, info.num_pending]).toEqual([[], 0, 1]);
  });

  it("timeoutMs aborts the handler's signal and retries the message with the retry policy", async () => {
    const stream = await t.stream();
    const c = await t.durable(stream);
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const errors: Error[] = [];
    const reasons: unknown[] = [];
    const processed = new Set<number>();
    const done = deferred();
    const ctx = c.consume(
      async (msg, { signal }) => {
        if (msg.info.deliveryCount === 1) {
          await new Promise<void>((resolve) =>
            signal.addEventListener("abort", () => resolve(), { once: true }),
          );
          reasons.push(signal.reason);
          return;
        }
        processed.add(msg.info.streamSequence);
        done.resolve();
      },
      { timeoutMs: 300, retry: { delaysMs: [100] }, onError: (err) => errors.push(err) },
    );
    await done.promise;
    await until(() => ofKind(t.ops, "settle").length === 2, 5_000, "the ack");
    await ctx.drain();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TimeoutError);
    expect(reasons).toEqual([errors[0]]);
    expect(
      ofKind(t.ops, "settle").map((s) => [s.action, s.delayMs, s.message.info.deliveryCount]),
    ).toEqual([
      ["nak", 100, 1],
      ["ack", undefined, 2],
    ]);
    await expectNoLoss(t.conn, { consumer: c, stored: 1, processed: processed.size });
  });
});
