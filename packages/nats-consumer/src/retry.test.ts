import {
  ConnectionError,
  DecodeError,
  NotFoundError,
  TimeoutError,
  ValidationError,
} from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { isPermanentError, RetryPolicy, retryReasons } from "./retry.js";

describe("RetryPolicy", () => {
  it("a schedule by delivery count; its last delay repeats", () => {
    const p = new RetryPolicy({ delaysMs: [1000, 5000, 30000] }, undefined, {});
    expect([1, 2, 3, 4, 9].map((n) => p.delayMs(n))).toEqual([1000, 5000, 30000, 30000, 30000]);
  });

  it("exponential with a cap, and jitter taking off up to its share", () => {
    const none = new RetryPolicy(
      { initialDelayMs: 100, multiplier: 2, maxDelayMs: 500 },
      undefined,
      {},
    );
    expect([1, 2, 3, 4, 5].map((n) => none.delayMs(n))).toEqual([100, 200, 400, 500, 500]);
    const jittered = new RetryPolicy({ initialDelayMs: 1000, jitter: 0.5 }, undefined, {}, () => 1);
    expect(jittered.delayMs(1)).toBe(500);
    const low = new RetryPolicy({ initialDelayMs: 1000, jitter: 0.5 }, undefined, {}, () => 0);
    expect(low.delayMs(1)).toBe(1000);
  });

  it("the consumer's backoff (ns) wins unless useConsumerBackoff is false; max_deliver marks the last delivery", () => {
    const config = { backoff: [150_000_000, 400_000_000], max_deliver: 4 };
    const p = new RetryPolicy({ delaysMs: [9] }, undefined, config);
    expect([1, 2, 3].map((n) => p.delayMs(n))).toEqual([150, 400, 400]);
    expect([3, 4].map((n) => p.isLastDelivery(n))).toEqual([false, true]);
    const own = new RetryPolicy({ delaysMs: [9], useConsumerBackoff: false }, undefined, config);
    expect(own.delayMs(1)).toBe(9);
    expect(new RetryPolicy(undefined, undefined, { max_deliver: -1 }).isLastDelivery(1e9)).toBe(
      false,
    );
  });

  it("without retry: nakDelayMs, else the default (1 s doubling, 30 s cap)", () => {
    expect(new RetryPolicy(undefined, 250, {}).delayMs(3)).toBe(250);
    expect([1, 2, 7].map((n) => new RetryPolicy(undefined, undefined, {}).delayMs(n))).toEqual([
      1000, 2000, 30000,
    ]);
  });
});

describe("isPermanentError", () => {
  it("helix errors that are not retryable, except a run ending; never a plain Error", () => {
    expect(isPermanentError(new DecodeError("x", { subject: "a" }))).toBe(true);
    expect(isPermanentError(new ValidationError("f", "x"))).toBe(true);
    expect(isPermanentError(new NotFoundError("stream", "S"))).toBe(true);
    expect(isPermanentError(new TimeoutError("x"))).toBe(false);
    expect(isPermanentError(new ConnectionError("closed", { code: "CONNECTION_CLOSED" }))).toBe(
      false,
    );
    expect(isPermanentError(new Error("x"))).toBe(false);
    expect(isPermanentError("a string")).toBe(false);
  });
});

describe("retryReasons", () => {
  it("lists every problem with its path", () => {
    expect(
      retryReasons(
        { initialDelayMs: 500, maxDelayMs: 100, multiplier: "2", useConsumerBackoff: 1, typo: 1 },
        undefined,
      ).map((r) => [r.path.join("."), r.message]),
    ).toEqual([
      ["retry.multiplier", "retry.multiplier must be a number of at least 1"],
      ["retry.maxDelayMs", "retry.maxDelayMs must be at least retry.initialDelayMs"],
      ["retry.useConsumerBackoff", "retry.useConsumerBackoff must be a boolean"],
      ["retry.typo", 'unknown retry option "typo"'],
    ]);
    expect(retryReasons(undefined, 10)).toEqual([]);
    expect(retryReasons({ delaysMs: [] }, undefined).map((r) => r.path.join("."))).toEqual([
      "retry.delaysMs",
    ]);
  });
});
