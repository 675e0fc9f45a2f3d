import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import { assertInteger, assertOptionalInteger } from "./integers.js";

describe("assertInteger", () => {
  it("accepts safe integers in range", () => {
    expect(() => assertInteger(1, "batch")).not.toThrow();
    expect(() => assertInteger(0, "keep", 0)).not.toThrow();
    expect(() => assertInteger(5, "n", 1, 5)).not.toThrow();
  });

  it("says what was expected and what came, naming the field", () => {
    const cases: [unknown, number, number | undefined, string][] = [
      [0, 1, undefined, "batch must be a positive integer, got 0"],
      [-1, 0, undefined, "batch must be a non-negative integer, got -1"],
      [1.5, 1, undefined, "batch must be a positive integer, got 1.5"],
      ["3", 1, undefined, "batch must be a positive integer, got 3"],
      [2 ** 53, 1, undefined, "batch must be a positive integer, got 9007199254740992"],
      [-2, -1, undefined, "batch must be an integer of at least -1, got -2"],
      [6, 1, 5, "batch must be an integer from 1 to 5, got 6"],
    ];
    for (const [value, min, max, message] of cases) {
      let caught: unknown;
      try {
        assertInteger(value, "batch", min, max);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).message).toBe(message);
      expect((caught as ValidationError).field).toBe("batch");
    }
  });

  it("assertOptionalInteger lets undefined through and checks the rest", () => {
    expect(() => assertOptionalInteger(undefined, "n")).not.toThrow();
    expect(() => assertOptionalInteger(0, "n")).toThrow("n must be a positive integer, got 0");
  });
});
