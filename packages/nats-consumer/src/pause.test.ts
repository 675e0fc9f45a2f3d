import { UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { withPauseState } from "./handle.js";
import {
  assertConsumerConfig,
  assertPauseUntil,
  normalizeConsumerConfig,
  requirePause,
} from "./validation.js";

const HOUR = 3_600_000;

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("pause date validation", () => {
  it("accepts a date in the future", () => {
    expect(() => assertPauseUntil(new Date(Date.now() + HOUR), "until")).not.toThrow();
  });

  it("refuses a date that is now or past, naming the field", () => {
    const now = 1_700_000_000_000;
    for (const until of [new Date(now), new Date(now - 1)]) {
      const err = thrown(() => assertPauseUntil(until, "until", now));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({
        code: "VALIDATION",
        field: "until",
        message: "until must be in the future (to resume a paused consumer, call resume())",
      });
    }
  });

  it("refuses what is not a valid Date", () => {
    for (const until of [undefined, "2099-01-01", Date.now() + HOUR, new Date("nope")]) {
      expect(thrown(() => assertPauseUntil(until, "until"))).toMatchObject({
        code: "VALIDATION",
        message: "until must be a valid Date",
      });
    }
  });
});

describe("requirePause", () => {
  it("passes 2.11 and newer, refuses older servers with UnsupportedFeatureError", () => {
    expect(() => requirePause("2.11.0")).not.toThrow();
    expect(() => requirePause("2.15.3")).not.toThrow();
    const err = thrown(() => requirePause("2.10.22"));
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect(err).toMatchObject({
      feature: "consumer pause",
      requires: "2.11.0",
      serverVersion: "2.10.22",
    });
  });
});

describe("a consumer config that starts paused", () => {
  const future = new Date(Date.now() + HOUR);

  it("takes pauseUntil or pause_until (Date or ISO string) on 2.11+", () => {
    expect(() => assertConsumerConfig({ pauseUntil: future }, "2.11.1")).not.toThrow();
    expect(() => assertConsumerConfig({ pause_until: future }, "2.11.1")).not.toThrow();
    expect(() =>
      assertConsumerConfig({ pause_until: future.toISOString() }, "2.11.1"),
    ).not.toThrow();
  });

  it("sends pause_until as an ISO string", () => {
    const iso = future.toISOString();
    expect(normalizeConsumerConfig({ durable_name: "w", pauseUntil: future })).toEqual({
      durable_name: "w",
      pause_until: iso,
    });
    expect(normalizeConsumerConfig({ pause_until: future })).toEqual({ pause_until: iso });
    expect(normalizeConsumerConfig({ pause_until: iso })).toEqual({ pause_until: iso });
  });

  it("refuses both fields, a past date, a bad string", () => {
    expect(
      thrown(() => assertConsumerConfig({ pauseUntil: future, pause_until: future }, "2.11.1")),
    ).toMatchObject({ field: "pauseUntil", message: "set pauseUntil or pause_until, not both" });
    expect(
      thrown(() => assertConsumerConfig({ pauseUntil: new Date(Date.now() - 1) }, "2.11.1")),
    ).toMatchObject({ code: "VALIDATION", field: "pauseUntil" });
    expect(thrown(() => assertConsumerConfig({ pause_until: "soon" }, "2.11.1"))).toMatchObject({
      code: "VALIDATION",
      field: "pause_until",
      message: "pause_until must be a valid Date",
    });
  });

  it("is refused before 2.11 with UnsupportedFeatureError, after the date is checked", () => {
    expect(thrown(() => assertConsumerConfig({ pauseUntil: future }, "2.9.10"))).toBeInstanceOf(
      UnsupportedFeatureError,
    );
    expect(
      thrown(() => assertConsumerConfig({ pauseUntil: new Date(0) }, "2.9.10")),
    ).toBeInstanceOf(ValidationError);
    // Not starting paused is fine on any server.
    expect(() => assertConsumerConfig({ durable_name: "w" }, "2.9.10")).not.toThrow();
  });
});

describe("withPauseState", () => {
  const base = { name: "w", stream_name: "S" } as never;

  it("reports the remaining pause in milliseconds while paused", () => {
    expect(
      withPauseState({
        ...(base as object),
        paused: true,
        pause_remaining: 90_000_000_000,
      } as never),
    ).toMatchObject({ paused: true, pauseRemainingMs: 90_000 });
  });

  it("reports not paused for a running consumer and an old server", () => {
    expect(
      withPauseState({ ...(base as object), paused: false, pause_remaining: 0 } as never),
    ).toMatchObject({
      paused: false,
      pauseRemainingMs: undefined,
    });
    expect(withPauseState(base)).toMatchObject({ paused: false, pauseRemainingMs: undefined });
  });
});
