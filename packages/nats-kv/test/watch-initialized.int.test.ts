import { uniqueName, until } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import type { KeyValueWatchEntry, KeyValueWatcher } from "../src/index.js";
import { kvSuite } from "./helpers.js";

const url = inject("natsUrl");

/** A macrotask turn: whatever was ready to settle has settled. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * What a service does with a watcher: a loop, in a task of its own, that handles each entry
 * slowly (a few ms, as an await on a cache or a database would) and records what it handled.
 */
function consume(watcher: KeyValueWatcher): { handled: KeyValueWatchEntry[]; done: Promise<void> } {
  const handled: KeyValueWatchEntry[] = [];
  const done = (async () => {
    for await (const entry of watcher) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      handled.push(entry);
    }
  })();
  return { handled, done };
}

describe("watcher.initialized: every initial entry handled by the caller", () => {
  const suite = kvSuite(url);

  it("resolves once a slow consumer has handled all N initial entries (default options)", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("flags") });
    const N = 25;
    for (let i = 0; i < N; i++) await kv.put(`flag.${i}`, { on: i % 2 === 0 });
    const watcher = await kv.watchAll();
    const { handled, done } = consume(watcher);
    await watcher.initialized;
    // "flags loaded": exactly the N initial entries, each handled
    const atInitialized = handled.map((e) => [e.key, e.isUpdate]);
    expect(atInitialized).toEqual(Array.from({ length: N }, (_, i) => [`flag.${i}`, false]));
    expect(watcher.initialCount).toBe(N);
    // a live update comes after, flagged as one
    await kv.put("flag.new", { on: true });
    await until(() => handled.length === N + 1, 5_000, "the live update handled");
    expect(handled.slice(N).map((e) => [e.key, e.isUpdate])).toEqual([["flag.new", true]]);
    watcher.stop();
    await done;
  });

  it("counts only what the caller is given: initial markers skipped by ignoreDeletes", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("flags") });
    for (let i = 0; i < 10; i++) await kv.put(`f.${i}`, "x");
    for (const i of [7, 8, 9]) await kv.delete(`f.${i}`); // the last initial entries: markers
    const watcher = await kv.watchAll({ ignoreDeletes: true });
    expect(watcher.initialCount).toBe(10);
    const { handled, done } = consume(watcher);
    await watcher.initialized;
    expect(handled.map((e) => e.key)).toEqual(Array.from({ length: 7 }, (_, i) => `f.${i}`));
    watcher.stop();
    await done;
  });

  it("waits for the reader: not after the last initial entry is handed out, only once the next is asked for", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("flags") });
    for (const key of ["a", "b", "c"]) await kv.put(key, key);
    const watcher = await kv.watchAll();
    let resolved = false;
    void watcher.initialized.then(() => {
      resolved = true;
    });
    const reader = watcher[Symbol.asyncIterator]();
    const taken: string[] = [];
    for (let i = 0; i < 3; i++) taken.push(((await reader.next()).value as KeyValueWatchEntry).key);
    await turn();
    // every initial entry was received and handed out, but the caller may still be handling "c"
    expect(taken).toEqual(["a", "b", "c"]);
    expect(resolved).toBe(false);
    const next = reader.next(); // done with "c"
    await watcher.initialized;
    expect(resolved).toBe(true);
    watcher.stop();
    expect(await next).toEqual({ value: undefined, done: true });
  });

  it("resolves when the watch ends, read or not (stop, or a drain)", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("flags") });
    await kv.put("a", "1");
    const watcher = await kv.watchAll();
    watcher.stop();
    await watcher.initialized;
    await watcher.closed;
    expect(watcher.initialCount).toBe(1);
  });
});
