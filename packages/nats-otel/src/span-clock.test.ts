import { describe, expect, it } from "vitest";
import { SpanClock } from "./span-clock.js";

describe("SpanClock", () => {
  it("keeps the performance clock's order and fractions, within 2 ms of the wall clock", () => {
    const clock = new SpanClock();
    const a = performance.now();
    const b = a + 0.25;
    expect(clock.epochMs(b) - clock.epochMs(a)).toBeCloseTo(0.25, 9);
    expect(Math.abs(clock.epochMs(performance.now()) - Date.now())).toBeLessThanOrEqual(2);
  });

  it("follows the wall clock when it moves by more than 2 ms, checked at most once a second", () => {
    const clock = new SpanClock();
    const t0 = performance.now();
    const before = clock.epochMs(t0) - t0;
    const realNow = Date.now;
    try {
      // The wall clock was stepped a minute ahead (and stands still: no timing in the test).
      const stepped = realNow() + 60_000;
      Date.now = () => stepped;
      expect(clock.epochMs(t0 + 500) - (t0 + 500)).toBe(before); // not checked yet
      const later = t0 + 1_500;
      expect(clock.epochMs(later) - later).toBe(stepped - later);
    } finally {
      Date.now = realNow;
    }
  });
});
