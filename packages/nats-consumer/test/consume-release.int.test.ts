import { performance } from "node:perf_hooks";
import { type Operation, type SettleOperation, TimeoutError } from "@helix/nats-core";
import { deferred, ofKind, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { type ConsumeContext, type Consumer, createConsumerManager } from "../src/index.js";
import { holdingConsume, publish, setup, type TestContext } from "./helpers.js";

// How a consume ends. drain() and stop() promise that running handlers finish: their signal stays
// untouched (it aborts only on stop({ abort: true }) or when a drain deadline passes). Messages
// the client pulled but never handed to a handler are released (nak'ed without delay, as settle
// operations) so that the next run gets them at once instead of after the ack wait (30 s by
// default). Everything here runs on the defaults: a consumer created with only a name (ack_wait
// 30 s) and consume() without options (concurrency 1, 100 messages per pull).

const BUFFERED = 50;

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-release");
});
afterAll(() => t.close());

/** Rejects with `signal.reason` when it aborts, else resolves with `work`: a handler that passes its signal on. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    work.then(resolve, reject);
  });
}

/** `[seq, delayMs]` of the settle operations of one action. */
function settled(ops: Operation[], action: SettleOperation["action"]): Array<[number, unknown]> {
  return ofKind(ops, "settle")
    .filter((op) => op.action === action)
    .map((op) => [op.message.info.streamSequence, op.delayMs]);
}

/** Sequences from..to, each with `extra`. */
function range<T>(from: number, to: number, extra: T): Array<[number, T]> {
  return Array.from({ length: to - from + 1 }, (_, i) => [from + i, extra]);
}

interface HeldRun {
  ctx: ConsumeContext;
  /** The handler's signal, once the first message is in the handler. */
  signal: AbortSignal;
  /** Lets the handler of message 1 return. */
  finish(): void;
  /** How the handler ended: "returned", or the error it threw. */
  outcome: Promise<unknown>;
}

/**
 * A consume (defaults) whose handler holds message 1, passing its signal on, until `finish()`;
 * resolves once every message reached the client (1 in the handler, the rest buffered).
 */
async function holdFirst(c: Consumer, total: number): Promise<HeldRun> {
  const inHandler = deferred<AbortSignal>();
  const release = deferred();
  const outcome = deferred<unknown>();
  const ctx = c.consume(async (_msg, { signal }) => {
    inHandler.resolve(signal);
    try {
      await unlessAborted(release.promise, signal);
      outcome.resolve("returned");
    } catch (err) {
      outcome.resolve(err);
      throw err;
    }
  });
  const signal = await inHandler.promise;
  await until(
    async () => {
      const info = await c.info();
      return info.num_ack_pending === total && info.num_pending === 0;
    },
    10_000,
    `all ${total} messages delivered to the client`,
  );
  return { ctx, signal, finish: () => release.resolve(), outcome: outcome.promise };
}

/** A fresh consume on `c` that collects `[seq, deliveryCount]` of `count` messages; the time it took. */
async function receiveAll(
  c: Consumer,
  count: number,
): Promise<{ got: Array<[number, number]>; ms: number }> {
  const got: Array<[number, number]> = [];
  const all = deferred();
  const started = performance.now();
  const ctx = c.consume((msg) => {
    got.push([msg.seq, msg.info.deliveryCount]);
    if (got.length === count) all.resolve();
  });
  await all.promise;
  const ms = performance.now() - started;
  await ctx.drain();
  return { got, ms };
}

/** `[seq, deliveryCount]` of what a no-wait pull gets now (nothing that waits out an ack wait). */
async function availableNow(c: Consumer): Promise<Array<[number, number]>> {
  const msgs = await c.fetchNoWait(100);
  for (const msg of msgs) await msg.ack();
  return msgs.map((msg) => [msg.seq, msg.info.deliveryCount]);
}

/** The consumer's counts that tell delivered, released and new messages apart. */
async function counts(c: Consumer) {
  const info = await c.info();
  return {
    ackPending: info.num_ack_pending,
    pending: info.num_pending,
    redelivered: info.num_redelivered,
  };
}

describe("drain() and stop() finish running handlers and release what was never handed out", () => {
  it("drain(): the running handler finishes with its signal untouched and is acked; the 50 buffered messages are released and come back at once", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "w" });
    expect(c.config.ack_wait).toBe(30_000_000_000); // the default ack wait: 30 s
    await publish(t.conn, `${stream}.a`, BUFFERED + 1);
    const run = await holdFirst(c, BUFFERED + 1);
    t.ops.length = 0;
    const drained = run.ctx.drain();
    // drain() must not cancel the work it waits for.
    expect(run.signal.aborted).toBe(false);
    run.finish();
    await drained;
    const drainedAt = performance.now();
    await expect(run.ctx.closed).resolves.toBeUndefined();
    expect(await run.outcome).toBe("returned");
    expect(run.signal.aborted).toBe(false);
    expect(settled(t.ops, "ack")).toEqual([[1, undefined]]);
    // Released through the settle path (traced): a nak without delay for each of 2..51.
    expect(settled(t.ops, "nak")).toEqual(range(2, BUFFERED + 1, undefined));
    // The server keeps a nak'ed message among the ack-pending ones (on its redelivery queue)
    // until a pull takes it; none is a new message.
    expect(await counts(c)).toEqual({ ackPending: BUFFERED, pending: 0, redelivered: 0 });
    const { got, ms } = await receiveAll(c, BUFFERED);
    expect(got).toEqual(range(2, BUFFERED + 1, 2));
    console.info(
      `[figures] drain → ${BUFFERED} buffered messages received again by a new consume: ${Math.round(performance.now() - drainedAt)} ms after drain() resolved (${Math.round(ms)} ms from consume())`,
    );
  });

  it("stop(): the same; closed resolves once the running handler finished and was acked", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "w" });
    await publish(t.conn, `${stream}.a`, BUFFERED + 1);
    const run = await holdFirst(c, BUFFERED + 1);
    t.ops.length = 0;
    run.ctx.stop();
    expect(run.signal.aborted).toBe(false);
    run.finish();
    await expect(run.ctx.closed).resolves.toBeUndefined();
    expect(await run.outcome).toBe("returned");
    expect(settled(t.ops, "ack")).toEqual([[1, undefined]]);
    expect(settled(t.ops, "nak")).toEqual(range(2, BUFFERED + 1, undefined));
    // Available now, not after the ack wait: a no-wait pull gets all 50 at once.
    expect(await availableNow(c)).toEqual(range(2, BUFFERED + 1, 2));
  });

  it("conn.drain(): the running handler finishes (signal untouched), the buffered messages are released before the close", async () => {
    const url = inject("natsUrl");
    const own = await setup("consumer-int-release-conn", url);
    const check = await setup("consumer-int-release-check", url);
    try {
      const stream = await own.stream();
      const c = await createConsumerManager(own.conn).createOrUpdate(stream, {
        durable_name: "w",
      });
      await publish(own.conn, `${stream}.a`, BUFFERED + 1);
      const run = await holdFirst(c, BUFFERED + 1);
      const drained = own.conn.drain();
      expect(run.signal.aborted).toBe(false);
      run.finish();
      await drained;
      await expect(run.ctx.closed).resolves.toBeUndefined();
      expect(await run.outcome).toBe("returned");
      expect(run.signal.aborted).toBe(false);
      expect(settled(own.ops, "ack")).toEqual([[1, undefined]]);
      expect(settled(own.ops, "nak")).toEqual(range(2, BUFFERED + 1, undefined));
      const again = await createConsumerManager(check.conn).get(stream, "w");
      expect(await availableNow(again)).toEqual(range(2, BUFFERED + 1, 2));
      await (await check.conn.manager()).streams.delete(stream);
    } finally {
      await check.close();
      await own.close();
    }
  });

  it("stop({ abort: true }) aborts the handler's signal: a handler that passes it on is cancelled and its message released at once", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "w" });
    await publish(t.conn, `${stream}.a`, 3);
    const never = new Promise<void>(() => {});
    const { ctx, signal, errors } = await holdingConsume(c, (s) => unlessAborted(never, s));
    await until(async () => (await c.info()).num_ack_pending === 3);
    t.ops.length = 0;
    ctx.stop({ abort: true });
    expect(signal.aborted).toBe(true);
    await expect(ctx.closed).resolves.toBeUndefined();
    // The handler's own rejection (the signal's reason) is reported, as any handler failure.
    expect(errors).toEqual([signal.reason]);
    expect(errors.map((e) => e.name)).toEqual(["AbortError"]);
    // The cancelled message and the two buffered ones, each nak'ed without delay.
    expect(settled(t.ops, "nak").sort(([a], [b]) => a - b)).toEqual(range(1, 3, undefined));
    // The cancelled message's nak and the released ones are sent independently: any order.
    const { got } = await receiveAll(c, 3);
    expect(got.sort(([a], [b]) => a - b)).toEqual(range(1, 3, 2));
  });

  it("messages(): stop() releases what the iterator pulled but no next() returned", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "it" });
    await publish(t.conn, `${stream}.a`, 5);
    const it = c.messages();
    const first = await it.next();
    await until(async () => (await c.info()).num_ack_pending === 5);
    await first?.ackAck();
    t.ops.length = 0;
    it.stop();
    await expect(it.closed).resolves.toBeUndefined();
    expect(settled(t.ops, "nak")).toEqual(range(2, 5, undefined));
    expect(await availableNow(c)).toEqual(range(2, 5, 2));
  });

  it("drain({ timeoutMs }): past the deadline the handler's signal aborts and drain() and closed reject with a TimeoutError", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "slow" });
    await publish(t.conn, `${stream}.a`, 1);
    // A handler that ignores its signal and never returns.
    const { ctx, signal, errors } = await holdingConsume(c, () => new Promise<void>(() => {}));
    const err = await ctx.drain({ timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe(
      `consume: drain() of consumer "slow" of stream "${stream}" did not finish within 200 ms: 1 handler still running, its signal aborted`,
    );
    expect(signal.aborted).toBe(true);
    await expect(ctx.closed).rejects.toBe(err);
    await expect(ctx.drain()).rejects.toBe(err);
    expect(errors).toEqual([err]);
  });

  it("drain() without a timeoutMs has the deadline of conn.drain(): 30 s", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "slow" });
    await publish(t.conn, `${stream}.a`, 1);
    const { ctx, signal } = await holdingConsume(c, () => new Promise<void>(() => {}));
    let outcome: unknown = "pending";
    // Only the deadline's timer is made while the clock is fake: 30 s pass without waiting.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      ctx.drain().catch((e: unknown) => {
        outcome = e;
      });
      await vi.advanceTimersByTimeAsync(29_999);
      expect(outcome).toBe("pending");
      expect(signal.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
    } finally {
      vi.useRealTimers();
    }
    expect(signal.aborted).toBe(true);
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect((outcome as Error).message).toBe(
      `consume: drain() of consumer "slow" of stream "${stream}" did not finish within 30000 ms: 1 handler still running, its signal aborted`,
    );
  });
});
