import { ValidationError } from "@helix/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsumerConfig, createConsumerManager } from "../src/index.js";
import { setup, type TestContext } from "./helpers.js";

// The consumer config is JetStream's, whose durations are nanoseconds, while every helix option
// is milliseconds: `ack_wait: 30_000` meant 30 s and was 30 µs. Millisecond fields are converted
// by helix; a nanosecond value under 1 ms is refused before anything is sent.

const MS = 1_000_000;

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-durations");
});
afterAll(() => t.close());

/** The ValidationError `createOrUpdate(config)` rejects with, after checking nothing was sent. */
async function refusal(config: unknown): Promise<ValidationError> {
  t.ops.length = 0;
  const err = await createConsumerManager(t.conn)
    .createOrUpdate("ANY", config as ConsumerConfig)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect(t.ops).toEqual([]);
  return err as ValidationError;
}

describe("consumer durations in milliseconds", () => {
  it("ackWaitMs, backoffMs, inactiveThresholdMs and maxExpiresMs reach the server as nanoseconds", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const waiting = await consumers.createOrUpdate(stream, {
      durable_name: "waits",
      ackWaitMs: 45_000,
      maxExpiresMs: 10_000,
    });
    expect((await waiting.info()).config).toMatchObject({
      ack_wait: 45_000 * MS,
      max_expires: 10_000 * MS,
    });
    expect(waiting.config.ack_wait).toBe(45_000 * MS);

    const retrying = await consumers.createOrUpdate(stream, {
      durable_name: "retries",
      backoffMs: [1_000, 5_000, 30_000],
      max_deliver: 5,
    });
    expect((await retrying.info()).config.backoff).toEqual([1_000 * MS, 5_000 * MS, 30_000 * MS]);

    const ephemeral = await consumers.createOrUpdate(stream, { inactiveThresholdMs: 60_000 });
    expect((await ephemeral.info()).config.inactive_threshold).toBe(60_000 * MS);

    // An update converts too.
    const updated = await consumers.createOrUpdate(stream, {
      durable_name: "waits",
      ackWaitMs: 20_000,
    });
    expect((await updated.info()).config.ack_wait).toBe(20_000 * MS);
  });

  it("nanoseconds still work when they are nanoseconds; left out, the server's default (30 s) applies", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const ns = await consumers.createOrUpdate(stream, {
      durable_name: "ns",
      ack_wait: 45_000 * MS,
    });
    expect(ns.config.ack_wait).toBe(45_000 * MS);
    const plain = await consumers.createOrUpdate(stream, { durable_name: "plain" });
    expect(plain.config.ack_wait).toBe(30_000 * MS);
  });

  it("a nanosecond value under 1 ms is refused before any I/O, naming the unit and the ms field", async () => {
    const ackWait = await refusal({ durable_name: "w", ack_wait: 30_000 });
    expect(ackWait).toMatchObject({ field: "ack_wait", value: 30_000 });
    expect(ackWait.message).toBe(
      "ack_wait is in nanoseconds, the server's unit: 30000 is 30 µs, surely a unit mistake. Use ackWaitMs (milliseconds) instead, or write the nanoseconds",
    );
    expect((await refusal({ durable_name: "w", backoff: [1_000 * MS, 5_000] })).message).toBe(
      "backoff is in nanoseconds, the server's unit: 5000 is 5 µs, surely a unit mistake. Use backoffMs (milliseconds) instead, or write the nanoseconds",
    );
    expect((await refusal({ inactive_threshold: 60_000 })).message).toBe(
      "inactive_threshold is in nanoseconds, the server's unit: 60000 is 60 µs, surely a unit mistake. Use inactiveThresholdMs (milliseconds) instead, or write the nanoseconds",
    );
    expect((await refusal({ durable_name: "w", max_expires: 10_000 })).message).toBe(
      "max_expires is in nanoseconds, the server's unit: 10000 is 10 µs, surely a unit mistake. Use maxExpiresMs (milliseconds) instead, or write the nanoseconds",
    );
  });

  it("a ms field together with its ns field is refused; so is a ms value that is not a positive integer", async () => {
    const both = await refusal({ durable_name: "w", ackWaitMs: 30_000, ack_wait: 30_000 * MS });
    expect(both).toMatchObject({ field: "ackWaitMs" });
    expect(both.message).toBe("set ackWaitMs (milliseconds) or ack_wait (nanoseconds), not both");
    expect((await refusal({ backoffMs: [1_000], backoff: [MS] })).message).toBe(
      "set backoffMs (milliseconds) or backoff (nanoseconds), not both",
    );
    expect((await refusal({ durable_name: "w", ackWaitMs: 0 })).message).toBe(
      "ackWaitMs must be a positive integer, got 0",
    );
    expect((await refusal({ durable_name: "w", backoffMs: [] })).message).toBe(
      "backoffMs must be a non-empty array of milliseconds",
    );
    expect((await refusal({ durable_name: "w", backoffMs: [1_000, -1] })).message).toBe(
      "backoffMs must be a positive integer, got -1",
    );
  });
});
