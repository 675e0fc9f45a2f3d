import { ConfigError, DecodeError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import {
  deadLetterReasons,
  deadLetterTarget,
  errorTypeOf,
  safeErrorMessage,
} from "./dead-letter.js";
import { assertHandlingOptions, decideFailure, type FailurePolicy } from "./failure-policy.js";
import { keepAliveInterval } from "./keepalive.js";
import { RetryPolicy } from "./retry.js";

describe("dead-letter targets and headers", () => {
  it("the default stream and subject; a named stream is not created", () => {
    expect(deadLetterTarget(true, "ORDERS", "billing")).toEqual({
      stream: "DEAD_LETTERS_ORDERS",
      subject: "$helix.dlq.ORDERS.billing",
      create: true,
    });
    expect(deadLetterTarget({ stream: "DLQ", subject: "dlq.orders" }, "ORDERS", "b")).toEqual({
      stream: "DLQ",
      subject: "dlq.orders",
      create: false,
    });
    expect(deadLetterTarget(false, "ORDERS", "b")).toBeUndefined();
    expect(deadLetterTarget(undefined, "ORDERS", "b")).toBeUndefined();
  });

  it("an error message fit for a header: one line, credentials masked, at most 256 characters", () => {
    expect(safeErrorMessage(new Error("down\nat nats://alice:s3cret@host:4222 now"))).toBe(
      "down at nats://***@host:4222 now",
    );
    const long = safeErrorMessage(new Error("x".repeat(300)));
    expect([long.length, long.endsWith("...")]).toEqual([256, true]);
    expect(safeErrorMessage("thrown string")).toBe("thrown string");
  });

  it("error types: a helix code, else the class name", () => {
    expect(errorTypeOf(new DecodeError("bad", { subject: "a" }))).toBe("DECODE");
    expect(errorTypeOf(new RangeError("x"))).toBe("RangeError");
    expect(errorTypeOf(42)).toBe("number");
  });

  it("deadLetter option problems, each with its path", () => {
    expect(
      deadLetterReasons({ stream: "a b", subject: "x.>", extra: 1 }).map((r) => r.path.join(".")),
    ).toEqual(["deadLetter.stream", "deadLetter.subject", "deadLetter.extra"]);
    expect(deadLetterReasons("yes").map((r) => r.path.join("."))).toEqual(["deadLetter"]);
    expect(deadLetterReasons(true)).toEqual([]);
  });
});

describe("the failure decision", () => {
  const policy = (deadLetters: boolean, maxDeliver?: number): FailurePolicy => ({
    retry: new RetryPolicy({ delaysMs: [100] }, undefined, { max_deliver: maxDeliver }),
    deadLetters: deadLetters ? ({} as FailurePolicy["deadLetters"]) : undefined,
    keepAliveMs: undefined,
    timeoutMs: undefined,
  });
  const decode = new DecodeError("bad", { subject: "a" });

  it("permanent: dead letter, else term; last delivery: dead letter, else nak; otherwise nak", () => {
    expect(decideFailure(policy(true), 1, decode, () => 100)).toEqual({
      action: "deadletter",
      reason: "permanent",
    });
    expect(decideFailure(policy(false), 1, decode, () => 100)).toEqual({
      action: "term",
      reason: "permanent",
    });
    expect(decideFailure(policy(true, 3), 3, new Error("x"), () => 100)).toEqual({
      action: "deadletter",
      reason: "max_deliver",
    });
    expect(decideFailure(policy(false, 3), 3, new Error("x"), () => 100)).toEqual({
      action: "nak",
      delayMs: 100,
    });
    expect(decideFailure(policy(true, 3), 2, new Error("x"), () => 100)).toEqual({
      action: "nak",
      delayMs: 100,
    });
  });

  it("assertHandlingOptions: one ConfigError with every problem", () => {
    expect(() => assertHandlingOptions({ timeoutMs: 0, keepAlive: "on" as never })).toThrow(
      ConfigError,
    );
    try {
      assertHandlingOptions({ timeoutMs: 0, keepAlive: "on" as never });
    } catch (err) {
      expect((err as ConfigError).reasons.map((r) => r.path.join("."))).toEqual([
        "keepAlive",
        "timeoutMs",
      ]);
    }
  });

  it("assertHandlingOptions: schema and health problems join the same ConfigError", () => {
    let caught: unknown;
    try {
      assertHandlingOptions({
        timeoutMs: 0,
        schema: {} as never,
        health: { intervalMs: 5 },
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).reasons.map((r) => r.path.join("."))).toEqual([
      "timeoutMs",
      "schema",
      "health.intervalMs",
    ]);
    expect(() => assertHandlingOptions({ health: true, schema: undefined })).not.toThrow();
  });

  it("keepalive: a third of ack_wait, at least 100 ms; off with false", () => {
    expect(keepAliveInterval(undefined, 2_000_000_000)).toBe(666);
    expect(keepAliveInterval(undefined, undefined)).toBe(10_000);
    expect(keepAliveInterval(true, 150_000_000)).toBe(100);
    expect(keepAliveInterval({ intervalMs: 250 }, 2_000_000_000)).toBe(250);
    expect(keepAliveInterval(false, 2_000_000_000)).toBeUndefined();
  });
});
