import { describe, expect, it } from "vitest";
import { Semaphore } from "./semaphore.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("Semaphore", () => {
  it("grants up to size slots at once, then queues FIFO", async () => {
    const s = new Semaphore(2);
    expect(await s.acquire()).toBe(true);
    expect(await s.acquire()).toBe(true);
    expect(s.inUse).toBe(2);
    const order: number[] = [];
    const third = s.acquire().then(() => order.push(3));
    const fourth = s.acquire().then(() => order.push(4));
    await tick();
    expect(order).toEqual([]);
    s.release();
    await third;
    expect(order).toEqual([3]);
    expect(s.inUse).toBe(2);
    s.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(s.inUse).toBe(2);
  });

  it("never exceeds its size under churn", async () => {
    const s = new Semaphore(3);
    let max = 0;
    const work = Array.from({ length: 50 }, async () => {
      await s.acquire();
      max = Math.max(max, s.inUse);
      await tick();
      s.release();
    });
    await Promise.all(work);
    expect(max).toBe(3);
    expect(s.inUse).toBe(0);
  });

  it("whenIdle resolves once every slot is back", async () => {
    const s = new Semaphore(2);
    await expect(s.whenIdle()).resolves.toBeUndefined();
    await s.acquire();
    await s.acquire();
    let idle = false;
    const done = s.whenIdle().then(() => {
      idle = true;
    });
    s.release();
    await tick();
    expect(idle).toBe(false);
    s.release();
    await done;
    expect(idle).toBe(true);
  });

  it("a cancelled waiter is skipped and rejects with CancelledError naming the operation", async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const controller = new AbortController();
    const cancelled = s.acquire(controller.signal, "publishAsync");
    let granted = false;
    const next = s.acquire().then(() => {
      granted = true;
    });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({
      code: "CANCELLED",
      message: "publishAsync: cancelled while waiting for a free slot",
    });
    s.release();
    await next;
    expect(granted).toBe(true);
    expect(s.inUse).toBe(1);
    s.release();
    expect(s.inUse).toBe(0);
    await expect(s.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: "CANCELLED" });
    expect(s.inUse).toBe(0);
  });

  it("close() turns waiters away without a slot; holders still release", async () => {
    const s = new Semaphore(1);
    expect(await s.acquire()).toBe(true);
    const waiting = s.acquire();
    s.close();
    await expect(waiting).resolves.toBe(false);
    await expect(s.acquire()).resolves.toBe(false);
    expect(s.inUse).toBe(1);
    s.release();
    expect(s.inUse).toBe(0);
    await expect(s.whenIdle()).resolves.toBeUndefined();
  });

  it("tryAcquire takes a free slot at once, and none when full, queued behind or closed", async () => {
    const s = new Semaphore(1);
    expect(s.tryAcquire()).toBe(true);
    expect(s.tryAcquire()).toBe(false);
    expect(s.inUse).toBe(1);
    s.release();
    expect(s.inUse).toBe(0);
    s.close();
    expect(s.tryAcquire()).toBe(false);
    expect(s.inUse).toBe(0);
  });
});
