import { describe, expect, it } from "vitest";
import { Slots } from "./slots.js";

describe("Slots", () => {
  it("lets at most `size` holders in and hands slots over in order", async () => {
    const slots = new Slots(2);
    await slots.acquire();
    await slots.acquire();
    expect(slots.inUse).toBe(2);
    const order: number[] = [];
    const third = slots.acquire().then(() => order.push(3));
    const fourth = slots.acquire().then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await third;
    expect(order).toEqual([3]);
    slots.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(slots.inUse).toBe(2);
  });

  it("idle() resolves once every slot is released", async () => {
    const slots = new Slots(3);
    await slots.acquire();
    await slots.acquire();
    let idle = false;
    const done = slots.idle().then(() => {
      idle = true;
    });
    slots.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    slots.release();
    await done;
    expect(idle).toBe(true);
    await expect(new Slots(1).idle()).resolves.toBeUndefined();
  });

  it("close() turns waiters away without a slot; holders still release", async () => {
    const slots = new Slots(1);
    expect(await slots.acquire()).toBe(true);
    const waiting = slots.acquire();
    slots.close();
    await expect(waiting).resolves.toBe(false);
    await expect(slots.acquire()).resolves.toBe(false);
    expect(slots.inUse).toBe(1);
    slots.release();
    expect(slots.inUse).toBe(0);
    await expect(slots.idle()).resolves.toBeUndefined();
  });
  it("tryAcquire takes a free slot at once, and none when full or closed", () => {
    const slots = new Slots(1);
    expect(slots.tryAcquire()).toBe(true);
    expect(slots.tryAcquire()).toBe(false);
    expect(slots.inUse).toBe(1);
    slots.release();
    expect(slots.inUse).toBe(0);
    slots.close();
    expect(slots.tryAcquire()).toBe(false);
    expect(slots.inUse).toBe(0);
  });
});
