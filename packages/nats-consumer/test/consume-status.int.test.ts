import { ConnectionError, NotFoundError, TimeoutError } from "@helix/nats-core";
import { startServer } from "@helix/nats-testing";
import { deferred } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsumerStatus, createConsumerManager } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-status");
});
afterAll(() => t.close());

describe("consume status problems are never swallowed", () => {
  it("deleting the stream while consume runs rejects closed with a stream NotFoundError", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "w",
      ack_policy: AckPolicy.Explicit,
    });
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
    await first.promise;
    await (await t.conn.manager()).streams.delete(stream);
    const err = await ctx.closed.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "stream", resource: stream });
    expect(errors).toContain(err);
    expect(statuses.length).toBeGreaterThan(0);
  });

  it("missed heartbeats reach onStatus and onError, then end the consume with a TimeoutError", async () => {
    const server = await startServer({ jetstream: true });
    const own = await setup("consumer-int-heartbeats", server.url);
    try {
      const stream = await own.stream();
      const c = await createConsumerManager(own.conn).createOrUpdate(stream, {
        durable_name: "hb",
        ack_policy: AckPolicy.Explicit,
      });
      await publish(own.conn, `${stream}.a`, 1);
      const errors: Error[] = [];
      const statuses: ConsumerStatus[] = [];
      const first = deferred();
      const ctx = c.consume(() => first.resolve(), {
        expiresMs: 1_000,
        idleHeartbeatMs: 500,
        maxMissedHeartbeats: 3,
        onError: (err) => errors.push(err),
        onStatus: (s) => statuses.push(s),
      });
      await first.promise;
      await server.pause();
      const err = await ctx.closed.catch((e: unknown) => e);
      await server.resume();
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toMatch(/heartbeats/);
      expect(statuses.filter((s) => s.type === "heartbeats_missed").map((s) => s.type)).toContain(
        "heartbeats_missed",
      );
      // Each miss is reported before the consume gives up.
      expect(errors.filter((e) => e instanceof TimeoutError).length).toBeGreaterThanOrEqual(2);
      expect(errors).toContain(err);
    } finally {
      await own.conn.close();
      await server.stop();
    }
  });

  it("missed heartbeats reach onStatus, then a pending messages().next() rejects with a TimeoutError", async () => {
    const server = await startServer({ jetstream: true });
    const own = await setup("consumer-int-heartbeats-next", server.url);
    try {
      const stream = await own.stream();
      const c = await createConsumerManager(own.conn).createOrUpdate(stream, {
        durable_name: "hb",
        ack_policy: AckPolicy.Explicit,
      });
      await publish(own.conn, `${stream}.a`, 1);
      const statuses: ConsumerStatus[] = [];
      const it = c.messages({
        expiresMs: 1_000,
        idleHeartbeatMs: 500,
        maxMissedHeartbeats: 3,
        onStatus: (s) => statuses.push(s),
      });
      await (await it.next())?.ack();
      await server.pause();
      const err = await it.next().catch((e: unknown) => e);
      await server.resume();
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toMatch(/heartbeats/);
      expect(statuses.some((s) => s.type === "heartbeats_missed")).toBe(true);
      await expect(it.closed).rejects.toBe(err);
      await expect(it.next()).rejects.toBe(err);
    } finally {
      await own.conn.close();
      await server.stop();
    }
  });

  it("closing the connection under a consume or a pending next() rejects with ConnectionError", async () => {
    const own = await setup("consumer-int-closed-under");
    const stream = await own.stream();
    const c = await createConsumerManager(own.conn).createOrUpdate(stream, {
      durable_name: "cl",
      ack_policy: AckPolicy.Explicit,
    });
    const errors: Error[] = [];
    const ctx = c.consume(() => {}, { onError: (err) => errors.push(err) });
    const it = c.messages();
    const pending = it.next().catch((e: unknown) => e);
    const check = await setup("consumer-int-closed-under-check");
    try {
      await own.conn.close();
      const err = await ctx.closed.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err).toMatchObject({ code: "CONNECTION_CLOSED" });
      expect(errors).toContain(err);
      const nextErr = await pending;
      expect(nextErr).toBeInstanceOf(ConnectionError);
      await expect(it.closed).rejects.toBe(nextErr);
    } finally {
      await (await check.conn.manager()).streams.delete(stream);
      await check.close();
    }
  });
});
