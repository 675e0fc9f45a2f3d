import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue.js";

describe("AsyncQueue", () => {
  it("delivers pushed items in order, to a waiting reader too", async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    const waiting = (async () => {
      const got: number[] = [];
      for await (const n of q) got.push(n);
      return got;
    })();
    q.push(2);
    await Promise.resolve();
    q.push(3);
    q.end();
    expect(await waiting).toEqual([1, 2, 3]);
  });

  it("fails after the buffered items", async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.fail(new Error("boom"));
    expect(await q.next()).toEqual({ value: 1, done: false });
    await expect(q.next()).rejects.toThrow("boom");
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it("fails a waiting reader", async () => {
    const q = new AsyncQueue<number>();
    const next = q.next();
    q.fail(new Error("gone"));
    await expect(next).rejects.toThrow("gone");
    // reported once, then the iteration is over
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it("clear drops buffered items and ends; pushes after the end are ignored", async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.clear();
    q.push(2);
    expect(q.done).toBe(true);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });
});
