import { uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import type { KeyValue, KeyValueWatchEntry, KeyValueWatcher } from "../src/index.js";
import { kvSuite } from "./helpers.js";

const url = inject("natsUrl");

/**
 * Reads `count` entries from a watcher without ending it (a `break` out of `for await` would stop
 * the watch). The test timeout bounds the wait.
 */
async function take(watcher: KeyValueWatcher, count: number): Promise<KeyValueWatchEntry[]> {
  const iterator = watcher[Symbol.asyncIterator]();
  const seen: KeyValueWatchEntry[] = [];
  while (seen.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    seen.push(next.value);
  }
  return seen;
}

describe("KeyValue watch: what a watch delivers", () => {
  const suite = kvSuite(url);

  async function bucket(history = 10): Promise<KeyValue> {
    return suite.kvm.create({ bucket: uniqueName("watch"), history });
  }

  it("a watcher started before 100 puts sees all 100 updates, in order, each flagged update", async () => {
    const kv = await bucket();
    const watcher = await kv.watchAll();
    expect(watcher.initialCount).toBe(0);
    await watcher.initialized;
    const seen = take(watcher, 100);
    const written: number[] = [];
    for (let i = 0; i < 100; i++) written.push(await kv.put(`k.${i % 7}`, { i }));
    const entries = await seen;
    expect(entries.map((e) => e.json<{ i: number }>().i)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(entries.map((e) => e.revision)).toEqual(written);
    expect(entries.every((e) => e.isUpdate)).toBe(true);
    expect(entries.every((e) => e.bucket === kv.bucket && e.operation === "PUT")).toBe(true);
  });

  it("flags the initial values as initial, every one of them, then live updates as updates", async () => {
    const kv = await bucket();
    await kv.put("a", "1");
    await kv.put("b", "1");
    await kv.put("c", "1");
    const watcher = await kv.watchAll();
    expect(watcher.initialCount).toBe(3);
    const initial = await take(watcher, 3);
    expect(initial.map((e) => [e.key, e.isUpdate])).toEqual([
      ["a", false],
      ["b", false],
      ["c", false],
    ]);
    // the raw client flags the last initial value as an update (off by one): we do not
    expect(initial.at(-1)?.delta).toBe(0);
    // asking for the next entry is what tells the watcher the last initial one was handled
    const reading = take(watcher, 2);
    await watcher.initialized;
    await kv.put("d", "live");
    await kv.delete("a");
    const live = await reading;
    expect(live.map((e) => [e.key, e.operation, e.isUpdate])).toEqual([
      ["d", "PUT", true],
      ["a", "DEL", true],
    ]);
    watcher.stop();
    await watcher.closed;
  });

  it("a single initial value is initial (where the raw client says update)", async () => {
    const kv = await bucket();
    await kv.put("only", "1");
    const raw = await kv.raw.watch({ key: ">" });
    const rawFirst = await raw[Symbol.asyncIterator]().next();
    raw.stop();
    expect(rawFirst.value?.isUpdate).toBe(true);

    const watcher = await kv.watch("only");
    const [first] = await take(watcher, 1);
    expect(first).toMatchObject({ key: "only", isUpdate: false });
    const reading = take(watcher, 1);
    await watcher.initialized;
    watcher.stop();
    expect(await reading).toEqual([]);
  });

  it("watch filters keys; ignoreDeletes skips markers, which still count as initial", async () => {
    const kv = await bucket();
    await kv.put("orders.1", "a");
    await kv.put("orders.2", "b");
    await kv.delete("orders.2");
    await kv.put("users.1", "c");
    const watcher = await kv.watch("orders.*", { ignoreDeletes: true });
    expect(watcher.initialCount).toBe(2);
    const first = await take(watcher, 1);
    expect(first.map((e) => [e.key, e.isUpdate])).toEqual([["orders.1", false]]);
    const reading = take(watcher, 1);
    await watcher.initialized;
    await kv.put("users.2", "ignored by the filter");
    await kv.delete("orders.1");
    await kv.put("orders.3", "d");
    const live = await reading;
    expect(live.map((e) => [e.key, e.operation, e.isUpdate])).toEqual([["orders.3", "PUT", true]]);
    watcher.stop();
  });

  it("ignoreDeletes skips purge markers too (the client skips only delete markers)", async () => {
    const kv = await bucket();
    await kv.put("p.1", "a");
    await kv.purge("p.1");
    await kv.put("p.2", "b");
    const watcher = await kv.watch("p.*", { ignoreDeletes: true });
    expect(watcher.initialCount).toBe(2);
    const [first] = await take(watcher, 1);
    expect(first).toMatchObject({ key: "p.2", operation: "PUT", isUpdate: false });
    const reading = take(watcher, 1);
    await watcher.initialized;
    await kv.purge("p.2");
    await kv.delete("p.2");
    await kv.put("p.3", "c");
    const [live] = await reading;
    expect(live).toMatchObject({ key: "p.3", operation: "PUT", isUpdate: true });
    watcher.stop();
  });

  it("includeHistory delivers every stored entry first; updatesOnly none", async () => {
    const kv = await bucket();
    await kv.put("h", "1");
    await kv.put("h", "2");
    await kv.put("h", "3");
    const history = await kv.watch("h", { includeHistory: true });
    expect(history.initialCount).toBe(3);
    const all = await take(history, 3);
    expect(all.map((e) => [e.string(), e.isUpdate])).toEqual([
      ["1", false],
      ["2", false],
      ["3", false],
    ]);
    history.stop();

    const updates = await kv.watch("h", { updatesOnly: true });
    expect(updates.initialCount).toBe(0);
    await updates.initialized;
    await kv.put("h", "4");
    const [next] = await take(updates, 1);
    expect(next).toMatchObject({ isUpdate: true });
    expect(next?.string()).toBe("4");
    updates.stop();
  });

  it("a watcher resumed from a revision sees only what came after it", async () => {
    const kv = await bucket(64);
    const first = await kv.watchAll();
    const revisions: number[] = [];
    for (let i = 0; i < 20; i++) revisions.push(await kv.put("r", String(i)));
    const seen = await take(first, 10);
    first.stop();
    const last = seen.at(-1)?.revision ?? 0;
    expect(last).toBe(revisions[9]);

    const resumed = await kv.watchAll({ resumeFromRevision: last + 1 });
    expect(resumed.initialCount).toBe(10);
    const rest = await take(resumed, 10);
    expect(rest.map((e) => e.revision)).toEqual(revisions.slice(10));
    expect(rest.every((e) => e.revision > last)).toBe(true);
    await kv.put("r", "live");
    const [live] = await take(resumed, 1);
    expect(live).toMatchObject({ isUpdate: true });
    expect(live?.string()).toBe("live");
    resumed.stop();
  });

  it("metaOnly delivers entries without values", async () => {
    const kv = await bucket();
    await kv.put("m", "a value");
    const watcher = await kv.watch("m", { metaOnly: true });
    const [entry] = await take(watcher, 1);
    expect(entry?.key).toBe("m");
    expect(entry?.value.length).toBe(0);
    watcher.stop();
  });

  it("validates watch options before any I/O", async () => {
    const kv = await bucket();
    await expect(kv.watchAll({ includeHistory: true, updatesOnly: true })).rejects.toThrow(
      /cannot be combined/,
    );
    await expect(kv.watchAll({ resumeFromRevision: 0 })).rejects.toThrow(/positive integer/);
    await expect(kv.watchAll({ resumeFromRevision: 3, updatesOnly: true })).rejects.toThrow(
      /cannot be combined/,
    );
    await expect(kv.watch("a..b")).rejects.toThrow(/empty token|key/);
  });
});
