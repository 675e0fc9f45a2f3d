import { describe, expect, it } from "vitest";
import { PublishWindow } from "./publish-window.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("PublishWindow", () => {
  it("grants up to size slots at once, then queues FIFO", async () => {
    const w = new PublishWindow(2);
    await w.acquire();
    await w.acquire();
    expect(w.inUse).toBe(2);
    const order: number[] = [];
    const third = w.acquire().then(() => order.push(3));
    const fourth = w.acquire().then(() => order.push(4));
    await tick();
    expect(order).toEqual([]);
    w.release();
    await third;
    expect(order).toEqual([3]);
    expect(w.inUse).toBe(2);
    w.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(w.inUse).toBe(2);
  });

  it("never exceeds its size under churn", async () => {
    const w = new PublishWindow(3);
    let max = 0;
    const work = Array.from({ length: 50 }, async () => {
      await w.acquire();
      max = Math.max(max, w.inUse);
      await tick();
      w.release();
    });
    await Promise.all(work);
    expect(max).toBe(3);
    expect(w.inUse).toBe(0);
  });

  it("whenIdle resolves once every slot is back", async () => {
    const w = new PublishWindow(2);
    await expect(w.whenIdle()).resolves.toBeUndefined();
    await w.acquire();
    await w.acquire();
    let idle = false;
    const done = w.whenIdle().then(() => {
      idle = true;
    });
    w.release();
    await tick();
    expect(idle).toBe(false);
    w.release();
    await done;
    expect(idle).toBe(true);
  });

  it("a cancelled waiter is skipped and rejects with CancelledError", async () => {
    const w = new PublishWindow(1);
    await w.acquire();
    const controller = new AbortController();
    const cancelled = w.acquire(controller.signal);
    let granted = false;
    const next = w.acquire().then(() => {
      granted = true;
    });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: "CANCELLED" });
    w.release();
    await next;
    expect(granted).toBe(true);
    expect(w.inUse).toBe(1);
    w.release();
    expect(w.inUse).toBe(0);
    await expect(w.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: "CANCELLED" });
    expect(w.inUse).toBe(0);
  });
});
