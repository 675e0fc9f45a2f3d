import { describe, expect, it } from "vitest";
import { SendBatch } from "./publish-batch.js";

describe("SendBatch", () => {
  it("releases every send that joined before the next macrotask together, in join order", async () => {
    const batch = new SendBatch();
    const order: string[] = [];
    const first = batch.join();
    expect(batch.join()).toBe(first);
    expect(batch.pending).toBe(first);
    const sends = ["a", "b", "c"].map(async (name) => {
      await batch.join();
      order.push(name);
    });
    // microtasks alone never release the turn
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(order).toEqual([]);
    await Promise.all(sends);
    expect(order).toEqual(["a", "b", "c"]);
    expect(batch.pending).toBeUndefined();
  });

  it("starts a new turn once the previous one was released", async () => {
    const batch = new SendBatch();
    const first = batch.join();
    await first;
    const second = batch.join();
    expect(second).not.toBe(first);
    await second;
  });
});
