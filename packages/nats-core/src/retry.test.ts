import { describe, expect, it } from "vitest";
import { retryDelay } from "./retry.js";

const settings = { initialDelayMs: 100, maxDelayMs: 1000 };

describe("retryDelay", () => {
  it("doubles from the initial delay and caps at the maximum", () => {
    const full = (retry: number) => retryDelay(retry, settings, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(full)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("jitters between half and all of the delay", () => {
    expect(retryDelay(3, settings, () => 0)).toBe(200);
    expect(retryDelay(3, settings, () => 0.5)).toBe(300);
    for (let i = 0; i < 100; i++) {
      const d = retryDelay(2, settings);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
  });

  it("is zero when the initial delay is zero", () => {
    expect(retryDelay(4, { initialDelayMs: 0, maxDelayMs: 0 })).toBe(0);
  });
});
