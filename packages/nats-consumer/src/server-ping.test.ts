import { describe, expect, it } from "vitest";
import { serverAnswers } from "./server-ping.js";

describe("serverAnswers", () => {
  it("is true when the flush (PING/PONG) completes in time", async () => {
    await expect(serverAnswers({ flush: () => Promise.resolve() }, 1_000)).resolves.toBe(true);
  });

  it("is false when the PONG does not come in time (a frozen server)", async () => {
    const never = { flush: () => new Promise<void>(() => {}) };
    await expect(serverAnswers(never, 20)).resolves.toBe(false);
  });

  it("is false when the flush fails (a closed connection)", async () => {
    const closed = { flush: () => Promise.reject(new Error("closed")) };
    await expect(serverAnswers(closed, 1_000)).resolves.toBe(false);
  });
});
