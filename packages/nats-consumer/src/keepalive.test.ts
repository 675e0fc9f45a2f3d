import { ConfigError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { keepAliveInterval } from "./keepalive.js";

/** The message of a refused interval. */
const tooLong = (intervalMs: number, ackWaitMs: number): string =>
  `keepAlive.intervalMs (${intervalMs} ms) must be at most half the consumer's ack_wait (${ackWaitMs} ms): a late beat would let the server redeliver a message whose handler is still running; leave it out for a third of ack_wait`;

/** The ConfigError `keepAliveInterval` throws, as its message and reasons' paths. */
function refusal(intervalMs: number, ackWaitNanos: number | undefined): ConfigError {
  let caught: unknown;
  try {
    keepAliveInterval({ intervalMs }, ackWaitNanos);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

describe("keepAliveInterval against the consumer's ack_wait", () => {
  it("an intervalMs over half of ack_wait is refused: a late beat would let the server redeliver behind the handler", () => {
    const err = refusal(2_000, 2_000_000_000);
    expect(err.reasons.map((r) => r.path.join("."))).toEqual(["keepAlive.intervalMs"]);
    expect(err.message).toBe(
      `Invalid consume options:\n  - ${tooLong(2_000, 2_000)} (at Config > keepAlive > intervalMs)`,
    );
    expect(refusal(5_000, 1_500_000_000).reasons[0]?.message).toBe(tooLong(5_000, 1_500));
    expect(refusal(1_001, 2_000_000_000).reasons[0]?.message).toBe(tooLong(1_001, 2_000));
  });

  it("without an ack_wait in the config, the server's default 30 s is the bound", () => {
    expect(refusal(15_001, undefined).reasons[0]?.message).toBe(tooLong(15_001, 30_000));
    expect(keepAliveInterval({ intervalMs: 15_000 }, undefined)).toBe(15_000);
  });

  it("an intervalMs up to half of ack_wait is taken as is; the defaults and false are unchanged", () => {
    expect(keepAliveInterval({ intervalMs: 1_000 }, 2_000_000_000)).toBe(1_000);
    expect(keepAliveInterval({}, 2_000_000_000)).toBe(666);
    expect(keepAliveInterval(true, 2_000_000_000)).toBe(666);
    expect(keepAliveInterval(false, 2_000_000_000)).toBeUndefined();
    // off: an interval is not checked when keepAlive is false
    expect(keepAliveInterval(false, 1_000_000)).toBeUndefined();
  });
});
