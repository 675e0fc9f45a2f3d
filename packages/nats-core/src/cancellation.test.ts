import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { abortable, sleep, throwIfAborted } from "./cancellation.js";
import { CancelledError } from "./errors.js";

describe("throwIfAborted", () => {
  it("does nothing without a signal or with a live one", () => {
    expect(() => throwIfAborted(undefined, "op")).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal, "op")).not.toThrow();
  });

  it("throws CancelledError naming the operation, with the abort reason as cause", () => {
    const reason = new Error("user left");
    let thrown: unknown;
    try {
      throwIfAborted(AbortSignal.abort(reason), "kv.get");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CancelledError);
    expect((thrown as CancelledError).message).toBe("kv.get: cancelled");
    expect((thrown as CancelledError).cause).toBe(reason);
  });
});

describe("abortable", () => {
  it("settles like the promise when the signal never aborts, and unhooks its listener", async () => {
    const controller = new AbortController();
    await expect(abortable(Promise.resolve(7), controller.signal, "op")).resolves.toBe(7);
    const failure = new Error("server said no");
    await expect(abortable(Promise.reject(failure), controller.signal, "op")).rejects.toBe(failure);
    // Aborting afterwards changes nothing: no late rejection reaches anyone.
    controller.abort();
  });

  it("rejects at once when the signal aborts first; the abandoned promise's failure is swallowed", async () => {
    const controller = new AbortController();
    let fail: (err: Error) => void = () => {};
    const pending = new Promise<number>((_, reject) => {
      fail = reject;
    });
    const raced = abortable(pending, controller.signal, "fetch");
    controller.abort();
    await expect(raced).rejects.toMatchObject({ code: "CANCELLED", message: "fetch: cancelled" });
    fail(new Error("late")); // would be an unhandled rejection if not swallowed
    await new Promise((resolve) => setImmediate(resolve));
  });

  it("rejects without waiting when the signal is already aborted", async () => {
    await expect(
      abortable(new Promise(() => {}), AbortSignal.abort(), "op"),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("sleep", () => {
  it("resolves after the delay, or rejects with CancelledError when aborted", async () => {
    await expect(sleep(1, undefined, "retry")).resolves.toBeUndefined();
    const longLived = new AbortController();
    for (let i = 0; i < 3; i++) await sleep(1, longLived.signal, "retry");
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(0);
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal, "retry");
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "CANCELLED" });
  });
});
