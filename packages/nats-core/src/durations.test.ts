import { describe, expect, it } from "vitest";
import { assertNanos, msToNanos } from "./durations.js";
import { ValidationError } from "./errors.js";

function problem(value: unknown): string | undefined {
  try {
    assertNanos(value, "ack_wait", "ackWaitMs");
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: "ack_wait", value });
    return (err as Error).message;
  }
}

describe("assertNanos", () => {
  it("passes unset, zero and real durations", () => {
    expect(problem(undefined)).toBeUndefined();
    expect(problem(0)).toBeUndefined();
    expect(problem(1_000_000)).toBeUndefined();
    expect(problem(msToNanos(30_000))).toBeUndefined();
  });

  it("refuses what can only be milliseconds given as nanoseconds, naming the unit", () => {
    expect(problem(30_000)).toBe(
      "ack_wait is in nanoseconds, the server's unit: 30000 is 30 µs, surely a unit mistake. Use ackWaitMs (milliseconds) instead, or write the nanoseconds",
    );
    expect(problem(500)).toBe(
      "ack_wait is in nanoseconds, the server's unit: 500 is 500 ns, surely a unit mistake. Use ackWaitMs (milliseconds) instead, or write the nanoseconds",
    );
  });

  it("refuses what is not a whole number of nanoseconds", () => {
    expect(problem(-1)).toBe("ack_wait must be a whole number of nanoseconds, got -1");
    expect(problem(1.5e6 + 0.5)).toBe(
      "ack_wait must be a whole number of nanoseconds, got 1500000.5",
    );
    expect(problem("30s")).toBe("ack_wait must be a whole number of nanoseconds, got 30s");
  });

  it("msToNanos converts milliseconds", () => {
    expect(msToNanos(30_000)).toBe(30_000_000_000);
    expect(msToNanos(1.5)).toBe(1_500_000);
  });
});
