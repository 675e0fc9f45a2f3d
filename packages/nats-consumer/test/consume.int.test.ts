import { AsyncLocalStorage } from "node:async_hooks";
import { getEventListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { NotFoundError, type Operation } from "@helix/nats-core";
import { deferred, ofKind, until } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Consumer,
  type ConsumerStatus,
  createConsumerManager,
  type Msg,
} from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-consume");
});
afterAll(() => t.close());

async function durable(stream: string, name = "worker", ackWaitMs = 30_000): Promise<Consumer> {
  return createConsumerManager(t.conn).createOrUpdate(stream, {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ackWaitMs),
  });
}

describe("consume", () => {
  it("acks what handlers return, as process and settle operations, in order with concurrency 1", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 20);
    t.ops.length = 0;
    const seen: number[] = [];
    const done = deferred();
    const ctx = c.consume((msg) => {
      seen.push(msg.seq);
      if (seen.length === 20) done.resolve();
    });
    await done.promise;
    await ctx.drain();
    await expect(ctx.closed).resolves.toBeUndefined();
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const processed = ofKind(t.ops, "process");
    expect(processed.map((op) => op.message.info.streamSequence)).toEqual(seen);
    expect(processed[0]).toMatchObject({ stream, consumer: "worker" });
    expect(ofKind(t.ops, "settle").map((op) => op.action)).toEqual(Array(20).fill("ack"));
    const info = await c.info();
    expect(info.num_ack_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(20);
  });

  it("a handler that throws on the first delivery gets the message again, then it is acked (deliveryCount 2)", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const deliveries: number[] = [];
    const errors: Error[] = [];
    const acked = deferred<Msg>();
    const rejected: unknown[] = [];
    t.conn.middleware.add(
      async (op, next) => {
        try {
          return await next();
        } catch (err) {
          if (op.kind === "process") rejected.push(err);
          throw err;
        }
      },
      { name: "process-errors" },
    );
    const ctx = c.consume(
      (msg) => {
        deliveries.push(msg.info.deliveryCount);
        if (msg.info.deliveryCount === 1) throw new Error("first try fails");
        acked.resolve(msg);
      },
      { nakDelayMs: 50, onError: (err) => errors.push(err) },
    );
    const msg = await acked.promise;
    await ctx.drain();
    t.conn.middleware.remove("process-errors");
    expect(deliveries).toEqual([1, 2]);
    expect(msg.info.deliveryCount).toBe(2);
    expect(errors.map((e) => e.message)).toEqual(["first try fails"]);
    // The middleware saw the process operation fail with the handler's error.
    expect(rejected).toEqual([errors[0]]);
    const settles = ofKind(t.ops, "settle");
    expect(settles.map((s) => [s.action, s.message.info.deliveryCount])).toEqual([
      ["nak", 1],
      ["ack", 2],
    ]);
    expect(settles[0]?.delayMs).toBe(50);
    expect((await c.info()).num_ack_pending).toBe(0);
  });

  it("a nakDelayMs function that throws is reported and the message is still nak'ed", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const errors: string[] = [];
    const acked = deferred();
    const ctx = c.consume(
      (msg) => {
        if (msg.info.deliveryCount === 1) throw new Error("handler failed");
        acked.resolve();
      },
      {
        nakDelayMs: () => {
          throw new Error("delay failed");
        },
        onError: (err) => errors.push(err.message),
      },
    );
    await acked.promise;
    await ctx.drain();
    await expect(ctx.closed).resolves.toBeUndefined();
    expect(errors).toEqual(["handler failed", "delay failed"]);
    // The default delay (1 s for a first delivery) replaced the failing function.
    expect(ofKind(t.ops, "settle").map((s) => [s.action, s.delayMs])).toEqual([
      ["nak", 1_000],
      ["ack", undefined],
    ]);
  });

  it("does not settle a message the handler settled itself; working() is not settling", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 3);
    t.ops.length = 0;
    let count = 0;
    const done = deferred();
    const ctx = c.consume(async (msg) => {
      count++;
      await msg.working();
      if (msg.seq === 1) await msg.term("no");
      if (msg.seq === 2) await msg.ackAck();
      if (count === 3) done.resolve();
    });
    await done.promise;
    await ctx.drain();
    expect(ofKind(t.ops, "settle").map((s) => [s.action, s.message.info.streamSequence])).toEqual([
      ["working", 1],
      ["term", 1],
      ["working", 2],
      ["ack", 2],
      ["working", 3],
      ["ack", 3],
    ]);
  });

  it("runs the handler inside the process operation's next(), in the middleware's async context", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 2);
    const als = new AsyncLocalStorage<number>();
    t.conn.middleware.add(
      (op, next) =>
        op.kind === "process" ? als.run(op.message.info.streamSequence, next) : next(),
      { name: "context" },
    );
    const stores: (number | undefined)[] = [];
    const done = deferred();
    const ctx = c.consume(async () => {
      await sleep(1);
      stores.push(als.getStore());
      if (stores.length === 2) done.resolve();
    });
    await done.promise;
    await ctx.drain();
    t.conn.middleware.remove("context");
    expect(stores).toEqual([1, 2]);
  });

  it("autoAck false leaves settling to the handler", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 2);
    t.ops.length = 0;
    const got = deferred();
    let n = 0;
    const ctx = c.consume(
      () => {
        if (++n === 2) got.resolve();
      },
      { autoAck: false },
    );
    await got.promise;
    await ctx.drain();
    expect(ofKind(t.ops, "settle")).toEqual([]);
    expect((await c.info()).num_ack_pending).toBe(2);
  });

  it("concurrency 8 runs 8 slow handlers at once", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 8);
    let inFlight = 0;
    let maxInFlight = 0;
    const allIn = deferred();
    const release = deferred();
    let finished = 0;
    const allDone = deferred();
    const ctx = c.consume(
      async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (inFlight === 8) allIn.resolve();
        // Each handler waits until all 8 are in: only possible if they overlap.
        await release.promise;
        inFlight--;
        if (++finished === 8) allDone.resolve();
      },
      { concurrency: 8 },
    );
    await allIn.promise;
    release.resolve();
    await allDone.promise;
    await ctx.drain();
    expect(maxInFlight).toBe(8);
    expect((await c.info()).num_ack_pending).toBe(0);
  });

  it("pulls by bytes with maxBytes: every message still arrives, in order", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    const body = new Uint8Array(300);
    for (let i = 0; i < 6; i++) await t.conn.jetstream.publish(`${stream}.big`, body);
    const seen: number[] = [];
    const done = deferred();
    // About two messages per pull request: the consume has to pull several times.
    const ctx = c.consume(
      (msg) => {
        seen.push(msg.seq);
        if (seen.length === 6) done.resolve();
      },
      { maxBytes: 1_000 },
    );
    await done.promise;
    await ctx.drain();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await c.info()).num_ack_pending).toBe(0);
  });

  it("concurrency 2 never exceeds 2 handlers", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 10);
    let inFlight = 0;
    let maxInFlight = 0;
    let finished = 0;
    const allDone = deferred();
    const ctx = c.consume(
      async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(20);
        inFlight--;
        if (++finished === 10) allDone.resolve();
      },
      { concurrency: 2 },
    );
    await allDone.promise;
    await ctx.drain();
    expect(maxInFlight).toBe(2);
  });

  it("stop(): no new deliveries; the running handler finishes, signal untouched; closed resolves after its ack", async () => {
    const stream = await t.stream();
    const c = await durable(stream, "stopper");
    await publish(t.conn, `${stream}.a`, 5);
    const started = deferred<AbortSignal>();
    const finish = deferred();
    const handled: number[] = [];
    const ctx = c.consume(async (msg, { signal: s }) => {
      handled.push(msg.seq);
      started.resolve(s);
      await finish.promise;
    });
    const s = await started.promise;
    await until(async () => (await c.info()).num_ack_pending === 5);
    ctx.stop();
    expect(s.aborted).toBe(false);
    finish.resolve();
    await expect(ctx.closed).resolves.toBeUndefined();
    expect(s.aborted).toBe(false);
    expect(handled).toEqual([1]);
    // Messages buffered but never handed out were released: a new consume gets them at once.
    const again: Array<[number, number]> = [];
    const all = deferred();
    const ctx2 = c.consume((msg) => {
      again.push([msg.seq, msg.info.deliveryCount]);
      if (again.length === 4) all.resolve();
    });
    await all.promise;
    await ctx2.drain();
    expect(again).toEqual([
      [2, 2],
      [3, 2],
      [4, 2],
      [5, 2],
    ]);
  });

  it("an options.signal stops the consume like stop() (handlers finish); its listener is removed once the consume ends", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 1);
    const shutdown = new AbortController();
    // A consume ended by stop() leaves nothing on a long-lived signal.
    const stopped = c.consume(() => {}, { signal: shutdown.signal });
    expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(1);
    stopped.stop();
    await stopped.closed;
    expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(0);
    // Aborting the signal stops a running consume; the running handler finishes and is acked.
    const inHandler = deferred<AbortSignal>();
    const finish = deferred();
    const running = c.consume(
      async (_msg, ctx) => {
        inHandler.resolve(ctx.signal);
        await finish.promise;
      },
      { signal: shutdown.signal },
    );
    const handlerSignal = await inHandler.promise;
    shutdown.abort();
    expect(handlerSignal.aborted).toBe(false);
    finish.resolve();
    await expect(running.closed).resolves.toBeUndefined();
    expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(0);
    expect((await c.info()).ack_floor.stream_seq).toBe(1);
  });

  it("deleting the consumer while consume runs rejects closed and calls onError", async () => {
    const stream = await t.stream();
    const c = await durable(stream, "doomed");
    await publish(t.conn, `${stream}.a`, 1);
    const errors: Error[] = [];
    const statuses: ConsumerStatus[] = [];
    const first = deferred();
    const ctx = c.consume(() => first.resolve(), {
      expiresMs: 1_000,
      idleHeartbeatMs: 500,
      onError: (err) => errors.push(err),
      onStatus: (s) => statuses.push(s),
    });
    // The problem also reaches the middleware, as a consumer.status operation that fails.
    const seen: { op: Operation; error: unknown }[] = [];
    t.conn.middleware.add(
      async (op, next) => {
        if (op.kind !== "consumer.status") return next();
        try {
          return await next();
        } catch (error) {
          seen.push({ op, error });
          throw error;
        }
      },
      { name: "status-recorder" },
    );
    try {
      await first.promise;
      await createConsumerManager(t.conn).delete(stream, "doomed");
      const err = await ctx.closed.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err).toMatchObject({ what: "consumer", resource: "doomed" });
      expect(errors).toContain(err);
      expect(
        statuses.some((s) => s.type === "consumer_deleted" || s.type === "consumer_not_found"),
      ).toBe(true);
      expect(seen).toHaveLength(1);
      const [status] = seen as [{ op: Operation; error: unknown }];
      expect(status.error).toBe(err);
      expect(status.op).toMatchObject({
        kind: "consumer.status",
        stream,
        consumer: "doomed",
        ends: true,
        error: err,
      });
      expect(["consumer_deleted", "consumer_not_found"]).toContain(
        (status.op as { status: string }).status,
      );
    } finally {
      t.conn.middleware.remove("status-recorder");
    }
  });
});
