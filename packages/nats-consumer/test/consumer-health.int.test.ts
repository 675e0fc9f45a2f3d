import {
  ConfigError,
  type ConsumerHealthOperation,
  type NotFoundError,
  ValidationError,
} from "@helix/nats-core";
import { ofKind, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Consumer, createConsumerManager, watchConsumerHealth } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-health");
});
afterAll(() => t.close());

describe("watchConsumerHealth", () => {
  it("reads pending, ack pending, redelivered, waiting and the last activity as consumer.health operations", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "h" });
    await publish(t.conn, `${stream}.a`, 5);
    t.ops.length = 0;
    const watch = watchConsumerHealth(c, { intervalMs: 60_000 });
    const first = await watch.read();
    expect(first).toMatchObject({ pending: 5, ackPending: 0, redelivered: 0, waiting: 0 });
    expect(first.lastActiveMs).toBeUndefined();

    const [one] = await c.fetch(1, { expiresMs: 1_000 });
    const second = await watch.read();
    expect(second).toMatchObject({ pending: 4, ackPending: 1, redelivered: 0, waiting: 0 });
    expect(typeof second.lastActiveMs).toBe("number");
    expect(watch.latest).toBe(second);
    await one?.ack();

    await watch.stop();
    const health = ofKind(t.ops, "consumer.health") as ConsumerHealthOperation[];
    // The reading at start, the two asked for, then the stop.
    expect(health.map((op) => [op.phase, op.stream, op.consumer])).toEqual([
      ["read", stream, "h"],
      ["read", stream, "h"],
      ["read", stream, "h"],
      ["stop", stream, "h"],
    ]);
    expect(health.at(-1)?.health).toBeUndefined();
  });

  it("options are checked at once, every problem listed in one ConfigError", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "o" });
    t.ops.length = 0;
    let err: unknown;
    try {
      // @ts-expect-error unknown option, bad types
      watchConsumerHealth(c, { intervalMs: 5, onError: "log", every: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).reasons).toEqual([
      { message: 'unknown option "every"', path: ["health", "every"] },
      {
        message: "intervalMs must be a whole number of milliseconds, at least 100 (default 15000)",
        path: ["health", "intervalMs"],
      },
      { message: "onError must be a function", path: ["health", "onError"] },
    ]);
    expect(() => c.consume(() => {}, { health: { intervalMs: 1.5 } })).toThrow(ConfigError);
    expect(() => watchConsumerHealth({} as Consumer)).toThrow(ValidationError);
    expect(t.ops).toEqual([]);
  });

  it("a failed reading goes to onError and the reader goes on at the next interval", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const c = await consumers.createOrUpdate(stream, { durable_name: "gone" });
    const errors: Error[] = [];
    const watch = watchConsumerHealth(c, { intervalMs: 100, onError: (e) => errors.push(e) });
    await until(() => watch.latest !== undefined, 10_000, "a first reading");
    expect(watch.latest).toMatchObject({ pending: 0, ackPending: 0 });
    await consumers.delete(stream, "gone");
    // Two failed readings: the reader did not stop at the first.
    await until(() => errors.length >= 2, 10_000, "two failed readings");
    await watch.stop();
    expect(errors.slice(0, 2).map((e) => [e.name, (e as NotFoundError).what])).toEqual([
      ["NotFoundError", "consumer"],
      ["NotFoundError", "consumer"],
    ]);
  });

  it("consume(..., { health: true }) reads while the consume runs and stops with it", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "c" });
    t.ops.length = 0;
    const ctx = c.consume(() => {}, { health: true });
    await until(() => ofKind(t.ops, "consumer.health").length === 1);
    await ctx.drain();
    await until(() => ofKind(t.ops, "consumer.health").length === 2);
    expect(
      (ofKind(t.ops, "consumer.health") as ConsumerHealthOperation[]).map((op) => op.phase),
    ).toEqual(["read", "stop"]);
  });
});
