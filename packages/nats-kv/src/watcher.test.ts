import type { Connection } from "@helix/nats-core";
import type { KvEntry } from "@nats-io/kv";
import { describe, expect, it } from "vitest";
import { toClientWatchOptions, Watcher } from "./watcher.js";

describe("toClientWatchOptions", () => {
  it("maps the options to the client's, leaving ignoreDeletes to the watcher", () => {
    expect(toClientWatchOptions(">", {})).toEqual({ key: ">", headers_only: false, include: "" });
    expect(toClientWatchOptions("a.*", { includeHistory: true, ignoreDeletes: true })).toEqual({
      key: "a.*",
      headers_only: false,
      include: "history",
    });
    expect(toClientWatchOptions("a", { updatesOnly: true, metaOnly: true })).toEqual({
      key: "a",
      headers_only: true,
      include: "updates",
    });
    expect(toClientWatchOptions("a", { resumeFromRevision: 9 })).toMatchObject({
      resumeFromRevision: 9,
    });
  });
});

describe("Watcher initial phase", () => {
  it("ends when the consumer has nothing pending although an initial entry never came (it expired)", async () => {
    let wake: (() => void) | undefined;
    let liveInfo = 0;
    const iter = {
      _data: {
        info: async (cached: boolean) => {
          if (!cached) liveInfo++;
          return { num_pending: cached ? 2 : 0 };
        },
      },
      stop: () => wake?.(),
      async *[Symbol.asyncIterator]() {
        yield { key: "a", delta: 1, operation: "PUT", value: new Uint8Array(0) } as KvEntry;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      },
    };
    const conn = { onDrain: () => () => {} } as unknown as Connection;
    const watcher = new Watcher(conn, iter, {
      bucket: "b",
      filter: ">",
      initialCount: 2,
      ignoreDeletes: false,
    });
    const entries = watcher[Symbol.asyncIterator]();
    const first = await entries.next();
    expect([first.value?.key, first.value?.isUpdate]).toEqual(["a", false]);
    const second = entries.next(); // the caller has handled "a" and asks for more
    await watcher.initialized;
    expect(liveInfo).toBe(1);
    watcher.stop();
    expect((await second).done).toBe(true);
    await watcher.closed;
  });
});
