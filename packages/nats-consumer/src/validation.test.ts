import { UnsupportedFeatureError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import {
  assertConsumeOptions,
  assertConsumerConfig,
  assertDrainOptions,
  assertNakDelay,
  assertOrderedConfig,
  assertPullOptions,
  normalizeConsumerConfig,
  normalizeOrderedConfig,
} from "./validation.js";

const validation = expect.objectContaining({ code: "VALIDATION" });

describe("consumer config validation", () => {
  it("accepts durable and ephemeral pull configs", () => {
    expect(() => assertConsumerConfig({}, "2.9.10")).not.toThrow();
    expect(() =>
      assertConsumerConfig(
        {
          durable_name: "w",
          filter_subject: "orders.*",
          ack_policy: "explicit",
          max_deliver: 5,
          backoff: [1_000_000, 2_000_000_000],
        },
        "2.9.10",
      ),
    ).not.toThrow();
  });

  it("gates several filter subjects on server 2.10 and names the server's version", () => {
    const multi = { filter_subjects: ["a", "b"] };
    expect(() => assertConsumerConfig(multi, "2.9.10")).toThrowError(
      /2\.10\.0 or newer; the server is 2\.9\.10/,
    );
    expect(() => assertConsumerConfig(multi, undefined)).toThrowError(/unknown version/);
    expect(() => assertConsumerConfig(multi, "2.10.3")).not.toThrow();
    expect(() => assertConsumerConfig({ filter_subjects: ["a"] }, "2.9.10")).not.toThrow();
    expect(() => assertOrderedConfig({ filter_subjects: ["a", "b"] }, "2.9.10")).toThrow(
      new UnsupportedFeatureError(
        "several filter subjects (use one filter subject or a wildcard)",
        "2.10.0",
        "2.9.10",
      ),
    );
    expect(() => assertOrderedConfig({ filter_subjects: "a" }, "2.9.10")).not.toThrow();
  });

  it("rejects bad names, subjects, push consumers and impossible backoff", () => {
    expect(() => assertConsumerConfig(null, "2.9.10")).toThrow(validation);
    expect(() => assertConsumerConfig({ durable_name: "a.b" }, "2.9.10")).toThrow(validation);
    expect(() => assertConsumerConfig({ name: "x", durable_name: "y" }, "2.9.10")).toThrow(
      validation,
    );
    expect(() => assertConsumerConfig({ deliver_subject: "in" }, "2.9.10")).toThrowError(/pull/);
    expect(() =>
      assertConsumerConfig({ filter_subject: "a", filter_subjects: ["b"] }, "2.9.10"),
    ).toThrow(validation);
    expect(() => assertConsumerConfig({ filter_subjects: [] }, "2.10.0")).toThrow(validation);
    expect(() => assertConsumerConfig({ filter_subject: "a b" }, "2.9.10")).toThrow(validation);
    expect(() => assertConsumerConfig({ ack_policy: "sometimes" as never }, "2.9.10")).toThrow(
      validation,
    );
    expect(() => assertConsumerConfig({ max_deliver: 0 }, "2.9.10")).toThrow(validation);
    expect(() => assertConsumerConfig({ max_deliver: -1 }, "2.9.10")).not.toThrow();
    expect(() => assertConsumerConfig({ backoff: [] }, "2.9.10")).toThrow(validation);
    expect(() =>
      assertConsumerConfig({ max_deliver: 2, backoff: [1e9, 2e9] }, "2.9.10"),
    ).toThrowError("max_deliver must be greater than the number of backoff steps");
    expect(() => assertConsumerConfig({ max_deliver: 2, backoffMs: [1, 2] }, "2.9.10")).toThrow(
      expect.objectContaining({ field: "backoffMs" }),
    );
  });

  it("refuses each push consumer field, naming it", () => {
    for (const field of [
      "deliver_subject",
      "deliver_group",
      "flow_control",
      "idle_heartbeat",
      "rate_limit_bps",
    ]) {
      expect(() => assertConsumerConfig({ [field]: 1 }, "2.9.10")).toThrow(
        expect.objectContaining({ code: "VALIDATION", field }),
      );
    }
  });

  it("checks durations: ms fields are positive integers, ns fields at least 1 ms, never both", () => {
    const ok = {
      ackWaitMs: 30_000,
      backoffMs: [1_000, 5_000],
      inactiveThresholdMs: 60_000,
      maxExpiresMs: 10_000,
      priorityTimeoutMs: 5_000,
    };
    expect(() => assertConsumerConfig(ok, "2.9.10")).not.toThrow();
    expect(() => assertConsumerConfig({ ack_wait: 0 }, "2.9.10")).not.toThrow();
    expect(() => assertConsumerConfig({ priority_timeout: 5 }, "2.9.10")).toThrowError(
      "priority_timeout is in nanoseconds, the server's unit: 5 is 5 ns, surely a unit mistake. Use priorityTimeoutMs (milliseconds) instead, or write the nanoseconds",
    );
    expect(() => assertConsumerConfig({ maxExpiresMs: 1.5 }, "2.9.10")).toThrowError(
      "maxExpiresMs must be a positive integer, got 1.5",
    );
    expect(() =>
      assertConsumerConfig({ inactiveThresholdMs: 1, inactive_threshold: 1e6 }, "2.9.10"),
    ).toThrowError(
      "set inactiveThresholdMs (milliseconds) or inactive_threshold (nanoseconds), not both",
    );
    expect(() => assertConsumerConfig({ backoff: [] }, "2.9.10")).toThrowError(
      "backoff must be a non-empty array of nanoseconds",
    );
    expect(() => assertConsumerConfig({ backoff: [1e6, 0] }, "2.9.10")).toThrowError(
      "backoff must be a positive integer, got 0",
    );
  });

  it("converts ms durations to the server's nanoseconds and leaves no ms field on the wire", () => {
    expect(
      normalizeConsumerConfig({
        durable_name: "w",
        ackWaitMs: 30_000,
        backoffMs: [1_000, 5_000],
        inactiveThresholdMs: 60_000,
        maxExpiresMs: 10_000,
        priorityTimeoutMs: 5_000,
      }),
    ).toEqual({
      durable_name: "w",
      ack_wait: 30_000_000_000,
      backoff: [1_000_000_000, 5_000_000_000],
      inactive_threshold: 60_000_000_000,
      max_expires: 10_000_000_000,
      priority_timeout: 5_000_000_000,
    });
    expect(normalizeConsumerConfig({ ack_wait: 5_000_000_000 })).toEqual({ ack_wait: 5e9 });
  });

  it("sends a one-subject array as filter_subject and a name as the durable name", () => {
    expect(normalizeConsumerConfig({ name: "w", filter_subjects: ["a.>"] })).toEqual({
      name: "w",
      durable_name: "w",
      filter_subject: "a.>",
    });
    expect(normalizeOrderedConfig({ filter_subjects: ["a"] })).toEqual({ filter_subjects: "a" });
    const input = { filter_subjects: ["a"] };
    normalizeConsumerConfig(input);
    expect(input).toEqual({ filter_subjects: ["a"] });
  });
});

describe("pull and consume options", () => {
  it("validates sizes, expiry and callbacks", () => {
    expect(() => assertPullOptions({})).not.toThrow();
    expect(() => assertPullOptions({ maxMessages: 10, expiresMs: 1_000 })).not.toThrow();
    expect(() => assertPullOptions({ maxMessages: 1, maxBytes: 1 })).toThrow(validation);
    expect(() => assertPullOptions({ expiresMs: 999 })).toThrowError(/expiresMs/);
    expect(() => assertPullOptions({ onStatus: 1 as never })).toThrow(validation);
    expect(() => assertConsumeOptions({ concurrency: 1.5 })).toThrow(validation);
    expect(() => assertConsumeOptions({ autoAck: "yes" as never })).toThrow(validation);
    expect(() => assertConsumeOptions({ onError: {} as never })).toThrow(validation);
    expect(() =>
      assertConsumeOptions({ concurrency: 8, nakDelayMs: (n) => n * 100 }),
    ).not.toThrow();
  });

  it("rejects a bad nakDelayMs option with ValidationError", () => {
    expect(() => assertNakDelay(-1)).toThrowError(/non-negative/);
    expect(() => assertNakDelay("5")).toThrowError(expect.objectContaining({ code: "VALIDATION" }));
    expect(() => assertNakDelay(0)).not.toThrow();
    expect(() => assertNakDelay(() => 1)).not.toThrow();
  });

  it("validates drain options", () => {
    expect(() => assertDrainOptions({})).not.toThrow();
    expect(() => assertDrainOptions({ timeoutMs: 5_000 })).not.toThrow();
    expect(() => assertDrainOptions({ timeoutMs: 0 })).toThrowError(
      "timeoutMs must be a positive integer, got 0",
    );
    expect(() => assertDrainOptions(null as never)).toThrowError("drain options must be an object");
  });
});
