import { CancelledError, KeyExistsError, type Operation } from "@helix/nats-core";
import { deferred, recordOperations, uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { createKeyValueManager, type KeyValue } from "../src/index.js";
import { connectRecording, kvSuite, type Recorded } from "./helpers.js";

const url = inject("natsUrl");

describe("KeyValue calls as operations of the middleware stack", () => {
  const suite = kvSuite(url);

  async function bucket(history = 10): Promise<KeyValue> {
    return suite.kvm.create({ bucket: uniqueName("kv"), history });
  }

  it("an aborted signal cancels before any I/O", async () => {
    const kv = await bucket();
    const controller = new AbortController();
    controller.abort();
    await expect(kv.put("k", "v", { signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(await kv.get("k")).toBeNull();
  });

  it("keys and history cancelled while they read stop the client's iteration", async () => {
    // both read a client watch (see snapshot.ts): the client's keys() misses the server's limit
    // markers, and its keys()/history() wait 30 s for an entry that expired meanwhile
    const kv = await bucket(1);
    const total = 300;
    await Promise.all(Array.from({ length: total }, (_, i) => kv.put(`k.${i}`, String(i))));
    for (const [call_, method] of [
      ["keys", "watch"],
      ["history", "watch"],
    ] as const) {
      const controller = new AbortController();
      const raw = kv.raw as unknown as Record<string, (arg: unknown) => Promise<unknown>>;
      const original = raw[method] as (
        arg: unknown,
      ) => Promise<AsyncIterable<unknown> & { stop(): void }>;
      let pulled = 0;
      const stopped = deferred();
      // the call is cancelled once the client's iterator exists, before anything was read
      raw[method] = async (arg: unknown) => {
        const iter = await original.call(kv.raw, arg);
        controller.abort();
        return {
          stop: () => {
            iter.stop();
            stopped.resolve();
          },
          async *[Symbol.asyncIterator]() {
            for await (const item of iter) {
              pulled++;
              yield item;
            }
          },
        };
      };
      try {
        const call = call_ === "keys" ? kv.keys(">", controller) : kv.history(">", controller);
        await expect(call).rejects.toBeInstanceOf(CancelledError);
        // aborted before anything was read: the watch is stopped without being read
        await stopped.promise;
      } finally {
        raw[method] = original;
      }
      // without the stop, every one of the entries is read for nobody
      expect(pulled, call_).toBeLessThan(total);
    }
    expect(await kv.keys()).toHaveLength(total);
  });

  it("runs every call through the middleware as kv.* with bucket, key and revision", async () => {
    const kv = await bucket();
    const b = kv.bucket;
    const start = suite.ops.length;
    const r1 = await kv.create("k", "1");
    const r2 = await kv.put("k", "2");
    const r3 = await kv.update("k", "3", r2);
    await kv.update("k", "x", r1).catch(() => {});
    await kv.create("k", "x").catch(() => {});
    await kv.get("k");
    await kv.get("missing");
    await kv.getRevision("k", r1);
    await kv.delete("k", { revision: r3 });
    await kv.purge("k");
    await kv.purgeDeletes({ olderThanMs: 0 });
    await kv.keys();
    await kv.history("k");
    await kv.status();
    const w = await kv.watch("k");
    w.stop();
    const all = await kv.watchAll();
    all.stop();
    const op = (kind: string, key?: string, revision?: number, error?: string): Recorded => ({
      kind,
      bucket: b,
      key,
      revision,
      error,
    });
    expect(suite.ops.slice(start)).toEqual([
      op("kv.create", "k", r1),
      op("kv.put", "k", r2),
      op("kv.update", "k", r3),
      op("kv.update", "k", r1, "WrongRevisionError"),
      op("kv.create", "k", undefined, "KeyExistsError"),
      op("kv.get", "k", r3),
      op("kv.get", "missing"),
      op("kv.getRevision", "k", r1),
      op("kv.delete", "k", r3),
      op("kv.purge", "k"),
      op("kv.purgeDeletes"),
      op("kv.keys", ">"),
      op("kv.history", "k"),
      op("kv.status"),
      op("kv.watch", "k"),
      op("kv.watchAll", ">"),
    ]);
  });
  it("a middleware sees a call whose signal was aborted before it was sent, and its CancelledError", async () => {
    const kv = await bucket();
    const live = recordOperations<Operation>(suite.conn, "live");
    try {
      const controller = new AbortController();
      controller.abort();
      const start = suite.ops.length;
      const err = await kv.put("k", "v", { signal: controller.signal }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect(err).toMatchObject({ code: "CANCELLED", message: "kv.put: cancelled" });
      expect(suite.ops.slice(start)).toEqual([
        {
          kind: "kv.put",
          bucket: kv.bucket,
          key: "k",
          revision: undefined,
          error: "CancelledError",
        },
      ]);
      // not ofKind: its Extract finds no member for "kv.put" (KvOperation's kind is a union)
      const put = live.find((op) => op.kind === "kv.put");
      expect(put?.signal).toBe(controller.signal);
      expect(await kv.get("k")).toBeNull();
    } finally {
      suite.conn.middleware.remove("live");
    }
  });

  it("an error a middleware throws on the way out is mapped as the call's own errors are", async () => {
    const { conn: own, ops: seen } = await connectRecording(url);
    try {
      // inside the recorder: a stale-revision error from the client, thrown after the write
      own.middleware.add(
        async (op, next) => {
          const result = await next();
          if (op.kind === "kv.create") {
            throw Object.assign(new Error("wrong last sequence: 1"), {
              name: "JetStreamApiError",
              code: 10071,
            });
          }
          return result;
        },
        { name: "refuses-after-the-write" },
      );
      const kv = await createKeyValueManager(own).create({ bucket: uniqueName("mwerr") });
      const err = await kv.create("k", "v").catch((e: unknown) => e);
      // kv's mapping, not core's default: a stale revision of kv.create is KeyExistsError
      expect(err).toBeInstanceOf(KeyExistsError);
      expect(err).toMatchObject({ code: "KEY_EXISTS", key: "k" });
      expect((err as Error).cause).toMatchObject({ name: "JetStreamApiError", code: 10071 });
      // the recorder outside the thrower saw the raw error: it is mapped as the stack returns
      expect(seen.at(-1)).toEqual({
        kind: "kv.create",
        bucket: kv.bucket,
        key: "k",
        revision: 1,
        error: "JetStreamApiError",
      });
    } finally {
      await own.drain();
    }
  });
});
