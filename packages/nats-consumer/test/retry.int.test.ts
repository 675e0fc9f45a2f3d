import { ConfigError, DecodeError, type Operation } from "@helix/nats-core";
import { deferred, ofKind, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ConsumeOptions, ConsumerConfig, Msg } from "../src/index.js";
import { expectNoLoss, publish, setup, type TestContext } from "./helpers.js";

const version = inject("natsServerVersion");

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-retry");
});
afterAll(() => t.close());

/** The gaps between consecutive deliveries, in ms. */
function gaps(times: number[]): number[] {
  return times.slice(1).map((at, i) => Math.round(at - (times[i] ?? at)));
}

/** How many messages were term'ed. */
function terms(ops: Operation[]): number {
  return ofKind(ops, "settle").filter((s) => s.action === "term").length;
}

function naks(ops: Operation[]): (number | undefined)[] {
  return ofKind(ops, "settle")
    .filter((s) => s.action === "nak")
    .map((s) => s.delayMs);
}

/**
 * Consumes one message on a fresh stream whose handler fails until delivery `succeedsAt`, with
 * `options`; returns the nak delays asked for and the times of the deliveries.
 */
async function failUntil(
  succeedsAt: number,
  options: ConsumeOptions,
  config: ConsumerConfig = {},
): Promise<{ naks: (number | undefined)[]; times: number[] }> {
  const stream = await t.stream();
  const c = await t.durable(stream, config);
  await publish(t.conn, `${stream}.a`, 1);
  t.ops.length = 0;
  const times: number[] = [];
  const processed = new Set<number>();
  const done = deferred();
  const ctx = c.consume(
    (msg) => {
      times.push(performance.now());
      if (msg.info.deliveryCount < succeedsAt) {
        throw new Error(`try ${msg.info.deliveryCount} fails`);
      }
      processed.add(msg.info.streamSequence);
      done.resolve();
    },
    { ...options, onError: () => {} },
  );
  await done.promise;
  await ctx.drain();
  await expectNoLoss(t.conn, { consumer: c, stored: 1, processed: processed.size });
  return { naks: naks(t.ops), times };
}

describe(`paced retries (nats-server ${version})`, () => {
  it("naks with the retry schedule by delivery count; the deliveries come back no sooner than the delays", async () => {
    const { naks, times } = await failUntil(4, { retry: { delaysMs: [200, 500, 1000] } });
    expect(naks).toEqual([200, 500, 1000]);
    const measured = gaps(times);
    console.info(
      `[retry schedule ${version}] delays asked [200, 500, 1000], measured ${JSON.stringify(measured)} ms`,
    );
    expect(measured).toHaveLength(3);
    // The server never redelivers before the delay (a generous lower bound, no upper bound).
    for (const [i, gap] of measured.entries()) {
      expect(gap).toBeGreaterThanOrEqual([200, 500, 1000][i]! - 20);
    }
  });

  it("the schedule's last delay repeats past its end", async () => {
    const { naks } = await failUntil(4, { retry: { delaysMs: [50, 100] } });
    expect(naks).toEqual([50, 100, 100]);
  });

  it("uses the consumer's own backoff steps when it has some", async () => {
    const { naks, times } = await failUntil(
      4,
      { retry: { delaysMs: [5_000] } },
      { backoffMs: [150, 400], max_deliver: 5 },
    );
    expect(naks).toEqual([150, 400, 400]);
    const measured = gaps(times);
    console.info(
      `[consumer backoff ${version}] backoff [150, 400], measured ${JSON.stringify(measured)} ms`,
    );
    for (const [i, gap] of measured.entries()) {
      expect(gap).toBeGreaterThanOrEqual([150, 400, 400][i]! - 20);
    }
  });

  it("an exponential curve: initialDelayMs × multiplier^(n-1), capped at maxDelayMs", async () => {
    const { naks } = await failUntil(5, {
      retry: { initialDelayMs: 50, multiplier: 3, maxDelayMs: 400 },
    });
    expect(naks).toEqual([50, 150, 400, 400]);
  });

  it("nakDelayMs keeps working as the older form of retry", async () => {
    const { naks } = await failUntil(3, { nakDelayMs: (n) => n * 40 });
    expect(naks).toEqual([40, 80]);
  });

  it("max_deliver is respected: without dead letters the last failed delivery is nak'ed and the server delivers it no more", async () => {
    const stream = await t.stream();
    const c = await t.durable(stream, { max_deliver: 3 });
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const deliveries: number[] = [];
    const ctx = c.consume(
      (msg) => {
        deliveries.push(msg.info.deliveryCount);
        throw new Error("always fails");
      },
      { retry: { delaysMs: [50] }, onError: () => {} },
    );
    await until(() => naks(t.ops).length === 3, 10_000, "three naks");
    // Longer than any delay: a fourth delivery would have come by now.
    await new Promise((r) => setTimeout(r, 500));
    await ctx.drain();
    expect(deliveries).toEqual([1, 2, 3]);
    expect(naks(t.ops)).toEqual([50, 50, 50]);
    // Still in the stream, its last delivery failed: nothing lost, nothing left to deliver.
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 1,
      processed: 0,
      exhausted: deliveries.filter((n) => n === 3).length,
    });
  });

  it("a permanent error (a DecodeError) is not retried: without dead letters it is term'ed with the reason at once", async () => {
    const stream = await t.stream();
    const c = await t.durable(stream, { max_deliver: 5 });
    await t.conn.jetstream.publish(`${stream}.a`, "not json");
    t.ops.length = 0;
    const errors: Error[] = [];
    const done = deferred();
    const ctx = c.consume(
      (msg) => {
        try {
          msg.json();
        } finally {
          done.resolve();
        }
      },
      { retry: { delaysMs: [50] }, onError: (err) => errors.push(err) },
    );
    await done.promise;
    await until(() => ofKind(t.ops, "settle").length === 1, 5_000, "the term");
    await new Promise((r) => setTimeout(r, 300));
    await ctx.drain();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DecodeError);
    const settles = ofKind(t.ops, "settle");
    expect(settles.map((s) => [s.action, s.reason, s.message.info.deliveryCount])).toEqual([
      ["term", "permanent: DECODE", 1],
    ]);
    expect(ofKind(t.ops, "process")).toHaveLength(1);
    expect((await c.info()).num_redelivered).toBe(0);
    await expectNoLoss(t.conn, { consumer: c, stored: 1, processed: 0, terminated: terms(t.ops) });
  });

  it("retry.isPermanent decides what is permanent", async () => {
    const stream = await t.stream();
    const c = await t.durable(stream);
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const done = deferred<Msg>();
    const ctx = c.consume(
      (msg) => {
        done.resolve(msg);
        throw new RangeError("out of stock for good");
      },
      { retry: { isPermanent: (err) => err instanceof RangeError }, onError: () => {} },
    );
    await done.promise;
    await until(() => ofKind(t.ops, "settle").length === 1, 5_000, "the term");
    await ctx.drain();
    expect(ofKind(t.ops, "settle").map((s) => [s.action, s.reason])).toEqual([
      ["term", "permanent: RangeError"],
    ]);
    await expectNoLoss(t.conn, { consumer: c, stored: 1, processed: 0, terminated: terms(t.ops) });
  });

  it("bad retry, deadLetter, keepAlive and timeoutMs options: one ConfigError listing every problem, before any I/O", async () => {
    const stream = await t.stream();
    const c = await t.durable(stream);
    t.ops.length = 0;
    let caught: unknown;
    try {
      c.consume(() => {}, {
        retry: { delaysMs: [100, -1], multiplier: 0.5, jitter: 2 },
        nakDelayMs: 10,
        deadLetter: { stream: "bad.name", subject: "a.*" },
        keepAlive: { intervalMs: 0 },
        timeoutMs: -5,
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).reasons.map((r) => r.path.join("."))).toEqual([
      "nakDelayMs",
      "retry.delaysMs.1",
      "retry.multiplier",
      "retry.jitter",
      "retry.multiplier",
      "retry.jitter",
      "deadLetter.stream",
      "deadLetter.subject",
      "keepAlive.intervalMs",
      "timeoutMs",
    ]);
    expect(t.ops).toEqual([]);
  });
});
