import { describe, expect, it } from "vitest";
import {
  assertConsumeOptions,
  assertConsumerConfig,
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
          backoff: [1, 2],
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
      validation,
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
    expect(() => assertConsumerConfig({ max_deliver: 2, backoff: [1, 2] }, "2.9.10")).toThrowError(
      /max_deliver/,
    );
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
});
