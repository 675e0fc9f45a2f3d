import { describe, expect, it } from "vitest";
import { defaultNakDelay, nakDelayFor } from "./nak-delay.js";

describe("nak delay", () => {
  it("defaults to 1 s doubling per delivery, capped at 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(defaultNakDelay)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("uses a fixed number or a function of the delivery count", () => {
    expect(nakDelayFor(250, 3)).toBe(250);
    expect(nakDelayFor((n) => n * 10, 3)).toBe(30);
    expect(nakDelayFor(undefined, 2)).toBe(2_000);
  });

  it("never yields a negative or non-finite delay", () => {
    expect(nakDelayFor(() => -5, 1)).toBe(0);
    expect(nakDelayFor(() => Number.NaN, 1)).toBe(0);
  });
});
