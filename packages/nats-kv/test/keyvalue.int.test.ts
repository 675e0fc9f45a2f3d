import { KeyExistsError, ValidationError, WrongRevisionError } from "@helix/nats-core";
import { uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { createKeyValueManager, type KeyValue } from "../src/index.js";
import { connectRecording, kvSuite } from "./helpers.js";

const url = inject("natsUrl");

describe("KeyValue reads and writes", () => {
  const suite = kvSuite(url);

  async function bucket(history = 10): Promise<KeyValue> {
    return suite.kvm.create({ bucket: uniqueName("kv"), history });
  }

  it("put and get: bytes, strings and JSON, with the entry's fields", async () => {
    const kv = await bucket();
    const before = Date.now();
    const r1 = await kv.put("bytes", new Uint8Array([1, 2, 3]));
    const r2 = await kv.put("text", "héllo");
    const r3 = await kv.put("json", { a: 1, list: [true, null] });
    const r4 = await kv.put("number", 42);
    expect([r1, r2, r3, r4]).toEqual([1, 2, 3, 4]);

    const bytes = await kv.get("bytes");
    expect(bytes?.value).toEqual(new Uint8Array([1, 2, 3]));
    const text = await kv.get("text");
    expect(text).toMatchObject({
      bucket: kv.bucket,
      key: "text",
      revision: 2,
      operation: "PUT",
      delta: 0,
    });
    expect(text?.string()).toBe("héllo");
    expect(text?.created).toBeInstanceOf(Date);
    expect(text?.created.getTime()).toBeGreaterThan(before - 60_000);
    expect((await kv.get("json"))?.json()).toEqual({ a: 1, list: [true, null] });
    expect((await kv.get("number"))?.json<number>()).toBe(42);
  });

  it("get is null for a missing, a deleted and a purged key", async () => {
    const kv = await bucket();
    expect(await kv.get("never")).toBeNull();
    await kv.put("deleted", "x");
    await kv.delete("deleted");
    expect(await kv.get("deleted")).toBeNull();
    await kv.put("purged", "x");
    await kv.purge("purged");
    expect(await kv.get("purged")).toBeNull();
    // the markers are there: the raw client returns them as entries
    expect((await kv.raw.get("deleted"))?.operation).toBe("DEL");
  });

  it("getRevision returns the value at a revision, null for other keys, markers and unknown revisions", async () => {
    const kv = await bucket();
    const r1 = await kv.put("k", "one");
    const r2 = await kv.put("k", "two");
    const other = await kv.put("other", "x");
    await kv.delete("k");
    const marker = (await kv.history("k")).at(-1)?.revision ?? 0;
    expect((await kv.getRevision("k", r1))?.string()).toBe("one");
    expect((await kv.getRevision("k", r2))?.string()).toBe("two");
    expect(await kv.getRevision("k", other)).toBeNull();
    expect(await kv.getRevision("k", marker)).toBeNull();
    expect(await kv.getRevision("k", 9999)).toBeNull();
    await expect(kv.getRevision("k", 0)).rejects.toThrow(ValidationError);
  });

  it("create writes a new key, throws KeyExistsError for an existing one, and reuses a deleted one", async () => {
    const kv = await bucket();
    const rev = await kv.create("c", "first");
    expect(rev).toBe(1);
    const err = await kv.create("c", "second").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyExistsError);
    expect(err).toMatchObject({ key: "c", code: "KEY_EXISTS" });
    expect((await kv.get("c"))?.string()).toBe("first");
    await kv.delete("c");
    const again = await kv.create("c", "after delete");
    expect((await kv.get("c"))?.revision).toBe(again);
  });

  it("update writes at the current revision and throws WrongRevisionError on a stale one", async () => {
    const kv = await bucket();
    const r1 = await kv.put("u", "v1");
    const r2 = await kv.update("u", "v2", r1);
    expect(r2).toBeGreaterThan(r1);
    const err = await kv.update("u", "v3", r1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongRevisionError);
    expect(err).toMatchObject({ code: "WRONG_REVISION", apiCode: 10071 });
    expect((await kv.get("u"))?.string()).toBe("v2");
  });

  it("update with revision 0: WrongRevisionError for an existing key, a write for a missing one", async () => {
    const kv = await bucket();
    await kv.put("exists", "v");
    // the client's update() throws synchronously for 0: here it is a rejected promise
    const pending = kv.update("exists", "x", 0);
    await expect(pending).rejects.toBeInstanceOf(WrongRevisionError);
    const rev = await kv.update("fresh", "new", 0);
    expect((await kv.get("fresh"))?.revision).toBe(rev);
    await expect(kv.update("fresh", "again", 0)).rejects.toBeInstanceOf(WrongRevisionError);
    await expect(kv.update("fresh", "x", -1)).rejects.toThrow(ValidationError);
    await expect(kv.update("fresh", "x", 1.5)).rejects.toThrow(ValidationError);
  });

  it("optimistic concurrency: two writers updating from the same revision, exactly one wins", async () => {
    const kv = await bucket();
    const base = await kv.put("counter", 0);
    for (let round = 0; round < 5; round++) {
      const current = (await kv.get("counter"))?.revision ?? base;
      const results = await Promise.allSettled([
        kv.update("counter", { writer: "a", round }, current),
        kv.update("counter", { writer: "b", round }, current),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(WrongRevisionError);
      const entry = await kv.get("counter");
      expect(entry?.revision).toBe((won[0] as PromiseFulfilledResult<number>).value);
      expect(entry?.json<{ round: number }>().round).toBe(round);
    }
  });

  it("delete and purge: with the current revision they apply, with a stale one WrongRevisionError", async () => {
    const kv = await bucket();
    const r1 = await kv.put("d", "1");
    const r2 = await kv.put("d", "2");
    await expect(kv.delete("d", { revision: r1 })).rejects.toBeInstanceOf(WrongRevisionError);
    expect((await kv.get("d"))?.string()).toBe("2");
    await kv.delete("d", { revision: r2 });
    expect(await kv.get("d")).toBeNull();
    expect((await kv.history("d")).map((e) => e.operation)).toEqual(["PUT", "PUT", "DEL"]);

    const p1 = await kv.put("p", "1");
    const p2 = await kv.put("p", "2");
    await expect(kv.purge("p", { revision: p1 })).rejects.toBeInstanceOf(WrongRevisionError);
    await kv.purge("p", { revision: p2 });
    expect(await kv.get("p")).toBeNull();
    expect((await kv.history("p")).map((e) => e.operation)).toEqual(["PURGE"]);
    await expect(kv.delete("p", { revision: 0 })).rejects.toThrow(ValidationError);
  });

  it("keys lists live keys with a filter; history lists every entry oldest first", async () => {
    const kv = await bucket();
    await kv.put("orders.1", "a");
    await kv.put("orders.2", "b");
    await kv.put("orders.2", "c");
    await kv.put("users.1", "d");
    await kv.delete("orders.1");
    expect((await kv.keys()).sort()).toEqual(["orders.2", "users.1"]);
    expect(await kv.keys("orders.>")).toEqual(["orders.2"]);
    expect(await kv.keys("nothing.*")).toEqual([]);
    const history = await kv.history("orders.2");
    expect(history.map((e) => [e.string(), e.operation, e.key])).toEqual([
      ["b", "PUT", "orders.2"],
      ["c", "PUT", "orders.2"],
    ]);
    expect(history[0]?.revision).toBeLessThan(history[1]?.revision ?? 0);
    expect(await kv.history("never")).toEqual([]);
    const empty = await bucket();
    expect(await empty.keys()).toEqual([]);
  });

  it("status reports the values and bytes stored", async () => {
    const kv = await bucket(3);
    await kv.put("a", "1");
    await kv.put("a", "2");
    await kv.put("b", "3");
    const status = await kv.status();
    expect(status).toMatchObject({ bucket: kv.bucket, values: 3, history: 3 });
    expect(status.bytes).toBeGreaterThan(0);
  });

  it("validates keys and values before any I/O", async () => {
    const kv = await bucket();
    const before = suite.ops.length;
    const badKeys = ["", ".lead", "trail.", "sp ace", "star*", "gt>", "a..b", "ü"];
    for (const key of badKeys) {
      for (const call of [
        () => kv.get(key),
        () => kv.put(key, "v"),
        () => kv.create(key, "v"),
        () => kv.update(key, "v", 1),
        () => kv.delete(key),
        () => kv.purge(key),
        () => kv.getRevision(key, 1),
      ]) {
        await expect(call(), key).rejects.toThrow(ValidationError);
      }
    }
    await expect(kv.keys("a..b")).rejects.toThrow(ValidationError);
    await expect(kv.watch(".x")).rejects.toThrow(ValidationError);
    await expect(kv.history("")).rejects.toThrow(ValidationError);
    await expect(kv.put("k", undefined as never)).rejects.toThrow(ValidationError);
    await expect(kv.put("k", (() => 1) as never)).rejects.toThrow(ValidationError);
    await expect(kv.put("k", { big: 1n } as never)).rejects.toThrow(ValidationError);
    await expect(kv.put("k", new Uint8Array([1]).buffer)).rejects.toThrow(ValidationError);
    await expect(kv.create("k", new Float64Array([1]))).rejects.toThrow(ValidationError);
    await expect(kv.purgeDeletes({ olderThanMs: -1 })).rejects.toThrow(ValidationError);
    expect(suite.ops.length).toBe(before);
  });

  it("invalid input is a rejected promise, never a synchronous throw", async () => {
    const kv = await bucket();
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = kv.update("k", "v", -1);
    }).not.toThrow();
    await expect(pending).rejects.toBeInstanceOf(ValidationError);
  });

  it("calls on a deleted bucket fail with NotFoundError for the bucket", async () => {
    // a short JetStream timeout: on 2.9 a direct get from a deleted bucket is never answered
    const { conn: quick } = await connectRecording(url, { timeoutMs: 1000 });
    const kv = await createKeyValueManager(quick).create({ bucket: uniqueName("gone") });
    await kv.put("k", "v");
    await suite.kvm.delete(kv.bucket);
    // writes too, at once: no responders is not retried as a leader election would be
    const calls = [
      () => kv.get("k"),
      () => kv.status(),
      () => kv.keys(),
      () => kv.put("k", "v"),
      () => kv.update("k", "v", 1),
      () => kv.delete("k"),
    ];
    for (const call of calls) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "NOT_FOUND", what: "bucket", resource: kv.bucket });
    }
    await quick.drain();
  });
});
