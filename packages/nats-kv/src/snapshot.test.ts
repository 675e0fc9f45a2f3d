import type { KV, KvEntry } from "@nats-io/kv";
import { describe, expect, it } from "vitest";
import { readSnapshot } from "./snapshot.js";

/**
 * A client bucket whose watch counted `counted` entries at creation but delivers only
 * `delivered` (the others expired before delivery), then nothing; its consumer's live
 * `num_pending` is `pendingNow`.
 */
function bucketWith(counted: number, delivered: KvEntry[], pendingNow: number) {
  const calls = { info: 0, stopped: 0 };
  const iter = {
    _data: {
      info: async (cached: boolean) => {
        if (!cached) calls.info++;
        return { num_pending: cached ? counted : pendingNow };
      },
    },
    stop: () => {
      calls.stopped++;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (const e of delivered) yield e;
      // then nothing, until stopped
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    },
  };
  let wake: (() => void) | undefined;
  const kv = { watch: async () => iter } as unknown as KV;
  return { kv, calls };
}

const entry = (key: string, delta: number) => ({ key, delta, operation: "PUT" }) as KvEntry;

describe("readSnapshot", () => {
  it("ends when the consumer has nothing pending although fewer entries came than counted", async () => {
    const { kv, calls } = bucketWith(3, [entry("a", 2), entry("b", 1)], 0);
    expect(await readSnapshot(kv, { key: ">" }, undefined, (e) => e.key)).toEqual(["a", "b"]);
    expect(calls).toEqual({ info: 1, stopped: 1 });
  });

  it("ends on the counted entries, or on one with nothing pending after it, without asking", async () => {
    const counted = bucketWith(2, [entry("a", 5), entry("b", 5)], 0);
    expect(await readSnapshot(counted.kv, { key: ">" }, undefined, (e) => e.key)).toEqual([
      "a",
      "b",
    ]);
    const last = bucketWith(5, [entry("a", 0)], 0);
    expect(await readSnapshot(last.kv, { key: ">" }, undefined, (e) => e.key)).toEqual(["a"]);
    expect([counted.calls.info, last.calls.info]).toEqual([0, 0]);
  });

  it("leaves out what map leaves out, and reads nothing when nothing was counted", async () => {
    const { kv } = bucketWith(2, [entry("a", 1), entry("b", 0)], 0);
    const keys = await readSnapshot(kv, { key: ">" }, undefined, (e) =>
      e.key === "a" ? undefined : e.key,
    );
    expect(keys).toEqual(["b"]);
    const empty = bucketWith(0, [entry("never", 0)], 0);
    expect(await readSnapshot(empty.kv, { key: ">" }, undefined, (e) => e.key)).toEqual([]);
    expect(empty.calls.stopped).toBe(1);
  });
});
