import { CancelledError } from "@helix/nats-core";
import { recordOutcomes } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Consumer, createConsumerManager } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

// Before the one runner, a call whose signal was already aborted failed before it reached the
// middleware stack: no middleware (a tracing plugin, say) ever saw it. Now the check runs inside
// the stack, so a middleware sees the operation and its CancelledError, and nothing is sent.

/** A durable consumer on a fresh stream that holds `count` messages. */
async function consumerWith(name: string, count: number): Promise<Consumer> {
  const stream = await t.stream();
  const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
  });
  await publish(t.conn, `${stream}.a`, count);
  return c;
}

/** `[seq, deliveryCount]` of what is pending now: all first deliveries when nothing was pulled. */
async function pending(c: Consumer): Promise<number[][]> {
  return (await c.fetchNoWait(10)).map((m) => [m.seq, m.info.deliveryCount]);
}

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-cancellation");
});
afterAll(() => t.close());

describe("an already aborted signal is cancelled inside the middleware stack", () => {
  it("management calls: the middleware sees the operation and its CancelledError; nothing is sent", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const worker = await consumers.createOrUpdate(stream, { durable_name: "worker" });
    const outcomes = recordOutcomes(t.conn, "outcomes-management");
    try {
      const signal = AbortSignal.abort();
      const got = await consumers.get(stream, "worker", { signal }).catch((e: unknown) => e);
      const deleted = await consumers.delete(stream, "worker", { signal }).catch((e: unknown) => e);
      const info = await worker.info({ signal }).catch((e: unknown) => e);
      for (const err of [got, deleted, info]) expect(err).toBeInstanceOf(CancelledError);
      expect((got as Error).message).toBe("consumer.get: cancelled");
      expect((deleted as Error).message).toBe("consumer.delete: cancelled");
      const about = { client: t.conn.client, stream, consumer: "worker", ordered: false, signal };
      expect(outcomes).toEqual([
        { op: { kind: "consumer.get", ...about }, error: got },
        { op: { kind: "consumer.delete", ...about }, error: deleted },
        { op: { kind: "consumer.get", ...about }, error: info },
      ]);
    } finally {
      t.conn.middleware.remove("outcomes-management");
    }
    // The cancelled delete was never sent.
    expect((await consumers.get(stream, "worker")).name).toBe("worker");
  });

  it("fetch, fetchBytes and fetchNoWait: the middleware sees the receive and its CancelledError; nothing is pulled", async () => {
    const c = await consumerWith("puller", 2);
    const outcomes = recordOutcomes(t.conn, "outcomes-receive");
    try {
      const signal = AbortSignal.abort();
      const errors = [
        await c.fetch(5, { expiresMs: 1_000, signal }).catch((e: unknown) => e),
        await c.fetchBytes(1_024, { expiresMs: 1_000, signal }).catch((e: unknown) => e),
        await c.fetchNoWait(5, { signal }).catch((e: unknown) => e),
      ];
      for (const err of errors) expect(err).toBeInstanceOf(CancelledError);
      expect(errors.map((e) => (e as Error).message)).toEqual([
        "fetch: cancelled",
        "fetchBytes: cancelled",
        "fetchNoWait: cancelled",
      ]);
      const receive = {
        kind: "receive",
        client: t.conn.client,
        stream: c.stream,
        consumer: "puller",
        signal,
      };
      expect(outcomes).toEqual([
        { op: { ...receive, mode: "fetch", batch: 5 }, error: errors[0] },
        { op: { ...receive, mode: "fetchBytes", batch: 1_024 }, error: errors[1] },
        { op: { ...receive, mode: "fetchNoWait", batch: 5 }, error: errors[2] },
      ]);
    } finally {
      t.conn.middleware.remove("outcomes-receive");
    }
    // Nothing was pulled: both messages come on their first delivery.
    expect(await pending(c)).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it("an abort in a middleware before next() cancels the fetch inside the stack: outer middlewares see it", async () => {
    const c = await consumerWith("late", 1);
    const outcomes = recordOutcomes(t.conn, "outcomes-outer");
    const ac = new AbortController();
    t.conn.middleware.add(
      async (op, next) => {
        if (op.kind === "receive") ac.abort();
        return next();
      },
      { name: "abort-before-next" },
    );
    try {
      const err = await c
        .fetch(1, { expiresMs: 1_000, signal: ac.signal })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect((err as Error).message).toBe("fetch: cancelled");
      expect(outcomes.map(({ op, error }) => [op.kind, error])).toEqual([["receive", err]]);
    } finally {
      t.conn.middleware.remove("abort-before-next");
      t.conn.middleware.remove("outcomes-outer");
    }
    expect(await pending(c)).toEqual([[1, 1]]);
  });
});
