import { describe, expect, it } from "vitest";
import { InitialValues } from "./initial-values.js";

describe("InitialValues", () => {
  it("flags every one of the counted entries as initial, then updates", () => {
    const t = new InitialValues(3);
    expect([t.next(2), t.next(1)]).toEqual([false, false]);
    expect(t.done).toBe(false);
    expect(t.next(0)).toBe(false); // the client says true here: off by one
    expect(t.done).toBe(true);
    expect([t.next(0), t.next(0)]).toEqual([true, true]);
    expect(t.done).toBe(true);
  });

  it("a single initial value is initial", () => {
    const t = new InitialValues(1);
    expect(t.next(0)).toBe(false);
    expect(t.next(0)).toBe(true);
  });

  it("with nothing to deliver, every entry is an update and it is done at once", () => {
    const t = new InitialValues(0);
    expect(t.done).toBe(true);
    expect(t.next(0)).toBe(true);
  });

  it("nothing pending ends the initial phase early (superseded values)", () => {
    const t = new InitialValues(5);
    expect(t.next(0)).toBe(false);
    expect(t.done).toBe(true);
    expect(t.next(0)).toBe(true);
  });

  it("updates arriving during the initial delivery count as initial until pending reaches 0", () => {
    const t = new InitialValues(Number.POSITIVE_INFINITY);
    expect([t.next(3), t.next(2), t.next(0), t.next(0)]).toEqual([false, false, false, true]);
  });

  it("finish() ends the initial phase before the count (an initial entry expired)", () => {
    const t = new InitialValues(3);
    expect(t.next(2)).toBe(false);
    t.finish();
    expect(t.done).toBe(true);
    expect(t.next(0)).toBe(true);
  });
});
